"""Reading neighbourhood statistics (CBS *Kerncijfers wijken en buurten* layout, or the
municipality's own) through the intake's safe readers: a suggested mapping, then a dry run that
lists every problem by row and column and writes nothing; the caller commits all or nothing.

A row is one area in one year: a code (GM/WK/BU + digits, or the municipality's own code), a
name, a year (a column, or one year for the whole file) and one column per indicator. CBS marks
a secret or missing value with ``.``: that is unknown, never zero.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from proeftuin.core.instruments import normalise_name
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


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    message: str


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str | None]]]  # (1-based row number, cells)


@dataclass
class DryRun:
    figures: list[Figure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    areas: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.figures)


def read_sheet(data: bytes, filename: str) -> Sheet:
    """The first sheet: the first row with at least two filled cells is the header."""
    book = open_workbook(data, filename, LIMITS)
    if not book.sheets:
        raise refuse("empty", "Het bestand heeft geen blad.", "Kies een ander bestand.", filename)
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
    return Sheet(headers=headers, rows=rows)


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
    sheet: Sheet, mapping: Mapping[str, str], indicator_set: IndicatorSet, year: int | None = None
) -> DryRun:
    """Apply the mapping; every problem by row and column. Writes nothing."""
    result = DryRun()
    columns = {
        target: sheet.headers.index(h) for h, target in mapping.items() if h in sheet.headers
    }
    ids = {i.id for i in indicator_set.indicators}
    for needed, label in ((CODE, "code"), (NAME, "naam")):
        if needed not in columns:
            result.problems.append(Problem(None, label, f"Geen kolom gekoppeld aan {label}."))
    if YEAR not in columns and year is None:
        result.problems.append(
            Problem(None, "jaar", "Geen kolom met het jaar en geen jaar gekozen.")
        )
    if not ids & set(columns):
        result.problems.append(Problem(None, "indicatoren", "Geen enkele indicator gekoppeld."))
    if result.problems:
        return result
    seen: set[tuple[str, int]] = set()
    for row_number, cells in sheet.rows:
        code = (cells[columns[CODE]] or "").strip().upper()
        name = (cells[columns[NAME]] or "").strip()
        if not code or not _CODE.match(code):
            result.problems.append(
                Problem(row_number, "code", f"Geen geldige gebiedscode: {code!r}.")
            )
            continue
        row_year = year
        if YEAR in columns:
            match = _YEAR.search(cells[columns[YEAR]] or "")
            row_year = int(match.group(0)) if match else None
        if row_year is None:
            result.problems.append(Problem(row_number, "jaar", "Geen jaar gevonden."))
            continue
        if (code, row_year) in seen:
            result.problems.append(
                Problem(row_number, "code", f"{code} {row_year} staat er twee keer in.")
            )
            continue
        seen.add((code, row_year))
        for indicator_id in ids & set(columns):
            header = sheet.headers[columns[indicator_id]]
            raw = (cells[columns[indicator_id]] or "").strip()
            value: float | None
            if not raw or raw.casefold() in UNKNOWN_CELLS:
                value = None
            else:
                value = number_text(raw)
                if value is None:
                    result.problems.append(Problem(row_number, header, f"Geen getal: {raw!r}."))
                    continue
            result.figures.append(Figure(code, name or code, row_year, indicator_id, value))
    result.areas = len(seen)
    return result
