"""Tel en vertel downloads: the aggregated figures of the tab (protected, like the tab) and the
participant-level rows (pseudonymised, logged)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _

from proeftuin.common import exports
from proeftuin.core.access import Capability
from proeftuin.portfolio.access import require, visible_project
from proeftuin.portfolio.models import Project

from .. import analytics, releases, services
from ..access import (
    participant_project,
)
from ..models import (
    AccessLog,
    AgeGroup,
    Measurement,
)
from .tab import _chosen_instrument

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
