"""Tel en vertel: the project tab (the *tel* with the *vertel*), the release of its figures and
the choice of the pair definition.

Views call the core through :mod:`proeftuin.monitoring.analytics` and
:mod:`proeftuin.monitoring.services`; they do not compute. Every
project is reached through ``visible_project``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proeftuin.common.versioning import StaleEdit
from proeftuin.core.access import Capability
from proeftuin.portfolio.access import require, visible_project
from proeftuin.portfolio.models import Project
from proeftuin.portfolio.views import project_context

from .. import analytics, charts, recording, releases, services
from ..access import (
    permissions,
    writable,
)
from ..forms import (
    PairDefinitionForm,
)
from ..models import (
    MonitoringSettings,
    Trajectory,
)

TAB = "tel-en-vertel"


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
