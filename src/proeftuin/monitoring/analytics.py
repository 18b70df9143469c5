"""Reads the maintained pairs and asks the core for the figures; labels for display.

Every figure that leaves the app (HTML, CSV, XLSX, API, report, portfolio) is computed by the
disclosure-control core (:mod:`proeftuin.core.monitoring.disclosure`): one pair per person and
domain, the threshold on distinct persons, secondary suppression over the linked tables of one
output (the totals per domain and their breakdowns by neighbourhood, age group and period; the
process indicators per year and quarter, for the project and per neighbourhood), and small counts
rounded to base 5. :func:`shown_groups` then leaves the hidden groups out and counts them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from proeftuin.common import numbers
from proeftuin.core import identifiers
from proeftuin.core import monitoring as core
from proeftuin.core.instruments import Instrument
from proeftuin.core.monitoring import disclosure

from . import pair_sums, services
from .models import AgeGroup, Pair, PairCell, Story, Trajectory

DIMENSIONS = ("neighbourhood", "age_group", "period")

# The attack tests switch single protections off here for their positive controls; nothing else
# may change it.
PROTECTION = disclosure.FULL

PAIR_SCHEMA = {
    "project_id": pl.Int64,
    "trajectory_id": pl.Int64,
    "participant_id": pl.Int64,
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
        "heavy_measures": _("Aantal zware middelen (OTS, uit huis plaatsen, uit huis zetten)"),
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


# --- the pair definition, named wherever a change is shown ----------------------------------------


def pairing(definition: core.PairDefinition | str | None) -> dict[str, str]:
    """The names a screen, report, export or API uses for the pair definition of its figures.

    ``label`` names the definition ("nulmeting → eindmeting"); ``start`` / ``end`` name the two
    ends of a pair, so no column says "vóór" or "baseline" when the pair is first → latest.
    ``None`` (projects with different definitions side by side) says so."""
    if definition is None:
        return {
            "code": "",
            "label": _("verschilt per project"),
            "start": _("Begin"),
            "end": _("Eind"),
            "sentence": _("Paren: de definitie verschilt per project (zie elk project)."),
        }
    if core.PairDefinition(definition) is core.PairDefinition.BASELINE_END:
        return {
            "code": str(definition),
            "label": _("nulmeting → eindmeting"),
            "start": _("Nulmeting"),
            "end": _("Eindmeting"),
            "sentence": _(
                "Paren: nulmeting → eindmeting. Alleen wie een nulmeting én een eindmeting heeft, "
                "telt mee; een tussenmeting is nooit begin of eind."
            ),
        }
    return {
        "code": str(definition),
        "label": _("eerste → laatste meting"),
        "start": _("Eerste meting"),
        "end": _("Laatste meting"),
        "sentence": _(
            "Paren: eerste → laatste meting. De eerste en de laatste bekende score tellen, welk "
            "meetmoment het ook is (dus soms een tussenmeting)."
        ),
    }


def pair_definition_of(project_ids: Sequence[int]) -> core.PairDefinition | None:
    """The one definition of these projects' pairs; None when they differ."""
    found = set(services.pair_definitions(project_ids).values())
    return found.pop() if len(found) == 1 else None


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
    columns = ["trajectory__participant_id" if c == "participant_id" else c for c in PAIR_SCHEMA]
    rows = list(qs.values_list(*columns))
    if not rows:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    return pl.DataFrame(rows, schema=PAIR_SCHEMA, orient="row")


