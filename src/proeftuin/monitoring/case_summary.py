"""Reading the case timeline: one trajectory's events as core events, and the sum over the
project's cases (small groups suppressed, like every published monitoring figure)."""

from __future__ import annotations

from proeftuin.core.cases import costing

from . import services
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


def project_summary(project) -> costing.Summary:
    """Mean saving per case (reference minus actual) over the project's cases with a timeline.

    A case whose timeline misses a lane or a price is counted as incomplete, never as zero."""
    by_trajectory: dict[int, list] = {}
    for event in CaseEvent.objects.filter(trajectory__project=project).order_by("pk"):
        by_trajectory.setdefault(event.trajectory_id, []).append(event)
    savings = [costing.case_totals(core_events(ev)).saving for ev in by_trajectory.values()]
    return costing.summarise(savings, threshold=services.threshold(), confidence=CONFIDENCE)
