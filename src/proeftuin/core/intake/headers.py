"""Find the header row in a project leader's sheet, and combine a group header row above it.

Real sheets rarely start with a clean header in row 1. Typical is::

    1  Monitor Project Thuis in de Wijk 2024          ← title
    2  Ingevuld door: team Noord                      ← note
    3
    4  Cliëntnummer | Wijk | 0-meting (merged C:E)   | Eindmeting (merged F:H)   ← group row
    5               |      | Datum | Wonen | Financiën | Datum | Wonen | Financiën ← header row
    6  1001         | Noord| 03-02-2024 | 2 | 3 | …                               ← data

:func:`detect_layout` scores the first rows and picks the one that looks most like a header: many
short text cells, especially cells matching known header words, and not dates or numbers. The row
directly above it is a *group row* when it labels spans of the columns below (merged cells, or
cells to be carried to the right over empty neighbours). A cell of the group row above an empty
header cell is a header that spans both rows (``Cliëntnummer`` above).

The result gives each column its letter, its own header, its group and a combined label such as
``0-meting / Wonen``; blank trailing columns are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .errors import column_letter

Cell = str | None
MergedRange = tuple[tuple[int, int], tuple[int, int]]

#: How many rows from the top are considered for the header.
SCAN_ROWS = 30

_NUMBERISH = re.compile(r"^[+-]?[\d.,\s]+%?$")
_DATEISH = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([T ].*)?$")


def is_blank(cell: Cell) -> bool:
    return cell is None or not str(cell).strip()


def _is_texty(cell: Cell) -> bool:
    if is_blank(cell):
        return False
    text = str(cell).strip()
    return not _NUMBERISH.match(text) and not _DATEISH.match(text) and len(text) <= 80


@dataclass(frozen=True)
class Column:
    index: int
    letter: str
    header: str
    group: str | None

    @property
    def label(self) -> str:
        """What the user sees as this column's name: ``group / header``, or either alone."""
        if self.group and self.header:
            return f"{self.group} / {self.header}"
        return self.header or self.group or f"Kolom {self.letter}"


@dataclass(frozen=True)
class Layout:
    """Where the header is (0-based row indexes into the sheet) and the columns it defines."""

    header_row: int
    group_row: int | None
    columns: tuple[Column, ...]

    @property
    def data_start(self) -> int:
        return self.header_row + 1

    @property
    def width(self) -> int:
        return max((c.index for c in self.columns), default=-1) + 1


def _row_score(row: Sequence[Cell], known: Callable[[str], bool]) -> float:
    cells = [c for c in row if not is_blank(c)]
    if len(cells) < 2:
        return 0.0
    texty = sum(1 for c in cells if _is_texty(c))
    hits = sum(1 for c in cells if _is_texty(c) and known(str(c)))
    data_like = len(cells) - texty
    return hits * 3 + texty - data_like * 1.5


def _group_row_usable(
    row: Sequence[Cell], header: Sequence[Cell], row_index: int, merged: Sequence[MergedRange]
) -> bool:
    cells = [(i, c) for i, c in enumerate(row) if not is_blank(c)]
    if not cells:
        return False
    if any(not _is_texty(c) for _, c in cells):
        return False
    spans = [m for m in merged if m[0][0] <= row_index <= m[1][0] and m[1][1] > m[0][1]]
    if spans:
        return True
    over_header = [i for i, _ in cells if i < len(header) and not is_blank(header[i])]
    # A lone cell in the first column above a filled header cell is more likely a title.
    return len(cells) >= 2 or (bool(over_header) and cells[0][0] != 0)


def detect_layout(
    rows: Sequence[Sequence[Cell]],
    known: Callable[[str], bool] = lambda _text: False,
    merged: Sequence[MergedRange] = (),
    header_row: int | None = None,
    group_row: int | None = -1,
) -> Layout | None:
    """The layout of a sheet's first rows, or None when no row looks like a header.

    ``known(text)`` tells whether a cell's text is a recognised header word (it raises the row's
    score). ``header_row``/``group_row`` (0-based) force a choice, as a saved mapping does;
    ``group_row=-1`` means "detect", ``None`` means "no group row".
    """
    scan = [list(r) for r in rows[:SCAN_ROWS]]
    if header_row is None:
        best, best_score = None, 0.0
        for index, row in enumerate(scan):
            score = _row_score(row, known)
            if score > best_score:
                best, best_score = index, score
        if best is None:
            return None
        header_row = best
    if header_row >= len(rows):
        return None
    header = list(rows[header_row])
    if group_row == -1:
        above = header_row - 1
        group_row = (
            above if above >= 0 and _group_row_usable(rows[above], header, above, merged) else None
        )
    group = list(rows[group_row]) if group_row is not None else []

    width = max(len(header), len(group))
    header += [None] * (width - len(header))
    group += [None] * (width - len(group))

    groups: list[str | None] = [None] * width
    if group_row is not None:
        spans = [(c0, c1) for (r0, c0), (r1, c1) in merged if r0 <= group_row <= r1 and c1 > c0]
        for c0, c1 in spans:  # merged cells in the group row: the span is exact
            value = next(
                (group[c] for c in range(c0, min(c1 + 1, width)) if not is_blank(group[c])), None
            )
            for c in range(c0, min(c1 + 1, width)):
                if value is not None and not is_blank(header[c]):
                    groups[c] = " ".join(str(value).split())
        current: str | None = None
        for c in range(width):
            cell = group[c]
            if not is_blank(cell):
                # A group cell above an empty header cell is a header spanning both rows.
                current = " ".join(str(cell).split()) if not is_blank(header[c]) else None
                if current is not None and groups[c] is None:
                    groups[c] = current
            elif is_blank(header[c]):
                current = None
            elif not spans and current is not None:
                # No merge information (CSV, or cells typed without merging): carry the group
                # to the right over empty group cells.
                groups[c] = current

    columns = []
    for c in range(width):
        own = "" if is_blank(header[c]) else " ".join(str(header[c]).split())
        grp = groups[c]
        if not own and group_row is not None and not is_blank(group[c]):
            own, grp = " ".join(str(group[c]).split()), None  # a header spanning both rows
        columns.append(Column(index=c, letter=column_letter(c), header=own, group=grp))
    return Layout(header_row=header_row, group_row=group_row, columns=tuple(columns))


def trim_columns(layout: Layout, has_data: Callable[[int], bool]) -> Layout:
    """Drop columns with neither a header nor any data (blank trailing or spacer columns)."""
    kept = tuple(c for c in layout.columns if c.header or c.group or has_data(c.index))
    return Layout(layout.header_row, layout.group_row, kept)
