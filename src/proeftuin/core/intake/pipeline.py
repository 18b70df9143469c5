"""Suggest a mapping for a spreadsheet, and dry-run an import: parse, validate, pseudonymise.

:func:`suggest_mapping` reads a file and proposes what each column means.
:func:`dry_run` applies a (confirmed) mapping to a file and returns every record it would import
and every problem it found. Nothing is written anywhere: the Django layer commits the records in
one transaction, and only when :attr:`DryRunResult.ok` is true.

Validation works on whole columns. Text columns (client numbers, stories) are checked with polars
expressions; every other column is parsed once per *distinct* value in Python and mapped back
onto all rows with a join (:func:`.parsing.distinct_lookup`), so the Python work grows with the
number of different values, not with the number of rows. Python only touches the rows that have
a problem when it lists them. Participant keys are HMACs of the distinct client numbers (see
:mod:`.pseudonym`). A measurement's natural key is ``(participant_key, phase, measured_on)``;
two rows with the same key are duplicates (reported on the later row).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import polars as pl

from ..instruments import Instrument, Text, normalise_name
from . import parsing as P
from .errors import ERROR, WARNING, FileRefused, IntakeError, localized, short_value
from .headers import Column, Layout, detect_layout, trim_columns
from .mapping import (
    DROP,
    END_REASONS,
    FIELDS,
    HASH,
    IGNORE,
    PHASE_LABELS,
    PHASES,
    SENSITIVE_LABELS,
    ColumnMapping,
    Mapping,
    SheetMapping,
    Vocabulary,
    end_reason_of,
    numbered_phase,
    numbered_phase_columns,
    phase_of,
    resolve_phase_values,
    sensitive_by_header,
)
from .pseudonym import check_secret, participant_keys
from .readers import ROW, SheetSource, Workbook, open_workbook
from .safety import Limits, column_shares

#: Measurement moments and kinds of sensitive column as message parameters, in both languages.
_PHASE_TEXT = {
    key: localized(label, english)
    for (key, label), english in zip(
        PHASE_LABELS.items(), ("baseline", "interim measurement", "end measurement"), strict=True
    )
}
_SENSITIVE_TEXT = {
    "bsn": localized(SENSITIVE_LABELS["bsn"], "a BSN (citizen service number)"),
    "name": localized(SENSITIVE_LABELS["name"], "names of persons"),
    "contact": localized(SENSITIVE_LABELS["contact"], "address or contact details"),
}

#: Fields recorded per measurement (they can carry a measurement moment in a wide sheet).
PER_MEASUREMENT = (
    "measured_on",
    "professionals",
    "organisations",
    "supervision_order",
    "out_of_home_placement",
    "eviction",
    "story",
    "consent",
)
FLAGS = ("supervision_order", "out_of_home_placement", "eviction")
PHASE_ORDER = {"baseline": 0, "interim": 1, "end": 2}
MAX_COUNT = 200
MAX_AGE = 120
EARLIEST = dt.date(1990, 1, 1)
SENSITIVE_SAMPLE = 10_000


# --- results ------------------------------------------------------------------------------------


@dataclass
class SheetPreview:
    name: str | None
    header_row: int | None
    group_row: int | None
    columns: list[dict[str, str]]
    #: The first data rows as text; cells of sensitive columns are masked.
    sample: list[list[str | None]]


@dataclass
class Suggestion:
    mapping: Mapping
    previews: list[SheetPreview]
    errors: list[IntakeError]
    kind: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def ok(self) -> bool:
        return not any(e.is_error for e in self.errors)


@dataclass
class DryRunResult:
    """What an import would do. ``records`` holds only rows without errors."""

    file: str
    kind: str | None
    records: pl.DataFrame
    errors: list[IntakeError]
    error_count: int
    counts: dict[str, int]
    rows_read: int
    rows_rejected: int
    sha256: str | None = None
    instrument: str | None = None

    @property
    def ok(self) -> bool:
        """True when nothing stands in the way of committing the import."""
        return self.error_count == 0

    @property
    def warnings(self) -> list[IntakeError]:
        return [e for e in self.errors if e.severity == WARNING]

    def iter_records(self) -> Iterator[dict[str, Any]]:
        """Records as dicts, scores gathered as ``{"housing": 3, "finances": "onbekend"}``."""
        return iter(Records(self.records))

    def record_sequence(self) -> Records:
        """The records as a sequence of those dicts, each made when it is asked for (a
        million of them held at once took over a gigabyte; issue 14 item 5)."""
        return Records(self.records)


class Records(Sequence):
    """The dry run's records as a read-only sequence of dicts, made on demand from the compact
    frame: iterating makes them a slice at a time, ``records[i]``, ``records[a:b]`` and
    :meth:`take` make only the ones asked for. Every call makes new dicts (change them freely)."""

    BATCH = 5_000

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self._scores = [c for c in frame.columns if c.startswith("score__")]

    def __len__(self) -> int:
        return self.frame.height

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for start in range(0, self.frame.height, self.BATCH):
            yield from self._dicts(self.frame.slice(start, self.BATCH))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.take(range(*index.indices(len(self))))
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return next(self._dicts(self.frame.slice(position, 1)))

    def take(self, positions) -> list[dict[str, Any]]:
        """The records at ``positions`` (in that order)."""
        positions = list(positions)
        if not positions:
            return []
        rows = self.frame.select(pl.all().gather(pl.Series(positions, dtype=pl.Int64)))
        return list(self._dicts(rows))

    def column(self, name: str) -> list[Any]:
        """One field of every record, without making the records."""
        return self.frame[name].to_list()

    def _dicts(self, frame: pl.DataFrame) -> Iterator[dict[str, Any]]:
        for row in frame.iter_rows(named=True):
            scores: dict[str, int | str] = {}
            for column in self._scores:
                item = column.removeprefix("score__")
                if row.pop(f"unknown__{item}", False):
                    scores[item] = P.UNKNOWN_WORDS[0]
                value = row.pop(column)
                if value is not None:
                    scores[item] = value
            row["scores"] = scores
            yield row


class _Sink:
    """Collects problems, listing at most ``limit`` one by one but counting all of them."""

    def __init__(self, file: str, limit: int) -> None:
        self.file = file
        self.limit = limit
        self.listed: list[IntakeError] = []
        self.counts: Counter[str] = Counter()
        self.errors = 0
        self.unlisted = 0

    def room(self) -> int:
        return max(self.limit - len(self.listed), 0)

    def add(self, error: IntakeError, count: int = 1) -> None:
        self.counts[error.code] += count
        if error.severity == ERROR:
            self.errors += count
        if len(self.listed) < self.limit:
            self.listed.append(error if error.file else _with_file(error, self.file))
            self.unlisted += count - 1
        else:
            self.unlisted += count

    def count_only(self, code: str, count: int, severity: str = ERROR) -> None:
        """Count problems that are not listed one by one."""
        if count <= 0:
            return
        self.counts[code] += count
        if severity == ERROR:
            self.errors += count
        self.unlisted += count

    def new(
        self, code: str, params: dict[str, Any] | None = None, *, key: str = "", **where: Any
    ) -> None:
        self.add(IntakeError(code=code, params=params or {}, file=self.file, key=key, **where))

    def finish(self) -> list[IntakeError]:
        sheets: dict[str | None, int] = {}
        for error in self.listed:
            sheets.setdefault(error.sheet, len(sheets))
        self.listed.sort(
            key=lambda e: (
                e.row is not None,
                sheets[e.sheet],
                e.row or 0,
                len(e.column or ""),
                e.column or "",
            )
        )
        if self.unlisted > 0:
            self.listed.append(
                IntakeError(
                    code="more_problems",
                    params={"count": self.unlisted},
                    file=self.file,
                    severity=WARNING,
                )
            )
        return self.listed


def _with_file(error: IntakeError, file: str) -> IntakeError:
    return replace(error, file=file)


# --- suggestion ---------------------------------------------------------------------------------


def _file_name(source: object, filename: str | None) -> str:
    if filename:
        return filename
    if isinstance(source, str) or hasattr(source, "__fspath__"):
        return os.path.basename(os.fspath(source))  # type: ignore[arg-type]
    name = getattr(source, "name", None)
    return os.path.basename(name) if isinstance(name, str) and name else "bestand"


def _layout_for(
    sheet: SheetSource, vocab: Vocabulary, header_row: int | None = None, group_row: int | None = -1
) -> Layout | None:
    layout = detect_layout(sheet.head, vocab.known, sheet.merged, header_row, group_row)
    if layout is None:
        return None
    start = layout.data_start
    filled = {
        i
        for row in sheet.head[start:]
        for i, cell in enumerate(row)
        if cell is not None and str(cell).strip()
    }
    return trim_columns(layout, lambda index: index in filled)


def _sensitive_columns(layout: Layout, sample: pl.DataFrame, vocab: Vocabulary) -> dict[int, str]:
    from ..identifiers import bsn_share_normalised  # identifiers imports intake

    found: dict[int, str] = {}
    shares = column_shares(sample, [f"c{col.index}" for col in layout.columns])
    for col in layout.columns:
        kind = sensitive_by_header(col.header) or (
            sensitive_by_header(col.group) if col.group and not col.header else None
        )
        name = f"c{col.index}"
        if kind is None and name in shares:
            share, n, names, distinct = shares[name]
            if n >= 1 and share < 0.5 and name in sample.columns:
                # Dotted, prefixed or fullwidth BSNs (the identifier guard's normalisation).
                share, n = bsn_share_normalised(sample[name])
            if n >= 1 and share >= 0.5:
                kind = "bsn"
            else:
                guess = vocab.guess_column(col.header, col.group)
                confident_other = (
                    guess is not None
                    and guess.confidence >= 0.9
                    and guess.target not in ("client_number", "household_number")
                )
                if not confident_other and n >= 3 and names >= 0.6 and distinct >= 0.5:
                    kind = "name"
        if kind is not None:
            found[col.index] = kind
    return found


def _suggest_sheet(
    sheet: SheetSource, vocab: Vocabulary, instrument: Instrument, limits: Limits
) -> tuple[SheetMapping, SheetPreview]:
    name = sheet.name or ""
    layout = _layout_for(sheet, vocab)
    if layout is None:
        return (
            SheetMapping(name=name, include=False, note="Geen kopregel gevonden."),
            SheetPreview(sheet.name, None, None, [], []),
        )
    sample = _frame(sheet, layout, limits, n_rows=SENSITIVE_SAMPLE)
    sensitive = _sensitive_columns(layout, sample, vocab)
    guesses = [vocab.guess_column(col.header, col.group) for col in layout.columns]
    numbered = numbered_phase_columns(guesses)

    columns: list[ColumnMapping] = []
    for col, guess in zip(layout.columns, guesses, strict=True):
        if col.index in sensitive:
            kind = sensitive[col.index]
            columns.append(
                ColumnMapping(
                    header=col.label,
                    column=col.letter,
                    target=IGNORE,
                    sensitive=kind,
                    reason="sensitive",
                    reason_params={"kind": _SENSITIVE_TEXT[kind]},
                )
            )
            continue
        if guess is None:
            columns.append(
                ColumnMapping(header=col.label, column=col.letter, reason="not_recognised")
            )
            continue
        phase = guess.phase
        if phase is None and guess.number is not None:
            phase = numbered.get(guess.number)
        if phase is None and col.group:
            phase = phase_of(col.group)
            group_number = numbered_phase(col.group)
            if phase is None and group_number is not None:
                phase = numbered.get(group_number)
        if guess.target not in PER_MEASUREMENT and guess.target != "score":
            phase = None
        values: dict[str, str] = {}
        if guess.target in ("phase", "end_reason") and f"c{col.index}" in sample.columns:
            distinct = sample[f"c{col.index}"].drop_nulls().unique().to_list()[:200]
            if guess.target == "phase":
                values = resolve_phase_values(distinct)
            else:
                values = {v: r for v in distinct if (r := end_reason_of(v)) is not None}
        columns.append(
            ColumnMapping(
                header=col.label,
                column=col.letter,
                target=guess.target,
                item=guess.item,
                phase=phase,
                values=values,
                confidence=guess.confidence,
                reason=guess.reason,
                reason_params=guess.reason_params,
            )
        )
    columns = _one_per_target(columns)
    targets = {c.target for c in columns}
    if "phase" in targets:
        # A column names the moment per row: a moment in a header ("Datum 0-meting") is then
        # just part of its name, unless the same field occurs for several moments (a wide sheet).
        variants = Counter((c.target, c.item) for c in columns if c.phase)
        if all(n == 1 for n in variants.values()):
            columns = [replace(c, phase=None) for c in columns]
    sheet_phase = None
    if "phase" not in targets and not any(c.phase for c in columns):
        sheet_phase = phase_of(name) if name else None
    has_key = "client_number" in targets
    include = has_key and len(targets - {IGNORE, "client_number"}) > 0 and sheet.visible
    note = ""
    if not has_key:
        note = "Geen kolom met een cliëntnummer herkend; dit blad wordt overgeslagen."
    elif not sheet.visible:
        note = "Verborgen blad; zet 'importeren' aan als het wel mee moet."
    mapping = SheetMapping(
        name=name,
        include=include,
        header_row=layout.header_row + 1,
        group_row=None if layout.group_row is None else layout.group_row + 1,
        phase=sheet_phase,
        columns=tuple(columns),
        note=note,
    )
    preview_rows = []
    for row in sample.head(5).iter_rows(named=True):
        preview_rows.append(
            [
                "•••" if c.index in sensitive and row.get(f"c{c.index}") else row.get(f"c{c.index}")
                for c in layout.columns
            ]
        )
    preview = SheetPreview(
        name=sheet.name,
        header_row=layout.header_row + 1,
        group_row=mapping.group_row,
        columns=[{"column": c.letter, "label": c.label} for c in layout.columns],
        sample=preview_rows,
    )
    return mapping, preview


def _one_per_target(columns: list[ColumnMapping]) -> list[ColumnMapping]:
    """Keep the most confident column per (target, item, phase); the others become ``ignore``."""
    best: dict[tuple[str, str | None, str | None], int] = {}
    for index, column in enumerate(columns):
        if column.target in (IGNORE, HASH, DROP):
            continue
        key = (column.target, column.item, column.phase)
        if key not in best or column.confidence > columns[best[key]].confidence:
            best[key] = index
    result = []
    for index, column in enumerate(columns):
        key = (column.target, column.item, column.phase)
        if column.target not in (IGNORE, HASH, DROP) and best.get(key) != index:
            other = columns[best[key]]
            column = ColumnMapping(
                header=column.header,
                column=column.column,
                reason="better_elsewhere",
                reason_params={
                    "label": localized(
                        FIELDS[column.target].label_nl, FIELDS[column.target].label_en
                    ),
                    "column": other.column,
                },
            )
        result.append(column)
    return result


def suggest_mapping(
    source: object,
    instrument: Instrument,
    *,
    filename: str | None = None,
    limits: Limits | None = None,
) -> Suggestion:
    """Read ``source`` and suggest what every column of every sheet holds."""
    limits = limits or Limits()
    file = _file_name(source, filename)
    vocab = Vocabulary.for_instrument(instrument)
    try:
        book = open_workbook(source, file, limits)
    except FileRefused as refused:
        return Suggestion(Mapping(instrument.id, ()), [], [refused.error])
    sheets, previews, errors = [], [], []
    for sheet in book.sheets:
        try:
            mapping, preview = _suggest_sheet(sheet, vocab, instrument, limits)
        except FileRefused as refused:
            errors.append(_with_file(refused.error, file))
            continue
        except Exception as exc:  # noqa: BLE001 - bad input must never become a server error
            errors.append(
                IntakeError(
                    code="internal_error",
                    params={"sheet": sheet.name, "error": type(exc).__name__},
                    file=file,
                    sheet=sheet.name,
                    key="internal_error_sheet",
                )
            )
            continue
        sheets.append(mapping)
        previews.append(preview)
    return Suggestion(
        Mapping(instrument.id, tuple(sheets)),
        previews,
        errors,
        kind=book.kind,
        encoding=book.encoding,
        delimiter=book.delimiter,
    )


# --- reading a sheet into a frame -----------------------------------------------------------------


def _frame(
    sheet: SheetSource,
    layout: Layout,
    limits: Limits,
    n_rows: int | None = None,
    skipped: list[int] | None = None,
) -> pl.DataFrame:
    """The sheet's data rows (cleaned text), blank rows and a units row removed; ``n_rows``
    limits the read; the row number of a skipped units row is appended to ``skipped``."""
    width = layout.width
    try:
        if n_rows is not None:
            capped = Limits(**{**limits.__dict__, "max_rows": n_rows - 1})
            frame = sheet.frame(layout.data_start, width, capped).head(n_rows)
        else:
            frame = sheet.frame(layout.data_start, width, limits)
    except pl.exceptions.PolarsError as exc:
        raise FileRefused(
            IntakeError(
                code="csv_malformed", params={"error": short_value(exc, 120)}, sheet=sheet.name
            )
        ) from exc
    names = [f"c{c.index}" for c in layout.columns]
    frame = frame.select(ROW, *names)
    if not names:
        return frame
    # Blank rows: every cell empty or only whitespace. Checking cheaply first (null, or starting
    # with a space) and trimming only those few candidate rows keeps this fast.
    empty = pl.all_horizontal([pl.col(n).is_null() for n in names])
    spacey = pl.all_horizontal(
        [
            pl.col(n).is_null()
            | pl.col(n).str.starts_with(" ")
            | pl.col(n).str.starts_with("\t")
            | pl.col(n).str.starts_with("\u00a0")
            for n in names
        ]
    )
    flags = frame.select(empty.alias("e"), (spacey & ~empty).alias("s"))
    blank = flags.get_column("e")
    if flags.get_column("s").any():
        candidates = frame.filter(flags.get_column("s"))
        whitespace = candidates.select(
            ROW, pl.all_horizontal([P.clean(pl.col(n)).is_null() for n in names]).alias("b")
        ).filter("b")
        if whitespace.height:
            blank = blank | frame.get_column(ROW).is_in(whitespace.get_column(ROW).implode())
    frame = frame.filter(~blank) if blank.any() else frame
    return _without_units_row(frame, names, layout, skipped)


#: A cell of a units row: "(dd-mm-jjjj)", "dd-mm-jjjj", "1-5", "(1 t/m 5)", "ja/nee", "aantal" …
UNITS_CELL = re.compile(
    r"^\(.*\)$"
    r"|^(d{1,2}|j{2,4}|m{1,2}|y{2,4})([-/. ](d{1,2}|m{1,2}|j{2,4}|y{2,4})){0,2}$"
    r"|^\d{1,2}\s*(-|–|t/m|tot)\s*\d{1,2}$"
    r"|^(ja/nee|j/n|nee/ja|aantal|getal|tekst|jaar|datum|score|euro|€|%)$",
    re.IGNORECASE,
)


def _without_units_row(
    frame: pl.DataFrame, names: list[str], layout: Layout, skipped: list[int] | None
) -> pl.DataFrame:
    """Drop a units row directly under the header ("(dd-mm-jjjj)", "1-5"): a description of the
    columns, not a record. Every filled cell must look like a unit and at least two must be
    filled, so a real record is never dropped; its row number goes to ``skipped``."""
    if frame.height == 0 or not names:
        return frame
    first = frame.row(0, named=True)
    if first[ROW] != layout.data_start + 1:
        return frame
    cells = [str(first[n]).strip() for n in names if first[n] is not None]
    cells = [c for c in cells if c]
    if len(cells) >= 2 and all(UNITS_CELL.match(c) for c in cells):
        if skipped is not None:
            skipped.append(int(first[ROW]))
        return frame.slice(1)
    return frame


# --- dry run --------------------------------------------------------------------------------------


@dataclass
class _Resolved:
    mapping: ColumnMapping
    column: Column

    @property
    def src(self) -> str:
        return f"c{self.column.index}"

    @property
    def target(self) -> str:
        return self.mapping.target


@dataclass
class _Check:
    """A problem to report: a boolean mask column with one code, or a column of codes."""

    mask: str
    code: str | None
    params: dict[str, Any]
    resolved: _Resolved | None
    echo: bool = True
    severity: str = ERROR
    #: For a column of codes: code → its parameters (the offending value is added per row).
    messages: dict[str, dict[str, Any]] | None = None


@dataclass
class _SheetWork:
    name: str | None
    frame: pl.DataFrame
    #: Computed before ``exprs`` (cleaned text that several checks read).
    pre: dict[str, pl.Expr] = field(default_factory=dict)
    exprs: dict[str, pl.Expr] = field(default_factory=dict)
    #: (source column, cell parser, output columns) applied per distinct value.
    lookups: list[tuple[str, Callable[[str | None], Any], dict[str, pl.DataType]]] = field(
        default_factory=list
    )
    checks: list[_Check] = field(default_factory=list)
    #: Rows rejected by checks that are not column expressions (formulas without a value).
    bad_rows: set[int] = field(default_factory=set)


def _choose_layout(
    sheet: SheetSource, vocab: Vocabulary, sheet_mapping: SheetMapping
) -> Layout | None:
    """The header rows the mapping names, unless the file moved them (a template reused on a
    file with another title row): then the detected header, if more mapped columns match it."""
    detected = _layout_for(sheet, vocab)
    if sheet_mapping.header_row is None:
        return detected
    header_row = int(sheet_mapping.header_row) - 1
    group_row = int(sheet_mapping.group_row) - 1 if sheet_mapping.group_row else None
    forced = _layout_for(sheet, vocab, header_row, group_row)
    if forced is None or detected is None:
        return forced or detected

    def matches(layout: Layout) -> int:
        names = {normalise_name(c.label) for c in layout.columns}
        names |= {normalise_name(c.header) for c in layout.columns}
        return sum(normalise_name(c.header) in names for c in sheet_mapping.mapped())

    return detected if matches(detected) > matches(forced) else forced


def _as_mapping(mapping: Mapping | dict[str, Any] | str) -> Mapping:
    if isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, str):
        return Mapping.from_json(mapping)
    return Mapping.from_dict(mapping)


def _match_sheet(mapping: Mapping, sheet: SheetSource, book: Workbook) -> SheetMapping | None:
    found = mapping.sheet(sheet.name or "")
    if found is None and len(mapping.sheets) == 1 and len(book.sheets) == 1:
        found = mapping.sheets[0]  # a one-sheet template applied to another one-sheet file
    return found


def _resolve_columns(
    sheet_mapping: SheetMapping, layout: Layout, sink: _Sink, sheet: str | None
) -> list[_Resolved]:
    by_label: dict[str, Column] = {}
    by_header: dict[str, list[Column]] = {}
    for col in layout.columns:
        by_label.setdefault(normalise_name(col.label), col)
        by_header.setdefault(normalise_name(col.header), []).append(col)
    resolved = []
    for cm in sheet_mapping.columns:
        key = normalise_name(cm.header)
        col = by_label.get(key)
        if col is None and len(by_header.get(key, ())) == 1:
            col = by_header[key][0]
        if col is None:
            if cm.target not in (IGNORE, DROP):
                sink.new(
                    "mapping_column_missing",
                    {"header": cm.header},
                    sheet=sheet,
                    header=cm.header,
                )
            continue
        resolved.append(_Resolved(cm, col))
    return resolved


def _check_mapping(
    resolved: list[_Resolved],
    sheet_mapping: SheetMapping,
    instrument: Instrument,
    sink: _Sink,
    sheet: str | None,
) -> list[_Resolved]:
    """Reject mapping entries that cannot work; return the usable ones."""
    item_names = [_text(item.name) for item in instrument.items]
    usable = []
    seen: dict[tuple[str, str | None, str | None], _Resolved] = {}
    for r in resolved:
        cm = r.mapping
        where = {"sheet": sheet, "column": r.column.letter, "header": r.column.label}
        if cm.target in (IGNORE, DROP):
            continue
        if cm.target != HASH and cm.target not in FIELDS:
            sink.new("mapping_target_unknown", {"target": cm.target}, **where)
            continue
        if cm.phase is not None and cm.phase not in PHASES:
            sink.new("mapping_phase_unknown", {"phase": cm.phase}, **where)
            continue
        if cm.target == "score" and cm.item is not None and cm.item not in instrument.item_ids:
            sink.new(
                "domain_unknown",
                {
                    "value": cm.item,
                    "item_label": _text(instrument.item_label),
                    "instrument": _text(instrument.name),
                    "items": item_names,
                },
                key="domain_unknown_mapping",
                **where,
            )
            continue
        key = (cm.target, cm.item, cm.phase)
        if cm.target != HASH and key in seen:
            other = seen[key]
            field_label = FIELDS[cm.target]
            label = localized(field_label.label_nl, field_label.label_en)
            if cm.phase:
                phase = _PHASE_TEXT[cm.phase]
                label = localized(
                    f"{label['nl']} ({phase['nl']})", f"{label['en']} ({phase['en']})"
                )
            sink.new(
                "mapping_duplicate_target",
                {"first": other.column.letter, "second": r.column.letter, "label": label},
                **where,
            )
            continue
        seen[key] = r
        usable.append(r)
    targets = {r.target for r in usable}
    if "score" in targets:
        loose = [r for r in usable if r.target == "score" and r.mapping.item is None]
        if loose and "item" not in targets:
            r = loose[0]
            sink.new(
                "mapping_score_without_item",
                {"item_label": _text(instrument.item_label)},
                sheet=sheet,
                column=r.column.letter,
                header=r.column.label,
            )
            usable = [u for u in usable if u not in loose]
    return usable


def _add(work: _SheetWork, name: str, expr: pl.Expr) -> str:
    work.exprs[name] = expr.alias(name)
    return name


def _check(
    work: _SheetWork,
    name: str,
    mask: pl.Expr,
    code: str,
    params: dict[str, Any],
    resolved: _Resolved | None,
    echo: bool = True,
) -> None:
    _add(work, name, mask.fill_null(False))
    work.checks.append(_Check(name, code, params, resolved, echo))


def _text(text: Text) -> dict[str, str]:
    """An instrument's text as a message parameter in both languages."""
    return localized(text.nl, text.en)


