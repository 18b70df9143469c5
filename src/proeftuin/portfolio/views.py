"""Portfolio screens: overview, funding cliff, project page with tabs, and the edit forms."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from proeftuin.administration.pickers import pickable_organisations
from proeftuin.core import funding as funding_core
from proeftuin.core import money
from proeftuin.core.access import Capability

from . import history as history_sources
from . import tabs
from .access import permissions_for, require, visible_project
from .charts import funding_chart
from .forms import (
    CoalitionMemberForm,
    DecisionForm,
    FundingStreamForm,
    GoalForm,
    GrantForm,
    ProjectForm,
)
from .listing import filtered_portfolio
from .models import (
    CoalitionMember,
    FundingStream,
    Goal,
    Project,
    ProjectGrant,
)
from .registry_views import new_for_old_total


def project_context(request, project: Project, active: str, **extra) -> dict:
    return {
        "project": project,
        "tabs": tabs.all_tabs(),
        "active_tab": active,
        "perms": permissions_for(request, project),
        **extra,
    }


def _render_tab(request, template: str, context: dict):
    """Tabs are whole pages; HTMX (hx-boost) swaps only <main> when moving between them."""
    return render(request, template, context)


OVERVIEW_PAGE_SIZE = 50

# Overview --------------------------------------------------------------------------------------


@login_required
def overview(request):
    user = request.user
    today = timezone.localdate()
    form, projects = filtered_portfolio(request, today)
    page = Paginator(projects, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = []
    on_page = list(page.object_list)
    # Marks from capability apps (Verduurzaming: near the funding cliff without an agreed
    # continuation plan). One query per marker for the whole page; streams are prefetched.
    from .panels import row_markers

    without_plan = row_markers(on_page, today).get("no_plan", set())
    for project in on_page:
        cliffs = funding_core.funding_cliffs(project.core_streams(), today, (12,))
        rows.append({"project": project, "cliff": cliffs[0], "no_plan": project.pk in without_plan})
    query = request.GET.copy()
    query.pop("pagina", None)
    # Only the rows for an HTMX filter request, but the whole page when htmx restores history.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "portfolio/_overview_rows.html" if partial else "portfolio/overview.html"
    from .panels import for_request

    panels = [] if partial else for_request(request)
    response = render(
        request,
        template,
        {
            "form": form,
            "rows": rows,
            "panels": panels,
            "page": page,
            "query": query.urlencode(),
            "can_create": user.can(Capability.CREATE),
            "new_for_old_total": new_for_old_total(user.organisation_id, today),
        },
    )
    # The same URL answers with rows or a page: without Vary the browser's back button can show
    # the cached rows on their own, unstyled.
    patch_vary_headers(response, ["HX-Request"])
    return response


# Project create / edit / archive ----------------------------------------------------------------


@login_required
def project_create(request):
    require(request, Capability.CREATE)
    form = ProjectForm(request.POST or None, owner=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            project = form.save_with_owner()
        messages.success(request, _("Project aangemaakt."))
        return redirect("portfolio:project", pk=project.pk)
    return render(request, "portfolio/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk: int):
    project = visible_project(request, pk)
    require(request, Capability.EDIT, project)
    form = ProjectForm(request.POST or None, instance=project, owner=project.owner)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save_with_owner()
        if saved is not None:
            messages.success(request, _("Wijzigingen opgeslagen."))
            return redirect("portfolio:project", pk=project.pk)
        project.refresh_from_db()
    return render(request, "portfolio/project_form.html", {"form": form, "project": project})


@login_required
@require_POST
def project_archive(request, pk: int):
    project = visible_project(request, pk)
    require(request, Capability.ARCHIVE, project)
    if project.archived_at:
        project.archived_at = None
        messages.success(request, _("Project teruggezet uit het archief."))
    else:
        project.archived_at = timezone.now()
        messages.success(request, _("Project gearchiveerd. Het blijft vindbaar via het filter."))
    project._change_reason = request.POST.get("reason", "")
    project.save()
    return redirect("portfolio:project", pk=project.pk)


# Tabs -------------------------------------------------------------------------------------------


@login_required
def project_detail(request, pk: int):
    project = visible_project(request, pk)
    today = timezone.localdate()
    streams = project.core_streams()  # once for both the cliffs and the share
    return _render_tab(
        request,
        "portfolio/tab_overview.html",
        project_context(
            request,
            project,
            "overzicht",
            goals=project.goals.filter(retired=False),
            decisions=project.decisions.all()[:3],
            coverage=project.coalition_coverage(today),
            cliffs=funding_core.funding_cliffs(streams, today),
            incidental_share=funding_core.incidental_share(streams, today),
        ),
    )


@login_required
def coalition(request, pk: int):
    project = visible_project(request, pk)
    members = project.coalition.select_related("organisation")
    return _render_tab(
        request,
        "portfolio/tab_coalition.html",
        project_context(
            request,
            project,
            "coalitie",
            members=members,
            coverage=project.coalition_coverage(),
            level_choices=CoalitionMember.Level.choices,
        ),
    )


@login_required
def funding(request, pk: int):
    project = visible_project(request, pk)
    streams = list(project.funding_streams.select_related("funder"))
    core_streams = [s.as_core() for s in streams]
    today = timezone.localdate()
    years = money.year_range(core_streams, today)
    annual = money.per_year(core_streams, years)
    return _render_tab(
        request,
        "portfolio/tab_funding.html",
        project_context(
            request,
            project,
            "financiering",
            streams=streams,
            cliffs=funding_core.funding_cliffs(core_streams, today),
            annual=annual,
            annual_total=money.ProjectBudget(project.name, annual).total,
            chart_spec=funding_chart(core_streams, today),
            new_for_old=project.new_for_old_entries.select_related("municipality"),
        ),
    )


@login_required
def goals(request, pk: int):
    project = visible_project(request, pk)
    return _render_tab(
        request,
        "portfolio/tab_goals.html",
        project_context(request, project, "doelen", goals=project.goals.all()),
    )


@login_required
def goal_history(request, pk: int, goal_pk: int):
    project = visible_project(request, pk)
    goal = get_object_or_404(project.goals, pk=goal_pk)
    return _render_tab(
        request,
        "portfolio/goal_history.html",
        project_context(request, project, "doelen", goal=goal, versions=goal.history.all()),
    )


@login_required
def decisions(request, pk: int):
    project = visible_project(request, pk)
    perms = permissions_for(request, project)
    form = DecisionForm(request.POST or None) if perms["can_decide"] else None
    if request.method == "POST":
        require(request, Capability.DECIDE, project)
        if form.is_valid():
            decision = form.save(commit=False)
            decision.project = project
            decision.recorded_by = request.user
            decision.save()
            messages.success(request, _("Besluit vastgelegd."))
            return redirect("portfolio:decisions", pk=project.pk)
    return _render_tab(
        request,
        "portfolio/tab_decisions.html",
        project_context(
            request, project, "besluiten", decisions=project.decisions.all(), form=form
        ),
    )


@login_required
def grants(request, pk: int):
    project = visible_project(request, pk)
    perms = permissions_for(request, project)
    form = GrantForm(request.POST or None, project=project) if perms["can_share"] else None
    if request.method == "POST":
        require(request, Capability.SHARE, project)
        if form.is_valid():
            grant = form.save(commit=False)
            grant.project = project
            grant.granted_by = request.user
            grant.save()
            messages.success(request, _("Project gedeeld met %s.") % grant.organisation.name)
            return redirect("portfolio:grants", pk=project.pk)
    coalition_orgs = {
        m.organisation for m in project.coalition.select_related("organisation") if m.organisation
    }
    granted = {g.organisation for g in project.grants.select_related("organisation")}
    return _render_tab(
        request,
        "portfolio/tab_grants.html",
        project_context(
            request,
            project,
            "delen",
            grants=project.grants.select_related("organisation", "granted_by"),
            form=form,
            ungranted_partners=sorted(
                coalition_orgs - granted - {project.owner}, key=lambda o: o.name
            ),
        ),
    )


@login_required
@require_POST
def grant_revoke(request, pk: int, grant_pk: int):
    project = visible_project(request, pk)
    require(request, Capability.SHARE, project)
    grant = get_object_or_404(ProjectGrant, project=project, pk=grant_pk)
    grant.delete()
    messages.success(request, _("Deling ingetrokken."))
    return redirect("portfolio:grants", pk=project.pk)


@login_required
def history(request, pk: int):
    """Every change to the project and its coalition, funding, goals, decisions and shares."""
    project = visible_project(request, pk)
    sources = [(source.records_for(project), source.label) for source in history_sources.sources()]
    entries = []
    names: dict[tuple[type, object], str] = {}  # related objects already looked up
    for records, area in sources:
        for record in records.select_related("history_user"):
            changes = []
            previous = record.prev_record
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                changes = [
                    {
                        "field": _field_label(record, c.field),
                        "old": _field_value(record, c.field, c.old, names),
                        "new": _field_value(record, c.field, c.new, names),
                    }
                    for c in delta.changes
                    if c.field not in QUIET_FIELDS
                ]
            entries.append({"record": record, "area": area, "changes": changes})
    entries.sort(key=lambda e: e["record"].history_date, reverse=True)
    return _render_tab(
        request,
        "portfolio/tab_history.html",
        project_context(request, project, "geschiedenis", entries=entries[:500]),
    )


#: Bookkeeping columns: a change to them says nothing a reader needs.
QUIET_FIELDS = {"created_at", "updated_at", "version"}
#: Labels for technical columns whose model gives no Dutch name.
FIELD_LABELS = {
    "created_by": _lazy("aangemaakt door"),
    "recorded_by": _lazy("vastgelegd door"),
    "granted_by": _lazy("gedeeld door"),
    "finalised_by": _lazy("afgerond door"),
    "adopted_rules_version": _lazy("versie van de adviesregels"),
    "route": _lazy("route"),
    "position": _lazy("volgorde"),
    "status": _lazy("status"),
}


def _field_label(record, field_name: str) -> str:
    if field_name in FIELD_LABELS:
        return str(FIELD_LABELS[field_name])
    try:
        return str(record.instance_type._meta.get_field(field_name).verbose_name)
    except Exception:  # noqa: BLE001 - a removed field still shows by its name
        return field_name


def _field_value(record, field_name: str, value, names: dict) -> str:
    """A stored value as a reader knows it: the choice's label, the related object's name (not
    its id), yes/no, a Dutch number or date, a list as a comma-separated text."""
    if value is None or value == "":
        return "—"
    try:
        field = record.instance_type._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - a removed field still shows its raw value
        field = None
    if isinstance(value, list | tuple):
        return ", ".join(_field_value(record, field_name, v, names) for v in value) or "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.many_to_one and field.related_model is not None:
        key = (field.related_model, value)
        if key not in names:
            related = field.related_model._default_manager.filter(pk=value).first()
            names[key] = str(related) if related is not None else _("(verwijderd)")
        return names[key]
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, float | Decimal):
        return number_format(value, decimal_pos=None, use_l10n=True)
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


# Child rows: coalition members, funding streams, goals --------------------------------------------

CHILDREN = {
    "coalitie": (CoalitionMember, CoalitionMemberForm, "coalition", "portfolio:coalition"),
    "financiering": (FundingStream, FundingStreamForm, "funding_streams", "portfolio:funding"),
    "doelen": (Goal, GoalForm, "goals", "portfolio:goals"),
}


@login_required
def child_edit(request, pk: int, kind: str, child_pk: int | None = None):
    """Add or edit a coalition member, funding stream or goal, with the stale-edit check."""
    if kind not in CHILDREN:
        raise Http404
    model, form_class, related, back = CHILDREN[kind]
    project = visible_project(request, pk)
    require(request, Capability.EDIT, project)
    instance = get_object_or_404(getattr(project, related), pk=child_pk) if child_pk else None
    extra = {}
    if kind != "doelen":
        extra["organisations"] = pickable_organisations(request.user.organisation_id, project)
    form = form_class(request.POST or None, instance=instance, **extra)
    if request.method == "POST" and form.is_valid():

        def attach(obj):
            obj.project = project
            reason = form.cleaned_data.get("change_reason")
            if reason:
                obj._change_reason = reason

        with transaction.atomic():
            saved = form.save_versioned(commit_extra=attach)
        if saved is not None:
            messages.success(request, _("Opgeslagen."))
            return redirect(back, pk=project.pk)
    return render(
        request,
        "portfolio/child_form.html",
        project_context(
            request,
            project,
            kind,
            form=form,
            model_name=model._meta.verbose_name,
            back_url=reverse(back, kwargs={"pk": project.pk}),
            editing=instance is not None,
        ),
    )


@login_required
def child_delete(request, pk: int, kind: str, child_pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if kind not in CHILDREN or CHILDREN[kind][0] is Goal:
        # Goals are retired, not deleted: their history is the point.
        raise Http404
    _model, _form, related, back = CHILDREN[kind]
    project = visible_project(request, pk)
    require(request, Capability.EDIT, project)
    get_object_or_404(getattr(project, related), pk=child_pk).delete()
    messages.success(request, _("Verwijderd."))
    return redirect(back, pk=project.pk)
