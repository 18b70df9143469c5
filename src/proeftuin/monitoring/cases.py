"""Case-timeline screens: per trajectory, the help over time against a reference "zonder
aanpak", the chart and the totals. Participant-level: reached through the project, logged
(``audited`` in urls.py), writes through :mod:`.case_recording`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proeftuin.common.numbers import decimal_text
from proeftuin.core.cases import costing
from proeftuin.core.cases.charts import case_timeline_chart
from proeftuin.core.cases.references import get_references
from proeftuin.portfolio.views import project_context

from . import analytics, case_recording
from .access import monitor_project
from .case_forms import CaseEventForm
from .case_models import CaseEvent
from .case_summary import core_events
from .models import Trajectory

TAB = "tel-en-vertel"


def _trajectory(project, tpk: int) -> Trajectory:
    return get_object_or_404(
        Trajectory.objects.filter(project=project).select_related("participant", "project"),
        pk=tpk,
    )


def _chart_labels() -> dict[str, str]:
    return {
        "title": _("Casusverloop"),
        "description": _(
            "Twee tijdlijnen onder elkaar: de hulp met de aanpak en de referentie zonder aanpak, "
            "met daaronder de opgetelde kosten. De tabel hieronder geeft dezelfde gegevens."
        ),
        "actual": _("Met aanpak"),
        "reference": _("Zonder aanpak (referentie)"),
        "date": _("Datum"),
        "service": _("Hulp of gebeurtenis"),
        "start": _("Start"),
        "cost": _("Kosten (€)"),
        "cumulative": _("Opgetelde kosten"),
        "lane": _("Tijdlijn"),
    }


def _money(value) -> str:
    return "—" if value is None else "€ " + decimal_text(value, 0, grouping=True)


#: The texts of a reference step that are stored with the event, in the language of whoever laid
#: the reference next to the case; shown again in the reader's language.
_STEP_TEXTS = ("service", "provider", "unit", "assumption")


def _in_language(event, references, language: str) -> dict[str, str]:
    """The event's texts for the reader: a step laid from a shipped reference template is shown
    in the reader's language (the template has both); a step typed by hand as it was typed."""
    shown = {name: getattr(event, name) for name in _STEP_TEXTS}
    reference = references.get(event.template) if event.template else None
    if reference is None:
        return shown
    for step in reference.steps:
        texts = {name: getattr(step, name) or {} for name in _STEP_TEXTS}
        if event.service in texts["service"].values():
            for name, by_language in texts.items():
                if by_language.get(language) and getattr(event, name) in by_language.values():
                    shown[name] = by_language[language]
            break
    return shown


def _page(request, project, trajectory, form=None):
    events = list(trajectory.case_events.all())
    core = core_events(events)
    totals = costing.case_totals(core)
    language = analytics.lang()
    references = get_references()
    rows = [
        {
            "event": e,
            "cost": _money(c.cost),
            "unknown": c.cost is None,
            "shown": _in_language(e, references, language),
        }
        for e, c in zip(events, core, strict=True)
    ]
    return render(
        request,
        "monitoring/case.html",
        project_context(
            request,
            project,
            TAB,
            trajectory=trajectory,
            actual=[r for r in rows if r["event"].lane == CaseEvent.Lane.ACTUAL],
            reference=[r for r in rows if r["event"].lane == CaseEvent.Lane.REFERENCE],
            totals={
                "actual": _money(totals.actual),
                "reference": _money(totals.reference),
                "saving": _money(totals.saving),
                "unknown": totals.unknown_prices,
            },
            chart=case_timeline_chart(core, _chart_labels()) if core else None,
            form=form or CaseEventForm(project=project, language=language),
            references=[(r.id, r.name[language]) for r in references.values()],
        ),
    )


@login_required
def case(request, pk: int, tpk: int):
    project = monitor_project(request, pk)
    return _page(request, project, _trajectory(project, tpk))


@login_required
@require_POST
def case_event_add(request, pk: int, tpk: int):
    project = monitor_project(request, pk)
    trajectory = _trajectory(project, tpk)
    form = CaseEventForm(request.POST, project=project, language=analytics.lang())
    if not form.is_valid():
        return _page(request, project, trajectory, form=form)
    case_recording.add_case_event(form.save(commit=False), trajectory, by=request)
    messages.success(request, _("Stap toegevoegd aan het casusverloop."))
    return redirect("monitoring:case", pk=project.pk, tpk=trajectory.pk)


@login_required
@require_POST
def case_event_delete(request, pk: int, tpk: int, epk: int):
    project = monitor_project(request, pk)
    trajectory = _trajectory(project, tpk)
    event = get_object_or_404(trajectory.case_events, pk=epk)
    case_recording.delete_case_event(event, by=request)
    messages.success(request, _("Stap verwijderd."))
    return redirect("monitoring:case", pk=project.pk, tpk=trajectory.pk)


@login_required
@require_POST
def case_reference(request, pk: int, tpk: int):
    project = monitor_project(request, pk)
    trajectory = _trajectory(project, tpk)
    reference = get_references().get(request.POST.get("reference", ""))
    if reference is None:
        messages.error(request, _("Kies een referentiescenario."))
    else:
        n = case_recording.apply_reference(
            trajectory, reference, language=analytics.lang(), by=request
        )
        messages.success(
            request,
            _("Referentie zonder aanpak toegevoegd: %(n)s stappen. Pas ze aan op deze casus.")
            % {"n": n},
        )
    return redirect("monitoring:case", pk=project.pk, tpk=trajectory.pk)