def _messages(
    kind: str, r: _Resolved, instrument: Instrument, today: dt.date
) -> dict[str, dict[str, Any]]:
    """The parameters of each problem code, for one column (the cell's value is added per row)."""
    scale = {"low": instrument.scale.min, "high": instrument.scale.max}
    cm = r.mapping
    label = (
        _text(instrument.item(cm.item).name) if cm.item else localized("deze score", "this score")
    )
    return {
        "formula": {},
        "score_type": scale,
        "score_not_whole": scale,
        "score_range": {**scale, "label": label},
        "date_invalid": {},
        "date_implausible": {"year": EARLIEST.year},
        "date_future": {"today": f"{today:%d-%m-%Y}"},
        "count_invalid": {"max": MAX_COUNT},
        "age_invalid": {"max": MAX_AGE},
        "year_invalid": {},
        "flag_invalid": {},
        "consent_invalid": {},
        "phase_unknown": {},
        "domain_unknown": {
            "item_label": _text(instrument.item_label),
            "instrument": _text(instrument.name),
            "items": [_text(i.name) for i in instrument.items],
        },
        "reason_unknown": {},
    }


def _parser(
    kind: str,
    target: str,
    cm: ColumnMapping,
    instrument: Instrument,
    today: dt.date,
    table: dict[str, str] | None,
) -> tuple[Callable[[str | None], tuple[Any, ...]], dict[str, pl.DataType]]:
    """The cell parser for one mapped column and the dtypes of what it returns.

    Every parser returns its values followed by a problem code (None when the cell is fine).
    Empty cells, "empty" words (n.v.t., -) and "unknown" words (onbekend) are never problems.
    """
    lo, hi = instrument.scale.min, instrument.scale.max

    def prelude(value: str | None) -> tuple[str | None, str | None, bool]:
        """(clean text or None, problem code, is-unknown)"""
        text = P.clean_text(value)
        if text is None or P.is_empty_word(text):
            return None, None, False
        if P.is_formula_text(text):
            return None, "formula", False
        if P.is_unknown_word(text):
            return None, None, True
        return text, None, False

    if kind == "score":

        def parse_score(value: str | None) -> tuple[Any, ...]:
            text, code, unknown = prelude(value)
            if text is None:
                return None, unknown, code
            number = P.number_text(text)
            if number is None:
                return None, False, "score_type"
            if not number.is_integer():
                return None, False, "score_not_whole"
            if not lo <= number <= hi:
                return None, False, "score_range"
            return int(number), False, None

        return parse_score, {"value": pl.Int8(), "unknown": pl.Boolean()}

    if kind in ("count", "age"):
        top, code_bad = (
            (MAX_COUNT, "count_invalid") if kind == "count" else (MAX_AGE, "age_invalid")
        )

        def parse_count(value: str | None) -> tuple[Any, ...]:
            text, code, _unknown = prelude(value)
            if text is None:
                return None, code
            number = P.number_text(text)
            if number is None or not number.is_integer() or not 0 <= number <= top:
                return None, code_bad
            return int(number), None

        return parse_count, {"value": pl.Int16()}

    if kind == "year":

        def parse_year(value: str | None) -> tuple[Any, ...]:
            text, code, _unknown = prelude(value)
            if text is None:
                return None, code
            number = P.number_text(text)
            if number is not None:
                if number.is_integer() and 1900 <= number <= today.year:
                    return int(number), None
                return None, "year_invalid"
            when = P.date_text(text, today)
            if when is not None and 1900 <= when.year <= today.year:
                return when.year, None  # a birth date: only the year is kept
            return None, "year_invalid"

        return parse_year, {"value": pl.Int16()}

    if kind == "date":
        future_check = target == "measured_on"

        def parse_date(value: str | None) -> tuple[Any, ...]:
            text, code, _unknown = prelude(value)
            if text is None:
                return None, code
            when = P.date_text(text, today)
            if when is None:
                return None, "date_invalid"
            if when < EARLIEST:
                return None, "date_implausible"
            if future_check and when > today:
                return None, "date_future"
            return when, None

        return parse_date, {"value": pl.Date()}

    if kind == "flag":
        is_measure = target in FLAGS

        def parse_flag(value: str | None) -> tuple[Any, ...]:
            text, code, _unknown = prelude(value)
            if text is None:
                return None, None, code
            answer = P.bool_text(text)
            if answer is not None:
                return answer, None, None
            when = P.date_text(text, today) if is_measure else None
            if when is not None and EARLIEST <= when <= today:
                return True, when, None  # the date the measure was taken
            return None, None, "flag_invalid" if is_measure else "consent_invalid"

        return parse_flag, {"value": pl.Boolean(), "on": pl.Date()}

    if kind in ("phase", "item", "reason"):
        lookup = table if table is not None else {}
        code_bad = {"phase": "phase_unknown", "item": "domain_unknown", "reason": "reason_unknown"}[
            kind
        ]

        def parse_choice(value: str | None) -> tuple[Any, ...]:
            text, code, _unknown = prelude(value)
            if text is None:
                return None, code
            found = lookup.get(normalise_name(text))
            return (found, None) if found is not None else (None, code_bad)

        return parse_choice, {"value": pl.String()}

    raise ValueError(kind)


