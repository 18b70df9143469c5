"""Read a CBS "wijken en buurten" list: codes and names of a municipality's wijken and buurten.

Why: neighbourhoods are a managed list per municipality (issue 11, item 2) with the CBS codes the
neighbourhood statistics link on. CBS publishes the list as CSV with a code column (GM0363,
WK036300, BU03630000) and a name column; the headers differ per year (``gwb_code_10``,
``Codering_3``, ``regio``, ``WijkenEnBuurten`` ...), so the reader finds the code in the cells and
the name by a few known header names. Pure: no Django.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

WIJK = re.compile(r"^WK\d{6}$")
BUURT = re.compile(r"^BU\d{8}$")
GEMEENTE = re.compile(r"^GM\d{4}$")
NAME_HEADERS = (
    "naam",
    "name",
    "regio",
    "regionaam",
    "wijkenenbuurten",
    "wijken en buurten",
    "wijknaam",
    "buurtnaam",
    "wijk_en_buurtnaam",
)


@dataclass(frozen=True, slots=True)
class Area:
    """One wijk or buurt from the list; ``parent`` is the buurt's wijk code."""

    code: str
    name: str
    kind: str  # "wijk" or "buurt"
    parent: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """A row that could not be read: its line number in the file, what is wrong as a code
    (``empty``, ``no_name_column``, ``no_code``, ``other_municipality``, ``no_name``,
    ``duplicate``) and the values the sentence names. The Django layer words it."""

    line: int
    code: str
    params: dict[str, str] = field(default_factory=dict, hash=False)


def parent_wijk(buurt_code: str) -> str:
    """The wijk of a buurt: BU03630001 lies in WK036300 (CBS codes nest)."""
    return "WK" + buurt_code[2:8]


def read(text: str, gemeente_code: str) -> tuple[list[Area], list[Problem]]:
    """The wijken and buurten of ``gemeente_code`` in a CBS CSV, and the rows that are wrong.

    Rows of other municipalities are problems (a list for the wrong municipality is a mistake);
    municipality rows (GM…) are skipped. Wijken come before buurten in the result.
    """
    text = text.lstrip("\ufeff")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return [], [Problem(1, "empty")]
    header = [h.strip().lower() for h in rows[0]]
    name_col = next((i for i, h in enumerate(header) if h in NAME_HEADERS), None)
    if name_col is None:
        return [], [Problem(1, "no_name_column")]
    number = gemeente_code[2:]
    areas: dict[str, Area] = {}
    problems: list[Problem] = []
    for line, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        code = next(
            (c.upper() for c in cells if WIJK.match(c.upper()) or BUURT.match(c.upper())), None
        )
        if code is None:
            if any(GEMEENTE.match(c.upper()) for c in cells):
                continue
            problems.append(Problem(line, "no_code"))
            continue
        if code[2:6] != number:
            problems.append(
                Problem(line, "other_municipality", {"code": code, "municipality": gemeente_code})
            )
            continue
        name = cells[name_col] if name_col < len(cells) else ""
        if not name:
            problems.append(Problem(line, "no_name", {"code": code}))
            continue
        if code in areas:
            problems.append(Problem(line, "duplicate", {"code": code}))
            continue
        kind = "wijk" if code.startswith("WK") else "buurt"
        areas[code] = Area(code, name[:100], kind, parent_wijk(code) if kind == "buurt" else "")
    ordered = sorted(areas.values(), key=lambda a: (a.kind != "wijk", a.code))
    return ordered, problems
