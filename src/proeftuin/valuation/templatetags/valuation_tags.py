"""Dutch number formatting for the valuation templates (the same rules as the sentences)."""

from __future__ import annotations

from django import template

from proeftuin.valuation import wording

register = template.Library()


@register.filter
def euro(value):
    return wording.euro(value)


@register.filter
def num(value, decimals=None):
    return wording.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def pct(value, decimals=0):
    return wording.percent(value, int(decimals))


@register.filter
def irr(value):
    return wording.irr_text(value)


@register.filter
def estimate(value):
    """``laag – waarschijnlijk – hoog``, or one number when there is no range; ``onbekend``."""
    if value is None:
        return wording.unknown_label()
    if value.low == value.high:
        return wording.number(value.likely)
    return f"{wording.number(value.low)} – {wording.number(value.likely)} – {wording.number(value.high)}"


@register.filter
def money_estimate(value):
    if value is None:
        return wording.unknown_label()
    if value.low == value.high:
        return wording.euro(value.likely)
    return f"{wording.euro(value.low)} – {wording.euro(value.likely)} – {wording.euro(value.high)}"


@register.simple_tag
def triple(low, likely, high):
    """A stored low / likely / high as text (blank low or high: no range)."""
    if likely is None:
        return "—"
    if low is None and high is None:
        return wording.number(likely)
    lo = wording.number(likely if low is None else low)
    hi = wording.number(likely if high is None else high)
    return f"{lo} – {wording.number(likely)} – {hi}"


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def conclusion_text(appraisal):
    return wording.conclusion(appraisal)


@register.filter
def basis_text(appraisal):
    """Which values the figures rest on (expected, or modal as a scenario)."""
    return wording.basis_text(getattr(appraisal, "basis", "expected"))


@register.filter
def attr_name(ref):
    """The readable name of an element reference (``ElementRef``), or an empty string."""
    return getattr(ref, "name", "") or ""


@register.filter
def domain_label(code):
    """A policy domain code ("jeugd") as its label ("Jeugd") in the current language."""
    from proeftuin.portfolio.models import PolicyDomain

    return dict(PolicyDomain.choices).get(code, code)
