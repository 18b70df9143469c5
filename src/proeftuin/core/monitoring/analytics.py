"""Tel en vertel, the *tel*: change per life domain, with its uncertainty, over maintained pairs.

Seed 004 §2.3 asks for a baseline (*0-meting*) per participant and per life domain, and a
comparison of the end with the start. The unit of analysis is therefore a **pair**: one row per
(trajectory, domain) holding the baseline score and the latest score. The application keeps a
pairs table current (``pairs_from_measurements`` for the trajectories whose measurements or
attributes changed, ``upsert_pairs`` to swap their rows in; a full rebuild is the same call over
all measurements), and every report is computed from the pairs it is given, so a report never
shows stale figures.

Rules for a pair (``pairs_from_measurements``):

- the baseline is the earliest measurement with a known score, the latest is the last one with a
  known score, ordered by date and then by ``measurement_id`` (or row order); a score that is
  unknown (*onbekend*, null) is skipped, never read as zero;
- a (trajectory, domain) with one known score has a baseline and no latest; one with only unknown
  scores has neither. Both count as *unpaired*: they are reported as ``n_unpaired``, not in n.

The report (``effect_report``) gives per group: n complete pairs, the mean change (latest −
baseline) with its SD, standard error and t-interval (df = n − 1), the shares improved, stable
and worse, Cohen's d_z, and the before and after distributions. Every group with n below the
suppression threshold shows none of these (see ``suppression``).

``burden_report`` applies the same paired analysis to the number of professionals,
organisations and heavy measures recorded at each measurement (seed 004 §2.3: "one family had
26"); ``process_indicators`` gives the neighbourhood-team indicators of seed 003 §2.9 (in
:mod:`proeftuin.core.monitoring.process`, re-exported here).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from proeftuin.core.monitoring import engine
from proeftuin.core.monitoring.engine import (
    BASELINE_ON,
    BASELINE_SCORE,
    DOMAIN,
    END_REASON,
    ENDED_ON,
    LATEST_ON,
    LATEST_SCORE,
    MEASURED_ON,
    MEASUREMENT_ID,
    PERIOD,
    REFERRED,
    REGISTERED_ON,
    SCORE,
    STARTED_ON,
    TRAJECTORY,
    WITHOUT_HELP,
)
from proeftuin.core.monitoring.process import (
    PLANNED_REASONS,
    ProcessReport,
    ProcessRow,
    process_indicators,
)
from proeftuin.core.monitoring.stats import paired_summary
from proeftuin.core.monitoring.suppression import DEFAULT_THRESHOLD, check_threshold, masked

__all__ = [
    "BASELINE_ON",
    "BASELINE_SCORE",
    "BURDEN_VARIABLES",
    "DOMAIN",
    "END_REASON",
    "ENDED_ON",
    "LATEST_ON",
    "LATEST_SCORE",
    "MEASURED_ON",
    "MEASUREMENT_ID",
    "PERIOD",
    "PLANNED_REASONS",
    "REFERRED",
    "REGISTERED_ON",
    "SCORE",
    "STARTED_ON",
    "TRAJECTORY",
    "WITHOUT_HELP",
    "EffectReport",
    "GroupEffect",
    "ProcessReport",
    "ProcessRow",
    "burden_measurements",
    "burden_report",
    "effect_report",
    "pairs_from_measurements",
    "process_indicators",
    "records",
    "refresh_pairs",
    "report_from_sums",
    "upsert_pairs",
    "with_period",
]

BURDEN_VARIABLES = ("professionals", "organisations", "heavy_measures")


# --- maintaining the pairs ---------------------------------------------------------------------


def pairs_from_measurements(measurements: Any, trajectories: Any) -> Any:
    """The pairs table (a Polars frame) for the given measurements: first → latest known score.

    This is :attr:`~proeftuin.core.monitoring.PairDefinition.FIRST_LATEST`; a project's pairs
    follow its chosen definition through :func:`~proeftuin.core.monitoring.pairs_by_definition`
    (baseline → end by moment by default).

    ``measurements`` has the columns ``trajectory_id`` (int), ``domain`` (any type; integer codes
    are fastest), ``measured_on`` (date), ``score`` (int, null for unknown) and optionally
    ``measurement_id`` (int, the tie-breaker within a date). ``trajectories`` has
    ``trajectory_id`` and the grouping attributes to copy onto each pair, e.g. ``project_id``,
    ``neighbourhood``, ``age_group``, ``period``; every trajectory referred to must be there.

    The result has one row per (trajectory, domain) with ``trajectory_id``, ``domain``, the
    attributes, ``baseline_on``, ``baseline_score``, ``latest_on``, ``latest_score``, ordered by
    trajectory and domain. Pass the measurements of *all* trajectories for a full rebuild, or all
    measurements of the changed trajectories for ``upsert_pairs``.
    """
    return engine.derive_pairs(measurements, trajectories)


def upsert_pairs(pairs: Any, fresh: Any, trajectory_ids: Collection[int]) -> Any:
    """Replace every pair row of ``trajectory_ids`` with ``fresh`` (their rows, possibly none).

    ``fresh`` must come from ``pairs_from_measurements`` over *all* measurements of exactly these
    trajectories, so a domain whose last measurement was deleted loses its row. Raises
    ``ValueError`` when ``fresh`` holds another trajectory.
    """
    return engine.replace_trajectories(pairs, fresh, trajectory_ids)


def refresh_pairs(
    pairs: Any, measurements: Any, trajectories: Any, trajectory_ids: Collection[int]
) -> Any:
    """``upsert_pairs`` for ``trajectory_ids``, deriving their rows from the given tables.

    ``measurements`` and ``trajectories`` may hold more than these trajectories; only the rows of
    ``trajectory_ids`` are read.
    """
    ids = list(trajectory_ids)
    fresh = engine.derive_pairs(
        engine.filter_rows(measurements, TRAJECTORY, ids),
        engine.filter_rows(trajectories, TRAJECTORY, ids),
    )
    return engine.replace_trajectories(pairs, fresh, ids)


def with_period(frame: Any, source: str, every: str = "quarter", name: str = PERIOD) -> Any:
    """Add column ``name``: the first day of the month, quarter or year of date column ``source``.

    Use it on the trajectories before ``pairs_from_measurements`` to break reports down by the
    cohort (the period in which trajectories started).
    """
    return engine.with_period(frame, source, every, name)


def records(frame: Any) -> list[dict[str, Any]]:
    """The rows of a frame from this package as dicts (to store pairs, or for tests)."""
    return engine.to_frame(frame).to_dicts()


# --- the effect report -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupEffect:
    """Paired change for one group; every figure is ``None`` when ``suppressed``.

    ``mean_change`` is latest − baseline. ``effect_size`` is Cohen's d_z = mean change / SD of
    the changes (the standardised mean of paired differences; not comparable to a between-groups
    d). It is ``None`` when the SD is 0: then the interval collapses to the mean.
    ``before`` / ``after`` count the complete pairs per score level (``EffectReport.levels``).
    ``share_any_before`` / ``share_any_after`` are the shares with a score above zero, which
    means something for counts (at least one heavy measure).
    """

    key: Mapping[str, Any]
    suppressed: bool
    n: int | None
    n_unpaired: int | None
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    sd_change: float | None
    se_change: float | None
    df: int | None
    ci_low: float | None
    ci_high: float | None
    share_improved: float | None
    share_stable: float | None
    share_worse: float | None
    effect_size: float | None
    share_any_before: float | None
    share_any_after: float | None
    before: tuple[int, ...] | None
    after: tuple[int, ...] | None
    # True when disclosure control rounded the distributions or shares (see ``disclosure``).
    rounded: bool = False


@dataclass(frozen=True, slots=True)
class EffectReport:
    by: tuple[str, ...]
    threshold: int
    confidence: float
    min_change: int
    higher_is_better: bool
    levels: tuple[int, ...]
    groups: tuple[GroupEffect, ...]

    def records(self) -> list[dict[str, Any]]:
        """One flat dict per group (keys first), for CSV, XLSX and the API.

        Distributions become ``before_<level>`` / ``after_<level>`` columns.
        """
        out = []
        for group in self.groups:
            row = dict(group.key)
            fields = asdict(group)
            del fields["key"]
            before, after = fields.pop("before"), fields.pop("after")
            row.update(fields)
            for i, level in enumerate(self.levels):
                row[f"before_{level}"] = None if before is None else before[i]
                row[f"after_{level}"] = None if after is None else after[i]
            out.append(row)
        return out


_GROUP_FIELDS = tuple(GroupEffect.__dataclass_fields__)


def effect_report(
    pairs: Any,
    by: Sequence[str] = ("project_id", DOMAIN),
    *,
    threshold: int = DEFAULT_THRESHOLD,
    confidence: float = 0.95,
    min_change: int = 1,
    levels: Sequence[int] | None = None,
    higher_is_better: bool = True,
    where: Mapping[str, Collection] | None = None,
) -> EffectReport:
    """Paired change per group of ``by`` over a pairs table, with small-cell suppression.

    - ``threshold``: groups with fewer complete pairs show no figure (default 10, at least 5:
      lower raises ``ValueError``);
    - ``confidence``: the level of the two-sided t-interval (default 0.95);
    - ``min_change``: a change of at least this many levels counts as improved or worse
      (default 1: any change); smaller changes count as stable;
    - ``levels``: the score levels of the distributions, e.g. ``range(1, 6)``; default the
      observed range;
    - ``higher_is_better``: False for counts such as professionals (a decrease is improvement);
    - ``where``: keep only rows whose column value is in the given collection, e.g.
      ``{"project_id": [3, 7]}``.

    Groups are ordered by their key values (missing values last).
    """
    grouped = engine.group_pairs(pairs, by, where=where, min_change=min_change, levels=levels)
    keys = engine.key_records(grouped.keys, len(grouped.rows))
    return report_from_sums(
        grouped,
        keys,
        by,
        threshold=threshold,
        confidence=confidence,
        min_change=min_change,
        higher_is_better=higher_is_better,
    )


def report_from_sums(
    grouped: Any,
    keys: Sequence[Mapping[str, Any]],
    by: Sequence[str],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    confidence: float = 0.95,
    min_change: int = 1,
    higher_is_better: bool = True,
) -> EffectReport:
    """The effect report from the sufficient statistics per group (before disclosure control).

    ``grouped`` holds the counts and sums per group as arrays (the engine's ``GroupedPairs`` or a
    :class:`~proeftuin.core.monitoring.sums.GroupSums` from the database), ``keys`` the group
    keys in the same order. Every figure of :func:`effect_report` follows from them.
    """
    threshold = check_threshold(threshold)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    count = len(grouped.rows)
    stats = paired_summary(grouped.n, grouped.sum_d, grouped.sum_d2, confidence)
    n = grouped.n
    show = n >= threshold
    safe_n = np.maximum(n, 1)
    up, down = grouped.n_up / safe_n, grouped.n_down / safe_n
    improved, worse = (up, down) if higher_is_better else (down, up)
    stable = (n - grouped.n_up - grouped.n_down) / safe_n
    columns = {
        "n": masked(n, show),
        "n_unpaired": masked(grouped.rows - n, show),
        "mean_before": masked(grouped.sum_before / safe_n, show),
        "mean_after": masked(grouped.sum_after / safe_n, show),
        "mean_change": masked(stats.mean, show),
        "sd_change": masked(stats.sd, show),
        "se_change": masked(stats.se, show),
        "df": masked(stats.df, show),
        "ci_low": masked(stats.ci_low, show),
        "ci_high": masked(stats.ci_high, show),
        "share_improved": masked(improved, show),
        "share_stable": masked(stable, show),
        "share_worse": masked(worse, show),
        "effect_size": masked(stats.effect_size, show),
        "share_any_before": masked(grouped.n_any_before / safe_n, show),
        "share_any_after": masked(grouped.n_any_after / safe_n, show),
    }
    no_distribution = [None] * count
    before = (
        [
            tuple(r) if s else None
            for r, s in zip(grouped.before.tolist(), show.tolist(), strict=True)
        ]
        if grouped.before is not None
        else no_distribution
    )
    after = (
        [
            tuple(r) if s else None
            for r, s in zip(grouped.after.tolist(), show.tolist(), strict=True)
        ]
        if grouped.after is not None
        else no_distribution
    )
    keys = list(keys)
    suppressed = (~show).tolist()
    columns.update(
        key=keys, suppressed=suppressed, before=before, after=after, rounded=[False] * count
    )
    # Positional construction in field order: one C-level call per group.
    groups = tuple(map(GroupEffect, *(columns[f] for f in _GROUP_FIELDS)))
    return EffectReport(
        by=tuple(by),
        threshold=threshold,
        confidence=confidence,
        min_change=min_change,
        higher_is_better=higher_is_better,
        levels=tuple(int(v) for v in grouped.levels) if grouped.levels is not None else (),
        groups=groups,
    )


# --- professionals, organisations and heavy measures -------------------------------------------


def burden_measurements(sessions: Any, variables: Sequence[str] = BURDEN_VARIABLES) -> Any:
    """Per-session counts as measurements, ready for ``pairs_from_measurements``.

    ``sessions`` has one row per measurement moment: ``trajectory_id``, ``measured_on``,
    optionally ``measurement_id`` and ``moment`` (for the pair definition), and a count column per variable (null when not recorded),
    e.g. the number of professionals and organisations involved and the number of heavy measures
    (supervision order, out-of-home placement, eviction) in place or needed. The variable name
    becomes the ``domain``.
    """
    names = engine.column_names(sessions)
    keep = [TRAJECTORY, MEASURED_ON] + [c for c in (MEASUREMENT_ID, "moment") if c in names]
    return engine.unpivot_counts(sessions, variables, keep)


def burden_report(
    pairs: Any,
    by: Sequence[str] = ("project_id",),
    *,
    threshold: int = DEFAULT_THRESHOLD,
    confidence: float = 0.95,
    where: Mapping[str, Collection] | None = None,
) -> EffectReport:
    """Paired change in professionals, organisations and heavy measures per group and variable.

    ``pairs`` come from ``pairs_from_measurements(burden_measurements(sessions), ...)``. The
    variable (``domain``) is always the last key. A decrease counts as improved;
    ``share_any_before`` / ``share_any_after`` give the share of trajectories with at least one
    (for heavy measures: the share with any heavy measure at the start and at the latest
    measurement).
    """
    keys = [*by, DOMAIN] if DOMAIN not in by else list(by)
    return effect_report(
        pairs,
        keys,
        threshold=threshold,
        confidence=confidence,
        higher_is_better=False,
        where=where,
    )