def instruments_in_use(project_ids: Sequence[int]) -> list[Instrument]:
    """The instruments with pairs in these projects, from the cells' totals (decision 0030): a
    few rows per project and domain, where the pairs would be every pair of the projects."""
    ids = (
        PairCell.objects.filter(
            project_id__in=list(project_ids), series=Pair.Series.DOMAIN, dimension=""
        )
        .values("instrument")
        .annotate(pairs=Sum("pairs"))
        .filter(pairs__gt=0)
        .values_list("instrument", flat=True)
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


def shown_groups(report: core.EffectReport) -> Shown:
    """The groups the disclosure control left visible, and how many it hid."""
    shown = [g for g in report.groups if not g.suppressed]
    return Shown(shown, len(report.groups) - len(shown))


# --- reports --------------------------------------------------------------------------------------


def domain_order(instrument: Instrument) -> dict[str, int]:
    return {item_id: i for i, item_id in enumerate(instrument.item_ids)}


@dataclass(frozen=True)
class EffectOutput:
    """One instrument's protected effect figures: per domain, and per domain by each dimension."""

    total: core.EffectReport
    splits: dict[str, core.EffectReport]

    def breakdown(self, domain: str, dimension: str) -> core.EffectReport:
        report = self.splits[dimension]
        groups = tuple(g for g in report.groups if g.key.get("domain") == domain)
        return replace(report, groups=groups)


def effect_output(project_ids: Sequence[int], instrument: Instrument) -> EffectOutput:
    """Totals and every breakdown, protected together (they are linked tables).

    One query: the database sums the pairs per domain and per domain × dimension
    (:mod:`.pair_sums`); the disclosure core turns the sums into protected figures."""
    total, splits = pair_sums.group_sums(
        project_ids,
        ("domain",),
        DIMENSIONS,
        series=Pair.Series.DOMAIN,
        instrument_id=instrument.id,
        levels=instrument.scale.values,
        per_person=PROTECTION.per_person,
    )
    total, splits = disclosure.protected_effect_sums(
        total, splits, threshold=services.threshold(), protection=PROTECTION
    )
    return EffectOutput(total, splits)


def effects(project_ids: Sequence[int], instrument: Instrument, by: Sequence[str] = ()):
    """The protected effect report per (``by`` ×) domain for these projects and one instrument.

    With ``by`` (the portfolio: per project) there is no total beside it, so no linked table.
    """
    if not by:
        return effect_output(project_ids, instrument).total
    sums, _splits = pair_sums.group_sums(
        project_ids,
        (*by, "domain"),
        series=Pair.Series.DOMAIN,
        instrument_id=instrument.id,
        levels=instrument.scale.values,
        per_person=PROTECTION.per_person,
    )
    total, _splits = disclosure.protected_effect_sums(
        sums, {}, threshold=services.threshold(), protection=PROTECTION
    )
    return total


def breakdown(project_ids: Sequence[int], instrument: Instrument, domain: str, dimension: str):
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    return effect_output(project_ids, instrument).breakdown(domain, dimension)


def burden(project_ids: Sequence[int], *, confidence: float = 0.95):
    """Professionals, organisations and heavy measures per variable (a decrease is better)."""
    sums, _splits = pair_sums.group_sums(
        project_ids, ("domain",), series=Pair.Series.BURDEN, per_person=PROTECTION.per_person
    )
    total, _splits = disclosure.protected_effect_sums(
        sums,
        {},
        threshold=services.threshold(),
        higher_is_better=False,
        confidence=confidence,
        protection=PROTECTION,
    )
    return total


def process(project_ids: Sequence[int], by: Sequence[str] = (), every: str = "year"):
    """Seed 003 §2.9 process indicators per year or quarter (optionally per neighbourhood)."""
    output = process_output(project_ids)
    return None if output is None else output[(tuple(by), every)]


PROCESS_SCHEMA = {
    "participant_id": pl.Int64,
    "started_on": pl.Date,
    "ended_on": pl.Date,
    "registered_on": pl.Date,
    "end_reason": pl.String,
    "continues_without_help": pl.Boolean,
    "referred": pl.Boolean,
    "neighbourhood": pl.String,
}


def process_output(project_ids: Sequence[int]):
    """The four linked process tables (year, quarter × project, neighbourhood), protected.

    The trajectories' columns come in one query as tuples straight into a frame (no model
    instances: 10,000 trajectories are a few milliseconds of Python that way)."""
    rows = list(
        Trajectory.objects.filter(project_id__in=list(project_ids)).values_list(
            "participant_id",
            "started_on",
            "ended_on",
            "registered_on",
            "end_reason",
            "continues_without_help",
            "referred",
            "participant__neighbourhood",
        )
    )
    if not rows:
        return None
    frame = pl.DataFrame(rows, schema=PROCESS_SCHEMA, orient="row")
    frame = frame.with_columns(
        # A registration after the start would be an input error; leave the waiting time out.
        pl.when(pl.col("registered_on") <= pl.col("started_on"))
        .then(pl.col("registered_on"))
        .alias("registered_on"),
        pl.when(pl.col("end_reason") != "").then(pl.col("end_reason")).alias("end_reason"),
        pl.col("neighbourhood").fill_null(""),
    )
    # An end before the start is an input error; such a trajectory counts as still running.
    frame = frame.with_columns(
        pl.when(pl.col("ended_on") < pl.col("started_on"))
        .then(None)
        .otherwise(pl.col("ended_on"))
        .alias("ended_on")
    )
    return disclosure.protected_process_reports(
        frame, "neighbourhood", threshold=services.threshold(), protection=PROTECTION
    )


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


def export_header(levels: Sequence[int], names: dict[str, str]) -> list[str]:
    """The effect export's columns, named after the pair definition (``names``: :func:`pairing`)."""
    start, end = names["start"], names["end"]
    return [
        _("Groep"),
        _("Leefgebied"),
        "n",
        _("n zonder paar"),
        _("Gemiddelde %(moment)s") % {"moment": start.lower()},
        _("Gemiddelde %(moment)s") % {"moment": end.lower()},
        _("Gemiddelde verandering"),
        _("95%-BI ondergrens"),
        _("95%-BI bovengrens"),
        _("Aandeel vooruit"),
        _("Aandeel gelijk"),
        _("Aandeel achteruit"),
        _("Effectgrootte (d_z)"),
        *[
            _("%(moment)s: niveau %(level)s") % {"moment": start, "level": level}
            for level in levels
        ],
        *[_("%(moment)s: niveau %(level)s") % {"moment": end, "level": level} for level in levels],
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
    """A raw number for an export cell or the API: 4 decimals, rounded like every shown figure
    (half away from zero on the decimal value, never −0.0)."""
    if isinstance(value, float):
        number = numbers.rounded(value, 4)
        return None if number is None else float(number)
    return value


def display_texts(g: core.GroupEffect) -> dict[str, str]:
    """The figures as the screens show them, rounded by the one formatter (API ``display``)."""
    return {
        "mean_before": numbers.decimal_text(g.mean_before),
        "mean_after": numbers.decimal_text(g.mean_after),
        "mean_change": numbers.signed_text(g.mean_change),
        "ci_low": numbers.signed_text(g.ci_low),
        "ci_high": numbers.signed_text(g.ci_high),
        "share_improved": numbers.percent_text(g.share_improved),
        "share_stable": numbers.percent_text(g.share_stable),
        "share_worse": numbers.percent_text(g.share_worse),
        "effect_size": numbers.decimal_text(g.effect_size),
    }


def api_group(g: core.GroupEffect, levels: Sequence[int]) -> dict:
    """Raw numbers (at most 4 decimals) for computing on, and ``display`` texts for showing."""
    data = {f: _round(getattr(g, f)) for f in EXPORT_FIELDS}
    data["display"] = display_texts(g)
    data.update(
        sd_change=_round(g.sd_change),
        confidence=0.95,
        rounded=g.rounded,
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
