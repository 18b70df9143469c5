"""Reading the case timeline: one trajectory's events as core events, and the sum over the
project's cases as published (through the disclosure module, like every monitoring figure).

Who reads what: participant-level roles read the live sum (and the read is logged, it is computed
from participant-level rows); every other role reads the sum frozen in the project's latest
release (:mod:`.releases`), so waiting for one more case and reading again reveals nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from proeftuin.core.cases import costing
from proeftuin.core.monitoring.disclosure import CaseSaving, protected_case_summary

from . import analytics, services
from .case_models import CaseEvent

#: The interval of the sum over cases; Monte Carlo reads low / high as a 90% interval.
CONFIDENCE = 0.90


def core_events(events) -> list[costing.Event]:
    return [
        costing.Event(
            lane=costing.Lane(e.lane),
            service=e.service,
            start=e.started_on,
            end=e.ended_on,
            units=float(e.units),
            unit_cost=None if e.unit_cost is None else float(e.unit_cost),
        )
        for e in events
    ]


def case_savings(project) -> list[CaseSaving]:
    """Per trajectory with a timeline in ``project``: whose it is and what it saved."""
    by_trajectory: dict[int, list] = {}
    person: dict[int, int] = {}
    for event in (
        CaseEvent.objects.filter(trajectory__project=project)
        .select_related("trajectory")
        .order_by("trajectory_id", "pk")
    ):
        by_trajectory.setdefault(event.trajectory_id, []).append(event)
        person[event.trajectory_id] = event.trajectory.participant_id
    return [
        CaseSaving(
            person=person[pk],
            trajectory=pk,
            saving=costing.case_totals(core_events(events)).saving,
        )
        for pk, events in by_trajectory.items()
    ]


def project_summary(project) -> costing.Summary:
    """The live, protected sum over the project's cases: mean saving per person (reference
    minus actual) over ``n`` persons. A person with an incomplete timeline is counted as
    incomplete, never as zero. Callers showing it to a user go through :func:`summary_for`."""
    return protected_case_summary(
        case_savings(project),
        threshold=services.threshold(),
        confidence=CONFIDENCE,
        protection=analytics.PROTECTION,
    )


def summary_for(project, *, live: bool) -> costing.Summary | None:
    """The sum a reader may see: live (logged) for participant-level roles, otherwise the one
    in the latest release (``None`` before a release that holds it)."""
    if not live:
        from .releases import released_figures

        return released_figures(project).case_summary()
    summary = project_summary(project)
    if summary.n:
        services.log_access(
            None,
            "case_view",
            project,
            detail=f"som over de casussen (live cijfers), n={summary.n}",
        )
    return summary


def summary_to_json(summary: costing.Summary) -> dict[str, Any]:
    return asdict(summary)


def summary_from_json(data: dict[str, Any] | None) -> costing.Summary | None:
    return costing.Summary(**data) if data else None
