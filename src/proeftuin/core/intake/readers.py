"""Read a spreadsheet (XLSX, ODS, CSV) into sheets of text cells, with their Excel row numbers.

Every cell becomes text in one canonical form, so that validation is the same for every format:

- numbers from XLSX/ODS: integers as digits (``1001``), others with a decimal comma (``3,5``),
  which the Dutch number parser reads back exactly;
- dates and date-times: ISO (``2024-03-01``, ``2024-03-01T12:30:00``);
- booleans: ``ja``/``nee``; empty cells and error values (``#DEEL/0!``): empty.

**Formulas.** Nothing is ever evaluated. In XLSX we take the value Excel last calculated and
stored with the formula (what the user sees in Excel); a formula without a stored value (files
written by scripts that never ran Excel) is an error for that cell, and every column where
formulas were used gets a warning. ODS files store calculated values the same way and are read
likewise, but their formulas are not reported. In CSV a cell starting with ``=`` is a formula that
lost its value on export, and is refused by the validation.

**CSV.** Encoding: a BOM (UTF-8, UTF-16) decides; otherwise UTF-8 if the bytes are valid UTF-8,
else Windows-1252 (what Excel writes on Dutch Windows). The delimiter (``;``, ``,``, tab or
``|``) is the one that splits the first records into the most consistent number of fields. The
whole file is then parsed by polars, never cell by cell in Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import math
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import polars as pl

from .errors import FileRefused
from .extents import check_extent, sheet_extents, xlsx_sheet_parts
from .headers import MergedRange
from .safety import CSV, XLSX, Limits, corrupt, detect_kind, refuse

ROW = "__row"
HEAD_ROWS = 40

Cell = str | None


def canonical(value: object) -> Cell:
    """One cell value from calamine as canonical text (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


@dataclass
class SheetSource:
    """One sheet: its first rows for header detection, and a way to get all rows as a frame."""

    name: str | None
    head: list[list[Cell]]
    merged: list[MergedRange] = field(default_factory=list)
    visible: bool = True
    #: (row0, col0) of formula cells → whether a calculated value was stored (XLSX only).
    formulas: dict[tuple[int, int], bool] = field(default_factory=dict)
    #: How many rows the sheet has in total (for the row limit); None when unknown (CSV).
    height: int | None = None
    #: Rows of a workbook sheet, streamed from the reader each time (XLSX/ODS).
    _rows: Callable[[], Iterator[list[object]]] | None = None
    _csv: tuple[bytes, str, int] | None = None  # (utf-8 bytes, delimiter, width)

    def frame(self, start: int, width: int, limits: Limits) -> pl.DataFrame:
        """All rows from 0-based row ``start`` on, columns ``c0``…, plus ``__row`` (1-based)."""
        names = [f"c{i}" for i in range(width)]
        if self._csv is not None:
            data, delimiter, _ = self._csv
            frame = pl.read_csv(
                data,
                separator=delimiter,
                has_header=False,
                skip_rows=start,
                schema=dict.fromkeys(names, pl.String),
                missing_columns="insert",
                truncate_ragged_lines=True,
                raise_if_empty=False,
                n_rows=limits.max_rows + 1,
                quote_char='"',
                low_memory=False,
            )
        else:
            frame = _rows_frame(self._rows, names, start, limits.max_rows + 1)
        return frame.with_row_index(ROW, offset=start + 1).with_columns(pl.col(ROW).cast(pl.Int64))


#: Rows converted to Python text at a time; then they become a polars frame (compact).
BATCH_ROWS = 50_000


def _rows_frame(
    rows: Callable[[], Iterator[list[object]]] | None, names: list[str], start: int, limit: int
) -> pl.DataFrame:
    """Rows ``start``… (at most ``limit``) as a frame of text columns, built in batches so that
    only one batch of Python strings exists at a time, whatever the sheet's size."""
    schema = dict.fromkeys(names, pl.String)
    stream = itertools.islice(rows() if rows else iter(()), start, start + limit)
    frames = []
    while True:
        columns: list[list[Cell]] = [[] for _ in names]
        count = 0
        for row in itertools.islice(stream, BATCH_ROWS):
            count += 1
            for i, values in enumerate(columns):
                values.append(canonical(row[i]) if i < len(row) else None)
        if count or not frames:
            frames.append(pl.DataFrame(dict(zip(names, columns, strict=True)), schema=schema))
        if count < BATCH_ROWS:
            break
    return frames[0] if len(frames) == 1 else pl.concat(frames, rechunk=True)


@dataclass
class Workbook:
    file: str
    kind: str
    sheets: list[SheetSource]
    encoding: str | None = None
    delimiter: str | None = None
    sha256: str | None = None


def _too_large(size: int, file: str, limits: Limits) -> Exception:
    return refuse(
        "file_too_large",
        file,
        {
            "size": f"{size / (1024 * 1024):.0f} MB",
            "limit": f"{limits.max_bytes / (1024 * 1024):.0f} MB",
        },
    )


def read_bytes(source: object, file: str, limits: Limits) -> bytes:
    """The file's bytes from a path, bytes, or a binary file object, within the size limit."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read(limits.max_bytes + 1)  # type: ignore[union-attr]
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        path = os.fspath(source)  # type: ignore[arg-type]
        try:
            size = os.path.getsize(path)
            if size > limits.max_bytes:
                raise _too_large(size, file, limits)
            with open(path, "rb") as handle:
                data = handle.read(limits.max_bytes + 1)
        except OSError as exc:
            raise refuse("read_failed", file, {"error": str(exc.strerror or exc)}) from exc
    if len(data) > limits.max_bytes:
        raise _too_large(len(data), file, limits)
    return data


def open_workbook(source: object, file: str, limits: Limits) -> Workbook:
    """Read any supported file; raises :class:`~.errors.FileRefused` for files we refuse.

    Whatever goes wrong inside a reader (a damaged archive, a zlib or XML error, a panic in
    calamine, an encoding error) becomes a refusal that names the file, never an exception.
    """
    data = read_bytes(source, file, limits)
    try:
        kind = detect_kind(data, file, limits)
        if kind == CSV:
            book = _open_csv(data, file, limits)
        else:
            book = _open_zip_workbook(data, kind, file, limits)
    except (FileRefused, KeyboardInterrupt, SystemExit):
        raise
    except MemoryError as exc:
        raise too_complex(file) from exc
    except BaseException as exc:  # noqa: BLE001 - calamine panics are BaseExceptions
        raise corrupt(file, exc) from exc
    book.sha256 = hashlib.sha256(data).hexdigest()
    return book


def too_complex(file: str) -> FileRefused:
    """The refusal when reading a file needs more memory or time than a spreadsheet should."""
    return refuse("too_complex", file)


# --- CSV ----------------------------------------------------------------------------------------

_DELIMITERS = (";", ",", "\t", "|")


def decode_csv(data: bytes, file: str) -> tuple[bytes, str]:
    """(UTF-8 bytes without BOM, the encoding found)."""
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _encoding_refusal(file) from exc
        return body, "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _encoding_refusal(file) from exc
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    if "\x00" in text:
        raise _encoding_refusal(file)
    return text.encode("utf-8"), encoding


def _encoding_refusal(file: str) -> Exception:
    return refuse("encoding", file)


def _head_records(text: str, delimiter: str, limit: int = HEAD_ROWS) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records most consistently into several fields."""
    best, best_score = ",", 0.0
    for delimiter in _DELIMITERS:
        counts = [len(r) for r in _head_records(text, delimiter) if any(c.strip() for c in r)]
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        score = freq / len(counts) * min(mode, 50)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _head_text(data: bytes, size: int = 256 * 1024) -> str:
    head = data[:size]
    if len(data) > size:
        cut = head.rfind(b"\n")
        head = head[: cut + 1] if cut > 0 else head
    return head.decode("utf-8", errors="replace")


def line_longer_than(body: bytes, cap: int) -> int | None:
    """The length of a line longer than ``cap`` bytes, if there is one; else None.

    A line longer than ``cap`` contains a whole aligned block of ``cap // 2`` bytes without a
    newline, so only such blocks need a closer look: a few hundred ``find`` calls for 50 MB.
    """
    step = max(cap // 2, 1)
    for position in range(0, len(body), step):
        if body.find(b"\n", position, position + step) >= 0:
            continue
        start = body.rfind(b"\n", 0, position) + 1
        end = body.find(b"\n", position)
        length = (len(body) if end < 0 else end) - start
        if length > cap:
            return length
    return None


def _open_csv(data: bytes, file: str, limits: Limits) -> Workbook:
    body, encoding = decode_csv(data, file)
    longest = line_longer_than(body, limits.max_line_bytes)
    if longest is not None:
        raise refuse(
            "line_too_long",
            file,
            {
                "size": f"{longest / 1024:.0f} kB",
                "limit": f"{limits.max_line_bytes / 1024:.0f} kB",
            },
        )
    text = _head_text(body)
    delimiter = sniff_delimiter(text)
    head: list[list[Cell]] = [
        [c if c.strip() else None for c in record] for record in _head_records(text, delimiter)
    ]
    width = max((len(r) for r in head), default=0)
    if width > limits.max_columns:
        raise refuse(
            "too_many_columns",
            file,
            {"columns": width, "limit": limits.max_columns},
            key="too_many_columns_file",
        )
    sheet = SheetSource(name=None, head=head, _csv=(body, delimiter, width))
    return Workbook(file=file, kind=CSV, sheets=[sheet], encoding=encoding, delimiter=delimiter)


# --- XLSX / ODS ---------------------------------------------------------------------------------


def _open_zip_workbook(data: bytes, kind: str, file: str, limits: Limits) -> Workbook:
    import python_calamine as calamine

    # Every sheet's extent is checked before calamine opens the file: for ODS, opening it
    # already expands every table.
    for name, extent in sheet_extents(data, kind).items():
        check_extent(extent, name, file, limits, HEAD_ROWS)
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    metadata = list(book.sheets_metadata)
    worksheets = [m for m in metadata if "WorkSheet" in str(m.typ)]
    if len(worksheets) > limits.max_sheets:
        raise refuse(
            "too_many_sheets", file, {"sheets": len(worksheets), "limit": limits.max_sheets}
        )
    formulas = _xlsx_formula_cells(data) if kind == XLSX else {}
    sheets = []
    for meta in worksheets:
        try:
            sheet = book.get_sheet_by_name(meta.name)
            merged = list(sheet.merged_cell_ranges or [])
            rows = _row_stream(sheet)
            head = [[canonical(v) for v in row] for row in itertools.islice(rows(), HEAD_ROWS)]
            height = sheet.end[0] + 1 if sheet.end else 0
        except (KeyboardInterrupt, SystemExit, MemoryError):
            raise
        except BaseException as exc:  # noqa: BLE001 - calamine panics are BaseExceptions
            raise refuse(
                "corrupt_file",
                file,
                {"sheet": meta.name, "error": type(exc).__name__},
                key="corrupt_sheet",
                sheet=meta.name,
            ) from exc
        sheet_formulas = formulas.get(meta.name, {})
        if sheet_formulas:
            stored = _values_at(rows, set(sheet_formulas))
            sheet_formulas = {pos: stored.get(pos) is not None for pos in sheet_formulas}
        sheets.append(
            SheetSource(
                name=meta.name,
                head=head,
                merged=[tuple(map(tuple, m)) for m in merged],  # type: ignore[misc]
                visible="Visible" in str(meta.visible) and "Hidden" not in str(meta.visible),
                formulas=sheet_formulas,
                height=height,
                _rows=rows,
            )
        )
    return Workbook(file=file, kind=kind, sheets=sheets)


def _row_stream(sheet: object) -> Callable[[], Iterator[list[object]]]:
    """Rows from A1 on, one at a time, without building the sheet as Python lists.

    calamine's ``iter_rows`` starts at row 1 but at the first used *column*; we pad the left.
    """

    def rows() -> Iterator[list[object]]:
        start = getattr(sheet, "start", None)
        pad: list[object] = [None] * (start[1] if start else 0)
        for row in sheet.iter_rows():  # type: ignore[attr-defined]
            yield pad + row if pad else row

    return rows


def _values_at(
    rows: Callable[[], Iterator[list[object]]], positions: set[tuple[int, int]]
) -> dict[tuple[int, int], Cell]:
    by_row: dict[int, list[int]] = {}
    for r, c in positions:
        by_row.setdefault(r, []).append(c)
    found: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(itertools.islice(rows(), max(by_row) + 1)):
        for c in by_row.get(r, ()):
            if c < len(row):
                found[(r, c)] = canonical(row[c])
    return found


_CELL_WITH_FORMULA = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?<!/)>\s*<(?:\w+:)?f\b")
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')


def _xlsx_formula_cells(data: bytes) -> dict[str, dict[tuple[int, int], bool]]:
    """Sheet name → formula cell positions (0-based), by scanning the sheet XML for ``<f>``.

    Best effort: any surprise in the package structure gives no formula information rather than
    an error (the values are still read by calamine).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        result: dict[str, dict[tuple[int, int], bool]] = {}
        for name, part in xlsx_sheet_parts(archive).items():
            xml = archive.read(part)
            cells: dict[tuple[int, int], bool] = {}
            for match in _CELL_WITH_FORMULA.finditer(xml):
                ref = _REF.search(match.group(1))
                if ref:
                    col = 0
                    for char in ref.group(1):
                        col = col * 26 + (char - 64)
                    cells[(int(ref.group(2)) - 1, col - 1)] = True
            if cells:
                result[name] = cells
        return result
    except Exception:  # noqa: BLE001 - best effort, see docstring
        return {}