def _choice_table(kind: str, cm: ColumnMapping, instrument: Instrument) -> dict[str, str]:
    """Normalised cell text → stored value, for phase, item and end-reason columns."""
    if kind == "item":
        return dict(instrument.header_names())
    explicit = {normalise_name(k): v for k, v in cm.values.items()}
    if kind == "phase":
        return {k: v for k, v in explicit.items() if v in PHASES}
    return {k: v for k, v in explicit.items() if v in END_REASONS}


class _ChoiceTable(dict):
    """A choice table that falls back to the vocabulary (phase_of / end_reason_of) for misses."""

    def __init__(self, explicit: dict[str, str], fallback: Callable[[str], str | None]) -> None:
        super().__init__(explicit)
        self.fallback = fallback

    def get(self, key: str, default: Any = None) -> Any:  # noqa: D102
        if key in self:
            return self[key]
        return self.fallback(key) or default


def _plan_columns(
    work: _SheetWork,
    usable: list[_Resolved],
    instrument: Instrument,
    limits: Limits,
    today: dt.date,
    sheet_source: SheetSource,
    sink: _Sink,
) -> dict[str, Any]:
    """Parse and check every mapped column; return where each field's values are.

    Text columns (client numbers, neighbourhoods, stories) are checked with polars expressions;
    every other column is parsed per distinct value (:func:`.parsing.distinct_lookup`).
    """
    from ..identifiers import bsn_expr, has_identifiers_series  # identifiers imports intake

    plan: dict[str, Any] = {"fields": {}, "scores": {}, "hash": [], "flag_dates": {}}
    for n, r in enumerate(usable):
        cm = r.mapping
        target = cm.target
        kind = FIELDS[target].kind if target in FIELDS else "hash"
        tag = f"v{n}"
        if kind in ("identifier", "hash", "text"):
            work.pre[f"{tag}_t"] = P.clean(pl.col(r.src)).alias(f"{tag}_t")
            src = pl.col(f"{tag}_t")
            _check(work, f"{tag}_formula", P.is_formula(src), "formula", {}, r)
            value = pl.when(P.is_formula(src) | src.str.to_lowercase().is_in(list(P.EMPTY_WORDS)))
            value = value.then(None).otherwise(src)
            name = _add(work, tag, value)
            if kind == "text":
                cap = limits.max_text_chars if target == "story" else 100
                _check(
                    work,
                    f"{tag}_long",
                    src.str.len_chars() > cap,
                    "text_too_long",
                    {"max": cap},
                    r,
                    echo=False,
                )
                _check(
                    work,
                    f"{tag}_ident",
                    src.is_not_null()
                    & ~P.is_formula(src)
                    & src.map_batches(
                        # Neighbourhoods may be named after people; stories may not name anyone.
                        partial(has_identifiers_series, names=target == "story"),
                        return_dtype=pl.Boolean,
                    ),
                    "text_identifier",
                    {},
                    r,
                    echo=False,
                )
                _store(plan, target, cm.phase, name, r)
                continue
            _check(
                work,
                f"{tag}_long",
                src.str.len_chars() > 64,
                "identifier_too_long",
                {"max": 64},
                r,
                echo=False,
            )
            if kind == "identifier":
                # A BSN in any spelling (dots, prefixes, fullwidth digits): never hashed as a key.
                _check(
                    work,
                    f"{tag}_bsn",
                    src.is_not_null() & ~P.is_formula(src) & bsn_expr(src),
                    "identifier_bsn",
                    {},
                    r,
                    echo=False,
                )
            if target == "client_number":
                _check(
                    work,
                    f"{tag}_nodigit",
                    src.is_not_null() & ~P.is_formula(src) & ~src.str.contains(r"[0-9]"),
                    "identifier_suspicious",
                    {},
                    r,
                )
            if kind == "hash":
                plan["hash"].append((name, r))
            else:
                plan["fields"][target] = (name, r)
            continue

        table = None
        if kind in ("phase", "item", "reason"):
            explicit = _choice_table(kind, cm, instrument)
            fallback = {
                "phase": phase_of,
                "reason": end_reason_of,
                "item": lambda _text: None,
            }[kind]
            table = _ChoiceTable(explicit, fallback)
        parse, outputs = _parser(kind, target, cm, instrument, today, table)
        names = {key: f"{tag}_{key}" if key != "value" else tag for key in outputs}
        columns = {names[key]: dtype for key, dtype in outputs.items()}
        columns[f"{tag}_code"] = pl.String()
        work.lookups.append((r.src, parse, columns))
        work.checks.append(
            _Check(
                f"{tag}_code",
                None,
                {},
                r,
                messages=_messages(kind, r, instrument, today),
            )
        )
        name = names["value"]
        if kind == "score":
            unknown = names["unknown"]
            if cm.item is None:
                plan["loose_score"] = (name, unknown, r)
            else:
                plan["scores"].setdefault(cm.item, {})[cm.phase] = (name, unknown, r)
        elif kind == "phase":
            plan["phase"] = (name, r)
        elif kind == "item":
            plan["item"] = (name, r)
        else:
            if kind == "flag" and target in FLAGS:
                plan["flag_dates"][(target, cm.phase)] = names["on"]
            phase = cm.phase if target in PER_MEASUREMENT else None
            _store(plan, target, phase, name, r)
    _formula_cells(work, usable, sheet_source, sink)
    return plan


