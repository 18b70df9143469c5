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

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
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
#: Key combinations that still fit one integer code per cell (see :func:`_groups`).
MAX_COMBINED = 2**62


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


@dataclass(frozen=True, slots=True)
class Cells:
    """A joint histogram's cells as arrays: baseline and latest score (0 where unknown, with
    ``b_known`` / ``a_known``), pair rows and distinct persons per cell."""

    b: np.ndarray
    a: np.ndarray
    b_known: np.ndarray
    a_known: np.ndarray
    rows: np.ndarray
    persons: np.ndarray


def _scores(values: Sequence[int | None]) -> tuple[np.ndarray, np.ndarray]:
    """The scores as integers (0 where unknown) and whether each is known, without a Python
    step per value: NumPy reads ``None`` as NaN in a float array (scores are small integers,
    exact as floats)."""
    floats = np.asarray(values, dtype=np.float64)
    known = ~np.isnan(floats)
    return np.where(known, floats, 0).astype(np.int64), known


def cells(
    before: Sequence[int | None],
    after: Sequence[int | None],
    rows: Sequence[int],
    persons: Sequence[int],
) -> Cells:
    b, b_known = _scores(before)
    a, a_known = _scores(after)
    return Cells(
        b=b,
        a=a,
        b_known=b_known,
        a_known=a_known,
        rows=np.asarray(rows, dtype=np.int64).reshape(-1),
        persons=np.asarray(persons, dtype=np.int64).reshape(-1),
    )


def _value_order(value: Any) -> tuple:
    """One value's place in the key order (:func:`_order`): by value, missing values last."""
    return (value is None, "" if value is None else value)


@dataclass(frozen=True, slots=True)
class KeyColumn:
    """A key column of a histogram, factorised: cell ``i`` has the value ``values[codes[i]]``,
    and ``values`` are distinct and in key order (missing values last), so the codes sort as
    the values do."""

    codes: np.ndarray
    values: tuple[Any, ...]


def key_column(values: Sequence[Any], parse: Callable[[Any], Any] | None = None) -> KeyColumn:
    """``values`` factorised (:class:`KeyColumn`). ``parse`` turns each *distinct* value into
    the key's value (a date sent as text is parsed once, not once per cell)."""
    raw = list(dict.fromkeys(values))
    parsed = raw if parse is None else [parse(v) for v in raw]
    distinct = sorted(dict.fromkeys(parsed), key=_value_order)
    position = {value: i for i, value in enumerate(distinct)}
    index = {r: position[p] for r, p in zip(raw, parsed, strict=True)}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return KeyColumn(codes=codes, values=tuple(distinct))


def _objects(values: Sequence[Any]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def _groups(by: Sequence[str], columns: Sequence[KeyColumn], count: int):
    """The groups of ``by`` over the cells: the group of each cell (numbered in key order) and
    the key of each group. The codes of the columns combine into one number per cell whose
    order is the key order (mixed radix), and ``np.unique`` numbers them."""
    if not count:
        return np.zeros(0, dtype=np.int64), ()
    if not by:
        return np.zeros(count, dtype=np.int64), ((),)
    sizes = [len(column.values) for column in columns]
    if math.prod(sizes) < MAX_COMBINED:
        combined = np.zeros(count, dtype=np.int64)
        for column, size in zip(columns, sizes, strict=True):
            combined = combined * size + column.codes
        found, codes = np.unique(combined, return_inverse=True)
        digits = []
        for size in reversed(sizes):
            digits.append(found % size)
            found = found // size
        digits.reverse()
    else:  # too many combinations for one integer: sort the rows of codes instead
        stacked = np.stack([column.codes for column in columns], axis=1)
        found, codes = np.unique(stacked, axis=0, return_inverse=True)
        digits = list(found.T)
    values = [
        _objects(column.values)[digit].tolist()
        for column, digit in zip(columns, digits, strict=True)
    ]
    return codes.reshape(-1), tuple(zip(*values, strict=True))


def from_histogram(
    by: Sequence[str],
    keys: Mapping[str, Sequence[Any] | KeyColumn],
    histogram: Cells,
    levels: Sequence[int] | None,
    *,
    min_change: int = 1,
) -> GroupSums:
    """:class:`GroupSums` per ``by`` from a joint histogram: one cell per (finer key, baseline
    score, latest score) with its pair rows and the distinct persons behind them (:func:`cells`).

    ``keys`` holds a column per name of ``by`` (and possibly more: the histogram may be finer
    than ``by``, and is then summed up), as values per cell or factorised (:func:`key_column`,
    once for all the tables of an output). Summing persons over finer cells is exact when every
    person is in one cell of a group, as after one pair per person and domain.
    """
    by = tuple(by)
    count = len(histogram.rows)
    columns = [keys[c] if isinstance(keys[c], KeyColumn) else key_column(keys[c]) for c in by]
    codes, found = _groups(by, columns, count)
    groups = len(found)
    b, a = histogram.b, histogram.a
    b_known, a_known = histogram.b_known, histogram.a_known
    weight, people = histogram.rows, histogram.persons
    seen = np.concatenate([b[b_known], a[a_known]])
    level_values = check_levels(
        levels, int(seen.min()) if seen.size else None, int(seen.max()) if seen.size else None
    )
    complete = b_known & a_known
    d = a - b

    def total(values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        chosen = complete if mask is None else complete & mask
        return np.bincount(codes[chosen], weights=values[chosen], minlength=groups).astype(np.int64)

    columns_sums = {
        "rows": np.bincount(codes, weights=weight, minlength=groups).astype(np.int64),
        "n": total(weight),
        "persons": total(people),
        "sum_before": total(weight * b),
        "sum_after": total(weight * a),
        "sum_d": total(weight * d),
        "sum_d2": total(weight * d * d),
        "n_up": total(weight, d >= min_change),
        "n_down": total(weight, d <= -min_change),
        "n_any_before": total(weight, b > 0),
        "n_any_after": total(weight, a > 0),
    }
    dist_before = dist_after = None
    if len(level_values) <= MAX_LEVELS:
        low, width = int(level_values[0]), len(level_values)
        at, w = codes[complete] * width, weight[complete]

        def distribution(scores: np.ndarray) -> np.ndarray:
            cell = at + (scores[complete] - low)
            counts = np.bincount(cell, weights=w, minlength=groups * width)
            return counts.astype(np.int64).reshape(groups, width)

        dist_before, dist_after = distribution(b), distribution(a)
    return GroupSums(
        by=by,
        keys=found,
        levels=level_values,
        before=dist_before,
        after=dist_after,
        min_change=min_change,
        **columns_sums,
    )
