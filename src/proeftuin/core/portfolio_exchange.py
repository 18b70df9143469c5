"""Read a portfolio spreadsheet (XLSX, ODS, CSV) with the intake's readers: pure core, no Django.

Why: an evaluator brings in 43 pilots with their municipality, theme, period and one funding
stream (seed 001) instead of typing them (issue 11, item 1). The file goes through the same intake
as Tel en vertel: content sniffing, zip-bomb and size checks (:mod:`.intake.readers`), header
detection (:mod:`.intake.headers`), dates and numbers as people type them
(:mod:`.intake.parsing`), and problems as :class:`~.intake.errors.IntakeError` naming sheet, row and
column. This module suggests which column holds which field and turns the rows into plain
records; the Django layer validates each record with the screens' own forms.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from .intake.errors import FileRefused, IntakeError, column_letter
from .intake.headers import detect_layout, is_blank
from .intake.parsing import date_text, number_text
from .intake.readers import ROW, open_workbook
from .intake.safety import Limits

IGNORE = ""

#: field → (Dutch label, header words that suggest it). The first group word names the record.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "project.name": ("Projectnaam", ("projectnaam", "project", "naam", "pilot", "proeftuin")),
    "project.external_id": ("Extern kenmerk", ("extern kenmerk", "kenmerk", "id", "projectcode")),
    "project.summary": ("Samenvatting", ("samenvatting", "omschrijving", "beschrijving")),
    "project.municipality": ("Gemeente", ("gemeente", "gemeentenaam", "eigenaar gemeente")),
    "project.municipality_code": ("CBS-gemeentecode", ("gemeentecode", "cbs-code", "cbs code")),
    "project.themes": ("Thema's", ("thema", "themas", "thema's", "domein thema")),
    "project.target_group": ("Doelgroep", ("doelgroep",)),
    "project.start_date": ("Startdatum", ("startdatum", "start", "begindatum", "begin")),
    "project.end_date": ("Einddatum", ("einddatum", "eind", "einde")),
    "project.phase": ("Innovatiefase", ("fase", "innovatiefase")),
    "project.status": ("Status", ("status",)),
    "stream.label": ("Regeling", ("regeling", "financiering", "subsidie", "naam regeling")),
    "stream.funder": ("Financier", ("financier", "financierder", "geldgever")),
    "stream.amount": ("Bedrag (€)", ("bedrag", "bedrag (€)", "budget", "bedrag euro")),
    "stream.start_date": ("Start financiering", ("start financiering", "financiering vanaf")),
    "stream.end_date": ("Einde financiering", ("einde financiering", "financiering tot")),
    "stream.kind": ("Soort geld", ("soort geld", "soort financiering", "incidenteel/structureel")),
    "stream.policy_domain": ("Beleidsdomein", ("beleidsdomein", "budgetdomein")),
    "coalition.organisation": ("Coalitiepartner", ("coalitiepartner", "partner", "organisatie")),
    "coalition.contact_person": ("Contactpersoon", ("contactpersoon",)),
    "coalition.role": ("Rol", ("rol",)),
    "coalition.level": ("Niveau van draagvlak", ("niveau", "niveau van draagvlak", "draagvlak")),
    "goal.goal_type": ("Soort doel", ("soort doel", "doelsoort")),
    "goal.text": ("Doel", ("doel", "doelstelling")),
    "goal.indicator": ("Indicator", ("indicator",)),
    "partner.name": ("Naam partnerorganisatie", ("partnerorganisatie", "naam partner")),
    "partner.kind": ("Soort organisatie", ("soort organisatie", "soort partner")),
    "partner.kvk_number": ("KvK-nummer", ("kvk", "kvk-nummer", "kvk nummer")),
}
#: The template's second row: what to write in each column. A row made only of these is skipped.
HELP: dict[str, str] = {
    "project.name": "tekst, verplicht",
    "project.external_id": "uw eigen code (niet verplicht)",
    "project.municipality": "naam van de gemeente",
    "project.municipality_code": "GM + 4 cijfers",
    "project.themes": "bijvoorbeeld Wonen; meer thema's met komma's",
    "project.start_date": "dd-mm-jjjj",
    "project.end_date": "dd-mm-jjjj (niet verplicht)",
    "project.phase": "Ideevorming, Selectie, Implementatie of Verspreiding",
    "stream.label": "naam van de regeling",
    "stream.funder": "naam van de organisatie",
    "stream.amount": "euro, totaal over de periode",
    "stream.start_date": "dd-mm-jjjj",
    "stream.end_date": "dd-mm-jjjj",
    "stream.kind": "Incidenteel of Structureel",
    "stream.policy_domain": "bijvoorbeeld Wmo, Jeugd",
    "partner.name": "naam van de organisatie",
    "partner.kind": "bijvoorbeeld Politie, Bedrijf, Woningcorporatie",
    "partner.kvk_number": "8 cijfers (niet verplicht)",
}
DATE_FIELDS = {"project.start_date", "project.end_date", "stream.start_date", "stream.end_date"}
AMOUNT_FIELDS = {"stream.amount"}


def normalise(text: str) -> str:
    """Header text compared loosely: lower case, no accents, single spaces, no trailing colon."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.strip().lower().rstrip(":")).strip()


_WORDS = {normalise(w): key for key, (_label, words) in FIELDS.items() for w in words}
_WORDS.update({normalise(label): key for key, (label, _w) in FIELDS.items()})


