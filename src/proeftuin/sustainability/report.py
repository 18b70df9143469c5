"""The report section "Verduurzaming": the saved continuation plan and the advisor's advice."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import get_language

from .models import ContinuationPlan
from .services import option_names, project_advice


def build_section(project, today: date) -> dict[str, Any]:
    result = project_advice(project, today)
    plan = ContinuationPlan.objects.filter(project=project).first()
    lang = "en" if (get_language() or "nl").startswith("en") else "nl"
    names = option_names(result.framework, lang)
    return {
        "advice": result.advice,
        "plan": plan,
        "actions": list(plan.actions.select_related("owner_user", "owner_partner")) if plan else [],
        "route_name": names.get(plan.route, plan.route) if plan and plan.route else "",
        "strategy_names": [names.get(s, s) for s in plan.strategies] if plan else [],
        "has_scan": result.summary is not None,
    }
