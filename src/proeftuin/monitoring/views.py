"""Tel en vertel screens: the project tab (the *tel* with the *vertel*), the portfolio comparison,
exports, the participant view, and the professional's fast entry screen.

Views call the core through :mod:`.analytics` and :mod:`.services`; they do not compute. Every
project is reached through ``visible_project`` and every child row through the project.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from proeftuin.common import exports
from proeftuin.common.versioning import StaleEdit
from proeftuin.core.access import Capability
from proeftuin.portfolio.access import require, visible_project
from proeftuin.portfolio.models import Project
from proeftuin.portfolio.views import project_context

from . import analytics, audit, charts, recording, releases, services
from .access import (
    monitor_project,
    participant_project,
    permissions,
    writable,
)
from .forms import (
    HeavyMeasureForm,
    InterventionForm,
    MeasurementCreateForm,
    MeasurementDetailsForm,
    PairDefinitionForm,
    ParticipantForm,
    ParticipantSearchForm,
    ScoreForm,
    StoryForm,
    TrajectoryForm,
)
from .models import (
    AccessLog,
    AgeGroup,
    Measurement,
    MonitoringSettings,
    Pair,
    Participant,
    Trajectory,
)
from .scale_items import scale_items

TAB = "tel-en-vertel"
PAGE_SIZE = 50


# --- the project tab ------------------------------------------------------------------------------


def _chosen_instrument(request, project_ids, figures=None):
    in_use = figures.instruments_in_use() if figures else analytics.instruments_in_use(project_ids)
    wanted = request.GET.get("instrument")
    for instrument in in_use:
        if instrument.id == wanted:
            return instrument, in_use
    return (in_use[0] if in_use else services.instrument()), in_use


def _process_rows(report, every: str) -> list[dict]:
    if report is None:
        return []
    rows = []
    for row in report.rows:
        figures = (
            row.inflow,
            row.outflow,
            row.mean_duration_days,
            row.mean_waiting_days,
            row.share_without_help,
            row.share_closed_as_planned,
            row.share_referred,
        )
        if all(f is None for f in figures):
            continue
        rows.append(
            {
                "period": analytics.value_label(
                    "year" if every == "year" else "period", row.period
                ),
                "key": {k: analytics.value_label(k, v) for k, v in row.key.items()},
                "r": row,
            }
        )
    return rows


def tab_context(
    request,
    project: Project,
    *,
    breakdown_by: str = "",
    domain: str = "",
    every: str = "year",
    process_by_hood: bool = False,
) -> dict:
    """Everything the tab shows, protected; live or from the latest release (``releases``)."""
    ids = [project.pk]
    figures = releases.figures_for(request, project)
    instrument, in_use = _chosen_instrument(request, ids, figures)
    output = figures.effect_output(instrument)
    shown = analytics.shown_groups(output.total)
    rows = analytics.effect_rows(shown, instrument)
    pair_settings = MonitoringSettings.objects.filter(project=project).first()
    burden = analytics.shown_groups(figures.burden())
    labels = analytics.burden_labels()
    burden_rows = [
        {"label": labels.get(g.key["domain"], g.key["domain"]), "g": g}
        for g in sorted(
            burden.groups, key=lambda g: analytics.services.BURDEN_VARIABLES.index(g.key["domain"])
        )
    ]
    # Breakdown: one domain by neighbourhood, age group or period (protected together with the
    # domain totals: they are linked tables).
    by = breakdown_by if breakdown_by in analytics.DIMENSIONS else "neighbourhood"
    domains = [(r["key"], r["label"]) for r in rows]
    chosen_domain = domain if domain in dict(domains) else (domains[0][0] if domains else "")
    breakdown_rows, breakdown_hidden = [], 0
    if chosen_domain:
        split = analytics.shown_groups(output.breakdown(chosen_domain, by))
        breakdown_rows = analytics.effect_rows(split, instrument, key=by)
        breakdown_hidden = split.suppressed
    threshold = services.threshold()
    pairing = analytics.pairing(releases.pair_definition_for(figures, project))
    return {
        "pairing": pairing,
        "pair_definition_form": PairDefinitionForm(
            initial={
                "pair_definition": services.pair_definition(project.pk),
                "edit_version": pair_settings.version if pair_settings else None,
            }
        ),
        "instrument": instrument,
        "instruments": in_use,
        "levels": instrument.scale.levels,
        "effect_rows": rows,
        "effect_hidden": shown.suppressed,
        "effect_chart": charts.effect_chart(rows, pairing),
        "distribution_chart": charts.distribution_chart(rows, instrument, pairing),
        "burden_rows": burden_rows,
        "burden_hidden": burden.suppressed,
        "breakdown_by": by,
        "breakdown_label": analytics.dimension_labels()[by],
        "dimensions": analytics.dimension_labels().items(),
        "domains": domains,
        "breakdown_domain": chosen_domain,
        "breakdown_domain_label": dict(domains).get(chosen_domain, ""),
        "breakdown_rows": breakdown_rows,
        "breakdown_hidden": breakdown_hidden,
        "process_rows": _process_rows(
            figures.process(("neighbourhood",) if process_by_hood else (), every), every
        ),
        "figures_stand": figures.stand,
        "figures_released": figures.released,
        "any_rounded": any(r["g"].rounded for r in rows + breakdown_rows),
        "process_every": every,
        "process_by_hood": process_by_hood,
        "stories": analytics.consented_stories(ids),
        "threshold": threshold,
        # No total count of trajectories: with the inflow per period it would let a suppressed
        # period be recovered by subtraction.
        "has_data": Trajectory.objects.filter(project=project).exists(),
    }


@login_required
def project_tab(request, pk: int):
    project = visible_project(request, pk)
    context = tab_context(
        request,
        project,
        breakdown_by=request.GET.get("uitsplitsing", ""),
        domain=request.GET.get("leefgebied", ""),
        every="quarter" if request.GET.get("per") == "kwartaal" else "year",
        process_by_hood=request.GET.get("proces") == "wijk",
    )
    context["mon"] = permissions(request, project)
    context["can_release"] = request.user.can(
        Capability.EDIT, write_access=writable(request, project)
    )
    context["import_jobs"] = (
        project.monitoring_jobs.select_related("import_file")[:3]
        if context["mon"]["can_monitor"]
        else []
    )
    return render(request, "monitoring/tab.html", project_context(request, project, TAB, **context))


@login_required
@require_POST
def release_figures(request, pk: int):
    """A policy adviser or project leader releases the figures at a milestone (see releases)."""
    project = visible_project(request, pk)
    require(request, Capability.EDIT, project)
    try:
        release = releases.create_release(
            project, user=request.user, reason=releases.FigureRelease.Reason.MILESTONE
        )
    except releases.ReleaseRefused as refused:
        messages.warning(
            request,
            _(
                "Niet vrijgegeven: sinds de vorige vrijgave zijn %(changed)s deelnemers veranderd, "
                "minstens %(threshold)s zijn nodig. Anders zou het verschil tussen twee stand-"
                "momenten iets over enkele deelnemers verraden."
            )
            % {"changed": refused.changed, "threshold": refused.threshold},
        )
    else:
        messages.success(
            request,
            _("Cijfers vrijgegeven, stand per %(date)s.")
            % {"date": release.released_on.isoformat()},
        )
    return redirect("monitoring:project", pk=project.pk)


@login_required
@require_POST
def pair_definition(request, pk: int):
    """Choose the project's pair definition; the pairs are rebuilt in the same transaction."""
    project = visible_project(request, pk)
    require(request, Capability.EDIT, project)
    form = PairDefinitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies een geldige definitie van paren."))
        return redirect("monitoring:project", pk=project.pk)
    try:
        chosen = recording.set_pair_definition(
            project,
            form.cleaned_data["pair_definition"],
            expected_version=form.cleaned_data.get("edit_version"),
            by=request,
        )
    except StaleEdit:
        messages.warning(request, str(PairDefinitionForm.stale_message))
    else:
        messages.success(
            request,
            _("Paren: %(label)s. De cijfers zijn opnieuw berekend.")
            % {"label": chosen.get_pair_definition_display()},
        )
    return redirect("monitoring:project", pk=project.pk)


