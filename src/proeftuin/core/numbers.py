"""Decimal rounding for figures shown to people, without Django (the core's half of the one
formatter; ``proeftuin.common.numbers`` adds the interface language's separators).

Python's ``round`` and ``"%.2f"`` round the binary value half to even (``round(0.125, 2)`` is
0.12, ``round(12.5)`` is 12); a person reading "12,5%" expects 13%. Here a number is rounded half
away from zero on the number as it is written (``repr``), and a rounded zero has no minus sign.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MINUS = "−"  # U+2212, the typographic minus


def rounded(value, digits: int) -> Decimal | None:
    """``value`` rounded to ``digits`` decimals (half away from zero); None when not a number."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    except (TypeError, ValueError, InvalidOperation):
        return None
    if not number.is_finite():
        return None
    result = number.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def plain_text(value, digits: int = 2) -> str:
    """Rounded, with a point as decimal separator and a typographic minus; "—" for no value.

    For texts the core writes itself (chart tooltips without a language, advice sentences)."""
    number = rounded(value, digits)
    if number is None:
        return "—"
    return str(number).replace("-", MINUS)


def whole_percent(share) -> int | None:
    """A share (0–1) as a whole percentage, half away from zero: 0.125 → 13 (``round`` gives 12)."""
    try:
        number = Decimal(repr(float(share))) * 100
    except (TypeError, ValueError, InvalidOperation):
        return None
    result = rounded(number, 0)
    return None if result is None else int(result)


def percent_text(share) -> str:
    """``0.125`` → ``13%`` (the same in Dutch and English); "—" for no value."""
    whole = whole_percent(share)
    return "—" if whole is None else f"{whole}%"
