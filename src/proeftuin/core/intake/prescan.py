"""How big a workbook's sheets really are, read from the archive before any library loads them.

python-calamine builds a sheet as one dense rectangle from A1 to the last used cell. A 2 kB XLSX
with one cell at ``XFD1048576`` is a 17-billion-cell rectangle, and an 874-byte ODS can repeat one
filled cell over a million rows and sixteen thousand columns. So before calamine sees a sheet we
scan its XML as a stream, with a byte budget, and work out:

- ``rows``/``columns``: the rectangle calamine would build (the last row and column that hold a
  cell; for ODS after summing ``number-rows-repeated`` and ``number-columns-repeated``);
- ``cells``: the cells written in the file (after repetition).

The XLSX ``<dimension ref>`` is read too, but never trusted on its own: the stream scan decides.
The scans use regular expressions over decompressed chunks (XLSX) and ``defusedxml`` iterparse
(ODS); both only count, they keep nothing, so their memory use is constant.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from defusedxml import ElementTree

CHUNK = 4 << 20


@dataclass
class Extent:
    """The rectangle a sheet spans and the cells it writes."""

    name: str
    rows: int = 0
    columns: int = 0
    cells: int = 0
    #: ODS: filled cell elements as written, before repetition (XLSX: 0, every cell is written).
    written: int = 0
    #: ODS: spaces written as ``<text:s text:c="N"/>``, after repetition (a reader expands them).
    spaces: int = 0

    @property
    def area(self) -> int:
        return self.rows * self.columns


def letters_to_index(letters: bytes) -> int:
    """``b"A"`` → 1, ``b"XFD"`` → 16384 (1-based)."""
    index = 0
    for char in letters.upper():
        index = index * 26 + (char - 64)
    return index


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The member's bytes in chunks that end just after a ``>`` (so no tag is split)."""
    carry = b""
    with archive.open(member) as stream:
        while True:
            block = stream.read(CHUNK)
            if not block:
                break
            data = carry + block
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) < 4 * CHUNK:
                carry = data
                continue
            cut = cut or len(data)
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


# --- XLSX ---------------------------------------------------------------------------------------

_Q = rb"[\"']"  # XML allows either quote around an attribute value
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*" + _Q + rb"[A-Za-z]*\d*:?([A-Za-z]+)(\d+)" + _Q
)
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_COL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br\s*=\s*" + _Q + rb"([A-Za-z]{1,4})\d")
_CELL_ROW = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br\s*=\s*" + _Q + rb"[A-Za-z]{1,4}(\d+)" + _Q)
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br\s*=\s*" + _Q + rb"(\d+)" + _Q)
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s>/])([^>]*)")
_R_ANY = re.compile(rb"\br\s*=\s*([\"'])(.*?)\1")
_REF = re.compile(rb"\s*([A-Za-z]*)(\d+)\s*$")


def _reference(attributes: bytes) -> re.Match[bytes] | None:
    """The ``r`` attribute as (letters, digits), character references resolved as XML does."""
    found = _R_ANY.search(attributes)
    if not found:
        return None
    value = found.group(2)
    if b"&" in value:
        value = html.unescape(value.decode("latin-1")).encode("latin-1", "replace")
    return _REF.match(value)


def declared_dimension(archive: zipfile.ZipFile, member: str) -> tuple[int, int] | None:
    """(rows, columns) from ``<dimension ref="A1:R1000"/>`` near the start, or None."""
    with archive.open(member) as stream:
        head = stream.read(64 * 1024)
    match = _DIMENSION.search(head)
    if not match:
        return None
    return int(match.group(2)), letters_to_index(match.group(1))


