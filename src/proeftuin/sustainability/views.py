"""The Verduurzaming tab: the advisor's live advice beside the saved continuation plan.

Reading needs only a visible project; adopting advice and editing the plan or its actions need
the PLAN capability with write access to the project (403 otherwise). A foreign project is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proeftuin.common.versioning import StaleEdit
from proeftuin.core.access import Capability
from proeftuin.core.advisor.recommend import KEEP_EMBEDDED, NOT_YET, UNDECIDED
from proeftuin.portfolio.access import require, visible_project, writable
from proeftuin.portfolio.models import Project
from proeftuin.portfolio.views import project_context

from .forms import PlanActionForm, PlanForm
from .models import ActionStatus, ContinuationPlan, PlanAction
from .services import adopt_advice, option_names, owner_choices, project_advice

TAB = "verduurzaming"
STALE_ACTION = gettext_noop(
    "Iemand anders heeft deze actie intussen gewijzigd. Er is niets veranderd; u ziet nu de "
    "actuele stand. Klik opnieuw als u die wilt wijzigen."
)


def _lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def _plan_of(project: Project) -> ContinuationPlan | None:
    return ContinuationPlan.objects.filter(project=project).first()


def _action_of(project: Project, action_pk: int) -> PlanAction:
    """An action of this project's plan; any other pk (another project's too) is a 404."""
    return get_object_or_404(PlanAction.objects.filter(plan__project=project), pk=action_pk)


def _can_plan(request, project: Project) -> bool:
    may_write = writable(request, project)
    return request.user.can(Capability.PLAN, write_access=may_write)


def _scan_rows(result) -> list[dict]:
    """The 4+1 dimensions the advice read, with their outcome, for the table beside the advice."""
    if result.summary is None:
        return []
    lang = _lang()
    return [
        {
            "name": result.framework.dimension(d.dimension_id).name.get(lang),
            "outcome": d.outcome.label(lang),
            "outcome_code": str(d.outcome),
            "coverage": d.coverage_text,
        }
        for d in result.summary.dimensions
    ]


def _route_label(route, names: dict[str, str]) -> str:
    """The name of the recommended route, or of the outcomes that are not a route."""
    if route is None:
        return ""
    return {
        KEEP_EMBEDDED: _("Al ingebed: zo houden en blijven volgen"),
        NOT_YET: _("Nog geen route: eerst de aanpak versterken of stoppen"),
        UNDECIDED: _("Nog niet te bepalen"),
    }.get(route.code) or names.get(route.code, route.code)


@login_required
def plan(request, pk: int):
    project = visible_project(request, pk)
    result = project_advice(project)
    saved = _plan_of(project)
    names = option_names(result.framework, _lang())
    dimension_names = {d.id: d.name.get(_lang()) for d in result.framework.dimensions}
    deadline = result.advice.deadline
    actions = list(saved.actions.select_related("owner_user", "owner_partner")) if saved else []
    in_plan = {(a.source_rule, a.text) for a in actions}
    advice_steps = [
        {
            "action": a,
            "in_plan": (a.rule_id, a.text.nl) in in_plan or (a.rule_id, a.text.en) in in_plan,
        }
        for a in result.advice.actions
    ]
    return render(
        request,
        "sustainability/tab_plan.html",
        project_context(
            request,
            project,
            TAB,
            result=result,
            advice=result.advice,
            plan=saved,
            actions=actions,
            advice_steps=advice_steps,
            all_adopted=all(step["in_plan"] for step in advice_steps),
            route_name=names.get(saved.route, saved.route) if saved and saved.route else "",
            strategy_names=[names.get(s, s) for s in saved.strategies] if saved else [],
            plan_after_cliff=bool(
                saved and saved.deadline and deadline and saved.deadline > deadline.cliff
            ),
            scan_rows=_scan_rows(result),
            can_plan=_can_plan(request, project),
            today=timezone.localdate(),
            recommended_route=_route_label(result.advice.route, names),
            graded=[
                {"name": dimension_names.get(g.dimension_id, g.dimension_id), "g": g}
                for g in result.advice.graded
            ],
        ),
    )


@login_required
@require_POST
def adopt(request, pk: int):
    project = visible_project(request, pk)
    require(request, Capability.PLAN, project)
    result = project_advice(project)
    _plan, added = adopt_advice(project, result.advice, _lang())
    if added:
        messages.success(
            request, _("Advies overgenomen: %(n)d acties toegevoegd aan het plan.") % {"n": added}
        )
    else:
        messages.info(request, _("Het plan bevat alle acties uit het advies al."))
    return redirect("sustainability:plan", pk=project.pk)


@login_required
def plan_edit(request, pk: int):
    project = visible_project(request, pk)
    require(request, Capability.PLAN, project)
    result = project_advice(project)
    instance = _plan_of(project) or ContinuationPlan(project=project)
    if instance.pk is None and result.advice.deadline is not None:
        instance.deadline = result.advice.deadline.date
    form = PlanForm(request.POST or None, instance=instance, framework=result.framework)
    if request.method == "POST" and form.is_valid():

        def attach(obj):
            obj.project = project

        with transaction.atomic():
            saved = form.save_versioned(commit_extra=attach)
        if saved is not None:
            messages.success(request, _("Voortzettingsplan opgeslagen."))
            return redirect("sustainability:plan", pk=project.pk)
    return render(
        request,
        "sustainability/plan_form.html",
        project_context(
            request,
            project,
            TAB,
            form=form,
            advice=result.advice,
            back_url=reverse("sustainability:plan", kwargs={"pk": project.pk}),
        ),
    )


@login_required
def action_edit(request, pk: int, action_pk: int | None = None):
    """Add an action by hand, or edit one (adopted or not)."""
    project = visible_project(request, pk)
    require(request, Capability.PLAN, project)
    saved = _plan_of(project)
    instance = _action_of(project, action_pk) if action_pk is not None else None
    form = PlanActionForm(
        request.POST or None, instance=instance, owners=owner_choices(request, project)
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            target = saved or ContinuationPlan.objects.get_or_create(project=project)[0]

            def attach(obj):
                obj.plan = target
                if obj.pk is None:
                    top = target.actions.aggregate(top=Max("position"))["top"] or 0
                    obj.position = top + 1

            result = form.save_versioned(commit_extra=attach)
        if result is not None:
            messages.success(request, _("Actie opgeslagen."))
            return redirect("sustainability:plan", pk=project.pk)
    return render(
        request,
        "sustainability/action_form.html",
        project_context(
            request,
            project,
            TAB,
            form=form,
            editing=instance is not None,
            action=instance,
            back_url=reverse("sustainability:plan", kwargs={"pk": project.pk}),
        ),
    )


@login_required
@require_POST
def action_toggle(request, pk: int, action_pk: int):
    """Mark an action done, or open again. With HTMX only the row comes back.

    The button sends the version it was shown with: a click on a row someone else changed in the
    meantime (or a POST without a version) is stale, changes nothing and says so, instead of
    flipping the action the other way round."""
    project = visible_project(request, pk)
    require(request, Capability.PLAN, project)
    action = _action_of(project, action_pk)
    stale = False
    try:
        expected = int(request.POST["edit_version"])
    except (KeyError, ValueError):
        expected = None
    action.status = ActionStatus.OPEN if action.done else ActionStatus.DONE
    try:
        action.save_checked(expected)
    except StaleEdit:
        stale = True
        action = _action_of(project, action_pk)
    if request.htmx:
        return render(
            request,
            "sustainability/_action_row.html",
            {
                "a": action,
                "project": project,
                "can_plan": True,
                "today": timezone.localdate(),
                "stale": stale,
            },
        )
    if stale:
        messages.error(request, _(STALE_ACTION))
    else:
        messages.success(
            request, _("Actie afgevinkt.") if action.done else _("Actie weer opengezet.")
        )
    return redirect("sustainability:plan", pk=project.pk)


@login_required
@require_POST
def action_delete(request, pk: int, action_pk: int):
    project = visible_project(request, pk)
    require(request, Capability.PLAN, project)
    _action_of(project, action_pk).delete()
    messages.success(request, _("Actie verwijderd."))
    return redirect("sustainability:plan", pk=project.pk)
