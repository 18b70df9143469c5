"""The disclosure-control rules: rounding, persons, secondary suppression, release differences.

See the package docstring for why each exists.
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
    "FULL",
    "NONE",
    "PERSON",
    "Protection",
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
    "suppress_partitioned_cells",
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


def one_pair_per_person(pairs: Any, person: str = PERSON, within: Sequence[str] = ()) -> Any:
    """Keep one pair per person and domain: the most recent complete one, else the most recent.

    A person with two trajectories would otherwise be counted twice towards the threshold, and
    the t-interval would treat two trajectories of one person as independent. ``within`` names
    columns that keep their own pair per person (``project_id`` when projects are compared side
    by side). Rows without a person (``null``) are kept as they are.
    """
    import polars as pl

    frame = engine.to_frame(pairs)
    if frame.height == 0 or person not in frame.columns:
        return frame
    complete = (
        pl.col(engine.BASELINE_SCORE).is_not_null() & pl.col(engine.LATEST_SCORE).is_not_null()
    )
    keys = [person, *within, engine.DOMAIN]
    ranked = frame.with_columns(complete.alias("_complete")).sort(
        [*keys, "_complete", engine.BASELINE_ON, engine.TRAJECTORY],
        descending=[False] * len(keys) + [True, True, True],
        nulls_last=True,
    )
    with_person = ranked.filter(pl.col(person).is_not_null()).unique(
        subset=keys, keep="first", maintain_order=True
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

    def union(relation: Relation, inside: Sequence[Hashable]) -> int:
        return len(set().union(*(persons[m] for m in inside)))

    size = {cell: len(people) for cell, people in persons.items()}
    return _suppress(size, union, relations, threshold, secondary=secondary)


def suppress_partitioned_cells(
    persons: Mapping[Hashable, int],
    relations: Sequence[Relation],
    threshold: int,
    *,
    secondary: bool = True,
) -> frozenset[Hashable]:
    """:func:`suppress_linked_cells` from the number of persons per cell, for relations whose
    parts partition their total's persons (each person of the total in exactly one part).

    That holds for an effect report and its breakdowns after ``one_pair_per_person``: within a
    domain a person has one pair, so one neighbourhood, one age group, one period. The hidden
    cells of a relation then hold the total's persons when the total is hidden, and otherwise
    the sum of the hidden parts' persons, so the counts of a ``GROUP BY`` suffice and no set of
    persons leaves the database.
    """

    def union(relation: Relation, inside: Sequence[Hashable]) -> int:
        if relation.total in inside:
            return persons[relation.total]
        return sum(persons[m] for m in inside)

    size = {cell: int(n) for cell, n in persons.items()}
    return _suppress(size, union, relations, threshold, secondary=secondary)


def _suppress(
    size: Mapping[Hashable, int],
    union_size: Callable[[Relation, Sequence[Hashable]], int],
    relations: Sequence[Relation],
    threshold: int,
    *,
    secondary: bool,
) -> frozenset[Hashable]:
    threshold = check_threshold(threshold)
    hidden = {cell for cell, n in size.items() if 0 < n < threshold}
    if not secondary:
        return frozenset(hidden)
    relations = [r for r in relations if any(m in size for m in r.members())]
    cells = list(size)

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
            if union_size(relation, inside) < threshold:
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


# --- switches ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Protection:
    """Which protections apply. Production always uses ``FULL``; the attack tests switch one
    off at a time to show that the attack they guard against is real (a positive control)."""

    per_person: bool = True
    secondary: bool = True
    rounding: bool = True


FULL = Protection()
NONE = Protection(per_person=False, secondary=False, rounding=False)
