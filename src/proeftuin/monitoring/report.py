"""Tel en vertel's section of the project report: the effect table, its chart and shared stories."""

from __future__ import annotations

from datetime import date
from typing import Any

from . import analytics, charts, releases, services
from .models import Trajectory


def build_section(project, today: date) -> dict[str, Any] | None:
    """Per life domain: n, mean change with 95% CI, shares; ``None`` without any measurement."""
    if not Trajectory.objects.filter(project=project).exists():
        return None
    from proeftuin.reporting.charts import to_svg  # vl-convert: loaded only when reporting

    ids = [project.pk]
    # The report leaves the building: it always shows the latest release, never live figures.
    figures = releases.released_figures(project)
    in_use = figures.instruments_in_use()
    instrument = in_use[0] if in_use else services.instrument()
    shown = analytics.shown_groups(figures.effect_output(instrument).total)
    rows = analytics.effect_rows(shown, instrument)
    pairing = analytics.pairing(releases.pair_definition_for(figures, project))
    spec = charts.effect_chart(rows, pairing)
    burden = analytics.shown_groups(figures.burden())
    labels = analytics.burden_labels()
    return {
        "pairing": pairing,
        "instrument_name": instrument.name.get(analytics.lang()),
        "rows": rows,
        "hidden": shown.suppressed,
        "svg": to_svg(spec) if spec else None,
        "burden_rows": [
            {"label": labels.get(g.key["domain"], g.key["domain"]), "g": g} for g in burden.groups
        ],
        "stories": analytics.consented_stories(ids, limit=3),
        "threshold": services.threshold(),
        "stand": figures.stand,
    }
