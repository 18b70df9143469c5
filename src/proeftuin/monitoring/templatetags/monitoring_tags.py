"""Number formatting for Tel en vertel: signed changes, percentages and intervals, Dutch style."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from proeftuin.common import numbers

register = template.Library()


@register.filter
def signed(value, digits: int = 2):
    """``0.456`` → ``+0,46``; ``-0.5`` → ``−0,50``; ``None`` → ``—`` (rounded, never cut off)."""
    return numbers.signed_text(value, int(digits))


@register.filter
def decimal(value, digits: int = 2):
    return numbers.decimal_text(value, int(digits))


@register.filter
def pct(value):
    """A share (0–1) as a whole percentage: ``0.456`` → ``46%``."""
    return numbers.percent_text(value)


@register.simple_tag
def interval(low, high, digits: int = 2):
    """``[−0,12; +0,80]``: the confidence interval, or ``—``."""
    if low is None or high is None:
        return "—"
    return f"[{signed(low, digits)}; {signed(high, digits)}]"


@register.filter
def get(mapping, key):
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def text(value):
    """An instrument's bilingual text (``Text``) in the current language."""
    if value is None:
        return ""
    language = get_language() or "nl"
    return value.get("en" if language.startswith("en") else "nl")
