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


def cliff_chart(rows: list[dict[str, Any]], today: date) -> dict[str, Any]:
    return charts.funding_cliff_chart(
        rows,
        today,
        labels={
            "title": _("Financieringsklif: incidenteel geld dat de komende 24 maanden stopt"),
            "description": _(
                "Per project de einddatum van incidentele financiering, met het bedrag per jaar."
            ),
            "end": _("Einddatum"),
            "per_year": _("€ per jaar"),
            "funder": _("Financier"),
            "project": _("Project"),
            "stream": _("Stroom"),
        },
    )
