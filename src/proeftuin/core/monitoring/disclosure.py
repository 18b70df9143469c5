"""Disclosure control for every monitoring output: the one module figures pass through.

Small-cell suppression alone (``suppression``) protects a cell on its own; this module protects
what an attacker can compute from *several* published figures (see decision record 0010):

- **persons, not trajectories**: the threshold counts distinct persons. ``one_pair_per_person``
  keeps one trajectory per person and domain (the most recent complete pair), so n, the shares and
  the confidence interval are about persons and two trajectories of one person are never counted
  as two independent observations;
- **secondary suppression across linked tables** (``suppress_linked_cells``): the cells of one
  output (a total and its breakdowns; process indicators per year and quarter, per project and
  neighbourhood) are linked by *total = sum of parts* relations. Hidden cells are added, smallest
  first, until in every relation the hidden cells together hold at least ``threshold`` persons and
  no hidden cell can be computed by adding and subtracting published cells (checked with linear
  algebra on the relations, the way τ-ARGUS checks a suppression pattern);
- **rounding of small counts** (``protect_distribution``, ``protect_shares``,
  ``round_to_base``): a per-level distribution or a set of shares is exact only when each count is
  0 or at least the threshold; otherwise every count is rounded to base 5 and shares are derived
  from the rounded counts (ONS, OpenSAFELY practice);
- **no differencing across time** (``persons_changed_between``): a new release of figures for
  roles without participant-level access must differ from the previous one in at least
  ``threshold`` persons.

Every function takes ``protect``-style switches only where the attack-test suite needs a positive
control; production callers never pass them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import numpy as np

from proeftuin.core.monitoring import engine
from proeftuin.core.monitoring.suppression import check_threshold

ROUNDING_BASE = 5
PERSON = "participant_id"

__all__ = [
    "PERSON",
    "ROUNDING_BASE",
    "Relation",
    "derivable_hidden_cells",
    "one_pair_per_person",
    "partition_relations",
    "persons_changed_between",
    "persons_per_group",
    "protect_distribution",
    "protect_shares",
    "round_to_base",
    "suppress_linked_cells",
]


# --- rounding ----------------------------------------------------------------------------------


def round_to_base(count: int, base: int = ROUNDING_BASE) -> int:
    """``count`` rounded to the nearest multiple of ``base`` (halves up: 2 → 0, 3 → 5)."""
    return int(base * ((int(count) + base // 2) // base))


def counts_are_safe(counts: Iterable[int], threshold: int) -> bool:
    """True when every count is 0 or at least the threshold (then it may be shown exactly)."""
    return all(c == 0 or c >= threshold for c in counts)


def protect_distribution(
    counts: Sequence[int], threshold: int, *, base: int = ROUNDING_BASE
) -> tuple[tuple[int, ...], bool]:
    """The per-level counts as published, and whether they were rounded.

    Exact when every level holds 0 or at least ``threshold`` persons; otherwise every level is
    rounded to ``base``, so no level reveals how many (1, 2, …) persons it holds.
    """
    check_threshold(threshold)
    values = tuple(int(c) for c in counts)
    if counts_are_safe(values, threshold):
        return values, False
    return tuple(round_to_base(c, base) for c in values), True


def protect_shares(
    counts: Mapping[str, int], threshold: int, *, base: int = ROUNDING_BASE
) -> tuple[dict[str, float | None], bool]:
    """Shares of a whole split into ``counts`` (e.g. improved / stable / worse), and whether
    they were derived from rounded counts.

    The counts partition the whole, so they are protected together: if one is small, the others
    would give it away as the complement. Exact when every count is 0 or at least ``threshold``;
    otherwise each share is its count rounded to ``base`` over the sum of the rounded counts
    (``None`` when that sum is 0).
    """
    check_threshold(threshold)
    values = {k: int(v) for k, v in counts.items()}
    rounded = not counts_are_safe(values.values(), threshold)
    if rounded:
        values = {k: round_to_base(v, base) for k, v in values.items()}
    whole = sum(values.values())
    if whole == 0:
        return dict.fromkeys(values), rounded
    return {k: v / whole for k, v in values.items()}, rounded


# --- persons -----------------------------------------------------------------------------------


def one_pair_per_person(pairs: Any, person: str = PERSON) -> Any:
    """Keep one pair per person and domain: the most recent complete one, else the most recent.

    A person with two trajectories would otherwise be counted twice towards the threshold, and
    the t-interval would treat two trajectories of one person as independent. Rows without a
    person (``null``) are kept as they are.
    """
    import polars as pl

    frame = engine.to_frame(pairs)
    if frame.height == 0 or person not in frame.columns:
        return frame
    complete = (
        pl.col(engine.BASELINE_SCORE).is_not_null() & pl.col(engine.LATEST_SCORE).is_not_null()
    )
    ranked = frame.with_columns(complete.alias("_complete")).sort(
        [person, engine.DOMAIN, "_complete", engine.BASELINE_ON, engine.TRAJECTORY],
        descending=[False, False, True, True, True],
        nulls_last=True,
    )
    with_person = ranked.filter(pl.col(person).is_not_null()).unique(
        subset=[person, engine.DOMAIN], keep="first", maintain_order=True
    )
    without = ranked.filter(pl.col(person).is_null())
    return (
        pl.concat([with_person, without]).drop("_complete").sort([engine.TRAJECTORY, engine.DOMAIN])
    )


def persons_per_group(
    frame: Any,
    by: Sequence[str],
    person: str = PERSON,
    *,
    complete_only: bool = True,
) -> dict[tuple, frozenset]:
    """The distinct persons behind each group of ``by`` (complete pairs only by default)."""
    import polars as pl

    data = engine.to_frame(frame)
    if complete_only and engine.BASELINE_SCORE in data.columns:
        data = data.filter(
            pl.col(engine.BASELINE_SCORE).is_not_null() & pl.col(engine.LATEST_SCORE).is_not_null()
        )
    if data.height == 0:
        return {}
    grouped = data.group_by(list(by)).agg(pl.col(person).unique().alias("_persons"))
    return {
        tuple(row[c] for c in by): frozenset(row["_persons"])
        for row in grouped.iter_rows(named=True)
    }


# --- secondary suppression over linked tables ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Relation:
    """A published total and the published parts that add up to it (one breakdown)."""

    total: Hashable
    parts: tuple[Hashable, ...]

    def members(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


def partition_relations(
    totals: Iterable[Hashable], parts_of: Callable[[Hashable], Iterable[Hashable]]
) -> list[Relation]:
    """One ``Relation`` per total whose parts are ``parts_of(total)`` (none: no relation)."""
    out = []
    for total in totals:
        parts = tuple(parts_of(total))
        if parts:
            out.append(Relation(total, parts))
    return out


def derivable_hidden_cells(
    cells: Iterable[Hashable], relations: Sequence[Relation], hidden: AbstractSet[Hashable]
) -> set[Hashable]:
    """Hidden cells whose value follows exactly from the published cells by the relations.

    Each relation reads total − Σ parts = 0. With the published values moved to the right-hand
    side, the hidden values solve A·x = b; a hidden cell is determined exactly when its unit
    vector lies in the row space of A, i.e. when every vector of A's null space is 0 there.
    """
    order = [c for c in cells if c in hidden]
    if not order:
        return set()
    column = {c: i for i, c in enumerate(order)}
    rows = []
    for relation in relations:
        row = np.zeros(len(order))
        for cell, sign in ((relation.total, 1.0), *((p, -1.0) for p in relation.parts)):
            if cell in column:
                row[column[cell]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    if null_space.shape[0] == 0:
        return set(order)
    free = np.abs(null_space).max(axis=0) > 1e-9
    return {cell for cell, is_free in zip(order, free.tolist(), strict=True) if not is_free}


def suppress_linked_cells(
    persons: Mapping[Hashable, AbstractSet],
    relations: Sequence[Relation],
    threshold: int,
    *,
    secondary: bool = True,
) -> frozenset[Hashable]:
    """The cells to hide in one output, given the distinct persons behind each cell.

    Primary: a cell with 1 to threshold − 1 persons. Secondary (unless ``secondary`` is False,
    the switch for the attack tests' positive controls): while some relation holds hidden cells
    whose persons together number fewer than ``threshold``, or some hidden cell can be computed
    from the published ones, hide the smallest published part of that relation (the total when
    no part is left). Cells with 0 persons are hidden last, as they add nobody to the union.
    """
    threshold = check_threshold(threshold)
    size = {cell: len(people) for cell, people in persons.items()}
    hidden = {cell for cell, n in size.items() if 0 < n < threshold}
    if not secondary:
        return frozenset(hidden)
    relations = [r for r in relations if any(m in size for m in r.members())]
    cells = list(persons)

    def next_to_hide(relation: Relation) -> Hashable | None:
        shown = [p for p in relation.parts if p in size and p not in hidden]
        if shown:
            return min(shown, key=lambda p: (size[p] == 0, size[p], repr(p)))
        if relation.total in size and relation.total not in hidden:
            return relation.total
        return None

    while True:
        added = None
        for relation in relations:
            inside = [m for m in relation.members() if m in hidden]
            if not inside:
                continue
            union = set().union(*(persons[m] for m in inside))
            if len(union) < threshold:
                added = next_to_hide(relation)
                if added is not None:
                    break
        if added is None:
            exposed = derivable_hidden_cells(cells, relations, hidden)
            for relation in relations:
                if exposed.intersection(relation.members()):
                    added = next_to_hide(relation)
                    if added is not None:
                        break
        if added is None:
            return frozenset(hidden)
        hidden.add(added)


# --- releases ----------------------------------------------------------------------------------


def persons_changed_between(previous: Mapping[str, str], current: Mapping[str, str]) -> int:
    """How many persons differ between two releases.

    Each release maps a key per person (a digest, never the identifier) to a digest of that
    person's published data; a person counts when added, removed or changed.
    """
    keys = set(previous) | set(current)
    return sum(1 for key in keys if previous.get(key) != current.get(key))


# --- the reports as published ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Protection:
    """Which protections apply. Production always uses ``FULL``; the attack tests switch one
    off at a time to show that the attack they guard against is real (a positive control)."""

    per_person: bool = True
    secondary: bool = True
    rounding: bool = True


FULL = Protection()
NONE = Protection(per_person=False, secondary=False, rounding=False)


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
            changes[side], was_rounded = protect_distribution(counts, threshold)
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
    return replace(group, rounded=rounded, **changes)


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
    """
    from proeftuin.core.monitoring.analytics import effect_report

    threshold = check_threshold(threshold)
    by = tuple(by)
    if protection.per_person:
        pairs = one_pair_per_person(pairs, person)

    def report(keys: Sequence[str]) -> Any:
        return effect_report(
            pairs,
            keys,
            threshold=threshold,
            confidence=confidence,
            levels=levels,
            higher_is_better=higher_is_better,
        )

    total = report(by)
    splits = {column: report((column, *by)) for column in breakdowns}
    if protection.per_person:
        persons = {("total", k): v for k, v in persons_per_group(pairs, by, person).items()}
        for column in breakdowns:
            for k, v in persons_per_group(pairs, (column, *by), person).items():
                persons[(column, k)] = v
    else:  # trajectories counted as if they were persons (the unprotected reading)
        persons = {
            ("total", tuple(g.key.values())): frozenset(range(_raw_n(g))) for g in total.groups
        }
        for column, split in splits.items():
            for g in split.groups:
                persons[(column, tuple(g.key.values()))] = frozenset(range(_raw_n(g)))
    relations = [
        Relation(
            ("total", key[1]),
            tuple(cell for cell in persons if cell[0] == column and cell[1][1:] == key[1]),
        )
        for column in breakdowns
        for key in persons
        if key[0] == "total"
    ]
    hidden = suppress_linked_cells(persons, relations, threshold, secondary=protection.secondary)

    def publish(report_: Any, table: str) -> Any:
        from dataclasses import replace

        groups = []
        for g in report_.groups:
            if (table, tuple(g.key.values())) in hidden:
                groups.append(_blank_group(g))
            else:
                groups.append(published_group(g, threshold, rounding=protection.rounding))
        return replace(report_, groups=tuple(groups))

    return publish(total, "total"), {c: publish(s, c) for c, s in splits.items()}


def _raw_n(group: Any) -> int:
    return int(group.n) if group.n is not None else 0


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