def _store(plan: dict[str, Any], target: str, phase: str | None, name: str, r: _Resolved) -> None:
    if target in PER_MEASUREMENT:
        plan["fields"].setdefault(target, {})[phase] = (name, r)
    else:
        plan["fields"][target] = (name, r)


def _formula_cells(
    work: _SheetWork, usable: list[_Resolved], sheet: SheetSource, sink: _Sink
) -> None:
    """XLSX formulas: a warning per column using them, an error per formula without a value."""
    if not sheet.formulas:
        return
    rows_present = set(work.frame[ROW].to_list()) if work.frame.height < 200_000 else None
    for r in usable:
        cells = [
            (row0 + 1, has_value)
            for (row0, col0), has_value in sheet.formulas.items()
            if col0 == r.column.index and (rows_present is None or row0 + 1 in rows_present)
        ]
        if not cells:
            continue
        where = {"sheet": sheet.name, "column": r.column.letter, "header": r.column.label}
        used = [row for row, has_value in cells if has_value]
        if used:
            sink.add(
                IntakeError(
                    code="formula_value_used",
                    params={"count": len(used)},
                    file=sink.file,
                    severity=WARNING,
                    row=min(used),
                    **where,
                )
            )
        for row, has_value in sorted(cells):
            if not has_value:
                sink.new(
                    "formula_no_value",
                    row=row,
                    **where,
                )
                work.bad_rows.add(row)


