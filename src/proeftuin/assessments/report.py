"""The assessments' section of the project report: the latest profile per framework."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from proeftuin.core.frameworks.charts import profile_chart

from . import services
from .labels import chart_labels, current_lang, outcome_label


def build_section(project, today: date) -> dict[str, Any] | None:
    """Per framework the project was assessed on, its latest profile; ``None`` without any."""
    from proeftuin.reporting.charts import to_svg  # vl-convert: loaded only when reporting

    framework_ids = sorted(set(project.assessments.values_list("framework_id", flat=True)))
    if not framework_ids:
        return None
    lang = current_lang()
    frameworks = services.frameworks()
    profiles = []
    for framework_id in framework_ids:
        framework = frameworks.get(framework_id)
        latest = services.latest_summary(project, framework_id) if framework else None
        if latest is None:
            continue
        assessment, summary = latest
        spec = profile_chart(framework, summary, lang=lang, labels=chart_labels())
        profiles.append(
            {
                "framework_name": framework.name.get(lang),
                "assessment": assessment,
                "svg": to_svg(spec),
                "dimensions": [
                    {
                        "name": dimension.name.get(lang),
                        "outcome_label": outcome_label(s.outcome),
                        "coverage": s.coverage_text,
                        "explanation": s.explanation.get(lang),
                    }
                    for dimension, s in zip(framework.dimensions, summary.dimensions, strict=True)
                ],
            }
        )
    if not profiles:
        return None
    return {"profiles": profiles, "title": _("Beoordelingen")}
