"""The report section *Maatschappelijke waarde*: summary, tipping points, tornado and the
co-funding proposal per benefiting party (omkeringsdenken, 004 §5.4.1), in HTML and PDF alike."""

from __future__ import annotations

from datetime import date
from typing import Any

from proeftuin.reporting.charts import to_svg

from . import charts, services
from .wording import conclusion, discount_rate_source


def build_section(project, today: date) -> dict[str, Any] | None:
    """``None`` when the project has no effects chain yet (the section is left out)."""
    outcome = services.analyse(project)
    if outcome.valuation is None:
        return {"outcome": outcome}
    if outcome.empty:
        return None
    context: dict[str, Any] = {"outcome": outcome, "valuation": outcome.valuation}
    if outcome.appraisal:
        tornado = charts.tornado(outcome)
        flow = charts.invest_benefit(outcome)
        context.update(
            conclusion=conclusion(outcome.appraisal),
            tornado_svg=to_svg(tornado) if tornado else None,
            flow_svg=to_svg(flow) if flow else None,
            rate_source=discount_rate_source() if outcome.valuation.rate_is_default else "",
            names=outcome.valuation.parameter_names(),
        )
    return context
