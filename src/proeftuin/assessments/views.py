"""Assessment screens: the project tab, the rating screen (workshop mode), profile, comparison,
history, the cross-project matrix, evidence downloads and exports.

Views reach projects through :func:`visible_project` and assessments through the project. The
logic lives in ``proeftuin.core.frameworks`` and :mod:`.logic`; views only gather and render.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from proeftuin.common import exports
from proeftuin.core.access import Capability
from proeftuin.core.frameworks import Framework, summarize_dimension
from proeftuin.core.frameworks import combining as logic
from proeftuin.core.frameworks.charts import profile_chart
from proeftuin.portfolio.access import require, visible_project
from proeftuin.portfolio.models import Project
from proeftuin.portfolio.views import project_context

from . import lifecycle, services
from .access import can_export, can_rate, can_start, has_write_access, may_rate
from .forms import RatingForm, StartForm
from .labels import chart_labels, current_lang, outcome_label, rater_name, value_label
from .models import EVIDENCE_TYPES, Assessment, Rating

TAB = "beoordelingen"
EXPORT_FORMATS = ("csv", "xlsx")


def _assessment(project: Project, apk: int) -> Assessment:
    return get_object_or_404(
        project.assessments.select_related("organisation", "created_by", "finalised_by"), pk=apk
    )


def _framework(assessment: Assessment) -> Framework:
    framework = services.get_framework(assessment.framework_id)
    if framework is None:
        raise Http404(_("Het kader van deze beoordeling is niet meer geïnstalleerd."))
    return framework


def _locked(request, project: Project, assessment: Assessment):
    return render(
        request,
        "assessments/locked.html",
        project_context(request, project, TAB, assessment=assessment),
        status=403,
    )


def _base_context(request, project, assessment, framework, section: str, **extra) -> dict:
    user = request.user
    return project_context(
        request,
        project,
        TAB,
        assessment=assessment,
        framework=framework,
        framework_name=framework.name.get(current_lang()),
        section=section,
        can_rate=can_rate(user, assessment),
        can_export=can_export(user),
        **extra,
    )


# The project tab ---------------------------------------------------------------------------------


@login_required
def project_assessments(request, pk: int):
    project = visible_project(request, pk)
    user = request.user
    lang = current_lang()
    frameworks = services.frameworks()
    form = None
    if can_start(user, project):
        form = StartForm(
            request.POST or None,
            frameworks=frameworks,
            lang=lang,
            self_allowed=has_write_access(user, project),
        )
    if request.method == "POST":
        require(request, Capability.ASSESS, project)
        if form.is_valid():
            data = form.cleaned_data
            if not can_start(user, project, data["kind"]):
                raise PermissionDenied
            framework = frameworks[data["framework"]]
            kind_label = dict(Assessment.Kind.choices)[data["kind"]]
            title = data["title"].strip() or (
                f"{kind_label} {framework.name.get(lang).split(':')[0]} "
                f"{timezone.localdate().strftime('%d-%m-%Y')}"
            )
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    project=project,
                    framework_id=framework.id,
                    framework_version=framework.version,
                    kind=data["kind"],
                    title=title[:200],
                    organisation=user.organisation,
                    previous=services.previous_for(project, framework.id),
                    created_by=user,
                )
            messages.success(request, _("Beoordeling gestart. Beoordeel de indicatoren hieronder."))
            return redirect("assessments:rate", pk=project.pk, apk=assessment.pk)
    assessments = list(
        project.assessments.select_related("organisation", "created_by").prefetch_related("ratings")
    )
    rows = []
    for assessment in assessments:
        framework = frameworks.get(assessment.framework_id)
        summary = (
            logic.summarize_combined(
                framework,
                logic.combine_all(
                    framework, services.values_by_indicator(assessment.ratings.all())
                ),
            )
            if framework
            else None
        )
        rows.append(
            {
                "assessment": assessment,
                "framework_name": framework.name.get(lang)
                if framework
                else assessment.framework_id,
                "summary": summary,
                "raters": len({r.rater_id for r in assessment.ratings.all()}),
                "installed": framework is not None,
            }
        )
    return render(
        request,
        "assessments/tab_assessments.html",
        project_context(request, project, TAB, rows=rows, form=form),
    )


# The rating screen (workshop mode) ----------------------------------------------------------------


def _indicator_row(
    framework, indicator, ratings, user, lang, form=None, assessment=None, editable=False
):
    """Everything the template needs for one indicator: own form, others' ratings, combined."""
    own = next((r for r in ratings if r.rater_id == user.pk), None)
    others = [r for r in ratings if r.rater_id != user.pk]
    for rating in ratings:
        rating.value_label = value_label(framework, rating.value, lang)
        rating.rater_name = rater_name(rating.rater)
    combined = logic.combine(framework.scale, (r.value or None for r in ratings))
    if editable and form is None:
        form = RatingForm(
            instance=own or Rating(assessment=assessment, indicator_id=indicator.id, rater=user),
            framework=framework,
            indicator=indicator,
            lang=lang,
        )
    return {
        "indicator": indicator,
        "text": indicator.text.get(lang),
        "label": indicator.label.get(lang),
        "questions": indicator.guiding_questions.get(lang),
        "form": form,
        "own": own,
        "others": others,
        "all": ratings,
        "combined": combined,
        "combined_label": value_label(framework, combined.value, lang),
        "spread_label": _("%(n)s niveaus uiteen") % {"n": combined.spread},
    }