def _report(work: _SheetWork, frame: pl.DataFrame, sink: _Sink) -> None:
    """Turn the checks into listed problems; only the failing rows are touched in Python."""
    checks = [c for c in work.checks if c.mask]
    if not checks:
        return
    totals = frame.select(
        [
            (pl.col(c.mask).sum() if c.messages is None else pl.col(c.mask).is_not_null().sum())
            for c in checks
        ]
    ).row(0)
    for check, total in zip(checks, totals, strict=True):
        if not total:
            continue
        if check.messages is None:
            _report_rows(
                frame,
                pl.col(check.mask),
                check,
                check.code or "",
                check.params,
                total,
                work.name,
                sink,
            )
            continue
        codes = frame.get_column(check.mask).drop_nulls().value_counts(sort=True)
        for code, count in codes.iter_rows():
            _report_rows(
                frame,
                pl.col(check.mask) == code,
                check,
                code,
                check.messages[code],
                count,
                work.name,
                sink,
            )


def _report_rows(
    frame: pl.DataFrame,
    mask: pl.Expr,
    check: _Check,
    code: str,
    params: dict[str, Any],
    total: int,
    sheet: str | None,
    sink: _Sink,
) -> None:
    r = check.resolved
    where: dict[str, Any] = {"sheet": sheet}
    if r is not None:
        where.update(column=r.column.letter, header=r.column.label)
    value = pl.col(r.src) if r is not None else pl.lit(None, dtype=pl.String)
    shown = frame.filter(mask).select(ROW, value.alias("__v")).head(sink.room())
    for row, cell in shown.iter_rows():
        echo = check.echo and cell is not None
        text = short_value(cell) if echo else None
        sink.add(
            IntakeError(
                code=code,
                params={**params, "value": text} if text is not None else params,
                file=sink.file,
                row=int(row),
                value=text,
                severity=check.severity,
                **where,
            )
        )
    sink.count_only(code, total - shown.height, check.severity)


