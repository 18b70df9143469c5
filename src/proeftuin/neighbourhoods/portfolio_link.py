"""The link between the neighbourhood monitor and the portfolio: which pilots run in an alarm
neighbourhood, and which alarm neighbourhoods have none.

Matching is one small function: by CBS code, and by name (case-insensitive) for a neighbourhood
of the portfolio that has no code yet (typed before the municipality's list was imported)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from proeftuin.portfolio.models import Neighbourhood, Project


def matching_neighbourhoods(code: str, name: str) -> QuerySet:
    """The portfolio's neighbourhoods that are this statistics area."""
    return Neighbourhood.objects.filter(matching_neighbourhoods_q(code, name))


def pilots_in(user, code: str, name: str) -> list[Project]:
    return list(
        Project.objects.visible_to(user)
        .filter(archived_at__isnull=True, neighbourhoods__in=matching_neighbourhoods(code, name))
        .distinct()
        .order_by("name")
    )


#: Pilots named per neighbourhood in the lists; the panel page of a neighbourhood names them all.
SHOWN_PILOTS = 5


@dataclass(frozen=True)
class Pilot:
    pk: int
    name: str


@dataclass
class Pilots:
    """The first :data:`SHOWN_PILOTS` pilots in an area (by name) and how many more there are."""

    shown: list[Pilot] = field(default_factory=list)
    more: int = 0

    def __iter__(self):
        return iter(self.shown)

    def __bool__(self) -> bool:
        return bool(self.shown)

    def __len__(self) -> int:
        return len(self.shown) + self.more


def pilots_by_area(user, areas: list[tuple[str, str]]) -> dict[str, Pilots]:
    """Per area code the pilots running there, for every area in one query (not one per area).

    Matching as :func:`matching_neighbourhoods`: by CBS code, or by name for a neighbourhood
    without a code.
    """
    result = {code: Pilots() for code, _name in areas}
    if not areas:
        return result
    by_code = {code.casefold(): code for code, _name in areas}
    by_name = {name.casefold(): code for code, name in areas}
    match = reduce(or_, (matching_neighbourhoods_q(code, name) for code, name in areas))
    rows = (
        Project.objects.visible_to(user)
        .filter(archived_at__isnull=True, neighbourhoods__in=Neighbourhood.objects.filter(match))
        .values_list("pk", "name", "neighbourhoods__cbs_code", "neighbourhoods__name")
        .order_by("name", "pk")
        .distinct()
    )
    seen: set[tuple[str, int]] = set()
    for pk, name, hood_code, hood_name in rows:
        code = by_code.get(hood_code.casefold()) if hood_code else by_name.get(hood_name.casefold())
        if code is None or (code, pk) in seen:
            continue
        seen.add((code, pk))
        pilots = result[code]
        if len(pilots.shown) < SHOWN_PILOTS:
            pilots.shown.append(Pilot(pk, name))
        else:
            pilots.more += 1
    return result


def matching_neighbourhoods_q(code: str, name: str) -> Q:
    return Q(cbs_code__iexact=code) | (Q(cbs_code="") & Q(name__iexact=name))


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
