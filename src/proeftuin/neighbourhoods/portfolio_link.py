"""The link between the neighbourhood monitor and the portfolio: which pilots run in an alarm
neighbourhood, and which alarm neighbourhoods have none.

Matching is one small function, so it can follow the portfolio's neighbourhood model: by CBS
code when that model has a ``cbs_code``, else by name (case-insensitive)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from proeftuin.portfolio.models import Neighbourhood, Project


def matching_neighbourhoods(code: str, name: str) -> QuerySet:
    """The portfolio's neighbourhoods that are this statistics area."""
    if hasattr(Neighbourhood, "cbs_code"):
        return Neighbourhood.objects.filter(cbs_code__iexact=code)
    return Neighbourhood.objects.filter(name__iexact=name)


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