# --- exports of aggregated figures ---------------------------------------------------------------


def _export_tables(request, project: Project) -> dict[str, tuple[list, list]]:
    ids = [project.pk]
    figures = releases.figures_for(request, project)
    instrument, _in_use = _chosen_instrument(request, ids, figures)
    levels = instrument.scale.values
    names = analytics.pairing(releases.pair_definition_for(figures, project))
    header = analytics.export_header(levels, names)
    output = figures.effect_output(instrument)
    shown = analytics.shown_groups(output.total)
    rows = analytics.effect_rows(shown, instrument)
    effect = analytics.export_rows(_("Project"), rows)
    split_rows: list[list] = []
    for dimension in analytics.DIMENSIONS:
        for row in rows:
            split = analytics.shown_groups(output.breakdown(row["key"], dimension))
            for srow in analytics.effect_rows(split, instrument, key=dimension):
                label = f"{analytics.dimension_labels()[dimension]}: {srow['label']}"
                srow = {**srow, "label": row["label"]}
                split_rows += analytics.export_rows(label, [srow])
    effect.insert(0, [_("Paren"), names["label"]])
    if figures.stand:
        stand = _("Stand per %(date)s") % {"date": figures.stand.isoformat()}
        effect.insert(0, [stand])
    burden = analytics.shown_groups(figures.burden())
    labels = analytics.burden_labels()
    burden_rows = [
        [
            labels.get(g.key["domain"], g.key["domain"]),
            *[analytics._round(getattr(g, f)) for f in analytics.EXPORT_FIELDS],
            analytics._round(g.share_any_before),
            analytics._round(g.share_any_after),
        ]
        for g in burden.groups
    ]
    burden_header = [
        _("Onderwerp"),
        *header[2:13],
        _("Aandeel met minstens één, %(moment)s") % {"moment": names["start"].lower()},
        _("Aandeel met minstens één, %(moment)s") % {"moment": names["end"].lower()},
    ]
    return {
        _("Effecten"): (header, effect + split_rows),
        _("Betrokkenheid"): (burden_header, burden_rows),
    }


