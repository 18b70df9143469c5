"""Parsers for Dutch spreadsheet cells, and how they are applied to a million rows quickly.

The parsers here read *one* cell's text. They are applied per **distinct** value of a column
(:func:`distinct_lookup`): a column of a million scores has five or six distinct texts, a date
column a few thousand, so Python parses each distinct text once and polars maps the results back
onto all rows with one hash join. The cost is O(rows) in polars plus O(distinct values) in
Python, which keeps a 1M-row import within seconds, and every cell still gets exactly the same
rules as the scalar function describes.

Dates (always day before month, the Dutch order):

- ``dd-mm-jjjj``, ``d-m-jj``, ``dd/mm/yyyy``, ``dd.mm.yyyy``, optionally with a time;
- ISO ``yyyy-mm-dd`` (also ``yyyy/mm/dd``), optionally with a time;
- ``3 maart 2024``, ``3-mrt-24``, English month names too;
- Excel serial day numbers (``45352``, from a date cell that lost its format), 20000–80000.

Two-digit years up to next year's two digits are this century, the rest the previous one.

Numbers: a decimal comma (``3,5``), Dutch thousand dots (``1.234`` or ``1.234,5``), a decimal dot
(``3.5``), English thousand commas only together with a decimal dot (``1,234.5``), spaces inside.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

#: Cell texts that mean "nothing entered" (not applicable), treated as empty.
EMPTY_WORDS = frozenset(("-", "–", "—", "n.v.t.", "n.v.t", "nvt", "nvt.", "n/a", "n.a.", "nil"))
#: Cell texts that mean "unknown": stored as the answer *onbekend*, never as a number.
UNKNOWN_WORDS = (
    "onbekend",
    "onb",
    "onb.",
    "niet bekend",
    "weet niet",
    "weet ik niet",
    "n.b.",
    "nb",
    "?",
    "??",
    "unknown",
    "don't know",
    "dont know",
    "dk",
)
_UNKNOWN = frozenset(UNKNOWN_WORDS)
TRUE_WORDS = frozenset(
    ("ja", "j", "yes", "y", "waar", "true", "wel", "x", "v", "1", "✓", "✔", "ok")
)
FALSE_WORDS = frozenset(("nee", "n", "no", "onwaar", "false", "niet", "geen", "0"))

#: A formula: ``=…``, or ``+``/``-``/``@`` directly followed by a function call (``@SUM(``).
FORMULA_PATTERN = r"^(=|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\()"
_FORMULA = re.compile(FORMULA_PATTERN)

_MONTHS = {
    "jan": 1,
    "januari": 1,
    "january": 1,
    "feb": 2,
    "febr": 2,
    "februari": 2,
    "february": 2,
    "mrt": 3,
    "maa": 3,
    "maart": 3,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "june": 6,
    "jul": 7,
    "juli": 7,
    "july": 7,
    "aug": 8,
    "augustus": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}

_TIME = r"(?:[tT ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(rf"^(\d{{4}})[-/](\d{{1,2}})[-/](\d{{1,2}}){_TIME}$")
_DMY = re.compile(rf"^(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}}|\d{{2}}){_TIME}$")
_NAMED = re.compile(r"^(\d{1,2})[ -]+([a-z]{3,9})\.?[ -]+(\d{4}|\d{2})$")
_SERIAL = re.compile(r"^(\d{5})(?:[.,]\d+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_DUTCH_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_ENGLISH_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


# --- one cell -----------------------------------------------------------------------------------


def clean_text(value: str | None) -> str | None:
    """Trimmed text (also non-breaking spaces), or None when nothing is left."""
    if value is None:
        return None
    text = value.strip()
    return text or None


def is_formula_text(text: str) -> bool:
    return bool(_FORMULA.match(text))


def is_empty_word(text: str) -> bool:
    return text.lower() in EMPTY_WORDS


def is_unknown_word(text: str) -> bool:
    return text.lower() in _UNKNOWN


def number_text(text: str) -> float | None:
    """A number from Dutch or English text; None when it is not one."""
    s = _SPACES.sub("", text)
    if _DUTCH_THOUSANDS.match(s):
        s = s.replace(".", "").replace(",", ".", 1)
    elif _ENGLISH_THOUSANDS.match(s):
        s = s.replace(",", "")
    else:
        s = s.replace(",", ".", 1)
    if not _PLAIN_NUMBER.match(s):
        return None
    return float(s)


def _year(year: int, today: dt.date) -> int:
    if year >= 100:
        return year
    century = today.year // 100 * 100
    return year + century if year <= (today.year + 1) % 100 else year + century - 100


def _make_date(year: int, month: int, day: int, today: dt.date) -> dt.date | None:
    try:
        return dt.date(_year(year, today), month, day)
    except ValueError:
        return None


def date_text(text: str, today: dt.date) -> dt.date | None:
    """A date from any accepted form (see the module docstring); None otherwise."""
    s = text.strip().lower()
    if match := _DMY.match(s):
        return _make_date(int(match[3]), int(match[2]), int(match[1]), today)
    if match := _ISO.match(s):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), today)
    if match := _NAMED.match(s):
        month = _MONTHS.get(match[2])
        return _make_date(int(match[3]), month, int(match[1]), today) if month else None
    if match := _SERIAL.match(s):
        days = int(match[1])
        if 20000 <= days <= 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=days)
    return None


def bool_text(text: str) -> bool | None:
    s = text.strip().lower()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    return None


# --- a whole column -------------------------------------------------------------------------------


def clean(column: pl.Expr) -> pl.Expr:
    """Vectorised :func:`clean_text`: trimmed, empty text becomes null."""
    text = column.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def is_formula(text: pl.Expr) -> pl.Expr:
    """Vectorised :func:`is_formula_text` (false for null)."""
    return text.str.contains(FORMULA_PATTERN).fill_null(False)


def distinct_lookup(
    frame: pl.DataFrame,
    source: str,
    parse: Callable[[str | None], Sequence[Any]],
    outputs: dict[str, pl.DataType],
) -> pl.DataFrame:
    """Add ``outputs`` columns to ``frame`` by parsing each distinct value of ``source`` once.

    ``parse(text)`` gets the raw cell text (or None) and returns one value per output column, in
    order. Row order is kept.
    """
    distinct = frame.get_column(source).unique()
    results = [parse(value) for value in distinct.to_list()]
    key = f"__key_{source}"
    columns: dict[str, Any] = {key: distinct}
    for index, (name, dtype) in enumerate(outputs.items()):
        columns[name] = pl.Series(name, [row[index] for row in results], dtype=dtype)
    table = pl.DataFrame(columns)
    # Join only the source column (a join gathers every column of its left side), then put the
    # results beside the frame: the join keeps the row order and the keys are unique.
    looked_up = frame.select(source).join(
        table, left_on=source, right_on=key, how="left", maintain_order="left", nulls_equal=True
    )
    return frame.hstack(looked_up.drop(source))