def _dimension_summary(framework, dimension, ratings_by_indicator, lang) -> dict:
    values = {
        i: [r.value or None for r in ratings_by_indicator.get(i, [])]
        for i in dimension.indicator_ids
    }
    combined = {i: logic.combine(framework.scale, v) for i, v in values.items()}
    summary = summarize_dimension(framework, dimension, logic.summary_ratings(combined))
    return {
        "outcome": summary.outcome,
        "outcome_label": outcome_label(summary.outcome),
        "coverage": summary.coverage_text,
        "explanation": summary.explanation.get(lang),
    }


def _rating_screen(request, project, assessment, framework, bound: RatingForm | None = None):
    user = request.user
    lang = current_lang()
    editable = can_rate(user, assessment)
    by_indicator: dict[str, list[Rating]] = defaultdict(list)
    for rating in assessment.ratings.select_related("rater"):
        by_indicator[rating.indicator_id].append(rating)
    dimensions = []
    for dimension in framework.dimensions:
        rows = []
        for indicator in dimension.indicators:
            form = bound if bound is not None and bound.indicator.id == indicator.id else None
            rows.append(
                _indicator_row(
                    framework,
                    indicator,
                    by_indicator.get(indicator.id, []),
                    user,
                    lang,
                    form=form,
                    assessment=assessment,
                    editable=editable,
                )
            )
        dimensions.append(
            {
                "dimension": dimension,
                "name": dimension.name.get(lang),
                "description": dimension.description.get(lang) if dimension.description else "",
                "rows": rows,
                "summary": _dimension_summary(framework, dimension, by_indicator, lang),
            }
        )
    raters = sorted(
        {r.rater for ratings in by_indicator.values() for r in ratings},
        key=lambda u: rater_name(u),
    )
    return render(
        request,
        "assessments/rate.html",
        _base_context(
            request,
            project,
            assessment,
            framework,
            "rate",
            dimensions=dimensions,
            levels=[
                {
                    "label": level.label.get(lang),
                    "description": level.description.get(lang) if level.description else "",
                }
                for level in framework.scale.levels
            ],
            raters=[rater_name(u) for u in raters],
            editable=editable,
            may_rate=may_rate(user, assessment),
            completeness=lifecycle.completeness(assessment, framework),
            scale_choices=[(level.code, level.label.get(lang)) for level in framework.scale.levels],
        ),
    )


@login_required
@require_GET
def rate(request, pk: int, apk: int):
    project = visible_project(request, pk)
    assessment = _assessment(project, apk)
    return _rating_screen(request, project, assessment, _framework(assessment))