def _build_records(
    work: _SheetWork,
    frame: pl.DataFrame,
    plan: dict[str, Any],
    sheet_mapping: SheetMapping,
    instrument: Instrument,
    secret: bytes,
    scope: str,
    sink: _Sink,
) -> pl.DataFrame | None:
    """One record per row and measurement moment, in the common record schema."""
    sheet = work.name
    fields = plan["fields"]
    hashes = plan["hash"]
    if "client_number" in fields:
        key_name, key_resolved = fields["client_number"]
    elif len(hashes) == 1:
        key_name, key_resolved = hashes[0]
    else:
        sink.new("mapping_no_client", sheet=sheet)
        return None

    phases = sorted(
        {p for per in fields.values() if isinstance(per, dict) for p in per if p}
        | {p for per in plan["scores"].values() for p in per if p}
    )
    has_scores = bool(plan["scores"]) or "loose_score" in plan
    phase_col = plan.get("phase")
    if has_scores and not phases and phase_col is None and sheet_mapping.phase is None:
        sink.new("mapping_no_phase", sheet=sheet)
        return None
    measured = fields.get("measured_on", {})
    if not measured:
        sink.add(
            IntakeError(
                code="date_not_mapped",
                file=sink.file,
                sheet=sheet,
                severity=WARNING,
            )
        )

    keys = participant_keys(frame[key_name], secret, scope)
    base = frame.with_columns(keys.alias("__pk"))
    # Rows with data but no client number (a formula or an overlong value there is reported as
    # such already).
    reported = [c for c in (f"{key_name}_formula", f"{key_name}_long") if c in base.columns]
    client_missing = base.select(
        pl.col("__pk").is_null() & ~pl.any_horizontal([pl.col(c) for c in reported])
        if reported
        else pl.col("__pk").is_null()
    ).to_series()
    if client_missing.any():
        rows = base.filter(client_missing)[ROW]
        listed = min(sink.room(), rows.len())
        for row in rows.head(listed).to_list():
            sink.new(
                "client_missing",
                sheet=sheet,
                row=int(row),
                column=key_resolved.column.letter,
                header=key_resolved.column.label,
            )
        sink.count_only("client_missing", rows.len() - listed)

    item_ids = instrument.item_ids
    moments: list[str | None] = list(phases) if phases else [None]
    parts = []
    for moment in moments:
        cols: dict[str, pl.Expr] = {
            "sheet": pl.lit(sheet or "", dtype=pl.String),
            "row": pl.col(ROW),
            "participant_key": pl.col("__pk"),
        }
        if moment is not None:
            cols["phase"] = pl.lit(moment, dtype=pl.String)
        elif phase_col is not None:
            default = sheet_mapping.phase if sheet_mapping.phase in PHASES else None
            cols["phase"] = pl.col(phase_col[0]).fill_null(pl.lit(default, dtype=pl.String))
        else:
            cols["phase"] = pl.lit(
                sheet_mapping.phase if sheet_mapping.phase in PHASES else None, dtype=pl.String
            )
        own: list[str] = []  # value columns specific to this moment
        for name, dtype in RECORD_FIELDS.items():
            if name in ("sheet", "row", "participant_key", "phase"):
                continue
            entry = fields.get(name)
            expr: pl.Expr = pl.lit(None, dtype=dtype)
            if name == "household_key":
                entry = fields.get("household_number")
                if entry is not None:
                    expr = pl.col(entry[0])  # hashed below
            elif isinstance(entry, dict):
                chosen = entry.get(moment) or entry.get(None)
                if chosen is not None:
                    expr = pl.col(chosen[0])
                    if moment is not None and entry.get(moment) is not None:
                        own.append(chosen[0])
            elif entry is not None:
                expr = pl.col(entry[0])
            elif name.endswith("_on") and name.removesuffix("_on") in FLAGS:
                flag = name.removesuffix("_on")
                date_name = plan["flag_dates"].get((flag, moment)) or plan["flag_dates"].get(
                    (flag, None)
                )
                if date_name is not None:
                    expr = pl.col(date_name)
            cols[name] = expr.cast(dtype)
        for item in item_ids:
            per = plan["scores"].get(item, {})
            chosen = per.get(moment) or per.get(None)
            if chosen is not None:
                cols[f"score__{item}"] = pl.col(chosen[0]).cast(pl.Int8)
                cols[f"unknown__{item}"] = pl.col(chosen[1])
                if moment is not None and per.get(moment) is not None:
                    own.append(chosen[0])
                    own.append(chosen[1])
            elif "loose_score" in plan and "item" in plan:
                score, unknown, _r = plan["loose_score"]
                item_col = plan["item"][0]
                cols[f"score__{item}"] = (
                    pl.when(pl.col(item_col) == item).then(pl.col(score)).cast(pl.Int8)
                )
                cols[f"unknown__{item}"] = (pl.col(item_col) == item) & pl.col(unknown)
            else:
                cols[f"score__{item}"] = pl.lit(None, dtype=pl.Int8)
                cols[f"unknown__{item}"] = pl.lit(False)
        part = base.select(**cols, __bad=pl.col("__bad"))
        if moment is not None and own:
            present = pl.any_horizontal(
                [
                    pl.col(c).fill_null(False)
                    if c.endswith("_unknown")
                    else pl.col(c).is_not_null()
                    for c in own
                ]
            )
            part = part.filter(base.select(present).to_series())
        parts.append(part)
    records = pl.concat(parts, how="vertical") if parts else None
    if records is None:
        return None
    if phases:
        skipped = (
            base.filter(pl.col("__pk").is_not_null() & ~pl.col("__bad"))
            .select(ROW)
            .join(records.select(pl.col("row").alias(ROW)), on=ROW, how="anti")
            .get_column(ROW)
        )
        if skipped.len():
            shown = ", ".join(str(r) for r in skipped.head(5).to_list())
            sink.add(
                IntakeError(
                    code="row_without_measurement",
                    params={"count": skipped.len(), "rows": shown, "more": skipped.len() - 5},
                    key="row_without_measurement_more" if skipped.len() > 5 else "",
                    file=sink.file,
                    sheet=sheet,
                    severity=WARNING,
                )
            )
        # In a wide sheet a measurement field without a moment (one "Verhaal" column beside the
        # 0-meting and eindmeting groups) belongs to the row's latest measurement, not to each.
        shared = [
            name
            for name, entry in fields.items()
            if isinstance(entry, dict) and None in entry and len(entry) == 1
        ]
        shared += [f"{flag}_on" for flag in FLAGS if f"{flag}" in shared]
        if shared:
            order = pl.col("phase").replace_strict(PHASE_ORDER, default=0, return_dtype=pl.Int8)
            latest = order == order.max().over("row")
            records = records.with_columns(
                [pl.when(latest).then(pl.col(c)).otherwise(None).alias(c) for c in shared]
            )
    if "household_number" in fields:
        records = records.with_columns(
            participant_keys(records["household_key"], secret, f"{scope}\x1fhuishouden").alias(
                "household_key"
            )
        )
    for name, r in hashes:
        if (name, r) == (key_name, key_resolved) and "client_number" not in fields:
            continue
        label = normalise_name(r.column.label).replace(" ", "_") or r.column.letter
        hashed = participant_keys(frame[name], secret, f"{scope}\x1f{label}")
        records = records.join(
            pl.DataFrame({"row": frame[ROW], f"hashed__{label}": hashed}), on="row", how="left"
        )
    if has_scores:
        scored = pl.any_horizontal(
            [pl.col(f"score__{i}").is_not_null() | pl.col(f"unknown__{i}") for i in item_ids]
        )
        missing = records.filter(
            scored
            & pl.col("phase").is_null()
            & pl.col("participant_key").is_not_null()
            & ~pl.col("__bad")
        )
        listed = min(missing.height, sink.room())
        for row in missing["row"].head(listed).to_list():
            sink.new(
                "phase_missing",
                sheet=sheet,
                row=int(row),
            )
        sink.count_only("phase_missing", missing.height - listed)
        records = records.with_columns(__bad=pl.col("__bad") | (scored & pl.col("phase").is_null()))
        dated = measured and any(v is not None for v in measured.values())
        if dated:
            undated = records.filter(
                scored
                & pl.col("measured_on").is_null()
                & pl.col("participant_key").is_not_null()
                & ~pl.col("__bad")
            )
            listed = min(undated.height, sink.room())
            for row in undated["row"].head(listed).to_list():
                sink.new(
                    "date_missing",
                    sheet=sheet,
                    row=int(row),
                )
            sink.count_only("date_missing", undated.height - listed)
            records = records.with_columns(
                __bad=pl.col("__bad") | (scored & pl.col("measured_on").is_null())
            )
    if "loose_score" in plan and "item" in plan:
        records = _merge_long_items(records, item_ids, instrument, sink, sheet)
    return records.with_columns(__bad=pl.col("__bad") | pl.col("participant_key").is_null())


