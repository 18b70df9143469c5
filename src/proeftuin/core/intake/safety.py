"""Checks that run before a file is parsed: size, kind, zip bombs; and identifier detection.

Before any spreadsheet library sees a file we decide what it is from its *content* (never from
its name), and refuse what is not a spreadsheet. A zip-based file (XLSX, ODS) is opened with the
standard :mod:`zipfile` module only to read its central directory; we refuse it when:

- it has too many members, or encrypted or unusually compressed members;
- the declared uncompressed size is larger than :attr:`Limits.max_uncompressed_bytes`;
- a large member compresses better than :attr:`Limits.max_ratio` (real sheets compress 5–30×; a
  zip bomb thousands of times);
- the *actual* decompressed size of any member differs from what the directory declares, or the
  total exceeds the limit. We measure this by inflating each member ourselves with a byte budget,
  so a file that lies in its directory cannot make a library inflate gigabytes.

Only then is the file handed to python-calamine.

Identifier detection (:func:`passes_elfproef`, :func:`bsn_share`, :func:`name_like_share`) finds
columns holding BSNs or person names, which the importer refuses unless they are explicitly mapped
to ``hash`` or ``drop``.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from .errors import FileRefused, IntakeError

XLSX = "xlsx"
ODS = "ods"
CSV = "csv"

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Limits:
    """Configurable limits; the defaults fit a municipality's largest realistic files.

    Django reads overrides from the setting ``PROEFTUIN_INTAKE_LIMITS`` (a dict of these names).
    """

    #: The file as uploaded.
    max_bytes: int = 128 * 1024 * 1024
    #: Data rows per sheet (CSV: per file), not counting header rows.
    max_rows: int = 1_100_000
    max_columns: int = 500
    #: Cells per sheet: the rectangle from A1 to the last used cell, which a reader builds.
    max_cells: int = 20_000_000
    #: A rectangle larger than this must be at least 10% filled (see ``sparse_sheet``).
    sparse_area: int = 2_000_000
    max_sheets: int = 50
    #: Zip containers (XLSX, ODS): the total of all members once decompressed.
    max_uncompressed_bytes: int = 512 * 1024 * 1024
    #: Zip containers: the largest compression ratio accepted for a member larger than 1 MB.
    max_ratio: float = 200.0
    max_zip_members: int = 2_000
    #: CSV: the longest line (a record) in bytes.
    max_line_bytes: int = 1024 * 1024
    #: Errors listed one by one; beyond this only counts per kind are reported.
    max_errors: int = 1_000
    #: A story (free text) longer than this is refused.
    max_text_chars: int = 20_000
    #: The worker that parses a file (see :mod:`.isolation`): its address space and wall time.
    max_memory_bytes: int = 3 * 1024 * 1024 * 1024
    max_seconds: float = 300.0


def refuse(
    code: str, file: str, params: dict[str, Any] | None = None, *, key: str = "", **where: Any
) -> FileRefused:
    """The refusal of a whole file: ``code`` with ``params``; ``key`` picks its sentences."""
    return FileRefused(IntakeError(code=code, params=params or {}, file=file, key=key, **where))


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} kB"


# --- what kind of file ----------------------------------------------------------------------------


#: Leading bytes → the message key saying what the file is instead.
_BINARY_SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "not_spreadsheet_xls",
    b"%PDF": "not_spreadsheet_pdf",
}


def detect_kind(data: bytes, file: str, limits: Limits) -> str:
    """``xlsx``, ``ods`` or ``csv`` from the content; refuse anything else (and too-large files)."""
    if len(data) > limits.max_bytes:
        raise refuse(
            "file_too_large", file, {"size": _mb(len(data)), "limit": _mb(limits.max_bytes)}
        )
    if not data or data.isspace():
        raise refuse("empty_file", file)
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return check_zip(data, file, limits)
    for signature, key in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise refuse("not_spreadsheet", file, key=key)
    head = data[:8192]
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\x00" in head:
        raise refuse("not_spreadsheet", file, key="not_spreadsheet_binary")
    return CSV


# --- zip containers -----------------------------------------------------------------------------


def _zip_refusal(key: str, file: str, **params: Any) -> FileRefused:
    """A zip container refused: ``key`` (``zip_members``, ``zip_bomb``…) says why."""
    return refuse("zip_refused", file, params, key=key)


def check_zip(data: bytes, file: str, limits: Limits) -> str:
    """Refuse zip bombs and non-spreadsheet zips *before* any spreadsheet library opens them."""
    try:
        return _check_zip(data, file, limits)
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib, "negative seek", "zip file version"…
        raise corrupt(file, exc) from exc


def corrupt(file: str, exc: BaseException) -> FileRefused:
    """The refusal for a damaged archive or a file no reader understands."""
    return refuse("corrupt_file", file, {"error": type(exc).__name__})


def _check_zip(data: bytes, file: str, limits: Limits) -> str:
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    if len(infos) > limits.max_zip_members:
        raise _zip_refusal("zip_members", file, members=len(infos))
    declared = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse("encrypted_file", file)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _zip_refusal("zip_method", file)
        declared += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise _zip_refusal("zip_ratio", file, ratio=f"{ratio:.0f}", size=_mb(info.file_size))
    if declared > limits.max_uncompressed_bytes:
        raise _zip_refusal(
            "zip_declared", file, size=_mb(declared), limit=_mb(limits.max_uncompressed_bytes)
        )
    kind = _zip_kind(archive, infos, file)
    _measure_members(data, infos, file, limits)
    return kind


def _zip_kind(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], file: str) -> str:
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        if info.file_size <= 200 and archive.read("mimetype").strip() == ODS_MIMETYPE:
            return ODS
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        key = "not_spreadsheet_office"
    elif "mimetype" in names:
        key = "not_spreadsheet_opendocument"
    else:
        key = "not_spreadsheet_zip"
    raise refuse("not_spreadsheet", file, key=key)


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def _measure_members(
    data: bytes, infos: Iterable[zipfile.ZipInfo], file: str, limits: Limits
) -> None:
    """Inflate every member with a byte budget and compare with the declared sizes."""
    view = memoryview(data)
    budget = limits.max_uncompressed_bytes
    for info in infos:
        offset = info.header_offset
        header = bytes(view[offset : offset + _LOCAL_HEADER.size])
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise _zip_refusal("zip_directory", file)
        fields = _LOCAL_HEADER.unpack(header)
        start = offset + _LOCAL_HEADER.size + fields[-2] + fields[-1]
        raw = view[start : start + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            actual = len(raw)
        else:
            actual = _inflated_size(raw, min(budget, info.file_size) + 1)
        if actual < 0:
            raise corrupt(file, zlib.error("invalid deflate data"))
        if actual != info.file_size:
            raise _zip_refusal("zip_size_mismatch", file)
        budget -= actual
        if budget < 0:
            raise _zip_refusal("zip_inflated", file, limit=_mb(limits.max_uncompressed_bytes))


def _inflated_size(raw: memoryview, cap: int) -> int:
    """The size ``raw`` (raw deflate) inflates to, counting at most ``cap`` bytes."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    chunk = 1 << 20
    try:
        for position in range(0, max(len(raw), 1), chunk):
            block = raw[position : position + chunk]
            out = inflater.decompress(block, cap - total + 1)
            total += len(out)
            while inflater.unconsumed_tail and total <= cap:
                out = inflater.decompress(inflater.unconsumed_tail, cap - total + 1)
                total += len(out)
            if total > cap:
                return total
        total += len(inflater.flush())
    except zlib.error:
        return -1
    return total


