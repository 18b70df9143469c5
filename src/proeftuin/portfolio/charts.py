"""The portfolio's charts with translated labels, for the web pages and the report alike."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from proeftuin.core import charts
from proeftuin.core import funding as funding_core


def funding_chart(
    streams: list[funding_core.Stream], today: date | None = None
) -> dict[str, Any] | None:
    """Funding per stream per year, structural money included; ``None`` when nothing to draw."""
    from django.utils import timezone

    from proeftuin.core import money

    rows = money.funding_rows(streams, money.year_range(streams, today or timezone.localdate()))
    if not rows:
        return None
    return charts.funding_per_stream_chart(
        rows,
        title=_("Financiering per stroom per jaar"),
        year_label=_("Jaar"),
        amount_label=_("Bedrag (€)"),
        stream_label=_("Stroom"),
    )


#: Projects drawn one by one in the cliff chart; the others are summed per month and funder.
CLIFF_CHART_TOP = 15


def cliff_chart(rows: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """The cliff timeline, aggregated before it is drawn: the largest projects one by one, the
    rest per end month and funder (the spec stays small at 1,000 projects)."""
    from django.utils.translation import ngettext

    drawn = [
        row
        if isinstance(row["stream"], str)
        else {
            **row,
            "stream": ngettext("%(n)d stroom", "%(n)d stromen", row["stream"])
            % {"n": row["stream"]},
        }
        for row in charts.top_with_rest(
            rows, top=CLIFF_CHART_TOP, rest_label=_("Overige projecten")
        )
    ]
    return charts.funding_cliff_chart(
        drawn,
        today,
        labels={
            "title": _("Financieringsklif: incidenteel geld dat de komende 24 maanden stopt"),
            "description": _(
                "Per project: wanneer het tijdelijke geld stopt, en hoeveel geld per jaar dat is."
            ),
            "end": _("Einddatum"),
            "per_year": _("€ per jaar"),
            "funder": _("Financier"),
            "project": _("Project"),
            "stream": _("Stroom"),
        },
    )


def cliff_point(project: str, stream: str, funder: str, end: date, per_year) -> dict[str, Any]:
    """One row of the cliff chart: a stream's end and its money per year (Decimal or float)."""
    return {
        "project": project,
        "stream": stream,
        "funder": funder,
        "end": end.isoformat(),
        "per_year": round(float(per_year), 2),
    }


def cliff_timeline(project, streams, core, today: date, horizon_end: date) -> list[dict[str, Any]]:
    """The cliff chart's rows of one project: each incidental stream that ends between today and
    the horizon, with its amount per year (the screen and the portfolio report draw the same)."""
    return [
        cliff_point(
            project.name, stream.label, stream.funder.name, stream.end_date, c.annual_rate()
        )
        for stream, c in zip(streams, core, strict=True)
        if not c.structural and stream.end_date and today <= stream.end_date <= horizon_end
    ]
