"""Reads the maintained pairs and asks the core for the figures; labels and suppression for display.

Every figure that leaves the app (HTML, CSV, XLSX, API, report) goes through :func:`shown_groups`:
a group below the small-cell threshold does not appear at all, only the count of groups left out.
In a breakdown whose total is shown elsewhere, a single suppressed group could be recovered by
subtracting the shown groups from the total; then the smallest shown group is left out as well
(secondary suppression).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from proeftuin.core import identifiers
from proeftuin.core import monitoring as core
from proeftuin.core.instruments import Instrument

from . import services
from .models import AgeGroup, Pair, Story, Trajectory

DIMENSIONS = ("neighbourhood", "age_group", "period")

PAIR_SCHEMA = {
    "project_id": pl.Int64,
    "trajectory_id": pl.Int64,
    "domain": pl.String,
    "neighbourhood": pl.String,
    "age_group": pl.String,
    "period": pl.Date,
    "baseline_on": pl.Date,
    "baseline_score": pl.Int64,
    "latest_on": pl.Date,
    "latest_score": pl.Int64,
}


def lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def dimension_labels() -> dict[str, str]:
    return {
        "neighbourhood": _("Wijk"),
        "age_group": _("Leeftijdsgroep"),
        "period": _("Startperiode (kwartaal)"),
    }


def burden_labels() -> dict[str, str]:
    return {
        "professionals": _("Aantal betrokken hulpverleners"),
        "organisations": _("Aantal betrokken organisaties"),
        "heavy_measures": _("Aantal zware middelen (OTS, uithuisplaatsing, huisuitzetting)"),
    }


def value_label(dimension: str, value: Any) -> str:
    if value in (None, ""):
        return _("Onbekend")
    if dimension == "age_group":
        return str(dict(AgeGroup.choices).get(value, value))
    if dimension == "period" and isinstance(value, date):
        return f"{value.year} K{(value.month - 1) // 3 + 1}"
    if dimension == "year" and isinstance(value, date):
        return str(value.year)
    return str(value)


# --- loading ----------------------------------------------------------------------------------------


def pairs_frame(
    project_ids: Sequence[int],
    series: str = Pair.Series.DOMAIN,
    instrument_id: str | None = None,
    domain: str | None = None,
) -> pl.DataFrame:
    qs = Pair.objects.filter(project_id__in=list(project_ids), series=series)
    if instrument_id is not None:
        qs = qs.filter(instrument=instrument_id)
    if domain is not None:
        qs = qs.filter(domain=domain)
    columns = list(PAIR_SCHEMA)
    rows = list(qs.values_list(*columns))
    if not rows:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    return pl.DataFrame(rows, schema=PAIR_SCHEMA, orient="row")


def instruments_in_use(project_ids: Sequence[int]) -> list[Instrument]:
    ids = (
        Pair.objects.filter(project_id__in=list(project_ids), series=Pair.Series.DOMAIN)
        .values_list("instrument", flat=True)
        .distinct()
    )
    known = services.instruments()
    return [known[i] for i in sorted(set(ids)) if i in known]


# --- suppression for display --------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    groups: list[core.GroupEffect]
    suppressed: int  # how many groups were left out

    def __bool__(self) -> bool:
        return bool(self.groups)


def shown_groups(report: core.EffectReport, *, secondary: bool = False) -> Shown:
    shown = [g for g in report.groups if not g.suppressed]
    hidden = len(report.groups) - len(shown)
    if secondary and hidden == 1 and shown:
        smallest = min(shown, key=lambda g: (g.n, str(g.key)))
        shown = [g for g in shown if g is not smallest]
        hidden += 1
    return Shown(shown, hidden)


# --- reports --------------------------------------------------------------------------------------


def domain_order(instrument: Instrument) -> dict[str, int]:
    return {item_id: i for i, item_id in enumerate(instrument.item_ids)}


def effects(project_ids: Sequence[int], instrument: Instrument, by: Sequence[str] = ()):
    """The effect report per (``by`` ×) domain for these projects and one instrument."""
    frame = pairs_frame(project_ids, Pair.Series.DOMAIN, instrument.id)
    return core.effect_report(
        frame,
        (*by, "domain"),
        threshold=services.threshold(),
        levels=instrument.scale.values,
    )


def breakdown(project_ids: Sequence[int], instrument: Instrument, domain: str, dimension: str):
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    frame = pairs_frame(project_ids, Pair.Series.DOMAIN, instrument.id, domain)
    return core.effect_report(
        frame, (dimension,), threshold=services.threshold(), levels=instrument.scale.values
    )


def burden(project_ids: Sequence[int]):
    frame = pairs_frame(project_ids, Pair.Series.BURDEN)
    return core.burden_report(frame, (), threshold=services.threshold())


def process(project_ids: Sequence[int], by: Sequence[str] = (), every: str = "year"):
    """Seed 003 §2.9 process indicators per year or quarter (optionally per neighbourhood)."""
    rows = {
        "started_on": [],
        "ended_on": [],
        "registered_on": [],
        "end_reason": [],
        "continues_without_help": [],
        "referred": [],
        "neighbourhood": [],
    }
    for t in (
        Trajectory.objects.filter(project_id__in=list(project_ids))
        .select_related("participant")
        .only(
            "started_on",
            "ended_on",
            "registered_on",
            "end_reason",
            "continues_without_help",
            "referred",
            "participant__neighbourhood",
        )
    ):
        rows["started_on"].append(t.started_on)
        rows["ended_on"].append(t.ended_on)
        # A registration after the start would be an input error; leave the waiting time out.
        registered = (
            t.registered_on if t.registered_on and t.registered_on <= t.started_on else None
        )
        rows["registered_on"].append(registered)
        rows["end_reason"].append(t.end_reason or None)
        rows["continues_without_help"].append(t.continues_without_help)
        rows["referred"].append(t.referred)
        rows["neighbourhood"].append(t.participant.neighbourhood or "")
    if not rows["started_on"]:
        return None
    frame = pl.DataFrame(
        rows,
        schema={
            "started_on": pl.Date,
            "ended_on": pl.Date,
            "registered_on": pl.Date,
            "end_reason": pl.String,
            "continues_without_help": pl.Boolean,
            "referred": pl.Boolean,
            "neighbourhood": pl.String,
        },
    )
    # An end before the start is an input error; such a trajectory counts as still running.
    frame = frame.with_columns(
        pl.when(pl.col("ended_on") < pl.col("started_on"))
        .then(None)
        .otherwise(pl.col("ended_on"))
        .alias("ended_on")
    )
    return core.process_indicators(frame, tuple(by), every=every, threshold=services.threshold())


# --- rows for templates, exports and the API -----------------------------------------------------


def effect_rows(shown: Shown, instrument: Instrument, key: str = "domain") -> list[dict]:
    """Display rows for shown groups: the label plus every figure (shares as fractions)."""
    language = lang()
    order = domain_order(instrument)
    out = []
    for g in shown.groups:
        value = g.key.get(key)
        if key == "domain":
            label = services.item_name(instrument, value, language)
        else:
            label = value_label(key, value)
        distribution = list(zip(g.before or (), g.after or (), strict=False))
        out.append(
            {
                "key": value,
                "label": label,
                "g": g,
                "levels": instrument.scale.values,
                "distribution": distribution,
            }
        )
    if key == "domain":
        out.sort(key=lambda r: order.get(r["key"], 999))
    return out


EXPORT_FIELDS = (
    "n",
    "n_unpaired",
    "mean_before",
    "mean_after",
    "mean_change",
    "ci_low",
    "ci_high",
    "share_improved",
    "share_stable",
    "share_worse",
    "effect_size",
)


def export_header(levels: Sequence[int]) -> list[str]:
    return [
        _("Groep"),
        _("Leefgebied"),
        "n",
        _("n zonder paar"),
        _("Gemiddelde vóór"),
        _("Gemiddelde na"),
        _("Gemiddelde verandering"),
        _("95%-BI ondergrens"),
        _("95%-BI bovengrens"),
        _("Aandeel vooruit"),
        _("Aandeel gelijk"),
        _("Aandeel achteruit"),
        _("Effectgrootte (d_z)"),
        *[_("Vóór: niveau %(level)s") % {"level": level} for level in levels],
        *[_("Na: niveau %(level)s") % {"level": level} for level in levels],
    ]


def export_rows(group_label: str, rows: list[dict]) -> list[list]:
    out = []
    for row in rows:
        g = row["g"]
        before = list(g.before or ())
        after = list(g.after or ())
        out.append(
            [
                group_label,
                row["label"],
                *[_round(getattr(g, f)) for f in EXPORT_FIELDS],
                *before,
                *after,
            ]
        )
    return out


def _round(value):
    return round(value, 4) if isinstance(value, float) else value


def api_group(g: core.GroupEffect, levels: Sequence[int]) -> dict:
    data = {f: _round(getattr(g, f)) for f in EXPORT_FIELDS}
    data.update(
        sd_change=_round(g.sd_change),
        confidence=0.95,
        before=dict(zip([str(v) for v in levels], g.before or (), strict=False)),
        after=dict(zip([str(v) for v in levels], g.after or (), strict=False)),
    )
    return data


# --- stories (the vertel) ---------------------------------------------------------------------------


def consented_stories(project_ids: Sequence[int], limit: int = 4, domain: str | None = None):
    """A sample of stories shared with consent; never one without consent. No pseudonyms."""
    qs = Story.objects.filter(trajectory__project_id__in=list(project_ids), consent=True)
    if domain:
        qs = qs.filter(domain=domain)
    # One story per distinct text (a phrase told by several participants shows once).
    by_text: dict[str, int] = {}
    for pk, text in qs.order_by("-told_on", "-pk").values_list("pk", "text")[:500]:
        # A story that names a person or a number leading to one is never shared, consent or
        # not, until it is edited (the participant's page says so).
        if not identifiers.identifier_kinds(text):
            by_text.setdefault(text.strip(), pk)
    ids = sorted(by_text.values())
    # A stable sample for the day: the same page shows the same stories until tomorrow.
    chooser = random.Random(f"{sorted(project_ids)}-{date.today().isoformat()}")  # noqa: S311
    picked = chooser.sample(ids, k=min(limit, len(ids)))
    stories = list(
        Story.objects.filter(pk__in=picked)
        .select_related("trajectory__project")
        .order_by("-told_on")
    )
    label_stories(stories)
    return stories


def label_stories(stories) -> None:
    """Give each story a ``domain_label``: its life domain's name in the current language, and
    ``withheld`` when its text holds identifiers (then it is not shared, whatever the consent)."""
    for story in stories:
        story.withheld = bool(identifiers.identifier_kinds(story.text))
    language = lang()
    names = {}
    for instrument in services.instruments().values():
        for item in instrument.items:
            names.setdefault(item.id, item.name.get(language))
    for story in stories:
        story.domain_label = names.get(story.domain, "") if story.domain else ""