def _merge_long_items(
    records: pl.DataFrame,
    item_ids: Sequence[str],
    instrument: Instrument,
    sink: _Sink,
    sheet: str | None,
) -> pl.DataFrame:
    """A sheet with one row per item (leefgebied + score columns): one record per measurement."""
    key = ["participant_key", "phase", "measured_on"]
    with_item = records.with_columns(
        __item=pl.coalesce(
            [
                pl.when(pl.col(f"score__{i}").is_not_null() | pl.col(f"unknown__{i}")).then(
                    pl.lit(i)
                )
                for i in item_ids
            ]
        )
    )
    dupes = (
        with_item.filter(pl.col("__item").is_not_null() & pl.col("participant_key").is_not_null())
        .with_columns(
            __first=pl.col("row").first().over([*key, "__item"]),
            __n=pl.col("row").rank("ordinal").over([*key, "__item"]),
        )
        .filter(pl.col("__n") > 1)
    )
    listed = min(dupes.height, sink.room())
    for row, first, item in dupes.select("row", "__first", "__item").head(listed).iter_rows():
        sink.new(
            "duplicate_item",
            {"item": _text(instrument.item(item).name), "first": first},
            sheet=sheet,
            row=int(row),
        )
    sink.count_only("duplicate_item", dupes.height - listed)
    flagged = with_item.with_columns(
        __bad=pl.col("__bad") | pl.col("row").is_in(dupes["row"].implode())
    )
    keyed = flagged.filter(pl.col("participant_key").is_not_null())
    value_columns = [c for c in records.columns if c not in (*key, "sheet", "row", "__bad")]
    merged = keyed.group_by(key, maintain_order=True).agg(
        pl.col("sheet").first(),
        pl.col("row").min(),
        pl.col("__bad").any(),
        *[
            pl.col(c).any() if c.startswith("unknown__") else pl.col(c).drop_nulls().first()
            for c in value_columns
        ],
    )
    unkeyed = flagged.filter(pl.col("participant_key").is_null())
    return pl.concat([merged.select(records.columns), unkeyed.select(records.columns)])


#: The record schema (besides the score columns): name → dtype.
RECORD_FIELDS: dict[str, pl.DataType] = {
    "sheet": pl.String(),
    "row": pl.Int64(),
    "participant_key": pl.String(),
    "household_key": pl.String(),
    "phase": pl.String(),
    "measured_on": pl.Date(),
    "professionals": pl.Int16(),
    "organisations": pl.Int16(),
    "supervision_order": pl.Boolean(),
    "supervision_order_on": pl.Date(),
    "out_of_home_placement": pl.Boolean(),
    "out_of_home_placement_on": pl.Date(),
    "eviction": pl.Boolean(),
    "eviction_on": pl.Date(),
    "neighbourhood": pl.String(),
    "birth_year": pl.Int16(),
    "age": pl.Int16(),
    "story": pl.String(),
    "consent": pl.Boolean(),
    "trajectory_start": pl.Date(),
    "trajectory_end": pl.Date(),
    "end_reason": pl.String(),
}


def record_schema(instrument: Instrument) -> dict[str, pl.DataType]:
    schema = dict(RECORD_FIELDS)
    for item in instrument.item_ids:
        schema[f"score__{item}"] = pl.Int8()
    for item in instrument.item_ids:
        schema[f"unknown__{item}"] = pl.Boolean()
    return schema


def _duplicates(records: pl.DataFrame, sink: _Sink) -> pl.DataFrame:
    """Two records for the same participant, moment and date: the later one is an error."""
    key = ["participant_key", "phase", "measured_on"]
    values = [
        c
        for c in records.columns
        if c not in ("sheet", "row", "__bad", *key) and not c.startswith("hashed__")
    ]
    keyed = pl.col("participant_key").is_not_null()
    # A 64-bit hash of the key finds candidates in one cheap pass; the exact comparison below
    # runs on those candidates only.
    repeated = records.select(pl.struct(key).hash().is_duplicated() & keyed).to_series()
    if not repeated.any():
        return records
    ranked = (
        records.with_row_index("__i")
        .filter(repeated)
        .with_columns(
            __digest=pl.struct(values).hash() if values else pl.lit(0, dtype=pl.UInt64),
        )
    )
    firsts = ranked.with_columns(
        __n=pl.col("__i").rank("ordinal").over(key),
        __first_row=pl.col("row").first().over(key),
        __first_sheet=pl.col("sheet").first().over(key),
        __first_digest=pl.col("__digest").first().over(key),
    )
    dupes = firsts.filter(pl.col("__n") > 1)
    if dupes.height == 0:
        return records
    listed = min(dupes.height, sink.room())
    for row, sheet, first_row, first_sheet, same, phase, when in (
        dupes.select(
            "row",
            "sheet",
            "__first_row",
            "__first_sheet",
            pl.col("__digest") == pl.col("__first_digest"),
            "phase",
            "measured_on",
        )
        .head(listed)
        .iter_rows()
    ):
        params: dict[str, Any] = {"first_row": first_row}
        key = "duplicate_row_copy" if same else "duplicate_row_other"
        if first_sheet != sheet:
            params["first_sheet"] = first_sheet
            key += "_sheet"
        if not same:
            params["moment"] = (
                _PHASE_TEXT.get(phase, localized("meting", "measurement"))
                if phase
                else localized("rij", "row")
            )
            params["when"] = (
                localized(f" op {when:%d-%m-%Y}", f" on {when:%d-%m-%Y}")
                if when
                else localized("", "")
            )
        sink.new("duplicate_row", params, key=key, sheet=sheet or None, row=int(row))
    sink.count_only("duplicate_row", dupes.height - listed)
    later = dupes.get_column("__i")
    return (
        records.with_row_index("__i")
        .with_columns(__bad=pl.col("__bad") | pl.col("__i").is_in(later.implode()))
        .drop("__i")
    )


