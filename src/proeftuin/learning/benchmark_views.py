"""The benchmark page: one's own projects beside other organisations' published ones.

Figures are aggregated and protected (:mod:`proeftuin.core.learning.benchmark`), so every
logged-in user of an organisation may see its benchmark. Pairs are read per side; other
organisations' projects count only when their owner published them to the shared catalogue.
"""

from __future__ import annotations

import polars as pl
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from proeftuin.common.numbers import signed_text
from proeftuin.core.learning.benchmark import benchmark, frame
from proeftuin.monitoring import analytics, services
from proeftuin.monitoring.models import Pair
from proeftuin.portfolio.models import Project

from .models import CatalogueEntry


def _pairs(project_ids: list[int], instrument_id: str) -> pl.DataFrame:
    rows = Pair.objects.filter(
        project_id__in=project_ids, series=Pair.Series.DOMAIN, instrument=instrument_id
    ).values_list(
        "project_id",
        "trajectory__participant_id",
        "trajectory_id",
        "domain",
        "baseline_on",
        "baseline_score",
        "latest_score",
    )
    return frame(rows)


def _text(side) -> dict | None:
    if side is None:
        return None
    return {
        "low": signed_text(side.low, 1),
        "high": signed_text(side.high, 1),
        "persons": side.persons,
        "projects": side.projects,
    }


@login_required
def benchmark_view(request):
    org = request.user.organisation_id
    own_ids = list(Project.objects.filter(owner_id=org).values_list("pk", flat=True))
    published = CatalogueEntry.objects.exclude(organisation_id=org)
    organisation_of = dict(published.values_list("project_id", "organisation_id"))
    other_ids = list(organisation_of)
    instruments = analytics.instruments_in_use(own_ids + other_ids)
    chosen = request.GET.get("instrument") or (instruments[0].id if instruments else "")
    instrument = services.instruments().get(chosen)
    rows = []
    if instrument is not None:
        threshold = settings.PROEFTUIN_SMALL_CELL_THRESHOLD
        result = benchmark(
            _pairs(own_ids, instrument.id),
            _pairs(other_ids, instrument.id),
            instrument.item_ids,
            threshold,
            organisation_of=organisation_of,
        )
        names = {item.id: item.name.get(analytics.lang()) for item in instrument.items}
        rows = [
            {
                "domain": names.get(r.domain, r.domain),
                "own": _text(r.own),
                "others": _text(r.others),
            }
            for r in result
        ]
    return render(
        request,
        "learning/benchmark.html",
        {
            "instruments": instruments,
            "instrument": instrument,
            "rows": rows,
            "threshold": settings.PROEFTUIN_SMALL_CELL_THRESHOLD,
        },
    )
