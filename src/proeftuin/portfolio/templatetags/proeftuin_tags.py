from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ dict|get_item:key }}``: dictionary lookup with a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def b64encode(text: str) -> str:
    """Base64 of a text, for ``data:`` URIs (inline SVG charts that CSP would otherwise block)."""
    import base64

    return base64.b64encode(text.encode("utf-8")).decode("ascii")


@register.filter
def level_labels(codes):
    """Translated labels for levels of backing (``uitvoerend`` → "Uitvoerend" / "Delivery")."""
    from proeftuin.portfolio.models import CoalitionMember

    labels = dict(CoalitionMember.Level.choices)
    return [str(labels.get(code, code)) for code in codes]


@register.filter
def chart_locale(spec):
    """A Vega-Lite spec with numbers and dates in the interface's current language."""
    from django.utils.translation import get_language

    from proeftuin.core.charts import localised

    return localised(spec, get_language() or "nl") if isinstance(spec, dict) else spec