def _sensitive_refusals(
    layout: Layout,
    frame: pl.DataFrame,
    resolved: list[_Resolved],
    vocab: Vocabulary,
    sink: _Sink,
    sheet: str | None,
) -> None:
    chosen = {r.column.index: r.mapping.target for r in resolved}
    for index, kind in _sensitive_columns(layout, frame.head(SENSITIVE_SAMPLE), vocab).items():
        if chosen.get(index) in (HASH, DROP):
            continue
        col = next(c for c in layout.columns if c.index == index)
        sink.new(
            "sensitive_column",
            {"kind": _SENSITIVE_TEXT[kind]},
            sheet=sheet,
            column=col.letter,
            header=col.label,
        )


def dry_run(
    source: object,
    mapping: Mapping | dict[str, Any] | str,
    instrument: Instrument,
    *,
    secret: bytes,
    scope: str = "",
    filename: str | None = None,
    limits: Limits | None = None,
    today: dt.date | None = None,
) -> DryRunResult:
    """Parse and validate ``source`` with ``mapping``; write nothing; never raise on bad input.

    ``source`` is a path, bytes or a binary file object. ``secret`` is the installation's
    pseudonymisation secret (at least 16 bytes) and ``scope`` the organisation's id, so equal
    client numbers of two organisations get different keys. ``today`` fixes "today" for the
    future-date check (default: the current date).
    """
    check_secret(secret)
    limits = limits or Limits()
    today = today or dt.date.today()
    file = _file_name(source, filename)
    sink = _Sink(file, limits.max_errors)
    schema = record_schema(instrument)
    empty = pl.DataFrame(schema=schema)

    def result(
        records: pl.DataFrame,
        kind: str | None,
        rows: int,
        digest: str | None,
        rejected: int = 0,
    ) -> DryRunResult:
        return DryRunResult(
            file=file,
            kind=kind,
            records=records,
            errors=sink.finish(),
            error_count=sink.errors,
            counts=dict(sink.counts),
            rows_read=rows,
            rows_rejected=rejected,
            sha256=digest,
            instrument=instrument.id,
        )

    try:
        mapping = _as_mapping(mapping)
    except (ValueError, TypeError, KeyError) as exc:
        sink.new("mapping_invalid", {"error": short_value(exc, 80)})
        return result(empty, None, 0, None)
    if mapping.instrument and mapping.instrument != instrument.id:
        sink.new("mapping_instrument", {"made_for": mapping.instrument, "chosen": instrument.id})
        return result(empty, None, 0, None)
    try:
        book = open_workbook(source, file, limits)
    except FileRefused as refused:
        sink.add(refused.error)
        return result(empty, None, 0, None)
    try:
        return _dry_run_book(
            book, mapping, instrument, secret, scope, limits, today, sink, schema, result
        )
    except FileRefused as refused:
        sink.add(_with_file(refused.error, file))
        return result(empty, book.kind, 0, book.sha256)
    except Exception as exc:  # noqa: BLE001 - bad input must never become a server error
        sink.new(
            "internal_error",
            {"error": f"{type(exc).__name__}: {short_value(exc, 80)}"},
            key="internal_error_file",
        )
        return result(empty, book.kind, 0, book.sha256)


def _dry_run_book(
    book: Workbook,
    mapping: Mapping,
    instrument: Instrument,
    secret: bytes,
    scope: str,
    limits: Limits,
    today: dt.date,
    sink: _Sink,
    schema: dict[str, pl.DataType],
    result: Callable[..., DryRunResult],
) -> DryRunResult:
    vocab = Vocabulary.for_instrument(instrument)
    collected: list[pl.DataFrame] = []
    rows_read = 0
    matched = 0
    for sheet in book.sheets:
        sheet_mapping = _match_sheet(mapping, sheet, book)
        if sheet_mapping is None:
            if any(not (c is None or not str(c).strip()) for row in sheet.head for c in row):
                sink.add(
                    IntakeError(
                        code="sheet_not_mapped",
                        params={"sheet": sheet.name},
                        file=sink.file,
                        sheet=sheet.name,
                        severity=WARNING,
                    )
                )
            continue
        if not sheet_mapping.include:
            continue
        matched += 1
        name = sheet.name
        layout = _choose_layout(sheet, vocab, sheet_mapping)
        if layout is None:
            sink.new("no_header", sheet=name)
            continue
        units: list[int] = []
        frame = _frame(sheet, layout, limits, skipped=units)
        for row in units:
            sink.new(
                "units_row",
                sheet=name,
                row=row,
                severity=WARNING,
            )
        if frame.height > limits.max_rows:
            sink.new("too_many_rows", {"limit": limits.max_rows}, sheet=name)
            continue
        rows_read += frame.height
        resolved = _resolve_columns(sheet_mapping, layout, sink, name)
        _sensitive_refusals(layout, frame, resolved, vocab, sink, name)
        usable = _check_mapping(resolved, sheet_mapping, instrument, sink, name)
        if not usable:
            continue
        work = _SheetWork(name=name, frame=frame)
        plan = _plan_columns(work, usable, instrument, limits, today, sheet, sink)
        for source, parse, columns in work.lookups:
            frame = P.distinct_lookup(frame, source, parse, columns)
        if work.pre:
            frame = frame.with_columns(list(work.pre.values()))
        if work.exprs:
            frame = frame.with_columns(list(work.exprs.values()))
        _report(work, frame, sink)
        masks = [
            pl.col(c.mask) if c.messages is None else pl.col(c.mask).is_not_null()
            for c in work.checks
            if c.severity == ERROR and c.mask
        ]
        if work.bad_rows:
            masks.append(pl.col(ROW).is_in(sorted(work.bad_rows)))
        frame = frame.with_columns(__bad=pl.any_horizontal(masks) if masks else pl.lit(False))
        work.frame = frame
        records = _build_records(work, frame, plan, sheet_mapping, instrument, secret, scope, sink)
        if records is not None:
            collected.append(records)
    if matched == 0 and book.sheets:
        sink.new("no_sheet_mapped")
    if not collected:
        return result(pl.DataFrame(schema=schema), book.kind, rows_read, book.sha256)
    columns = list(schema)
    aligned = []
    for frame in collected:
        extra = [c for c in frame.columns if c.startswith("hashed__")]
        aligned.append(
            frame.select(
                *[
                    pl.col(c).cast(schema[c])
                    if c in frame.columns
                    else pl.lit(None, schema[c]).alias(c)
                    for c in columns
                ],
                *extra,
                "__bad",
            )
        )
    records = pl.concat(aligned, how="diagonal_relaxed")
    records = _duplicates(records, sink)
    good = records.filter(~pl.col("__bad")).drop("__bad")
    bad_rows = records.filter(pl.col("__bad")).select("sheet", "row").unique().height
    return result(good, book.kind, rows_read, book.sha256, bad_rows)