# --- identifiers: BSN (11-test) -------------------------------------------------------------------

_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def passes_elfproef(value: str | int) -> bool:
    """True for a 9-digit number (8 digits: a lost leading zero) that passes the BSN 11-test.

    The test: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11, and not all digits are zero.
    """
    text = str(value).strip()
    if not text.isdigit() or len(text) not in (8, 9) or not text.isascii():
        return False
    digits = text.zfill(9)
    if digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits, _BSN_WEIGHTS, strict=True))
    return total % 11 == 0


def elfproef_expr(column: pl.Expr) -> pl.Expr:
    """Vectorised :func:`passes_elfproef` over a string column (null for empty cells)."""
    text = column.str.strip_chars()
    is_candidate = text.str.contains(r"^[0-9]{8,9}$")
    padded = text.str.zfill(9)
    total = pl.lit(0, dtype=pl.Int64)
    for position, weight in enumerate(_BSN_WEIGHTS):
        digit = padded.str.slice(position, 1).cast(pl.Int64, strict=False)
        total = total + digit * weight
    return (is_candidate & (total % 11 == 0) & (padded != "000000000")).fill_null(False)


def bsn_share(values: pl.Series) -> tuple[float, int]:
    """(share of non-empty values passing the 11-test, number of non-empty values)."""
    text = values.cast(pl.String).str.strip_chars()
    text = text.filter(text.is_not_null() & (text != ""))
    if text.len() == 0:
        return 0.0, 0
    candidates = text.filter(text.str.contains(r"^[0-9]{8,9}$"))
    if candidates.len() == 0:
        return 0.0, text.len()
    passing = pl.select(elfproef_expr(pl.lit(candidates))).to_series().sum()
    return passing / text.len(), text.len()


