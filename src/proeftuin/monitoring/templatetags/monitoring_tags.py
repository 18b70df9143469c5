"""Number formatting for Tel en vertel: signed changes, percentages and intervals, Dutch style."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def signed(value, digits: int = 2):
    """``0.456`` → ``+0,46``; ``-0.5`` → ``−0,50``; ``None`` → ``—``."""
    if value is None:
        return "—"
    text = number_format(abs(float(value)), int(digits))
    if round(float(value), int(digits)) == 0:
        return text
    return ("+" if value > 0 else "−") + text


@register.filter
def decimal(value, digits: int = 2):
    if value is None:
        return "—"
    return number_format(float(value), int(digits))


@register.filter
def pct(value):
    """A share (0–1) as a whole percentage: ``0.456`` → ``46%``."""
    if value is None:
        return "—"
    return f"{round(float(value) * 100)}%"


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
