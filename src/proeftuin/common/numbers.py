"""The one number formatter for figures shown to people (HTML, PDF, sentences).

Django's ``number_format`` cuts decimals off instead of rounding (0.5278 → "0,52"). Every figure
goes through :func:`rounded` first: decimal rounding, half away from zero, on the number as it
is written (so 0.125 → 0.13, not the binary 0.12499…), and a result of zero never keeps a minus
sign ("−0,00" said something the data does not).
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.formats import number_format

from proeftuin.core import numbers as core_numbers

MINUS = "−"  # U+2212, the typographic minus


def rounded(value, digits: int) -> Decimal | None:
    """``value`` rounded to ``digits`` decimals (half away from zero); None when not a number.
    The rounding itself lives in the core (:func:`proeftuin.core.numbers.rounded`)."""
    return core_numbers.rounded(value, digits)


def decimal_text(value, digits: int = 2, *, grouping: bool = False) -> str:
    """``0.5278`` → ``0,53`` (in the interface language); ``—`` for no value."""
    number = rounded(value, digits)
    if number is None:
        return "—"
    text = number_format(number.copy_abs(), int(digits), force_grouping=grouping)
    return (MINUS + text) if number < 0 else text


def signed_text(value, digits: int = 2) -> str:
    """A change with its sign: ``+0,46``, ``−0,50``, and ``0,00`` without a sign."""
    number = rounded(value, digits)
    if number is None:
        return "—"
    text = number_format(number.copy_abs(), int(digits))
    if number.is_zero():
        return text
    return ("+" if number > 0 else MINUS) + text


def percent_text(share, digits: int = 0) -> str:
    """A share (0–1) as a percentage: ``0.456`` → ``46%``; ``—`` for no value."""
    try:
        as_float = float(share)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(as_float):
        return "—"
    return decimal_text(Decimal(repr(as_float)) * 100, digits) + "%"
