"""Reading neighbourhood statistics (CBS *Kerncijfers wijken en buurten* layout, or the
municipality's own) through the shared intake: the same safe reader and limits as the Tel en
vertel and portfolio imports (files recognised by content, zip bombs and huge dimensions refused
before a spreadsheet library opens them; the Django layer runs :func:`read_sheet` in the
intake's isolated worker), a suggested mapping, then a dry run that reports every problem as an
:class:`~proeftuin.core.intake.IntakeError` naming the file, sheet, row and column (letter and
header) and writes nothing; the caller commits all or nothing.

A row is one area in one year: a code (GM/WK/BU + digits, or the municipality's own code), a
name, a year (a column, or one year for the whole file) and one column per indicator. CBS marks
a secret or missing value with ``.``: that is unknown, never zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from proeftuin.core.instruments import normalise_name
from proeftuin.core.intake.errors import IntakeError, column_letter, short_value
from proeftuin.core.intake.headers import is_blank
from proeftuin.core.intake.parsing import number_text
from proeftuin.core.intake.readers import open_workbook
from proeftuin.core.intake.safety import Limits, refuse

from .indicators import IndicatorSet
from .monitor import Figure

CODE, NAME, YEAR = "code", "name", "year"
UNKNOWN_CELLS = {".", "x", "?", "-", "onbekend", "geheim"}
LIMITS = Limits(max_bytes=20 * 1024 * 1024, max_rows=50_000, max_columns=300)
CODE_HEADERS = {
    "code",
    "codering",
    "codering 3",
    "gwb code",
    "wijkcode",
    "buurtcode",
    "gebiedscode",
}
NAME_HEADERS = {"naam", "wijken en buurten", "wijk", "buurt", "gebied", "regio", "name"}
YEAR_HEADERS = {"jaar", "perioden", "periode", "year"}


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str | None]]]  # (1-based row number, cells)
    file: str = ""
    name: str | None = None


@dataclass
class DryRun:
    figures: list[Figure] = field(default_factory=list)
    problems: list[IntakeError] = field(default_factory=list)
    areas: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.figures)


def read_sheet(data: bytes, filename: str) -> Sheet:
    """The first sheet: the first row with at least two filled cells is the header."""
    book = open_workbook(data, filename, LIMITS)
    if not book.sheets:
        raise refuse("area_no_sheet", filename)
    sheet = book.sheets[0]
    header_at = next(
        (i for i, row in enumerate(sheet.head) if sum(not is_blank(c) for c in row) >= 2), 0
    )
    headers = [(c or "").strip() for c in sheet.head[header_at]] if sheet.head else []
    frame = sheet.frame(header_at + 1, len(headers), LIMITS)
    rows = []
    for record in frame.iter_rows():
        row_number, *cells = record  # with_row_index puts the row number first
        if all(c is None or not str(c).strip() for c in cells):
            continue
        rows.append((int(row_number), list(cells)))
    return Sheet(headers=headers, rows=rows, file=filename, name=sheet.name)


def _problem(
    sheet: Sheet,
    code: str,
    params: dict | None = None,
    *,
    row: int | None = None,
    header: str | None = None,
    value: object = None,
) -> IntakeError:
    """A problem where the user can find it: file, sheet, row and column letter with header."""
    column = None
    if header is not None and header in sheet.headers:
        column = column_letter(sheet.headers.index(header))
    return IntakeError(
        code=code,
        params=params or {},
        file=sheet.file,
        sheet=sheet.name,
        row=row,
        column=column,
        header=header,
        value=None if value is None else short_value(value),
    )


def suggest_mapping(headers: list[str], indicator_set: IndicatorSet) -> dict[str, str]:
    """Column header → ``code``, ``name``, ``year`` or an indicator id (by name or alias)."""
    names = {}
    for indicator in indicator_set.indicators:
        for text in (indicator.id, indicator.name["nl"], indicator.name["en"], *indicator.aliases):
            names.setdefault(normalise_name(text), indicator.id)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = normalise_name(header)
        target = None
        if key in CODE_HEADERS:
            target = CODE
        elif key in NAME_HEADERS:
            target = NAME
        elif key in YEAR_HEADERS:
            target = YEAR
        elif key in names:
            target = names[key]
        if target and target not in taken:
            mapping[header] = target
            taken.add(target)
    return mapping


_CODE = re.compile(r"^[A-Z]{2}\d{4,8}$|^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")
_YEAR = re.compile(r"(19|20)\d\d")


def dry_run(
    sheet: Sheet,
    mapping: Mapping[str, str],
    indicator_set: IndicatorSet,
    year: int | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> DryRun:
    """Apply the mapping; every problem by file, sheet, row and column. Writes nothing.

    ``progress`` (optional) is called with a percentage as the rows are read."""
    result = DryRun()
    columns = {
        target: sheet.headers.index(h) for h, target in mapping.items() if h in sheet.headers
    }
    ids = {i.id for i in indicator_set.indicators}
    for needed in (CODE, NAME):
        if needed not in columns:
            result.problems.append(_problem(sheet, f"area_no_{needed}_column"))
    if YEAR not in columns and year is None:
        result.problems.append(_problem(sheet, "area_no_year_column"))
    if not ids & set(columns):
        result.problems.append(_problem(sheet, "area_no_indicator"))
    if result.problems:
        return result
    seen: set[tuple[str, int]] = set()
    total = len(sheet.rows) or 1
    code_header = sheet.headers[columns[CODE]]
    for index, (row_number, cells) in enumerate(sheet.rows):
        if progress is not None and index % 500 == 0:
            progress(int(100 * index / total))
        code = (cells[columns[CODE]] or "").strip().upper()
        name = (cells[columns[NAME]] or "").strip()
        if not code or not _CODE.match(code):
            result.problems.append(
                _problem(
                    sheet,
                    "area_bad_code",
                    {"value": short_value(code)},
                    row=row_number,
                    header=code_header,
                )
            )
            continue
        row_year = year
        if YEAR in columns:
            match = _YEAR.search(cells[columns[YEAR]] or "")
            row_year = int(match.group(0)) if match else None
        if row_year is None:
            result.problems.append(
                _problem(
                    sheet,
                    "area_no_year",
                    row=row_number,
                    header=sheet.headers[columns[YEAR]] if YEAR in columns else None,
                )
            )
            continue
        if (code, row_year) in seen:
            result.problems.append(
                _problem(
                    sheet,
                    "area_duplicate",
                    {"code": code, "year": row_year},
                    row=row_number,
                    header=code_header,
                )
            )
            continue
        seen.add((code, row_year))
        for indicator_id in sorted(ids & set(columns)):
            header = sheet.headers[columns[indicator_id]]
            raw = (cells[columns[indicator_id]] or "").strip()
            value: float | None
            if not raw or raw.casefold() in UNKNOWN_CELLS:
                value = None
            else:
                value = number_text(raw)
                if value is None:
                    result.problems.append(
                        _problem(
                            sheet,
                            "area_not_a_number",
                            {"value": short_value(raw)},
                            row=row_number,
                            header=header,
                            value=raw,
                        )
                    )
                    continue
            result.figures.append(Figure(code, name or code, row_year, indicator_id, value))
    if progress is not None:
        progress(100)
    result.areas = len(seen)
    return result
