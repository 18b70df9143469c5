"""Tel en vertel trajectories: editing a trajectory and adding a story, heavy measure or
intervention to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proeftuin.portfolio.models import Project
from proeftuin.portfolio.views import project_context

from .. import recording, services
from ..access import (
    monitor_project,
)
from ..forms import (
    HeavyMeasureForm,
    InterventionForm,
    StoryForm,
    TrajectoryForm,
)
from ..models import (
    Trajectory,
)
from .tab import TAB


def _trajectory_of(project: Project, tpk: int) -> Trajectory:
    return get_object_or_404(
        Trajectory.objects.filter(project=project).select_related("participant"), pk=tpk
    )


def _participant_url(trajectory: Trajectory) -> str:
    return reverse(
        "monitoring:participant",
        kwargs={"pk": trajectory.project_id, "participant_pk": trajectory.participant_id},
    )


@login_required
def trajectory_edit(request, pk: int, tpk: int):
    project = monitor_project(request, pk)
    trajectory = _trajectory_of(project, tpk)
    form = TrajectoryForm(request.POST or None, instance=trajectory)
    if request.method == "POST" and form.is_valid():
        try:
            saved = recording.edit_versioned(
                form, trajectory, by=request, what=str(_("Traject gewijzigd"))
            )
        except IntegrityError:
            form.add_error("started_on", _("Er is al een traject met deze start."))
            saved = None
        if saved is not None:
            messages.success(request, _("Traject opgeslagen."))
            return redirect(_participant_url(trajectory))
    return render(
        request,
        "monitoring/trajectory_form.html",
        project_context(request, project, TAB, form=form, trajectory=trajectory),
    )


# Lazy: the titles are translated per request, in the language of whoever reads the page.
ADD_FORMS = {
    "verhaal": (StoryForm, gettext_lazy("Verhaal toevoegen")),
    "zwaar-middel": (HeavyMeasureForm, gettext_lazy("Zwaar middel of crisis vastleggen")),
    "interventie": (InterventionForm, gettext_lazy("Interventie vastleggen")),
}


@login_required
def trajectory_add(request, pk: int, tpk: int, kind: str):
    project = monitor_project(request, pk)
    if kind not in ADD_FORMS:
        raise Http404
    trajectory = _trajectory_of(project, tpk)
    form_class, title = ADD_FORMS[kind]
    extra = {}
    if form_class is StoryForm:
        last = trajectory.measurements.order_by("-measured_on").first()
        extra["instrument"] = services.instrument(last.instrument if last else None)
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            recording.add_to_trajectory(obj, trajectory, by=request)
        except IntegrityError:
            form.add_error(None, _("Dit is al vastgelegd."))
        else:
            messages.success(request, _("Vastgelegd."))
            return redirect(_participant_url(trajectory))
    return render(
        request,
        "monitoring/trajectory_add.html",
        project_context(
            request, project, TAB, form=form, trajectory=trajectory, title=str(title), kind=kind
        ),
    )