@login_required
@require_POST
def save_rating(request, pk: int, apk: int, indicator_id: str):
    """Save one rater's rating of one indicator. HTMX gets the row's state fragment back."""
    project = visible_project(request, pk)
    assessment = _assessment(project, apk)
    require(request, Capability.ASSESS, project)
    user = request.user
    if not may_rate(user, assessment):
        raise PermissionDenied
    framework = _framework(assessment)
    try:
        indicator = framework.indicator(indicator_id)
    except KeyError:
        raise Http404 from None
    lang = current_lang()
    with transaction.atomic():
        # Lock the assessment row while saving, so a finalise cannot slip in between.
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_open:
            if request.htmx:
                # htmx does not swap error responses; the message must still reach the rater.
                return render(
                    request,
                    "assessments/_save_response.html",
                    {
                        "locked": True,
                        "indicator": indicator,
                        "assessment": assessment,
                        "project": project,
                    },
                )
            return _locked(request, project, assessment)
        own = Rating.objects.filter(
            assessment=assessment, indicator_id=indicator.id, rater=user
        ).first()
        form = RatingForm(
            request.POST,
            request.FILES,
            instance=own or Rating(assessment=assessment, indicator_id=indicator.id, rater=user),
            framework=framework,
            indicator=indicator,
            lang=lang,
        )
        saved = form.save_rating() if form.is_valid() else None
    if not request.htmx:
        if saved is not None:
            messages.success(request, _("Oordeel opgeslagen: %s.") % indicator.label.get(lang))
            url = reverse("assessments:rate", kwargs={"pk": project.pk, "apk": assessment.pk})
            return redirect(f"{url}#ind-{indicator.id}")
        return _rating_screen(request, project, assessment, framework, bound=form)
    ratings = list(assessment.ratings.filter(indicator_id=indicator.id).select_related("rater"))
    if saved is not None:
        # A fresh, unbound form: the new version, an empty file input.
        form = None
    row = _indicator_row(
        framework,
        indicator,
        ratings,
        user,
        lang,
        form=form,
        assessment=assessment,
        editable=True,
    )
    dimension = next(d for d in framework.dimensions if indicator.id in d.indicator_ids)
    by_indicator: dict[str, list[Rating]] = defaultdict(list)
    for rating in assessment.ratings.filter(indicator_id__in=dimension.indicator_ids):
        by_indicator[rating.indicator_id].append(rating)
    return render(
        request,
        "assessments/_save_response.html",
        {
            "project": project,
            "assessment": assessment,
            "row": row,
            "indicator": indicator,
            "saved": saved is not None,
            "saved_at": timezone.localtime(),
            "dimension": dimension,
            "dim": {"summary": _dimension_summary(framework, dimension, by_indicator, lang)},
        },
    )


# Profile, comparison, history -------------------------------------------------------------------


def profile_data(assessment: Assessment, framework: Framework, lang: str) -> dict:
    """Summary, chart spec and the drill-down per dimension (also used by the matrix)."""
    ratings = list(assessment.ratings.select_related("rater"))
    by_indicator: dict[str, list[Rating]] = defaultdict(list)
    for rating in ratings:
        rating.value_label = value_label(framework, rating.value, lang)
        rating.rater_name = rater_name(rating.rater)
        by_indicator[rating.indicator_id].append(rating)
    combined = logic.combine_all(
        framework, {i: [r.value or None for r in rs] for i, rs in by_indicator.items()}
    )
    summary = logic.summarize_combined(framework, combined)
    dimensions = []
    for dimension, dim_summary in zip(framework.dimensions, summary.dimensions, strict=True):
        dimensions.append(
            {
                "dimension": dimension,
                "name": dimension.name.get(lang),
                "summary": dim_summary,
                "outcome_label": outcome_label(dim_summary.outcome),
                "explanation": dim_summary.explanation.get(lang),
                "rules": [r.explanation.get(lang) for r in dim_summary.rules],
                "counts": [dim_summary.counts[code] for code in framework.scale.codes],
                "indicators": [
                    {
                        "indicator": indicator,
                        "label": indicator.label.get(lang),
                        "text": indicator.text.get(lang),
                        "combined": combined[indicator.id],
                        "combined_label": value_label(
                            framework, combined[indicator.id].value, lang
                        ),
                        "ratings": by_indicator.get(indicator.id, []),
                    }
                    for indicator in dimension.indicators
                ],
            }
        )
    return {
        "summary": summary,
        "combined": combined,
        "dimensions": dimensions,
        "level_labels": [level.label.get(lang) for level in framework.scale.levels],
        "chart_spec": profile_chart(framework, summary, lang=lang, labels=chart_labels()),
        "raters": sorted({r.rater_name for r in ratings}),
    }


