"""The *Leren* tab of a project (lessons, the end evaluation, its signals) and the catalogue.

Reading needs a visible project (a foreign one is a 404); recording lessons and the end
evaluation need EDIT with write access to the project (403 otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proeftuin.common.versioning import StaleEdit
from proeftuin.core.access import Capability
from proeftuin.core.learning.catalogue import catalogue
from proeftuin.portfolio.access import require, visible_project, writable
from proeftuin.portfolio.models import Project
from proeftuin.portfolio.views import project_context

from . import catalogue as shared
from . import services
from .forms import CHARACTERISTIC_LABELS, CLOSE_OUT_QUESTIONS, CloseOutForm, LessonForm, lang
from .models import CloseOut, LessonKind, SearchEntry

TAB = "leren"


def _can_edit(request, project: Project) -> bool:
    may_write = writable(request, project)
    return request.user.can(Capability.EDIT, write_access=may_write)


def close_out_rows(close_out: CloseOut | None) -> list[dict]:
    if close_out is None:
        return []
    return [
        {"question": q, "answer": close_out.answers.get(k, "")}
        for k, q in CLOSE_OUT_QUESTIONS.items()
    ]


@login_required
def project_tab(request, pk: int):
    project = visible_project(request, pk)
    lessons = project.lessons.select_related("evidence_assessment")
    close_out = CloseOut.objects.filter(project=project).first()
    context = project_context(
        request,
        project,
        TAB,
        lessons=lessons,
        characteristics=CHARACTERISTIC_LABELS,
        close_out=close_out,
        close_out_rows=close_out_rows(close_out),
        signals=services.signals_of(request.user).filter(project=project),
        can_learn=_can_edit(request, project),
        similar=shared.similar_projects(request.user, project),
        published_at=shared.published_on(project),
        can_publish=request.user.can(
            Capability.SHARE, write_access=project.owner_id == request.user.organisation_id
        ),
    )
    return render(request, "learning/tab_learning.html", context)


@login_required
def lesson_create(request, pk: int):
    project = visible_project(request, pk)
    require(request, Capability.EDIT, project)
    form = LessonForm(request.POST or None, project=project, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        services.save_lesson(form.save(commit=False), project, request.user)
        messages.success(request, _("De les is opgeslagen."))
        return redirect("learning:project", project.pk)
    return render(request, "learning/lesson_form.html", {"project": project, "form": form})


def _initial(request) -> dict:
    kind = request.GET.get("soort", "")
    return {"kind": kind} if kind in LessonKind.values else {}


@login_required
def close_out(request, pk: int):
    project = visible_project(request, pk)
    require(request, Capability.EDIT, project)
    existing = CloseOut.objects.filter(project=project).first()
    initial = {}
    if existing:
        initial = {
            "reason": existing.reason,
            "outcome": existing.outcome,
            "edit_version": existing.version,
        }
        initial.update({f"q_{k}": v for k, v in existing.answers.items()})
    form = CloseOutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.save_close_out(
                    project,
                    request.user,
                    form.cleaned_data["reason"],
                    form.cleaned_data["outcome"],
                    form.answers(),
                    expected_version=form.cleaned_data.get("edit_version"),
                )
        except StaleEdit:
            form.add_error(None, CloseOutForm.stale_message)
            # After seeing the warning, a second save is a conscious choice: against the
            # version that is current now (the answers on the screen are still the user's).
            form.data = form.data.copy()
            form.data["edit_version"] = CloseOut.objects.get(project=project).version
        else:
            messages.success(request, _("De eindevaluatie is opgeslagen."))
            return redirect("learning:project", project.pk)
    return render(request, "learning/close_out_form.html", {"project": project, "form": form})


@login_required
def catalogue_view(request):
    code = lang()
    characteristic = request.GET.get("kenmerk", "")
    rows = [
        {
            "lesson": item,
            "title": item.title.get(code) or item.title["nl"],
            "text": item.text.get(code) or item.text["nl"],
            "kind": dict(LessonKind.choices).get(item.kind, item.kind),
            "characteristic": CHARACTERISTIC_LABELS.get(item.characteristic, ""),
        }
        for item in catalogue()
        if not characteristic or item.characteristic == characteristic
    ]
    return render(
        request,
        "learning/catalogue.html",
        {"rows": rows, "characteristics": CHARACTERISTIC_LABELS, "current": characteristic},
    )


@login_required
def search_view(request):
    from .search import search

    query = request.GET.get("q", "")
    hits = search(request.user, query)
    return render(
        request,
        "learning/search.html",
        {"query": query, "hits": hits, "kinds": dict(SearchEntry.Kind.choices)},
    )


@login_required
def publish_view(request, pk: int):
    """The preview of exactly what the shared catalogue publishes, and the opt-in itself."""
    project = visible_project(request, pk)
    require(request, Capability.SHARE, project)
    if request.method == "POST":
        shared.publish(project, request.user)
        messages.success(request, _("Het project staat in de gedeelde catalogus."))
        return redirect("learning:project", project.pk)
    return render(
        request,
        "learning/publish.html",
        {
            "project": project,
            "data": shared.snapshot(project),
            "published_at": shared.published_on(project),
        },
    )


@login_required
@require_POST
def withdraw_view(request, pk: int):
    project = visible_project(request, pk)
    require(request, Capability.SHARE, project)
    shared.withdraw(project)
    messages.success(request, _("Het project staat niet meer in de gedeelde catalogus."))
    return redirect("learning:project", project.pk)
