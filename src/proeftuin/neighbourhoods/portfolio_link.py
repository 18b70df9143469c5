"""The link between the neighbourhood monitor and the portfolio: which pilots run in an alarm
neighbourhood, and which alarm neighbourhoods have none.

Matching is one small function: by CBS code, and by name (case-insensitive) for a neighbourhood
of the portfolio that has no code yet (typed before the municipality's list was imported)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from proeftuin.portfolio.models import Neighbourhood, Project


def matching_neighbourhoods(code: str, name: str) -> QuerySet:
    """The portfolio's neighbourhoods that are this statistics area."""
    return Neighbourhood.objects.filter(
        Q(cbs_code__iexact=code) | (Q(cbs_code="") & Q(name__iexact=name))
    )


def pilots_in(user, code: str, name: str) -> list[Project]:
    return list(
        Project.objects.visible_to(user)
        .filter(archived_at__isnull=True, neighbourhoods__in=matching_neighbourhoods(code, name))
        .distinct()
        .order_by("name")
    )


def portfolio_panel(request) -> dict | None:
    """The portfolio overview's panel: alarm neighbourhoods with their pilots (or none)."""
    from .services import alarm_panels

    user = request.user
    if not getattr(user, "organisation_id", None):
        return None
    alarms = alarm_panels(user)
    return {
        "template": "neighbourhoods/_portfolio_panel.html",
        "title": _("Wijkmonitor"),
        "alarms": alarms,
    }