@login_required
@require_GET
def profile(request, pk: int, apk: int):
    project = visible_project(request, pk)
    assessment = _assessment(project, apk)
    framework = _framework(assessment)
    lang = current_lang()
    return render(
        request,
        "assessments/profile.html",
        _base_context(
            request,
            project,
            assessment,
            framework,
            "profile",
            version_differs=assessment.framework_version != framework.version,
            completeness=lifecycle.completeness(assessment, framework),
            status_changes=list(assessment.status_changes.all()),
            can_reopen=assessment.is_finalised
            and may_rate(request.user, assessment)
            and request.user.can(
                Capability.ASSESS, write_access=has_write_access(request.user, project)
            ),
            **profile_data(assessment, framework, lang),
        ),
    )


@login_required
@require_GET
def compare(request, pk: int, apk: int):
    """This scan against an earlier one: outcome per dimension, level per indicator."""
    project = visible_project(request, pk)
    assessment = _assessment(project, apk)
    framework = _framework(assessment)
    lang = current_lang()
    candidates = list(
        project.assessments.filter(framework_id=assessment.framework_id)
        .exclude(pk=assessment.pk)
        .order_by("-created_at", "-pk")
    )
    other = None
    chosen = request.GET.get("met")
    if chosen and chosen.isdigit():
        other = next((a for a in candidates if a.pk == int(chosen)), None)
    if other is None and assessment.previous_id:
        other = next((a for a in candidates if a.pk == assessment.previous_id), None)
    if other is None and candidates:
        other = candidates[0]
    context = {"candidates": candidates, "other": other}
    if other is not None:
        before = services.combined_ratings(other, framework)
        after = services.combined_ratings(assessment, framework)
        comparison = logic.compare(framework, before, after)
        change_labels = {
            logic.Change.UP: _("hoger"),
            logic.Change.DOWN: _("lager"),
            logic.Change.SAME: _("gelijk"),
            logic.Change.NOW_UNKNOWN: _("nu onbekend"),
            logic.Change.NOW_KNOWN: _("was onbekend"),
            logic.Change.STILL_UNKNOWN: _("nog steeds onbekend"),
            logic.Change.NEWLY_RATED: _("nieuw beoordeeld"),
            logic.Change.NO_LONGER_RATED: _("niet meer beoordeeld"),
            logic.Change.NOT_RATED: _("in geen van beide beoordeeld"),
        }
        dims = []
        for change in comparison.dimensions:
            dimension = framework.dimension(change.dimension_id)
            dims.append(
                {
                    "name": dimension.name.get(lang),
                    "change": change,
                    "before_label": outcome_label(change.before),
                    "after_label": outcome_label(change.after),
                    "indicators": [
                        {
                            "label": framework.indicator(c.indicator_id).label.get(lang),
                            "change": c,
                            "before_label": value_label(framework, c.before, lang),
                            "after_label": value_label(framework, c.after, lang),
                            "change_label": change_labels[c.change],
                            "steps": c.steps,
                        }
                        for c in comparison.for_dimension(framework, change.dimension_id)
                    ],
                }
            )
        context["dimensions"] = dims
    return render(
        request,
        "assessments/compare.html",
        _base_context(request, project, assessment, framework, "compare", **context),
    )