# --- identifiers: person names --------------------------------------------------------------------

_PARTICLES = (
    "van|de|der|den|het|ten|ter|te|op|in|'t|d'|da|di|del|della|le|la|du|des|von|zu|el|al|bin|ben"
)
_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[-'][A-ZÀ-ÖØ-Þa-zà-öø-ÿ][a-zà-öø-ÿ]+)*"
_INITIALS = r"(?:[A-Z]\.){1,4}"
_NAME_TOKEN = rf"(?:{_WORD}|{_INITIALS}|(?:{_PARTICLES}))"
#: Two to five tokens, at least one a capitalised word, e.g. "Fatima el Amrani", "J.P. de Vries",
#: "de Vries, Jan".
NAME_PATTERN = re.compile(rf"^(?:{_NAME_TOKEN})(?:,? (?:{_NAME_TOKEN})){{1,4}}$")
_HAS_WORD = re.compile(_WORD)


def looks_like_name(value: str) -> bool:
    """True for text shaped like a person's name (two to five name tokens, one capitalised)."""
    text = str(value).strip()
    return bool(NAME_PATTERN.match(text) and _HAS_WORD.search(text))


def name_like_share(values: pl.Series) -> tuple[float, float, int]:
    """(share looking like a person's name, share of distinct values, number of non-empty values)."""
    text = values.cast(pl.String).str.strip_chars()
    text = text.filter(text.is_not_null() & (text != ""))
    n = text.len()
    if n == 0:
        return 0.0, 0.0, 0
    shaped = text.str.contains(NAME_PATTERN.pattern) & text.str.contains(_HAS_WORD.pattern)
    matches = shaped.sum()
    return matches / n, text.n_unique() / n, n


def column_shares(
    sample: pl.DataFrame, names: list[str]
) -> dict[str, tuple[float, int, float, float]]:
    """Per column: (BSN share, non-empty count, name-like share, distinct share), in one query.

    The same numbers as :func:`bsn_share` and :func:`name_like_share`, computed for all columns
    at once so a wide sheet costs one pass instead of several queries per column.
    """
    names = [n for n in names if n in sample.columns]
    if not names or sample.height == 0:
        return {n: (0.0, 0, 0.0, 0.0) for n in names}
    long = sample.select(pl.col(n).cast(pl.String) for n in names).unpivot(
        variable_name="column", value_name="value"
    )
    text = pl.col("value").str.strip_chars()
    filled = text.is_not_null() & (text != "")
    long = long.with_columns(
        filled=filled,
        bsn=elfproef_expr(text) & filled,
        shaped=(
            text.str.contains(NAME_PATTERN.pattern) & text.str.contains(_HAS_WORD.pattern)
        ).fill_null(False),
        text=text,
    )
    stats = long.group_by("column").agg(
        n=pl.col("filled").sum(),
        b=pl.col("bsn").sum(),
        p=pl.col("shaped").sum(),
        d=pl.col("text").filter(pl.col("filled")).n_unique(),
    )
    result: dict[str, tuple[float, int, float, float]] = dict.fromkeys(names, (0.0, 0, 0.0, 0.0))
    for column, n, b, p, d in stats.iter_rows():
        if n:
            result[column] = (b / n, n, p / n, d / n)
    return result
