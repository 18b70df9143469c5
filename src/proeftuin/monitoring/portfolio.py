"""Tel en vertel across projects: the effects per project side by side (no ranking).

At a municipality's scale the page shows one page of projects (columns), in alphabetical order
either way round and filtered by name on the server; the count at the top covers the whole
filtered set. The figures are computed for the projects on the page only, and the per-project
facts (may the user see participants, the latest release, the pair definition) come in one
query each for the whole page, so the number of queries does not grow with the portfolio.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils.translation import gettext as _

from proeftuin.common import listing
from proeftuin.core.access import Capability
from proeftuin.portfolio.models import Project

from . import analytics, charts, releases, services
from .models import FigureRelease, Pair

#: Projects (table columns) per page.
PAGE_SIZE = 12


def _instrument(request, project_ids):
    in_use = analytics.instruments_in_use(project_ids)
    wanted = request.GET.get("instrument")
    for instrument in in_use:
        if instrument.id == wanted:
            return instrument, in_use
    return (in_use[0] if in_use else services.instrument()), in_use


def _live_ids(request, projects: list[Project]) -> set[int]:
    """The projects whose participants the user may see (live figures), in one query."""
    if not request.user.can(Capability.PARTICIPANT_DATA):
        return set()
    return set(
        Project.objects.writable_by(request.user)
        .filter(pk__in=[p.pk for p in projects])
        .values_list("pk", flat=True)
    )


def _released(projects: list[Project]) -> dict[int, releases.ReleasedFigures | releases.NoFigures]:
    """Each project's latest release (or none), in two queries for the whole page."""
    latest: dict[int, int] = {}
    for pk, project_id in (
        FigureRelease.objects.filter(project__in=projects)
        .order_by("project_id", "-released_on", "-pk")
        .values_list("pk", "project_id")
    ):
        latest.setdefault(project_id, pk)
    # With their figures: one query for the page, whichever releases the cache already holds.
    shown = FigureRelease.objects.defer("person_digests").filter(pk__in=latest.values())
    chosen = {r.project_id: r for r in shown}
    return {
        p.pk: releases.ReleasedFigures(chosen[p.pk]) if p.pk in chosen else releases.NoFigures()
        for p in projects
    }


@login_required
def portfolio(request):
    measured = (
        Project.objects.visible_to(request.user)
        .filter(archived_at__isnull=True)
        .filter(Exists(Pair.objects.filter(project_id=OuterRef("pk"))))
    )
    q = request.GET.get("q", "").strip()
    if q:
        measured = measured.filter(name__icontains=q)
    sort = listing.sorting(request, {"project": _("Project")}, "project")
    measured = measured.select_related("owner").order_by(
        "-name" if sort.descending else "name", "-pk" if sort.descending else "pk"
    )
    page = listing.page_of(request, measured, PAGE_SIZE)
    projects = list(page.object_list)
    ids = [p.pk for p in projects]
    instrument, in_use = _instrument(request, list(measured.values_list("pk", flat=True)))
    # Live figures only for projects whose participants the user may see; the others from their
    # latest release (a comparison over time would otherwise give away single participants).
    live = _live_ids(request, projects)
    live_ids = [pk for pk in ids if pk in live]
    report = analytics.effects(live_ids, instrument, by=("project_id",)) if live_ids else None
    cells = {}
    if report is not None:
        for g in analytics.shown_groups(report).groups:
            cells[(g.key["project_id"], g.key["domain"])] = g
    stands = []
    released = _released([p for p in projects if p.pk not in live])
    definitions = services.pair_definitions(ids)
    for project in projects:
        # Each column names how its pairs are made (the projects may differ).
        figures = released.get(project.pk)
        stored = figures.pair_definition if figures is not None else None
        project.pairing = analytics.pairing(
            stored if stored is not None else definitions[project.pk]
        )
        if figures is None:
            continue
        if figures.stand:
            stands.append((project.name, figures.stand))
        for g in analytics.shown_groups(figures.effect_output(instrument).total).groups:
            cells[(project.pk, g.key["domain"])] = g
    language = analytics.lang()
    table = []
    chart_cells = []
    names = [p.name for p in projects]
    for order, item in enumerate(instrument.items):
        row = {"label": item.name.get(language), "cells": []}
        for project in projects:
            g = cells.get((project.pk, item.id))
            row["cells"].append(g)
            if g is not None and g.mean_change is not None:
                chart_cells.append(
                    {
                        "project": project.name,
                        "domain": row["label"],
                        "order": order,
                        "mean": g.mean_change,
                        "low": g.ci_low,
                        "high": g.ci_high,
                        "n": g.n,
                    }
                )
        if any(c is not None for c in row["cells"]):
            table.append(row)
    return render(
        request,
        "monitoring/portfolio.html",
        {
            "projects": projects,
            "page": page,
            "count": page.paginator.count,
            "query": listing.query_without_page(request),
            "q": q,
            "sort": sort,
            "instrument": instrument,
            "instruments": in_use,
            "table": table,
            "chart": charts.comparison_chart(chart_cells, names),
            "stands": stands,
            "threshold": services.threshold(),
            "stories": analytics.consented_stories(ids) if ids else [],
        },
    )
