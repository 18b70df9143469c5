"""The effect and process reports as published: every protection of ``rules`` applied together.

``protected_effect_reports`` protects a total and its breakdowns as one output;
``protected_process_reports`` the process indicators per year and quarter, for the whole and per
neighbourhood.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from proeftuin.core.monitoring import engine, sums
from proeftuin.core.monitoring.disclosure.rules import (
    FULL,
    PERSON,
    Protection,
    Relation,
    one_pair_per_person,
    persons_per_group,
    protect_distribution,
    protect_shares,
    round_to_base,
    suppress_linked_cells,
    suppress_partitioned_cells,
)
from proeftuin.core.monitoring.suppression import check_threshold

# --- the reports as published ------------------------------------------------------------------


def _blank_group(group: Any) -> Any:
    from dataclasses import fields, replace

    blank = {f.name: None for f in fields(group) if f.name not in ("key", "suppressed", "rounded")}
    return replace(group, suppressed=True, rounded=False, **blank)


def _count(share: float | None, n: int) -> int:
    return 0 if share is None else round(share * n)


def published_group(group: Any, threshold: int, *, rounding: bool = True) -> Any:
    """A shown ``GroupEffect`` with its distributions and shares protected (see the module)."""
    from dataclasses import replace

    if group.suppressed or not rounding:
        return group
    n = int(group.n)
    changes: dict[str, Any] = {}
    rounded = False
    for side in ("before", "after"):
        counts = getattr(group, side)
        if counts is not None:
            protected, was_rounded = protect_distribution(counts, threshold)
            # Rounded level counts beside an exact mean can leave one distribution that fits
            # (n = 11, mean 2,6364): a distribution with a small level is not published at all.
            changes[side] = None if was_rounded else protected
            rounded = rounded or was_rounded
    movement = {
        "share_improved": _count(group.share_improved, n),
        "share_stable": _count(group.share_stable, n),
        "share_worse": _count(group.share_worse, n),
    }
    shares, was_rounded = protect_shares(movement, threshold)
    changes.update(shares)
    rounded = rounded or was_rounded
    for name in ("share_any_before", "share_any_after"):
        share = getattr(group, name)
        if share is not None:
            hits = _count(share, n)
            split, was_rounded = protect_shares({"hit": hits, "miss": n - hits}, threshold)
            changes[name] = split["hit"]
            rounded = rounded or was_rounded
    if group.n_unpaired is not None:
        changes["n_unpaired"] = round_to_base(group.n_unpaired)
    means = _protected_means(group, threshold)
    if means:
        changes.update(means)
        rounded = True
    return replace(group, rounded=rounded, **changes)


def _protected_means(group: Any, threshold: int) -> dict[str, Any]:
    """Means derived from totals rounded to base 5, when an exact mean would give a count away.

    A mean times n is a total: 0,38 × 13 = 5 heavy measures before and 1 after. When a total is
    below the threshold the means are published from their totals rounded to base 5; the change,
    its interval and the effect size move with them, so none of them gives the exact total back.
    Totals at or above the threshold (score sums, most counts) keep their exact means.
    """
    n = int(group.n or 0)
    if n <= 0 or group.mean_before is None or group.mean_after is None:
        return {}
    totals = {side: getattr(group, f"mean_{side}") * n for side in ("before", "after")}
    if all(abs(t) >= threshold for t in totals.values()):
        return {}
    before = round_to_base(round(totals["before"])) / n
    after = round_to_base(round(totals["after"])) / n
    changes: dict[str, Any] = {"mean_before": before, "mean_after": after}
    if group.mean_change is not None:
        change = after - before
        delta = change - group.mean_change
        changes["mean_change"] = change
        if group.ci_low is not None and group.ci_high is not None:
            changes["ci_low"] = group.ci_low + delta
            changes["ci_high"] = group.ci_high + delta
        if group.effect_size is not None and group.sd_change:
            changes["effect_size"] = change / group.sd_change
    return changes


def protected_effect_reports(
    pairs: Any,
    by: Sequence[str],
    breakdowns: Sequence[str] = (),
    *,
    threshold: int,
    levels: Sequence[int] | None = None,
    higher_is_better: bool = True,
    confidence: float = 0.95,
    person: str = PERSON,
    protection: Protection = FULL,
) -> tuple[Any, dict[str, Any]]:
    """The effect report per ``by`` and, for each column in ``breakdowns``, the report per
    (column, *by), protected together as one output.

    Every breakdown adds up to the ``by`` report, so a group hidden in one table is protected
    in all of them (secondary suppression across the linked tables). ``pairs`` carries a
    ``person`` column; the threshold counts distinct persons.

    This is the in-memory form: the columnar engine computes the sums per group, and
    :func:`protected_effect_sums` (the one gate, which the database path uses too) protects them.
    """
    threshold = check_threshold(threshold)
    by = tuple(by)
    if protection.per_person:
        pairs = one_pair_per_person(pairs, person, within=[c for c in by if c != engine.DOMAIN])
    # Without per-person counting, trajectories stand in for persons (the unprotected reading).
    who = person if protection.per_person else engine.TRAJECTORY

    def group_sums(keys: Sequence[str]) -> sums.GroupSums:
        grouped = engine.group_pairs(pairs, keys, levels=levels)
        counts = {k: len(v) for k, v in persons_per_group(pairs, keys, who).items()}
        return sums.from_grouped(grouped, keys, counts)

    return protected_effect_sums(
        group_sums(by),
        {column: group_sums((column, *by)) for column in breakdowns},
        threshold=threshold,
        higher_is_better=higher_is_better,
        confidence=confidence,
        protection=protection,
    )


def protected_effect_sums(
    total: sums.GroupSums,
    splits: Mapping[str, sums.GroupSums],
    *,
    threshold: int,
    higher_is_better: bool = True,
    confidence: float = 0.95,
    protection: Protection = FULL,
) -> tuple[Any, dict[str, Any]]:
    """:func:`protected_effect_reports` from the sums per group: the report per ``total.by`` and
    per (column, *by) for each breakdown in ``splits``, protected together as one output.

    The sums must be of one pair per person (``one_pair_per_person`` within the ``by`` columns
    other than the domain) unless ``protection.per_person`` is off; ``persons`` counts the
    distinct persons behind each group's complete pairs. The breakdowns partition the persons of
    each total (see :func:`~proeftuin.core.monitoring.disclosure.rules.suppress_partitioned_cells`).
    """
    from proeftuin.core.monitoring.analytics import report_from_sums

    threshold = check_threshold(threshold)
    by = total.by

    def report(group_sums: sums.GroupSums) -> Any:
        return report_from_sums(
            group_sums,
            group_sums.key_records(),
            group_sums.by,
            threshold=threshold,
            confidence=confidence,
            min_change=group_sums.min_change,
            higher_is_better=higher_is_better,
        )

    # A cell is a group with at least one complete pair behind it.
    persons = {("total", k): v for k, v in total.persons_per_key().items() if v}
    for column, split in splits.items():
        if split.by != (column, *by):
            raise ValueError(f"the breakdown by {column} must be grouped by {(column, *by)}")
        for k, v in split.persons_per_key().items():
            if v:
                persons[(column, k)] = v
    relations = [
        Relation(
            ("total", key[1]),
            tuple(cell for cell in persons if cell[0] == column and cell[1][1:] == key[1]),
        )
        for column in splits
        for key in persons
        if key[0] == "total"
    ]
    hidden = suppress_partitioned_cells(
        persons, relations, threshold, secondary=protection.secondary
    )

    def publish(report_: Any, table: str) -> Any:
        from dataclasses import replace

        groups = []
        for g in report_.groups:
            if (table, tuple(g.key.values())) in hidden:
                groups.append(_blank_group(g))
            else:
                groups.append(published_group(g, threshold, rounding=protection.rounding))
        return replace(report_, groups=tuple(groups))

    return publish(report(total), "total"), {
        column: publish(report(split), column) for column, split in splits.items()
    }


# --- process indicators: years and quarters, the project and its neighbourhoods -----------------

# Each published count, the date that places a trajectory in a period, and the column that must be
# known for the trajectory to count (None: every trajectory with that date).
PROCESS_COUNTS: dict[str, tuple[str, str | None]] = {
    "inflow": (engine.STARTED_ON, None),
    "n_waiting": (engine.STARTED_ON, engine.REGISTERED_ON),
    "outflow": (engine.ENDED_ON, engine.ENDED_ON),
    "n_reason_known": (engine.ENDED_ON, engine.END_REASON),
    "n_help_known": (engine.ENDED_ON, engine.WITHOUT_HELP),
    "n_referral_known": (engine.ENDED_ON, engine.REFERRED),
}
# The figures that are computed over each count, and hidden with it.
PROCESS_FIGURES: dict[str, tuple[str, ...]] = {
    "inflow": ("inflow",),
    "n_waiting": ("n_waiting", "mean_waiting_days", "median_waiting_days"),
    "outflow": ("outflow", "mean_duration_days", "median_duration_days"),
    "n_reason_known": ("n_reason_known", "share_closed_as_planned"),
    "n_help_known": ("n_help_known", "share_without_help"),
    "n_referral_known": ("n_referral_known", "share_referred"),
}
PROCESS_SHARES = {
    "share_closed_as_planned": ("n_reason_known", "n_planned"),
    "share_without_help": ("n_help_known", "n_without_help"),
    "share_referred": ("n_referral_known", "n_referred"),
}
EVERY_LINKED = ("year", "quarter")


def protected_process_reports(
    trajectories: Any,
    breakdown: str = "neighbourhood",
    *,
    threshold: int,
    planned_reasons: Iterable[str] = ("according_to_plan", "by_agreement"),
    person: str = PERSON,
    protection: Protection = FULL,
) -> dict[tuple[tuple[str, ...], str], Any]:
    """The process indicators per year and per quarter, for the whole and per ``breakdown``,
    protected together: the four tables are linked (a year is the sum of its quarters, the whole
    the sum of its neighbourhoods), so "2024 Q3 = year − the other quarters" recovers nothing.

    Returns ``{(by, every): ProcessReport}`` for by in ``()`` and ``(breakdown,)``, every in
    year and quarter. ``trajectories`` has a ``person`` column besides the columns of
    ``process_indicators``; every count's threshold is on distinct persons.
    """
    import polars as pl

    from proeftuin.core.monitoring.analytics import ProcessReport

    threshold = check_threshold(threshold)
    frame = engine.to_frame(trajectories)
    reasons = list(planned_reasons)
    tables = {
        (by, every): engine.process_counts(frame, by, every=every, planned_reasons=reasons)
        for by in ((), (breakdown,))
        for every in EVERY_LINKED
    }
    measures = [m for m, (_d, need) in PROCESS_COUNTS.items() if need is None or need in frame]
    persons: dict[Hashable, frozenset] = {}
    for (by, every), table in tables.items():
        behind: dict[tuple, frozenset] = {}
        for measure in measures:
            if protection.per_person:
                source, need = PROCESS_COUNTS[measure]
                rows = frame if need is None else frame.filter(pl.col(need).is_not_null())
                rows = engine.with_period(rows, source, every, engine.PERIOD)
                for key, people in persons_per_group(
                    rows, (*by, engine.PERIOD), person, complete_only=False
                ).items():
                    behind[(measure, *key)] = people
        for record in table.iter_rows(named=True):
            key = tuple(record[c] for c in by)
            for measure in measures:
                cell = (measure, every, key, record[engine.PERIOD])
                if protection.per_person:
                    persons[cell] = behind.get((measure, *key, record[engine.PERIOD]), frozenset())
                else:
                    persons[cell] = frozenset(range(int(record[measure] or 0)))
    relations = _process_relations(persons)
    hidden = suppress_linked_cells(persons, relations, threshold, secondary=protection.secondary)
    out = {}
    for (by, every), table in tables.items():
        rows = tuple(
            _published_process_row(record, by, every, hidden, threshold, measures, protection)
            for record in table.iter_rows(named=True)
        )
        out[(by, every)] = ProcessReport(by=by, every=every, threshold=threshold, rows=rows)
    return out


def _process_relations(persons: Mapping[Hashable, AbstractSet]) -> list[Relation]:
    """Year = Σ its quarters (per key), and whole = Σ neighbourhoods (per period)."""
    quarters: dict[tuple, list] = {}
    parts_of_whole: dict[tuple, list] = {}
    for cell in persons:
        measure, every, key, period = cell
        if every == "quarter":
            quarters.setdefault((measure, key, period.year), []).append(cell)
        if key:
            parts_of_whole.setdefault((measure, every, period), []).append(cell)
    relations = []
    for cell in persons:
        measure, every, key, period = cell
        if every == "year" and (measure, key, period.year) in quarters:
            relations.append(Relation(cell, tuple(quarters[(measure, key, period.year)])))
        if not key and (measure, every, period) in parts_of_whole:
            relations.append(Relation(cell, tuple(parts_of_whole[(measure, every, period)])))
    return relations


def _published_process_row(
    record: Mapping[str, Any],
    by: tuple[str, ...],
    every: str,
    hidden: AbstractSet[Hashable],
    threshold: int,
    measures: Sequence[str],
    protection: Protection,
) -> Any:
    from proeftuin.core.monitoring.analytics import ProcessRow

    key = tuple(record[c] for c in by)
    period = record[engine.PERIOD]
    figures: dict[str, Any] = dict.fromkeys(
        name for names in PROCESS_FIGURES.values() for name in names
    )
    removed = False
    for measure in measures:
        if (measure, every, key, period) in hidden:
            removed = True
            continue
        for name in PROCESS_FIGURES[measure]:
            if name in PROCESS_SHARES:
                known, hits = PROCESS_SHARES[name]
                total, yes = int(record[known] or 0), int(record[hits] or 0)
                if not total:
                    continue
                if protection.rounding:
                    split, _ = protect_shares({"yes": yes, "no": total - yes}, threshold)
                    figures[name] = split["yes"]
                else:
                    figures[name] = yes / total
            else:
                figures[name] = record.get(name)
    return ProcessRow(
        key=dict(zip(by, key, strict=True)), period=period, suppressed=removed, **figures
    )
