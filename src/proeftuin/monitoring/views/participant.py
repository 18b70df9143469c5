"""Tel en vertel participants: the list and search, registering a participant, the participant's
view (trajectories, scores, stories) and the erasure.

Every participant is reached through the project (``_participants_of``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proeftuin.portfolio.models import Project
from proeftuin.portfolio.views import project_context

from .. import analytics, audit, charts, recording, services
from ..access import (
    monitor_project,
    participant_project,
    permissions,
)
from ..forms import (
    ParticipantForm,
    ParticipantSearchForm,
)
from ..models import (
    AccessLog,
    Pair,
    Participant,
    Trajectory,
)
from .tab import TAB

PAGE_SIZE = 50


# --- participants -------------------------------------------------------------------------------


def _participants_of(project: Project):
    return Participant.objects.filter(
        organisation_id=project.owner_id, trajectories__project=project
    ).distinct()


@login_required
def participants(request, pk: int):
    project = participant_project(request, pk)
    # The search is a POST: a client number in the URL would end up in server and proxy logs and
    # in the browser history (found by a black-box attack on the demo).
    form = ParticipantSearchForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and form.cleaned_data["client_number"]:
        found = services.find_participant(project, form.cleaned_data["client_number"])
        if found is not None and not _participants_of(project).filter(pk=found.pk).exists():
            found = None
        # A lookup reveals whether a client number is known: logged either way, as a read.
        audit.record(
            request,
            AccessLog.Action.PARTICIPANT_LOOKUP,
            project,
            found,
            detail=_("gevonden") if found else _("niet gevonden"),
            operation=AccessLog.Operation.READ,
        )
        if found is not None:
            return redirect("monitoring:participant", pk=project.pk, participant_pk=found.pk)
        messages.warning(request, _("Geen deelnemer met dit cliëntnummer in dit project."))
    qs = (
        _participants_of(project)
        .annotate(
            measurement_count=Count(
                "trajectories__measurements",
                filter=Q(trajectories__project=project),
                distinct=True,
            ),
            last_measured=Max(
                "trajectories__measurements__measured_on",
                filter=Q(trajectories__project=project),
            ),
        )
        .order_by("-last_measured", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    services.log_access(
        request,
        AccessLog.Action.PARTICIPANT_LIST,
        project,
        detail=_("pagina %(page)s") % {"page": page.number},
    )
    return render(
        request,
        "monitoring/participants.html",
        project_context(
            request,
            project,
            TAB,
            form=form,
            page=page,
            mon=permissions(request, project),
        ),
    )


@login_required
def participant_new(request, pk: int):
    project = monitor_project(request, pk)
    hoods = sorted(
        set(project.neighbourhoods.values_list("name", flat=True))
        | set(
            Participant.objects.filter(organisation_id=project.owner_id)
            .exclude(neighbourhood="")
            .values_list("neighbourhood", flat=True)
            .distinct()[:200]
        )
    )
    form = ParticipantForm(request.POST or None, neighbourhoods=hoods)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key = services.pseudonym_for(project.owner_id, data["client_number"])
        attributes: dict = {}
        if data["household_number"]:
            attributes["household_key"] = services.household_key_for(
                project.owner_id, data["household_number"]
            )
        if data["neighbourhood"]:
            attributes["neighbourhood"] = data["neighbourhood"].strip()
        if data["birth_year"]:
            attributes.update(birth_year=data["birth_year"], age_group="")
        elif data["age_group"]:
            attributes["age_group"] = data["age_group"]
        participant, trajectory = recording.register_participant(
            project,
            key,
            attributes,
            {"started_on": data["started_on"], "registered_on": data["registered_on"]},
            by=request,
        )
        if trajectory is None:
            form.add_error(
                "started_on",
                _("Deze deelnemer heeft in dit project al een traject met deze start."),
            )
        else:
            messages.success(
                request, _("Deelnemer %(code)s en traject vastgelegd.") % {"code": participant.code}
            )
            return redirect("monitoring:measurement_new", pk=project.pk, tpk=trajectory.pk)
    return render(
        request,
        "monitoring/participant_form.html",
        project_context(request, project, TAB, form=form, hoods=hoods),
    )


def _trajectory_view(trajectory: Trajectory, instrument_cache: dict) -> dict:
    measurements = list(trajectory.measurements.prefetch_related("scores"))
    instrument_ids = [m.instrument for m in measurements] or [services.instrument().id]
    main = max(set(instrument_ids), key=instrument_ids.count)
    instrument = instrument_cache.setdefault(main, services.instrument(main))
    pairing = analytics.pairing(services.pair_definition(trajectory.project_id))
    first, latest = {}, {}
    table = []
    pairs = {
        p.domain: p
        for p in Pair.objects.filter(
            trajectory=trajectory, series=Pair.Series.DOMAIN, instrument=instrument.id
        )
    }
    for item in instrument.items:
        pair = pairs.get(item.id)
        if pair is None:
            continue
        first[item.id] = (pair.baseline_score, pair.baseline_on)
        if pair.latest_on and pair.latest_on != pair.baseline_on:
            latest[item.id] = (pair.latest_score, pair.latest_on)
        change = (
            pair.latest_score - pair.baseline_score
            if pair.latest_score is not None and pair.baseline_score is not None
            else None
        )
        table.append({"label": item.name.get(analytics.lang()), "pair": pair, "change": change})
    unknown_counts = {m.pk: sum(1 for s in m.scores.all() if s.value is None) for m in measurements}
    return {
        "t": trajectory,
        "instrument": instrument,
        "measurements": [
            {"m": m, "answered": len(m.scores.all()), "unknown": unknown_counts[m.pk]}
            for m in measurements
        ],
        "chart": charts.participant_chart(instrument, first, latest, pairing),
        "chart_id": f"participant-chart-{trajectory.pk}",
        "pairing": pairing,
        "table": table,
        "stories": _labelled(list(trajectory.stories.all())),
        "heavy": list(trajectory.heavy_measures.all()),
        "interventions": list(trajectory.interventions.all()),
    }


@login_required
def participant_detail(request, pk: int, participant_pk: int):
    project = participant_project(request, pk)
    participant = get_object_or_404(_participants_of(project), pk=participant_pk)
    services.log_access(request, AccessLog.Action.PARTICIPANT, project, participant)
    cache: dict = {}
    trajectories = [
        _trajectory_view(t, cache)
        for t in participant.trajectories.filter(project=project).order_by("-started_on")
    ]
    household = (
        _participants_of(project)
        .filter(household_key=participant.household_key)
        .exclude(pk=participant.pk)
        if participant.household_key
        else []
    )
    return render(
        request,
        "monitoring/participant.html",
        project_context(
            request,
            project,
            TAB,
            participant=participant,
            trajectories=trajectories,
            household=household,
            mon=permissions(request, project),
        ),
    )


def _labelled(stories: list) -> list:
    analytics.label_stories(stories)
    return stories


@login_required
@require_POST
def participant_erase(request, pk: int, participant_pk: int):
    """Erase a participant from the project (a withdrawn consent, a request under the AVG)."""
    project = monitor_project(request, pk)
    participant = get_object_or_404(_participants_of(project), pk=participant_pk)
    if request.POST.get("confirm") != participant.code:
        messages.error(
            request,
            _("Niet gewist: typ de code %(code)s ter bevestiging.") % {"code": participant.code},
        )
        return redirect("monitoring:participant", pk=project.pk, participant_pk=participant.pk)
    code = participant.code
    # The log keeps no pseudonym: after the erasure nothing may lead back to the person.
    recording.erase_participant(project, participant, by=request)
    messages.success(
        request,
        _("De gegevens van deelnemer %(code)s in dit project zijn gewist, met hun geschiedenis.")
        % {"code": code},
    )
    return redirect("monitoring:participants", pk=project.pk)
