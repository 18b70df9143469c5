"""The one write path of the case timeline: every change to a trajectory's case events goes
through here, with its history row and its access-log entry in one transaction (like
:mod:`.recording`, whose :class:`~.recording.Actor` it uses)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from proeftuin.core.cases.references import Reference

from .case_models import CaseEvent
from .models import AccessLog, Trajectory
from .recording import Actor, _user


def resolve_price(project, key: str) -> tuple[Decimal | None, str]:
    """A unit cost for a price key: the project's own price (a *projectprijs*) first, then the
    price list; ``None`` when neither knows it (onbekend, never zero). Returns the source too."""
    from proeftuin.valuation.models import PriceOverride
    from proeftuin.valuation.prices import catalogue

    own = PriceOverride.objects.filter(project=project, key=key).first()
    if own is not None and own.value_likely is not None:
        return Decimal(str(own.value_likely)), _("projectprijs: %(source)s") % {
            "source": own.source
        }
    entry = catalogue().get(key)
    if entry is not None and entry.value is not None:
        return Decimal(str(entry.value.likely)), _("prijslijst: %(source)s") % {
            "source": entry.source
        }
    return None, _("prijs '%(key)s' is onbekend") % {"key": key}


def _log(actor: Actor, trajectory: Trajectory, detail: str) -> None:
    actor.log(
        AccessLog.Action.CASE,
        trajectory.project,
        trajectory.participant,
        detail=detail,
        operation=AccessLog.Operation.WRITE,
    )


def add_case_event(event: CaseEvent, trajectory: Trajectory, *, by=None) -> CaseEvent:
    """Store one event; a price key without a typed unit cost takes the price it names now."""
    actor = Actor.of(by)
    with transaction.atomic():
        event.trajectory = trajectory
        if event.price_key and event.unit_cost is None:
            event.unit_cost, event.price_source = resolve_price(trajectory.project, event.price_key)
        elif event.unit_cost is not None and not event.price_source:
            event.price_source = _("projectprijs, ingevoerd bij de stap")
        event.recorded_by = _user(actor)
        event.save()
        _log(
            actor,
            trajectory,
            _("Casusverloop: %(lane)s, %(service)s")
            % {"lane": event.get_lane_display(), "service": event.service},
        )
    return event


def delete_case_event(event: CaseEvent, *, by=None) -> None:
    actor = Actor.of(by)
    trajectory = event.trajectory
    with transaction.atomic():
        detail = _("Casusverloop: verwijderd %(service)s") % {"service": event.service}
        event.delete()
        _log(actor, trajectory, detail)


def apply_reference(
    trajectory: Trajectory, reference: Reference, *, language: str = "nl", by=None
) -> int:
    """Lay a reference scenario next to the trajectory, from its start. Replaces the steps an
    earlier use of the same template made; every step keeps its assumption and source."""
    actor = Actor.of(by)
    with transaction.atomic():
        for old in trajectory.case_events.filter(template=reference.id):
            old.delete()  # through the model: each deletion gets its history row
        sources = {s["code"]: s["title"] for s in reference.sources}
        for step in reference.steps:
            begin, end = step.dates(trajectory.started_on)
            unit_cost, price_source = (None, "")
            if step.price_key:
                unit_cost, price_source = resolve_price(trajectory.project, step.price_key)
            cite = "; ".join(step.cites)
            titles = {sources.get(c.split(" ", 1)[0], "") for c in step.cites}
            CaseEvent.objects.create(
                trajectory=trajectory,
                lane=CaseEvent.Lane.REFERENCE,
                service=step.service[language][:200],
                provider=(step.provider or {}).get(language, "")[:200],
                started_on=begin,
                ended_on=end,
                units=Decimal(str(step.units)),
                unit=step.unit[language][:60],
                unit_cost=unit_cost,
                price_key=step.price_key or "",
                price_source=price_source[:300],
                assumption=step.assumption[language][:500],
                source=f"{cite} ({'; '.join(sorted(t for t in titles if t))})"[:300],
                template=reference.id,
                recorded_by=_user(actor),
            )
        _log(
            actor,
            trajectory,
            _("Casusverloop: referentie '%(name)s' toegepast") % {"name": reference.name[language]},
        )
    return len(reference.steps)
