"""The portfolio warning "geen verduurzamingsplan": near the funding cliff without an agreed plan.

A project is flagged when incidental money ends within ``PROEFTUIN_PLAN_WARNING_MONTHS`` months
(default 12) and it has no agreed (*vastgesteld*) continuation plan. Seed 004 §5.1: continuation
is usually not thought about at the start; the flag asks for it while there is still time.
Archived, completed and stopped projects are not flagged.

:func:`projects_without_plan` reads the funding streams from the projects (prefetch them) and
asks the database once for the agreed plans, so a page of projects costs one extra query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings

from proeftuin.core import funding as funding_core
from proeftuin.portfolio.models import CLOSED_STATUSES

from .models import ContinuationPlan, PlanStatus

DEFAULT_WARNING_MONTHS = 12


def warning_months() -> int:
    return int(getattr(settings, "PROEFTUIN_PLAN_WARNING_MONTHS", DEFAULT_WARNING_MONTHS))


def near_cliff(project, today: date, months: int) -> bool:
    """Whether incidental money of the project ends between today and ``months`` months ahead."""
    cliff = funding_core.funding_cliffs(project.core_streams(), today, (months,))[0]
    return bool(cliff.streams)


def projects_without_plan(projects: Iterable, today: date, months: int | None = None) -> set[int]:
    """Primary keys of the projects to flag (see the module docstring)."""
    months = warning_months() if months is None else months
    near = {
        p.pk
        for p in projects
        if p.archived_at is None
        and p.status not in CLOSED_STATUSES
        and near_cliff(p, today, months)
    }
    if not near:
        return set()
    agreed = ContinuationPlan.objects.filter(
        project_id__in=near, status=PlanStatus.AGREED
    ).values_list("project_id", flat=True)
    return near - set(agreed)
