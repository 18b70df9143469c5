"""Tel en vertel measurements: a new measurement, the professional's fast entry screen (scores
and details saved per domain with HTMX) and deleting a measurement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proeftuin.portfolio.models import Project
from proeftuin.portfolio.views import project_context

from .. import analytics, recording, services
from ..access import (
    monitor_project,
)
from ..forms import (
    MeasurementCreateForm,
    MeasurementDetailsForm,
    ScoreForm,
)
from ..models import (
    AccessLog,
    Measurement,
)
from ..scale_items import scale_items
from .tab import TAB
from .trajectories import _participant_url, _trajectory_of


@login_required
def measurement_new(request, pk: int, tpk: int):
    project = monitor_project(request, pk)
    trajectory = _trajectory_of(project, tpk)
    form = MeasurementCreateForm(request.POST or None, trajectory=trajectory)
    if request.method == "POST" and form.is_valid():
        measurement = form.save(commit=False)
        measurement.trajectory = trajectory
        recording.create_measurement(measurement, by=request)
        return redirect("monitoring:entry", pk=project.pk, mpk=measurement.pk)
    return render(
        request,
        "monitoring/measurement_new.html",
        project_context(request, project, TAB, form=form, trajectory=trajectory),
    )


# --- the fast entry screen -------------------------------------------------------------------------


def _measurement_of(project: Project, mpk: int) -> Measurement:
    return get_object_or_404(
        Measurement.objects.filter(trajectory__project=project).select_related(
            "trajectory__participant"
        ),
        pk=mpk,
    )


def _entry_items(measurement: Measurement, instrument) -> list[dict]:
    current = {s.item: s for s in measurement.scores.all()}
    items = scale_items(instrument, analytics.lang())
    for item in items:
        score = current.get(item["id"])
        item["chosen"] = (
            "" if score is None else ("onbekend" if score.value is None else str(score.value))
        )
    return items


def _progress_text(measurement: Measurement, instrument) -> str:
    answered = measurement.scores.filter(item__in=instrument.item_ids).count()
    return _("%(answered)s van %(total)s leefgebieden ingevuld") % {
        "answered": answered,
        "total": len(instrument.items),
    }


def _missing_instrument_text(measurement: Measurement) -> str:
    return _(
        "Het instrument '%(id)s' van deze meting is niet (meer) geïnstalleerd; de scores kunnen "
        "niet worden getoond of gewijzigd. Vraag de beheerder het instrumentbestand terug te "
        "zetten."
    ) % {"id": measurement.instrument}


@login_required
def entry(request, pk: int, mpk: int):
    project = monitor_project(request, pk)
    measurement = _measurement_of(project, mpk)
    try:
        instrument = services.known_instrument(measurement.instrument)
    except services.UnknownInstrument:
        messages.error(request, _missing_instrument_text(measurement))
        return redirect(_participant_url(measurement.trajectory))
    services.log_access(
        request,
        AccessLog.Action.MEASUREMENT,
        project,
        measurement.trajectory.participant,
        detail=f"{measurement.get_moment_display()} {measurement.measured_on:%d-%m-%Y}",
    )
    if request.method == "POST":
        # Without JavaScript the whole form is posted once; with HTMX each domain saves itself.
        saved, errors = _save_scores(request, measurement, instrument)
        if errors:
            messages.error(request, " ".join(errors))
        else:
            messages.success(request, _("Scores opgeslagen."))
            return redirect(_participant_url(measurement.trajectory))
        return redirect("monitoring:entry", pk=project.pk, mpk=measurement.pk)
    details = MeasurementDetailsForm(instance=measurement)
    return render(
        request,
        "monitoring/entry.html",
        project_context(
            request,
            project,
            TAB,
            measurement=measurement,
            trajectory=measurement.trajectory,
            instrument=instrument,
            items=_entry_items(measurement, instrument),
            details=details,
            progress=_progress_text(measurement, instrument),
        ),
    )


def _save_scores(
    request, measurement: Measurement, instrument
) -> tuple[list[tuple[str, str]], list[str]]:
    """Save the posted domains; returns ((item, saved text) …, errors).

    The screen sends what it showed for each domain (``was-<item>``). When a colleague changed
    that domain in the meantime (or the POST does not say what it showed), the choice is not saved
    and the message says what is stored now, so nobody overwrites another's answer without seeing
    it. The comparison happens in the write's transaction (:func:`.recording.record_scores`).
    """
    errors = []
    values: dict[str, int | str | None] = {}
    posted: dict[str, str] = {}
    language = analytics.lang()
    names = {item.id: item.name.get(language) for item in instrument.items}
    for item in instrument.items:
        name = f"score-{item.id}"
        if name not in request.POST:
            continue
        form = ScoreForm({"value": request.POST.get(name)}, scale=instrument.scale.values)
        if not form.is_valid():
            errors.append(f"{names[item.id]}: {form.errors['value'][0]}")
            continue
        value = form.cleaned_data["value"]
        values[item.id] = None if value == "onbekend" else value
        posted[item.id] = str(value)
    if not values:
        return [], errors
    done, refused = recording.record_scores(
        measurement,
        values,
        expected={item: request.POST.get(f"was-{item}") for item in values},
        by=request,
    )
    for item, stored in refused.items():
        errors.append(
            _(
                "%(domain)s: iemand anders heeft dit intussen op '%(stored)s' gezet. Uw keuze "
                "is niet opgeslagen; vernieuw de pagina en kies opnieuw als uw score moet "
                "gelden."
            )
            % {"domain": names[item], "stored": stored or _("geen antwoord")}
        )
    return [(item, posted[item]) for item in done], errors


@login_required
@require_POST
def scores(request, pk: int, mpk: int):
    project = monitor_project(request, pk)
    measurement = _measurement_of(project, mpk)
    try:
        instrument = services.known_instrument(measurement.instrument)
    except services.UnknownInstrument:
        instrument = None
    if instrument is None:
        saved, errors = [], [_missing_instrument_text(measurement)]
    else:
        saved, errors = _save_scores(request, measurement, instrument)
    if not request.htmx:
        if errors:
            messages.error(request, " ".join(errors))
        return redirect("monitoring:entry", pk=project.pk, mpk=measurement.pk)
    return render(
        request,
        "monitoring/_score_status.html",
        {
            "saved": bool(saved) and not errors,
            "errors": errors,
            "saved_at": timezone.localtime(),
            "progress": _progress_text(measurement, instrument) if instrument else None,
            "updated": saved,
        },
        status=200,
    )


@login_required
@require_POST
def details(request, pk: int, mpk: int):
    project = monitor_project(request, pk)
    measurement = _measurement_of(project, mpk)
    form = MeasurementDetailsForm(request.POST, instance=measurement)
    ok = form.is_valid()
    if ok:
        ok = (
            recording.edit_versioned(
                form,
                measurement.trajectory,
                by=request,
                what=str(_("Gegevens van de meting gewijzigd")),
            )
            is not None
        )
    # The screen keeps the version it saves against: the new one after a save, else the one it
    # sent (after a stale save, further autosaves stay refused until the page is reloaded).
    version = measurement.version if ok else request.POST.get("edit_version")
    if not request.htmx:
        if ok:
            messages.success(request, _("Gegevens van de meting opgeslagen."))
        else:
            messages.error(request, _("Niet opgeslagen: controleer de gegevens van de meting."))
        return redirect("monitoring:entry", pk=project.pk, mpk=measurement.pk)
    errors = [f"{form.fields[f].label}: {e[0]}" for f, e in form.errors.items() if f in form.fields]
    errors += list(form.non_field_errors())
    return render(
        request,
        "monitoring/_score_status.html",
        {
            "saved": ok,
            "errors": errors,
            "saved_at": timezone.localtime(),
            "progress": None,
            "version": version,
        },
        status=200,
    )


@login_required
@require_POST
def measurement_delete(request, pk: int, mpk: int):
    project = monitor_project(request, pk)
    measurement = _measurement_of(project, mpk)
    trajectory = measurement.trajectory
    recording.delete_measurement(measurement, by=request)
    messages.success(request, _("Meting verwijderd."))
    return redirect(_participant_url(trajectory))
