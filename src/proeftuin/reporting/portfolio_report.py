"""The portfolio report: every project the user may see, on one page, for a council or board memo.

It holds facts about projects (phase, money, the funding cliff, the continuation plans) and no
participant figures, so it needs no disclosure step: what a user may see is exactly
``Project.objects.visible_to(user)``, as on the portfolio screens. Like the project report it is
one template rendered to HTML, PDF, DOCX and ODT.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from proeftuin.core import funding as funding_core
from proeftuin.portfolio.charts import cliff_chart, cliff_timeline
from proeftuin.portfolio.models import CLOSED_STATUSES, Project

from .charts import to_svg
from .report import html_to_pdf

HORIZONS = (6, 12, 24)


def _plan_facts(project, today: date) -> dict[str, Any]:
    plan = getattr(project, "continuation_plan", None)
    if plan is None:
        return {"plan": None, "open_actions": 0, "overdue_actions": 0}
    actions = list(plan.actions.all())
    open_actions = [a for a in actions if a.is_open]
    return {
        "plan": plan,
        "open_actions": len(open_actions),
        "overdue_actions": sum(1 for a in open_actions if a.due_date and a.due_date < today),
    }


def portfolio_context(user, today: date | None = None) -> dict[str, Any]:
    """What the portfolio report shows for ``user`` on ``today``."""
    today = today or timezone.localdate()
    projects = (
        Project.objects.visible_to(user)
        .filter(archived_at__isnull=True)
        .select_related("owner", "continuation_plan")
        .prefetch_related(
            "funding_streams", "funding_streams__funder", "continuation_plan__actions"
        )
        .order_by("name")
    )
    rows, cliff_rows, timeline = [], [], []
    totals = dict.fromkeys(HORIZONS, Decimal("0"))
    for project in projects:
        streams = list(project.funding_streams.all())
        core = [s.as_core() for s in streams]
        plan_facts = _plan_facts(project, today)
        rows.append(
            {
                "project": project,
                "total": sum((s.amount for s in streams if s.end_date), Decimal("0")),
                "incidental_share": funding_core.incidental_share(core, today),
                **plan_facts,
            }
        )
        if project.status in CLOSED_STATUSES:
            continue
        cliffs = funding_core.funding_cliffs(core, today, HORIZONS)
        if not cliffs[-1].streams:
            continue
        for cliff in cliffs:
            totals[cliff.months] += cliff.annual_amount_lost
        cliff_rows.append({"project": project, "cliffs": cliffs, "first_end": cliffs[-1].first_end})
        horizon_end = funding_core.add_months(today, HORIZONS[-1])
        timeline += cliff_timeline(project, streams, core, today, horizon_end)
    cliff_rows.sort(key=lambda r: r["first_end"] or date.max)
    spec = cliff_chart(timeline, today) if timeline else None
    return {
        "organisation": user.organisation,
        "rows": rows,
        "cliff_rows": cliff_rows,
        "horizons": HORIZONS,
        "totals": totals,
        "cliff_svg": to_svg(spec) if spec else None,
        "generated_on": today,
    }


def render_portfolio_html(user, *, for_pdf: bool = False, today: date | None = None) -> str:
    context = portfolio_context(user, today)
    return render_to_string("reporting/portfolio_report.html", {**context, "for_pdf": for_pdf})


def render_portfolio_pdf(user, *, today: date | None = None) -> bytes:
    return html_to_pdf(render_portfolio_html(user, for_pdf=True, today=today))
