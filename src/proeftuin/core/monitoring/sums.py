"""The sufficient statistics of a paired effect report, per group: counts and integer sums.

Every figure of an effect report (n, the means, the SD, the t-interval, the shares and the
before/after distributions) follows from a handful of integer counts and sums per group. They can
be computed wherever the pairs live: by the columnar engine over a frame
(:func:`proeftuin.core.monitoring.engine.group_pairs`), or by one ``GROUP BY`` in the database
(:mod:`proeftuin.monitoring.pair_sums`). :class:`GroupSums` holds them in one shape, whichever
computed them, and :func:`from_rows` builds it from the rows of such a query.

The columns per group (complete pair: baseline and latest score known; d = latest − baseline):

- ``rows``: pair rows, complete or not; ``n``: complete pairs; ``persons``: distinct persons
  behind the complete pairs (the disclosure threshold counts these);
- ``sum_before``, ``sum_after``, ``sum_d``, ``sum_d2``: sums over the complete pairs;
- ``n_up`` / ``n_down``: d ≥ min_change / d ≤ −min_change; ``n_any_before`` / ``n_any_after``:
  a score above zero;
- ``low`` / ``high``: the smallest and largest score in the group (any row), to check the levels;
- ``before`` / ``after``: complete pairs per score level (``levels``), or ``None``.

No Django and no Polars here: plain Python and NumPy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

COUNTS = (
    "rows",
    "n",
    "persons",
    "sum_before",
    "sum_after",
    "sum_d",
    "sum_d2",
    "n_up",
    "n_down",
    "n_any_before",
    "n_any_after",
)
MAX_LEVELS = 32  # as the engine: no distributions for wider scales


@dataclass(frozen=True, slots=True)
class GroupSums:
    """Counts and sums per group of ``by`` (one entry per non-empty group, in key order)."""

    by: tuple[str, ...]
    keys: tuple[tuple[Any, ...], ...]
    rows: np.ndarray
    n: np.ndarray
    persons: np.ndarray
    sum_before: np.ndarray
    sum_after: np.ndarray
    sum_d: np.ndarray
    sum_d2: np.ndarray
    n_up: np.ndarray
    n_down: np.ndarray
    n_any_before: np.ndarray
    n_any_after: np.ndarray
    levels: np.ndarray
    before: np.ndarray | None
    after: np.ndarray | None
    min_change: int = 1

    def key_records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.by, key, strict=True)) for key in self.keys]

    def persons_per_key(self) -> dict[tuple, int]:
        return {key: int(p) for key, p in zip(self.keys, self.persons.tolist(), strict=True)}


def _order(key: tuple) -> tuple:
    """Key order of the engine: by value, missing values last."""
    return tuple((value is None, "" if value is None else value) for value in key)


def check_levels(levels: Sequence[int] | None, low: int | None, high: int | None) -> np.ndarray:
    """The score levels of the distributions: ``levels`` checked against the observed scores,
    or the observed range (``ValueError`` like the engine when a score lies outside)."""
    if levels is not None:
        values = sorted({int(v) for v in levels})
        if not values or values != list(range(values[0], values[-1] + 1)):
            raise ValueError("levels must be consecutive whole numbers")
        if low is not None and high is not None and (low < values[0] or high > values[-1]):
            raise ValueError(f"a score lies outside the levels {values[0]}..{values[-1]}")
        return np.arange(values[0], values[-1] + 1)
    if low is None or high is None:
        return np.arange(0, 1)
    return np.arange(low, high + 1)


def from_rows(
    by: Sequence[str],
    records: Iterable[Mapping[str, Any]],
    levels: Sequence[int] | None,
    *,
    min_change: int = 1,
    distributions: bool = True,
) -> GroupSums:
    """:class:`GroupSums` from one record per group: the ``by`` values, the :data:`COUNTS`,
    ``low`` and ``high``, and with ``distributions`` ``before_<i>`` / ``after_<i>`` for the
    i-th level of ``levels`` (which must then be given). Records may come in any order."""
    by = tuple(by)
    records = sorted(records, key=lambda r: _order(tuple(r[c] for c in by)))
    lows = [int(r["low"]) for r in records if r.get("low") is not None]
    highs = [int(r["high"]) for r in records if r.get("high") is not None]
    level_values = check_levels(levels, min(lows) if lows else None, max(highs) if highs else None)
    count = len(records)
    columns = {
        name: np.fromiter((int(r[name] or 0) for r in records), dtype=np.int64, count=count)
        for name in COUNTS
    }
    before = after = None
    if distributions and len(level_values) <= MAX_LEVELS:
        width = len(level_values)
        before = np.zeros((count, width), dtype=np.int64)
        after = np.zeros((count, width), dtype=np.int64)
        for i, record in enumerate(records):
            before[i] = [int(record[f"before_{j}"] or 0) for j in range(width)]
            after[i] = [int(record[f"after_{j}"] or 0) for j in range(width)]
    return GroupSums(
        by=by,
        keys=tuple(tuple(r[c] for c in by) for r in records),
        levels=level_values,
        before=before,
        after=after,
        min_change=min_change,
        **columns,
    )


def from_grouped(
    grouped: Any, by: Sequence[str], persons: Mapping[tuple, int], *, min_change: int = 1
) -> GroupSums:
    """:class:`GroupSums` from the engine's ``GroupedPairs`` and the persons per group."""
    by = tuple(by)
    count = len(grouped.rows)
    keys = tuple(tuple(k.values()) for k in _key_dicts(grouped.keys, count))
    columns = {name: np.asarray(getattr(grouped, name), dtype=np.int64) for name in COUNTS[:2]}
    columns.update(
        {name: np.asarray(getattr(grouped, name), dtype=np.int64) for name in COUNTS[3:]}
    )
    columns["persons"] = np.fromiter((persons.get(k, 0) for k in keys), dtype=np.int64, count=count)
    return GroupSums(
        by=by,
        keys=keys,
        levels=np.asarray(grouped.levels),
        before=grouped.before,
        after=grouped.after,
        min_change=min_change,
        **columns,
    )


def _key_dicts(keys: Any, count: int) -> list[dict[str, Any]]:
    if getattr(keys, "width", 0) == 0:
        return [{} for _ in range(count)]
    return keys.to_dicts()