def suggest_field(header: str) -> tuple[str, str, dict[str, str]]:
    """The field a header suggests, why (a reason key) and the reason's parameters;
    ``("", "field_none", …)`` when none fits."""
    text = normalise(header)
    if text in _WORDS:
        return _WORDS[text], "field_known", {"header": header, "label": FIELDS[_WORDS[text]][0]}
    for word, key in sorted(_WORDS.items(), key=lambda item: -len(item[0])):
        if len(word) >= 4 and word in text:
            return key, "field_contains", {"header": header, "name": word}
    return IGNORE, "field_none", {"header": header}


@dataclass(frozen=True)
class ColumnSuggestion:
    index: int
    letter: str
    header: str
    field: str
    reason: str
    samples: tuple[str, ...] = ()
    reason_params: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class SheetRows:
    """One sheet: its columns with a suggested field, and its data rows as text."""

    name: str
    header_row: int  # 1-based, as in Excel
    columns: tuple[ColumnSuggestion, ...]
    rows: tuple[tuple[int, tuple[str | None, ...]], ...]  # (1-based row, cells)


@dataclass
class PortfolioFile:
    file: str
    sheets: list[SheetRows] = field(default_factory=list)
    errors: list[IntakeError] = field(default_factory=list)


def read_portfolio(source: object, file: str, limits: Limits | None = None) -> PortfolioFile:
    """The sheets of a portfolio file with a suggested field per column; refusals as errors."""
    limits = limits or Limits()
    result = PortfolioFile(file)
    try:
        book = open_workbook(source, file, limits)
    except FileRefused as refused:
        result.errors.append(refused.error)
        return result
    for sheet in book.sheets:
        if not sheet.visible:
            continue
        layout = detect_layout(sheet.head, known=lambda text: normalise(text) in _WORDS)
        if layout is None:
            continue
        frame = sheet.frame(layout.data_start, layout.width, limits)
        name = sheet.name or "CSV"
        if frame.height > limits.max_rows:
            # The reader stops one row past the limit: refuse, never import a cut-off sheet.
            result.errors.append(
                IntakeError(
                    "too_many_rows", {"limit": limits.max_rows}, file=file, sheet=sheet.name
                )
            )
            continue
        columns = []
        for column in layout.columns:
            if is_blank(column.header):
                continue
            key, reason, params = suggest_field(column.header)
            values = frame.get_column(f"c{column.index}").drop_nulls().head(3).to_list()
            columns.append(
                ColumnSuggestion(
                    column.index,
                    column.letter,
                    str(column.header),
                    key,
                    reason,
                    tuple(values),
                    params,
                )
            )
        rows = []
        names = [f"c{i}" for i in range(layout.width)]
        for number, *cells in frame.select([ROW, *names]).iter_rows():
            if all(is_blank(c) for c in cells) or _is_help_row(cells):
                continue
            rows.append((int(number), tuple(cells)))
        result.sheets.append(SheetRows(name, layout.header_row + 1, tuple(columns), tuple(rows)))
    return result


_HELP_TEXTS = {normalise(t) for t in HELP.values()}


def _is_help_row(cells) -> bool:
    filled = [normalise(c) for c in cells if not is_blank(c)]
    return bool(filled) and all(text in _HELP_TEXTS for text in filled)


@dataclass(frozen=True)
class Record:
    """One row turned into fields: ``values[field]`` is text (dates ISO, amounts with a point),
    ``where[field]`` the column letter and header that held it."""

    sheet: str
    row: int
    values: dict[str, str]
    where: dict[str, tuple[str, str]]

    def group(self, prefix: str) -> dict[str, str]:
        return {k.split(".", 1)[1]: v for k, v in self.values.items() if k.startswith(prefix + ".")}


def records(
    sheet: SheetRows, mapping: dict[str, str], file: str, today: dt.date
) -> tuple[list[Record], list[IntakeError]]:
    """The sheet's rows as records under ``mapping`` (column letter → field), with the cells
    that cannot be read (a date or amount that is not one) as errors naming sheet/row/column."""
    chosen = [(c, mapping.get(c.letter, IGNORE)) for c in sheet.columns]
    chosen = [(c, f) for c, f in chosen if f]
    result, errors = [], []
    for row, cells in sheet.rows:
        values: dict[str, str] = {}
        where: dict[str, tuple[str, str]] = {}
        for column, key in chosen:
            raw = cells[column.index] if column.index < len(cells) else None
            if is_blank(raw):
                continue
            text = str(raw).strip()

            def problem(key: str, column=column, text=text, row=row) -> None:
                errors.append(
                    IntakeError(
                        "bad_value",
                        {},
                        file,
                        sheet.name,
                        row,
                        column.letter,
                        column.header,
                        text[:40],
                        key=key,
                    )
                )

            if key in DATE_FIELDS:
                day = date_text(text, today)
                if day is None:
                    problem("bad_date")
                    continue
                text = day.isoformat()
            elif key in AMOUNT_FIELDS:
                number = number_text(text.replace("€", "").strip())
                if number is None or number < 0:
                    problem("bad_amount")
                    continue
                text = f"{number:.2f}"
            values[key] = text
            where[key] = (column.letter, column.header)
        if values:
            result.append(Record(sheet.name, row, values, where))
    return result, errors


def default_mapping(sheet: SheetRows) -> dict[str, str]:
    """Column letter → suggested field; a field suggested twice keeps only its first column."""
    seen: set[str] = set()
    mapping = {}
    for column in sheet.columns:
        if column.field and column.field not in seen:
            mapping[column.letter] = column.field
            seen.add(column.field)
        else:
            mapping[column.letter] = IGNORE
    return mapping


__all__ = [
    "FIELDS",
    "IGNORE",
    "ColumnSuggestion",
    "PortfolioFile",
    "Record",
    "SheetRows",
    "column_letter",
    "default_mapping",
    "read_portfolio",
    "records",
    "suggest_field",
]
