"""Which figures a user sees: live, or the project's latest dated release.

A funder who reads the figures, waits for one participant to be added and reads them again could
subtract the two and learn that person's scores. So roles without participant-level access
(``may_see_participants``) see only *releases*: frozen copies of the protected figures, made
monthly (``manage.py release_figures``) or at a milestone. A new release is refused unless at
least the threshold in persons changed since the previous one (``persons_changed_between`` in the
disclosure core). Participant-level roles see live figures: they can see the rows anyway.

Every screen, export, API answer and the report reads figures through a ``Figures`` object:
:class:`LiveFigures`, :class:`ReleasedFigures` or :class:`NoFigures` (no release yet).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import date
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

import proeftuin
from proeftuin.core import monitoring as core
from proeftuin.core.cases.costing import Summary
from proeftuin.core.instruments import Instrument
from proeftuin.core.monitoring.disclosure import persons_changed_between

from . import analytics, services
from .access import may_see_participants
from .case_models import CaseEvent
from .models import FigureRelease, Pair, Trajectory
from .pairs_frames import PAIR_COLUMNS

PROCESS_TABLES = [((), "year"), ((), "quarter"), (("neighbourhood",), "year")]
PROCESS_TABLES.append((("neighbourhood",), "quarter"))
# A person's pairs as their digest reads them. Changing this set changes every digest, so every
# person would look changed once and the next release would pass the threshold: keep it stable.
# (The pair's participant names whose digest it is; it is not part of the digest.)
DIGESTED_PAIR_COLUMNS = tuple(
    c for c in PAIR_COLUMNS if c not in {"project_id", "baseline_on", "latest_on", "participant_id"}
)


class ReleaseRefused(Exception):
    """Too few persons changed since the previous release (a difference would reveal them)."""

    def __init__(self, changed: int, threshold: int) -> None:
        super().__init__(f"{changed} persons changed, at least {threshold} needed")
        self.changed = changed
        self.threshold = threshold


# --- the figure sources ------------------------------------------------------------------------


class LiveFigures:
    """Computed now from the pairs (participant-level roles)."""

    stand: date | None = None
    released = False

    def __init__(self, project_ids: Sequence[int]) -> None:
        self.ids = list(project_ids)

    @property
    def pair_definition(self) -> core.PairDefinition | None:
        """The definition the pairs are made with now (None: projects differ)."""
        return analytics.pair_definition_of(self.ids)

    def instruments_in_use(self) -> list[Instrument]:
        return analytics.instruments_in_use(self.ids)

    def effect_output(self, instrument: Instrument) -> analytics.EffectOutput:
        return analytics.effect_output(self.ids, instrument)

    def burden(self) -> core.EffectReport:
        return analytics.burden(self.ids)

    def process(self, by: Sequence[str], every: str) -> core.ProcessReport | None:
        return analytics.process(self.ids, by, every)


#: How long a release's parsed figures stay in Django's cache (a release never changes; the
#: limit only keeps a shared cache from filling up with releases nobody reads any more).
RELEASE_CACHE_SECONDS = 7 * 24 * 3600
_MISSING = object()


def displayed_releases():
    """Releases to show: without their two large JSON columns (the figures come from the cache,
    see :class:`ReleasedFigures`; the person digests only matter when making the next one)."""
    return FigureRelease.objects.defer("figures", "person_digests")


class ReleasedFigures:
    """The figures of one release, as they were on ``stand``.

    A release is immutable (nothing updates a ``FigureRelease``), so its figures, and every
    report parsed from them, are cached by the release's id and creation time: correct for every
    worker without invalidation. The creation time is in the key so that a primary key handed out
    again (a test database, a restored backup) never meets an old entry.
    """

    released = True

    def __init__(self, release: FigureRelease) -> None:
        self.release = release
        self.stand = release.released_on

    def _cached(self, part: str, compute):
        # The code's version too: a shared cache outlives an upgrade, and what it holds are
        # objects of this version's core (pickled).
        stamp = f"{self.release.pk}:{self.release.created_at.timestamp()}:{proeftuin.__version__}"
        key = f"proeftuin:release:{stamp}:{part}"
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            cache.set(key, value, RELEASE_CACHE_SECONDS)
        return value

    @cached_property
    def data(self) -> dict[str, Any]:
        """The stored figures (JSON), read from the database only when the cache lacks them."""
        if "figures" not in self.release.get_deferred_fields():
            return self.release.figures
        return self._cached(
            "figures",
            lambda: FigureRelease.objects.values_list("figures", flat=True).get(pk=self.release.pk),
        )

    @property
    def pair_definition(self) -> core.PairDefinition:
        """The definition the release was made with; releases from before there was a choice
        were all first → latest."""
        return core.PairDefinition(
            self.data.get("pair_definition", core.PairDefinition.FIRST_LATEST)
        )

    def instruments_in_use(self) -> list[Instrument]:
        known = services.instruments()
        return [known[i] for i in self.data.get("effects", {}) if i in known]

    def effect_output(self, instrument: Instrument) -> analytics.EffectOutput:
        def parse() -> analytics.EffectOutput | None:
            stored = self.data.get("effects", {}).get(instrument.id)
            if stored is None:
                return None
            return analytics.EffectOutput(
                total=report_from_json(stored["total"]),
                splits={k: report_from_json(v) for k, v in stored["splits"].items()},
            )

        output = self._cached(f"effects:{instrument.id}", parse)
        return NoFigures().effect_output(instrument) if output is None else output

    def burden(self) -> core.EffectReport:
        def parse() -> core.EffectReport | None:
            stored = self.data.get("burden")
            return report_from_json(stored) if stored else None

        report = self._cached("burden", parse)
        return NoFigures().burden() if report is None else report

    def process(self, by: Sequence[str], every: str) -> core.ProcessReport | None:
        name = _process_name(tuple(by), every)

        def parse() -> core.ProcessReport | None:
            stored = self.data.get("process", {}).get(name)
            return process_from_json(stored) if stored else None

        return self._cached(f"process:{name}", parse)

    def case_summary(self) -> Summary | None:
        """The sum over case timelines as released (releases from before it existed: none)."""
        from .case_summary import summary_from_json

        return summary_from_json(self.data.get("cases"))


class NoFigures:
    """A role that may only see releases, before the first release."""

    stand: date | None = None
    released = True
    pair_definition = None

    def instruments_in_use(self) -> list[Instrument]:
        return []

    def effect_output(self, instrument: Instrument) -> analytics.EffectOutput:
        empty = _empty_report(("domain",))
        return analytics.EffectOutput(
            empty, {d: _empty_report((d, "domain")) for d in analytics.DIMENSIONS}
        )

    def burden(self) -> core.EffectReport:
        return _empty_report(("domain",))

    def process(self, by: Sequence[str], every: str) -> None:
        return None

    def case_summary(self) -> None:
        return None


Figures = LiveFigures | ReleasedFigures | NoFigures


def _empty_report(by: tuple[str, ...]) -> core.EffectReport:
    return core.EffectReport(
        by=by,
        threshold=services.threshold(),
        confidence=0.95,
        min_change=1,
        higher_is_better=True,
        levels=(),
        groups=(),
    )


def latest_release(project) -> FigureRelease | None:
    return FigureRelease.objects.filter(project=project).order_by("-released_on", "-pk").first()


def figures_for(request, project) -> Figures:
    """Live figures for participant-level roles; otherwise the latest release (or none)."""
    if may_see_participants(request, project):
        return LiveFigures([project.pk])
    return released_figures(project)


def released_figures(project) -> ReleasedFigures | NoFigures:
    release = displayed_releases().filter(project=project).order_by("-released_on", "-pk").first()
    return ReleasedFigures(release) if release else NoFigures()


def pair_definition_for(figures: Figures, project) -> core.PairDefinition | None:
    """The pair definition of the figures shown (before the first release: the project's)."""
    if isinstance(figures, NoFigures):
        return services.pair_definition(project.pk)
    return figures.pair_definition


# --- JSON round trip ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _key_value(name: str, value: Any) -> Any:
    if name == "period" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def report_to_json(report: core.EffectReport) -> dict[str, Any]:
    groups = []
    for g in report.groups:
        data = asdict(g)
        data["key"] = {k: _plain(v) for k, v in g.key.items()}
        groups.append(data)
    return {
        "by": list(report.by),
        "threshold": report.threshold,
        "confidence": report.confidence,
        "min_change": report.min_change,
        "higher_is_better": report.higher_is_better,
        "levels": list(report.levels),
        "groups": groups,
    }


def report_from_json(data: dict[str, Any]) -> core.EffectReport:
    groups = []
    for g in data["groups"]:
        values = dict(g)
        values["key"] = {k: _key_value(k, v) for k, v in g["key"].items()}
        for side in ("before", "after"):
            if values.get(side) is not None:
                values[side] = tuple(values[side])
        groups.append(core.GroupEffect(**values))
    return core.EffectReport(
        by=tuple(data["by"]),
        threshold=data["threshold"],
        confidence=data["confidence"],
        min_change=data["min_change"],
        higher_is_better=data["higher_is_better"],
        levels=tuple(data["levels"]),
        groups=tuple(groups),
    )


def process_to_json(report: core.ProcessReport) -> dict[str, Any]:
    rows = []
    for row in report.rows:
        data = {f.name: getattr(row, f.name) for f in fields(row)}
        data["key"] = {k: _plain(v) for k, v in row.key.items()}
        data["period"] = row.period.isoformat()
        rows.append(data)
    return {
        "by": list(report.by),
        "every": report.every,
        "threshold": report.threshold,
        "rows": rows,
    }


def process_from_json(data: dict[str, Any]) -> core.ProcessReport:
    rows = []
    for r in data["rows"]:
        values = dict(r)
        values["period"] = date.fromisoformat(r["period"])
        rows.append(core.ProcessRow(**values))
    return core.ProcessReport(
        by=tuple(data["by"]), every=data["every"], threshold=data["threshold"], rows=tuple(rows)
    )


def _process_name(by: tuple[str, ...], every: str) -> str:
    return f"{'+'.join(by)}|{every}"


# --- making a release --------------------------------------------------------------------------


def current_figures(project) -> dict[str, Any]:
    """The protected figures as they would be published now, as JSON."""
    live = LiveFigures([project.pk])
    effects = {}
    for instrument in live.instruments_in_use():
        output = live.effect_output(instrument)
        effects[instrument.id] = {
            "total": report_to_json(output.total),
            "splits": {k: report_to_json(v) for k, v in output.splits.items()},
        }
    process = analytics.process_output([project.pk]) or {}
    from .case_summary import project_summary, summary_to_json

    return {
        "cases": summary_to_json(project_summary(project)),
        "pair_definition": str(services.pair_definition(project.pk)),
        "effects": effects,
        "burden": report_to_json(live.burden()),
        "process": {_process_name(k[0], k[1]): process_to_json(v) for k, v in process.items()},
    }


def _digest(text: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:24]


def person_digests(project) -> dict[str, str]:
    """Per person in the project: a keyed digest of their id → a digest of their data."""
    data: dict[int, list] = {}
    for row in (
        Pair.objects.filter(project=project)
        .order_by("trajectory_id", "series", "instrument", "domain")
        .values_list("trajectory__participant_id", *DIGESTED_PAIR_COLUMNS)
    ):
        data.setdefault(row[0], []).append([_plain(v) for v in row[1:]])
    for row in (
        Trajectory.objects.filter(project=project)
        .order_by("pk")
        .values_list(
            "participant_id",
            "pk",
            "registered_on",
            "started_on",
            "ended_on",
            "end_reason",
            "continues_without_help",
            "referred",
        )
    ):
        data.setdefault(row[0], []).append([_plain(v) for v in row[1:]])
    for row in (
        CaseEvent.objects.filter(trajectory__project=project)
        .order_by("trajectory_id", "pk")
        .values_list(
            "trajectory__participant_id",
            "trajectory_id",
            "lane",
            "started_on",
            "ended_on",
            "units",
            "unit_cost",
        )
    ):
        # A case timeline is part of the person's data: adding one case changes one person.
        data.setdefault(row[0], []).append(["case", *(_plain(v) for v in row[1:])])
    return {
        _digest(f"person:{project.pk}:{person}"): _digest(json.dumps(rows, default=str))
        for person, rows in data.items()
    }


@transaction.atomic
def create_release(
    project,
    *,
    user=None,
    reason: str = FigureRelease.Reason.MONTHLY,
    released_on: date | None = None,
    require_difference: bool = True,
) -> FigureRelease:
    """Freeze the current protected figures as a release, or raise ``ReleaseRefused``.

    ``require_difference`` exists for the attack tests' positive control only.
    """
    threshold = services.threshold()
    digests = person_digests(project)
    previous = latest_release(project)
    changed = persons_changed_between(previous.person_digests, digests) if previous else None
    if require_difference and changed is not None and changed < threshold:
        raise ReleaseRefused(changed, threshold)
    return FigureRelease.objects.create(
        project=project,
        released_on=released_on or timezone.localdate(),
        created_by=user,
        reason=reason,
        threshold=threshold,
        persons_changed=changed,
        figures=current_figures(project),
        person_digests=digests,
    )