@login_required
@require_GET
def history(request, pk: int, apk: int):
    """Every change to the assessment and its ratings, newest first (simple-history)."""
    project = visible_project(request, pk)
    assessment = _assessment(project, apk)
    framework = _framework(assessment)
    lang = current_lang()
    labels = {i.id: i.label.get(lang) for _d, i in framework.indicators()}
    entries = []
    for record in Rating.history.filter(assessment_id=assessment.pk).select_related(
        "history_user", "rater"
    ):
        entries.append(
            {
                "date": record.history_date,
                "user": rater_name(record.history_user) if record.history_user else "",
                "what": labels.get(record.indicator_id, record.indicator_id),
                "rater": rater_name(record.rater) if record.rater_id else "—",
                "value": value_label(framework, record.value, lang),
                "evidence": record.evidence,
                "type": record.history_type,
            }
        )
    for record in assessment.history.select_related("history_user"):
        entries.append(
            {
                "date": record.history_date,
                "user": rater_name(record.history_user) if record.history_user else "",
                "what": _("Beoordeling"),
                "rater": "",
                "value": record.get_status_display(),
                "evidence": record.title,
                "type": record.history_type,
            }
        )
    for change in assessment.status_changes.all():
        entries.append(
            {
                "date": change.at,
                "user": change.by_name,
                "what": _("Status van de beoordeling"),
                "rater": "",
                "value": change.get_action_display(),
                "evidence": change.reason,
                "type": "~",
            }
        )
    entries.sort(key=lambda e: e["date"], reverse=True)
    return render(
        request,
        "assessments/history.html",
        _base_context(request, project, assessment, framework, "history", entries=entries[:1000]),
    )


@login_required
@require_GET
def evidence(request, pk: int, apk: int, rating_pk: int):
    """An evidence document, only through its project (never a public media URL)."""
    project = visible_project(request, pk)
    assessment = _assessment(project, apk)
    rating = get_object_or_404(assessment.ratings, pk=rating_pk)
    if not rating.evidence_file:
        raise Http404
    ext = Path(rating.evidence_file.name).suffix.lower().lstrip(".")
    try:
        handle = rating.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=rating.evidence_filename or Path(rating.evidence_file.name).name,
        content_type=EVIDENCE_TYPES.get(ext, "application/octet-stream"),
    )


# Exports ------------------------------------------------------------------------------------------


def _rating_rows(framework: Framework, assessment: Assessment, data: dict, lang: str):
    for dim in data["dimensions"]:
        for item in dim["indicators"]:
            ratings = item["ratings"] or [None]
            for rating in ratings:
                yield [
                    dim["name"],
                    item["indicator"].id,
                    item["label"],
                    item["combined_label"],
                    _("ja") if item["combined"].disagreement else _("nee"),
                    rating.rater_name if rating else "",
                    rating.value_label if rating else value_label(framework, None, lang),
                    rating.evidence if rating else "",
                    rating.evidence_url if rating else "",
                    rating.evidence_filename if rating else "",
                    timezone.localtime(rating.updated_at).replace(tzinfo=None) if rating else None,
                ]


def _rating_header() -> list[str]:
    return [
        _("Dimensie"),
        _("Indicator-id"),
        _("Indicator"),
        _("Gecombineerd oordeel (mediaan)"),
        _("Onenigheid"),
        _("Beoordelaar"),
        _("Oordeel"),
        _("Onderbouwing"),
        _("Link naar bewijs"),
        _("Document"),
        _("Gewijzigd"),
    ]


def _summary_rows(data: dict):
    for dim in data["dimensions"]:
        s = dim["summary"]
        yield [
            dim["name"],
            dim["outcome_label"],
            s.coverage_text,
            s.unknown,
            s.not_rated,
            dim["explanation"],
        ]


def _summary_header() -> list[str]:
    return [
        _("Dimensie"),
        _("Uitkomst"),
        _("Dekking"),
        _("Onbekend"),
        _("Nog niet beoordeeld"),
        _("Toelichting"),
    ]


@login_required
@require_GET
def export(request, pk: int, apk: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    project = visible_project(request, pk)
    assessment = _assessment(project, apk)
    require(request, Capability.EXPORT, project)
    framework = _framework(assessment)
    lang = current_lang()
    data = profile_data(assessment, framework, lang)
    filename = f"beoordeling-{slugify(project.name) or project.pk}-{assessment.pk}"
    if fmt == "csv":
        content = exports.csv_bytes(
            _rating_header(), list(_rating_rows(framework, assessment, data, lang))
        )
    else:
        content = exports.xlsx_bytes(
            {
                _("Samenvatting"): (_summary_header(), list(_summary_rows(data))),
                _("Oordelen"): (
                    _rating_header(),
                    list(_rating_rows(framework, assessment, data, lang)),
                ),
            }
        )
    return exports.download(content, filename, fmt)
