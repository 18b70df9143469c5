"""The cross-project matrix: projects × the dimensions of one framework (000 §11.1.3).

At a municipality's scale the matrix shows one page of projects, sorted and filtered on the
server; the counts at the top cover the whole filtered set and come from one query over the
assessments, never from rendering every row. The export still holds every row.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from proeftuin.common import exports, listing
from proeftuin.core.frameworks import Framework
from proeftuin.core.frameworks import combining as logic
from proeftuin.portfolio.models import Project

from . import services
from .access import can_export
from .labels import current_lang, outcome_label, rater_name, value_label
from .models import Assessment, Rating

EXPORT_FORMATS = ("csv", "xlsx")
PAGE_SIZE = 25
STATUS_FILTERS = ("definitief", "open")


def _latest(projects, framework_id: str, *, dates: bool = False) -> list[dict]:
    """Per project the latest finalised assessment on the framework, else the latest open one.

    The database chooses (one query over the assessments' key columns, no ratings), so choosing,
    counting, filtering and sorting cost the same whatever page is shown. Each chosen row's date
    (``finalised_at`` of a finalised one, else ``created_at``) is read only to sort on
    (``dates``): on PostgreSQL Django parses every timestamp in Python, and reading two per
    assessment to choose in Python cost more than the query at 1,000 projects (issue 14).
    """
    final = Q(status=Assessment.Status.FINALISED)
    when = Case(When(final, then=F("finalised_at")), default=F("created_at"))
    latest_first = Window(
        RowNumber(),
        partition_by=[F("project_id")],
        order_by=[
            Case(When(final, then=Value(1)), default=Value(0)).desc(),
            when.desc(nulls_last=True),
            F("pk").desc(),
        ],
    )
    fields = ["pk", "project_id", "project__name", "status"] + (["date"] if dates else [])
    rows = (
        Assessment.objects.filter(project__in=projects, framework_id=framework_id)
        .annotate(latest=latest_first, date=when)
        .filter(latest=1)
        .order_by()
        .values(*fields)
    )
    return [{**row, "final": row["status"] == Assessment.Status.FINALISED} for row in rows]


def _rows(chosen: list[dict], framework: Framework, *, ratings: bool = False) -> list[dict]:
    """The matrix rows of the chosen assessments, in their order (two queries; three to export).

    The page combines each row's (indicator, value) pairs read as plain values; only the export
    (``ratings``) loads the ratings as models, with their raters and evidence: at 25 rows that
    was some 800 Rating instances per page (issue 14).
    """
    assessments = Assessment.objects.filter(pk__in=[c["pk"] for c in chosen]).select_related(
        "project", "project__owner", "organisation"
    )
    if ratings:
        assessments = assessments.prefetch_related("ratings", "ratings__rater")
    by_pk = {a.pk: a for a in assessments}
    values: dict[int, dict[str, list[str | None]]] = defaultdict(lambda: defaultdict(list))
    if not ratings:
        # The order of Rating.Meta (assessment, indicator, rater), as the prefetch reads them.
        for assessment_id, indicator_id, value in (
            Rating.objects.filter(assessment_id__in=by_pk)
            .order_by("assessment_id", "indicator_id", "rater_id")
            .values_list("assessment_id", "indicator_id", "value")
        ):
            values[assessment_id][indicator_id].append(value or None)
    rows = []
    for c in chosen:
        assessment = by_pk[c["pk"]]
        combined = logic.combine_all(
            framework,
            services.values_by_indicator(assessment.ratings.all())
            if ratings
            else values[assessment.pk],
        )
        summary = logic.summarize_combined(framework, combined)
        rows.append(
            {
                "project": assessment.project,
                "assessment": assessment,
                "summary": summary,
                "combined": combined,
                "cells": [
                    {"dimension": d, "summary": s, "outcome_label": outcome_label(s.outcome)}
                    for d, s in zip(framework.dimensions, summary.dimensions, strict=True)
                ],
            }
        )
    return rows


def _by_name(c: dict) -> tuple:
    return (c["project__name"].casefold(), c["project_id"])


def matrix_data(request, framework: Framework, lang: str, *, paged: bool = True) -> dict:
    """The matrix as the request filters and sorts it: one page of rows (or all, ``paged=False``)
    and the counts over the whole filtered set."""
    projects = Project.objects.visible_to(request.user).filter(archived_at__isnull=True)
    q = request.GET.get("q", "").strip()
    if q:
        projects = projects.filter(name__icontains=q)
    sort = listing.sorting(request, {"project": _("Project"), "datum": _("Beoordeling")}, "project")
    chosen = _latest(projects, framework.id, dates=sort.key == "datum")
    visible = projects.count()
    summary = {
        "visible": visible,
        "assessed": len(chosen),
        "finalised": sum(1 for c in chosen if c["final"]),
        "open": sum(1 for c in chosen if not c["final"]),
    }
    status = request.GET.get("status", "")
    if status in STATUS_FILTERS:
        chosen = [c for c in chosen if c["final"] == (status == "definitief")]
    chosen.sort(key=_by_name)
    if sort.key == "datum":
        chosen.sort(key=lambda c: c["date"])
    if sort.descending:
        chosen.reverse()
    page = listing.page_of(request, chosen, PAGE_SIZE) if paged else None
    return {
        "rows": _rows(list(page.object_list) if page else chosen, framework, ratings=not paged),
        "page": page,
        "count": len(chosen),
        "summary": summary,
        "unassessed": visible - summary["assessed"],
        "sort": sort,
        "q": q,
        "status": status if status in STATUS_FILTERS else "",
        "query": listing.query_without_page(request),
        "dimension_names": [d.name.get(lang) for d in framework.dimensions],
    }


def _matrix_framework(request) -> tuple[dict[str, Framework], Framework | None]:
    frameworks = services.frameworks()
    chosen = request.GET.get("kader") or ("four_plus_one" if "four_plus_one" in frameworks else "")
    framework = frameworks.get(chosen) or (
        frameworks[sorted(frameworks)[0]] if frameworks and not chosen else None
    )
    return frameworks, framework


@login_required
@require_GET
def matrix(request):
    """Projects × dimensions of one framework, like the comparison table of 000 §11.1.3."""
    lang = current_lang()
    frameworks, framework = _matrix_framework(request)
    if framework is None:
        raise Http404(_("Dit kader bestaat niet."))
    return render(
        request,
        "assessments/matrix.html",
        {
            "frameworks": [(fid, fw.name.get(lang)) for fid, fw in sorted(frameworks.items())],
            "framework": framework,
            "framework_name": framework.name.get(lang),
            "can_export": can_export(request.user),
            **matrix_data(request, framework, lang),
        },
    )


@login_required
@require_GET
def matrix_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if not can_export(request.user):
        raise PermissionDenied
    lang = current_lang()
    _frameworks, framework = _matrix_framework(request)
    if framework is None:
        raise Http404
    data = matrix_data(request, framework, lang, paged=False)
    header = [_("Project"), _("Eigenaar"), _("Beoordeling"), _("Soort"), _("Status"), _("Datum")]
    for name in data["dimension_names"]:
        header += [name, f"{name}: {_('dekking')}"]
    rows = []
    for row in data["rows"]:
        a = row["assessment"]
        line = [
            row["project"].name,
            row["project"].owner.name,
            a.title,
            a.get_kind_display(),
            a.get_status_display(),
            timezone.localtime(a.finalised_at or a.created_at).date(),
        ]
        for cell in row["cells"]:
            line += [cell["outcome_label"], cell["summary"].coverage_text]
        rows.append(line)
    filename = f"matrix-{framework.id}"
    if fmt == "csv":
        return exports.download(exports.csv_bytes(header, rows), filename, "csv")
    indicator_header = [
        _("Project"),
        _("Dimensie"),
        _("Indicator"),
        _("Gecombineerd oordeel (mediaan)"),
        _("Onenigheid"),
        _("Oordelen"),
        _("Onderbouwing"),
    ]
    indicator_rows = []
    for row in data["rows"]:
        by_indicator: dict[str, list[Rating]] = defaultdict(list)
        for rating in row["assessment"].ratings.all():
            by_indicator[rating.indicator_id].append(rating)
        for dimension, indicator in framework.indicators():
            combined: logic.Combined = row["combined"][indicator.id]
            ratings = by_indicator.get(indicator.id, [])
            indicator_rows.append(
                [
                    row["project"].name,
                    dimension.name.get(lang),
                    indicator.label.get(lang),
                    value_label(framework, combined.value, lang),
                    _("ja") if combined.disagreement else _("nee"),
                    "; ".join(
                        f"{rater_name(r.rater)}: {value_label(framework, r.value, lang)}"
                        for r in ratings
                    ),
                    "\n".join(r.evidence for r in ratings if r.evidence),
                ]
            )
    content = exports.xlsx_bytes(
        {_("Matrix"): (header, rows), _("Indicatoren"): (indicator_header, indicator_rows)}
    )
    return exports.download(content, filename, "xlsx")