@login_required
def project_export(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    project = visible_project(request, pk)
    require(request, Capability.EXPORT)
    tables = _export_tables(request, project)
    name = f"tel-en-vertel-{project.pk}"
    if fmt == "csv":
        header, rows = next(iter(tables.values()))
        return exports.download(exports.csv_bytes(header, rows), name, "csv")
    return exports.download(exports.xlsx_bytes(tables), name, "xlsx")


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


# --- participant-level export (pseudonymised, logged) ------------------------------------------------


@login_required
def rows_export(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    project = participant_project(request, pk)
    instrument_ids = sorted(
        set(
            Measurement.objects.filter(trajectory__project=project).values_list(
                "instrument", flat=True
            )
        )
    )
    items = [
        (instrument_id, item.id)
        for instrument_id in instrument_ids
        for item in services.instrument(instrument_id).items
    ]
    header = [
        _("Deelnemer (pseudoniem)"),
        _("Huishouden (pseudoniem)"),
        _("Wijk"),
        _("Leeftijdsgroep"),
        _("Start traject"),
        _("Einde traject"),
        _("Reden einde"),
        _("Datum meting"),
        _("Meetmoment"),
        _("Instrument"),
        _("Hulpverleners"),
        _("Organisaties"),
        _("OTS"),
        _("Uithuisplaatsing"),
        _("Huisuitzetting"),
        *[f"{i}/{item}" for i, item in items],
    ]
    age_labels = dict(AgeGroup.choices)
    rows = []
    measurements = (
        Measurement.objects.filter(trajectory__project=project)
        .select_related("trajectory__participant")
        .prefetch_related("scores")
        .order_by("trajectory__participant_id", "trajectory__started_on", "measured_on", "pk")
    )
    for m in measurements:
        t, p = m.trajectory, m.trajectory.participant
        values = {s.item: ("onbekend" if s.value is None else s.value) for s in m.scores.all()}
        rows.append(
            [
                # The short code shown on screen, never the full keyed pseudonym.
                p.code,
                p.household_key[:8].upper(),
                p.neighbourhood,
                str(age_labels.get(p.age_group_on(t.started_on.year), "")),
                t.started_on,
                t.ended_on,
                t.get_end_reason_display(),
                m.measured_on,
                m.get_moment_display(),
                m.instrument,
                m.professionals,
                m.organisations,
                m.supervision_order,
                m.out_of_home_placement,
                m.eviction,
                *[values.get(item) if i == m.instrument else None for i, item in items],
            ]
        )
    services.log_access(
        request,
        AccessLog.Action.EXPORT_ROWS,
        project,
        detail=_("%(n)s metingen als %(fmt)s") % {"n": len(rows), "fmt": fmt.upper()},
    )
    name = f"tel-en-vertel-metingen-{project.pk}"
    if fmt == "csv":
        return exports.download(exports.csv_bytes(header, rows), name, "csv")
    return exports.download(exports.xlsx_bytes({_("Metingen"): (header, rows)}), name, "xlsx")