def xlsx_extent(archive: zipfile.ZipFile, member: str, name: str) -> Extent:
    """Scan one worksheet part: the last row and column holding a cell, and the cell count.

    Cells normally carry ``r="B7"``; when a writer leaves it out, cells and rows are numbered by
    position, which the slower exact path follows.
    """
    extent = Extent(name)
    exact = False
    for chunk in _chunks(archive, member):
        cells = len(_CELL.findall(chunk))
        extent.cells += cells
        columns = set(_CELL_COL.findall(chunk))
        row_numbers = set(_CELL_ROW.findall(chunk)) | set(_ROW_NUMBER.findall(chunk))
        with_ref = len(_CELL_ROW.findall(chunk))
        if with_ref != cells or len(_ROW_NUMBER.findall(chunk)) != len(_ROW.findall(chunk)):
            exact = True
            break
        if columns:
            extent.columns = max(extent.columns, max(map(letters_to_index, columns)))
        if row_numbers:
            extent.rows = max(extent.rows, max(map(int, row_numbers)))
    if exact:
        return _xlsx_extent_by_position(archive, member, name)
    return extent


def _xlsx_extent_by_position(archive: zipfile.ZipFile, member: str, name: str) -> Extent:
    """The exact scan: follow rows and cells in order, as a reader does without ``r``."""
    extent = Extent(name)
    row = 0
    column = 0
    for chunk in _chunks(archive, member):
        for match in _ROW_OR_CELL.finditer(chunk):
            ref = _reference(match.group(2))
            if match.group(1) == b"row":
                row = int(ref.group(2)) if ref else row + 1
                column = 0
                continue
            extent.cells += 1
            if ref and ref.group(1):
                column = letters_to_index(ref.group(1))
                row = max(row, int(ref.group(2)))
            else:
                column += 1
            extent.columns = max(extent.columns, column)
            extent.rows = max(extent.rows, row)
    return extent


# --- ODS ----------------------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CELL_TAGS = {f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"}


def _repeat(element: object, attribute: str) -> int:
    try:
        return max(1, int(element.get(f"{_TABLE}{attribute}", "1")))  # type: ignore[attr-defined]
    except ValueError:
        return 1


def _count(text: str) -> int:
    try:
        return max(0, int(text))
    except ValueError:
        return 1


def ods_extents(archive: zipfile.ZipFile) -> list[Extent]:
    """Every table in ``content.xml`` with its rectangle, repetitions summed.

    Empty repeated rows and cells (LibreOffice writes a million of them at the end of every
    sheet) do not extend the rectangle; a repeated *filled* cell or row does.
    """
    extents: list[Extent] = []
    current: Extent | None = None
    row_start = 0
    row_repeat = 1
    column = 0
    row_last = 0
    row_cells = 0
    cell_spaces = row_spaces = 0
    stack: list[object] = []
    with archive.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                stack.append(element)
                if tag == f"{_TABLE}table":
                    current = Extent(element.get(f"{_TABLE}name", "") or "")
                    extents.append(current)
                    row_start = 0
                elif tag == f"{_TABLE}table-row":
                    row_repeat = _repeat(element, "number-rows-repeated")
                    column = row_last = row_cells = row_spaces = 0
                continue
            stack.pop()
            if tag == f"{_TEXT}s":
                cell_spaces += _count(element.get(f"{_TEXT}c", "1"))
                continue
            if tag in _CELL_TAGS:
                repeat = _repeat(element, "number-columns-repeated")
                filled = element.get(f"{_OFFICE}value-type") is not None or len(element) > 0
                column += repeat
                if filled:
                    row_last = column
                    row_cells += repeat
                    if current is not None:
                        current.written += 1
                row_spaces += cell_spaces * repeat
                cell_spaces = 0
            elif tag == f"{_TABLE}table-row" and current is not None:
                if row_cells:
                    current.rows = row_start + row_repeat
                    current.columns = max(current.columns, row_last)
                    current.cells += row_cells * row_repeat
                current.spaces += row_spaces * row_repeat
                row_start += row_repeat
            elif tag == f"{_TABLE}table":
                current = None
            else:
                continue
            # Forget what was counted, so memory stays constant however long the table is.
            element.clear()
            if stack:
                stack[-1].remove(element)  # type: ignore[attr-defined]
    return extents
