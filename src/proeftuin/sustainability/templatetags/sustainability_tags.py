"""Template helpers for the advisor's bilingual texts."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def tr(text) -> str:
    """``{{ text|tr }}``: a core Text (or TextList) in the active language (Dutch otherwise)."""
    if text is None:
        return ""
    lang = "en" if (get_language() or "nl").startswith("en") else "nl"
    return text.get(lang)
