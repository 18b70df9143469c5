"""The columnar engine: the one module that knows about Polars and the NumPy kernels.

Everything else in ``proeftuin.core.monitoring`` calls these functions. Tables are Polars data
frames; the heavy work is done by whole-column NumPy kernels, never by a per-row Python loop:

- **pairs from measurements**: each score is packed with its date and tie-breaker into one
  int64 (date | order | score), so the earliest and latest known score of every
  (trajectory, domain) are a scatter-minimum and a scatter-maximum (``np.minimum.at``) over a
  dense (trajectory, domain) code. No sort, no group-by on millions of small groups.
- **grouped pair counts**: each pair row gets one integer code for (group, baseline level,
  latest level), and a scatter-add (``np.add.at``) builds the joint before/after histogram of
  every group. That histogram holds everything the report needs as exact integers: n, Σd, Σd²,
  the counts improved / stable / worse and both distributions. Scales too wide for a histogram
  fall back to exact int64 scatter-sums per group.

The kernels run over chunks of ``CHUNK`` rows, so their temporaries stay small and in cache
instead of allocating (and page-faulting) several arrays as long as the table.

Nothing is cached between calls: a report always reads the pairs it is given.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

# Column names, shared with the application layer.
TRAJECTORY = "trajectory_id"
DOMAIN = "domain"
MEASURED_ON = "measured_on"
SCORE = "score"
MEASUREMENT_ID = "measurement_id"
BASELINE_ON = "baseline_on"
BASELINE_SCORE = "baseline_score"
LATEST_ON = "latest_on"
LATEST_SCORE = "latest_score"
PAIR_VALUE_COLUMNS = (BASELINE_ON, BASELINE_SCORE, LATEST_ON, LATEST_SCORE)

MAX_HISTOGRAM_LEVELS = 32  # joint histogram up to 32 × 32 cells per group
BIN_BUDGET = 1 << 23  # at most 8M histogram bins (64 MB of int64 counts)
CHUNK = 1 << 18  # rows per kernel step: small temporaries that stay in cache
_INT64_MAX = np.iinfo(np.int64).max


def to_frame(data: Any, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """A Polars frame from a frame, a lazy frame, a mapping of columns or a list of records.

    With ``columns`` only those columns are read (a lazy frame, e.g. from a Parquet scan, then
    reads just those from disk); a missing one raises ``ValueError``.
    """
    if isinstance(data, pl.LazyFrame):
        names = data.collect_schema().names()
        _require(names, columns or ())
        return (data.select(columns) if columns else data).collect()
    frame = data if isinstance(data, pl.DataFrame) else pl.DataFrame(data)
    if columns is not None:
        _require(frame.columns, columns)
    return frame


def _require(names: Sequence[str], columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in names]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")


def column_names(data: Any) -> list[str]:
    if isinstance(data, pl.LazyFrame):
        return data.collect_schema().names()
    return to_frame(data).columns


def _member(expr: pl.Expr, values: Collection | pl.Series) -> pl.Expr:
    """``expr`` is one of ``values``."""
    series = values if isinstance(values, pl.Series) else pl.Series(list(values))
    return expr.is_in(series.implode())


def _integer_like(dtype: pl.DataType) -> bool:
    return dtype.is_integer() or dtype == pl.Date or dtype == pl.Boolean


def _physical(series: pl.Series) -> pl.Series:
    """Integer view of an integer, date or boolean column (days since 1970 for dates)."""
    if series.dtype == pl.Date:
        return series.to_physical()
    if series.dtype == pl.Boolean:
        return series.cast(pl.Int8)
    return series


def _chunks(n: int, size: int = CHUNK):
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def _fill_value_fits(series: pl.Series, value: int) -> pl.Series:
    """``series`` widened to Int64 when ``value`` does not fit its integer type."""
    info = np.iinfo(_numpy_int(series.dtype))
    if info.min <= value <= info.max:
        return series
    return series.cast(pl.Int64)


def _numpy_int(dtype: pl.DataType) -> type:
    return {
        pl.Int8: np.int8,
        pl.Int16: np.int16,
        pl.Int32: np.int32,
        pl.Int64: np.int64,
        pl.UInt8: np.uint8,
        pl.UInt16: np.uint16,
        pl.UInt32: np.uint32,
        pl.UInt64: np.uint64,
    }.get(dtype, np.int64)


class Coded:
    """Integer codes 0..size-1 for one column, produced chunk by chunk.

    ``values[code]`` is the original value (the last one is null when the column has nulls).
    Codes come from an offset (``raw - low``), a look-up table over the range, or a
    precomputed array.
    """

    __slots__ = ("_codes", "_high", "_low", "_raw", "_table", "values")

    def __init__(
        self,
        values: pl.Series,
        *,
        raw: np.ndarray | None = None,
        low: int = 0,
        high: int = 0,
        table: np.ndarray | None = None,
        codes: np.ndarray | None = None,
    ) -> None:
        self.values = values
        self._raw, self._low, self._high, self._table, self._codes = raw, low, high, table, codes

    def fits_int32(self) -> bool:
        """Whether the raw values (nulls at high + 1) and the codes fit in int32."""
        limit = np.iinfo(np.int32)
        if self._raw is None:
            return self.size <= limit.max
        return limit.min <= self._low and self._high + 1 <= limit.max and self.size <= limit.max

    def write(self, rows: slice, out: np.ndarray) -> None:
        """Write the codes of ``rows`` into ``out`` (a buffer of the chunk's length)."""
        if self._codes is not None:
            out[...] = self._codes[rows]
            return
        np.subtract(self._raw[rows], self._low, out=out, dtype=out.dtype, casting="unsafe")
        if self._table is not None:
            out[...] = self._table[out]

    @property
    def size(self) -> int:
        return len(self.values)


def _with_null(values: pl.Series, has_null: bool) -> pl.Series:
    if not has_null:
        return values
    return pl.concat([values, pl.Series(values.name, [None], dtype=values.dtype)])


def _raw_integers(series: pl.Series) -> tuple[np.ndarray, int, int] | None:
    """The column as NumPy integers with nulls set to ``high + 1``, and its low and high.

    None when every value is null. Zero-copy when the column has no nulls.
    """
    phys = _physical(series)
    low, high = phys.min(), phys.max()
    if low is None:
        return None
    low, high = int(low), int(high)
    if series.null_count():
        phys = _fill_value_fits(phys, high + 1).fill_null(high + 1)
    return phys.to_numpy(), low, high


def _values_range(series: pl.Series, low: int, high: int) -> pl.Series:
    phys = _physical(series)
    values = pl.Series(series.name, np.arange(low, high + 1)).cast(phys.dtype)
    return values.cast(series.dtype)


def _all_null(series: pl.Series) -> Coded:
    return Coded(
        pl.Series(series.name, [None], dtype=series.dtype),
        codes=np.zeros(len(series), dtype=np.int64),
    )


def offset_coded(series: pl.Series) -> Coded | None:
    """Codes ``value - min`` for an integer-like column (null last); None when not possible."""
    if not _integer_like(series.dtype):
        return None
    info = _raw_integers(series)
    if info is None:
        return _all_null(series)
    raw, low, high = info
    if high - low + 1 > BIN_BUDGET:
        return None
    values = _with_null(_values_range(series, low, high), series.null_count() > 0)
    return Coded(values, raw=raw, low=low, high=high)


def dense_coded(series: pl.Series) -> Coded:
    """Dense codes in value order (nulls last) for any column.

    Integer-like columns use a look-up table over their range when the range is not much larger
    than the column (linear, chunked), ``np.unique`` otherwise; other types a dense rank.
    """
    has_null = series.null_count() > 0
    n = len(series)
    if _integer_like(series.dtype):
        info = _raw_integers(series)
        if info is None:
            return _all_null(series)
        raw, low, high = info
        span = high - low + 1
        if span <= max(4 * n, 1 << 20):
            present = np.zeros(span + 1, dtype=bool)
            for rows in _chunks(n):
                part = raw[rows].astype(np.int64)
                part -= low
                present[part] = True
            present[span] = False
            table = np.cumsum(present, dtype=np.int64)
            table -= 1
            uniques = np.flatnonzero(present[:span]) + low
            table[span] = len(uniques)
            values = pl.Series(series.name, uniques).cast(_physical(series).dtype)
            values = _with_null(values.cast(series.dtype), has_null)
            return Coded(values, raw=raw, low=low, high=high, table=table)
        valid = raw != high + 1
        uniques, inverse = np.unique(raw[valid], return_inverse=True)
        codes = np.full(n, len(uniques), dtype=np.int64)
        codes[valid] = inverse
        values = pl.Series(series.name, uniques).cast(_physical(series).dtype)
        return Coded(_with_null(values.cast(series.dtype), has_null), codes=codes)
    if isinstance(series.dtype, pl.Enum):
        # An Enum's own order (e.g. age groups); its physical codes index the categories.
        uniques = series.dtype.categories.cast(series.dtype)
        physical = series.to_physical()
    elif series.dtype in (pl.String, pl.Categorical):
        # Text: the physical codes of an Enum over the sorted distinct values (one hash pass).
        text = series.cast(pl.String)
        uniques = text.drop_nulls().unique().sort()
        physical = text.cast(pl.Enum(uniques)).to_physical()
        uniques = uniques.cast(series.dtype)
    else:
        uniques = series.drop_nulls().unique().sort()
        physical = series.rank("dense") - 1
    codes = physical.fill_null(len(uniques)).to_numpy().astype(np.int64, copy=False)
    return Coded(_with_null(uniques.alias(series.name), has_null), codes=codes)


def _space(coded: Sequence[Coded]) -> int:
    space = 1
    for code in coded:
        space *= code.size
    return space


class _Keys:
    """Mixed-radix group codes chunk by chunk, in two reused buffers (no allocation per chunk).

    ``compute`` returns a view of the buffer: use it before the next call.
    """

    def __init__(self, coded: Sequence[Coded], dtype: type, size: int = CHUNK) -> None:
        self.coded = list(coded)
        self.key = np.empty(size, dtype=dtype)
        self.tmp = np.empty(size, dtype=dtype)

    @staticmethod
    def dtype_for(coded: Sequence[Coded], space: int) -> type:
        if space < np.iinfo(np.int32).max and all(code.fits_int32() for code in coded):
            return np.int32
        return np.int64

    def compute(self, rows: slice) -> np.ndarray:
        m = rows.stop - rows.start
        key, tmp = self.key[:m], self.tmp[:m]
        if not self.coded:
            key.fill(0)
            return key
        self.coded[0].write(rows, key)
        for code in self.coded[1:]:
            key *= code.size
            code.write(rows, tmp)
            key += tmp
        return key


def _key_codes(
    coded: list[Coded], n: int, limit: int = BIN_BUDGET
) -> tuple[list[Coded], np.ndarray | None]:
    """Coded columns whose combined range is at most ``limit``.

    Beyond it, the combined key is compacted with ``np.unique`` and one precomputed ``Coded``
    is returned, with ``slots`` mapping its codes back to the mixed-radix codes of ``coded``.
    """
    if _space(coded) <= limit:
        return coded, None
    key = np.empty(n, dtype=np.int64)
    keys = _Keys(coded, np.int64)
    for rows in _chunks(n):
        key[rows] = keys.compute(rows)
    slots, inverse = np.unique(key, return_inverse=True)
    return [Coded(pl.Series(np.arange(len(slots))), codes=inverse.astype(np.int64))], slots


def _decode(index: np.ndarray, coded: Sequence[Coded], names: Sequence[str]) -> pl.DataFrame:
    """The key values of each mixed-radix code in ``index``."""
    columns: dict[str, pl.Series] = {}
    rest = index.astype(np.int64, copy=True)
    for name, code in reversed(list(zip(names, coded, strict=True))):
        part = rest % code.size
        rest //= code.size
        columns[name] = code.values.gather(part).alias(name)
    return pl.DataFrame([columns[name] for name in names])


# --- pairs -------------------------------------------------------------------------------------


def _check_measurements(m: pl.DataFrame) -> None:
    if not m[TRAJECTORY].dtype.is_integer():
        raise ValueError(f"{TRAJECTORY} must be an integer column")
    if not m[SCORE].dtype.is_integer() and m[SCORE].dtype != pl.Null:
        raise ValueError(f"{SCORE} must be an integer column (levels of an ordinal scale)")
    if m[MEASURED_ON].dtype != pl.Date:
        raise ValueError(f"{MEASURED_ON} must be a date column")
    for name in (TRAJECTORY, DOMAIN, MEASURED_ON):
        if m[name].null_count():
            raise ValueError(f"{name} may not be empty")
    if MEASUREMENT_ID in m.columns and (
        not m[MEASUREMENT_ID].dtype.is_integer() or m[MEASUREMENT_ID].null_count()
    ):
        raise ValueError(f"{MEASUREMENT_ID} must be an integer column without gaps")


def _bits(span: int) -> int:
    return max(int(span).bit_length(), 1)


class _Order:
    """The tie-breaker within a date: the measurement id (or its rank), else the row number."""

    def __init__(self, m: pl.DataFrame) -> None:
        self._ids: np.ndarray | None = None
        self._low = 0
        self.span = m.height
        if MEASUREMENT_ID in m.columns:
            ids = m[MEASUREMENT_ID].to_numpy()
            low, high = int(ids.min()), int(ids.max())
            if high - low < (1 << 32):
                self._ids, self._low, self.span = ids, low, high - low
            else:
                ranks = np.empty(len(ids), dtype=np.int64)
                ranks[np.argsort(ids, kind="stable")] = np.arange(len(ids))
                self._ids, self.span = ranks, len(ids)

    def chunk(self, rows: slice) -> np.ndarray:
        if self._ids is None:
            return np.arange(rows.start, rows.stop, dtype=np.int64)
        part = self._ids[rows].astype(np.int64)
        part -= self._low
        return part


def derive_pairs(measurements: Any, trajectories: Any) -> pl.DataFrame:
    """One row per (trajectory, domain) with its earliest and latest known score.

    See ``analytics.pairs_from_measurements`` for the rules. Trajectory attribute columns (all
    columns of ``trajectories`` but the id) are copied onto each pair.
    """
    required = [TRAJECTORY, DOMAIN, MEASURED_ON, SCORE]
    m = to_frame(measurements)
    _require(m.columns, required)
    m = m.select([*required, *([MEASUREMENT_ID] if MEASUREMENT_ID in m.columns else [])])
    t = to_frame(trajectories)
    _require(t.columns, [TRAJECTORY])
    clash = [c for c in t.columns if c in (DOMAIN, *PAIR_VALUE_COLUMNS)]
    if clash:
        raise ValueError(f"trajectory attribute(s) clash with pair columns: {', '.join(clash)}")
    if t[TRAJECTORY].is_duplicated().any():
        raise ValueError(f"{TRAJECTORY} must be unique in the trajectories")
    if m.height == 0:
        return _empty_pairs(m, t)
    if m[MEASURED_ON].dtype == pl.Datetime:
        m = m.with_columns(pl.col(MEASURED_ON).dt.date())
    _check_measurements(m)
    n = m.height

    trajectory = dense_coded(m[TRAJECTORY])
    domain = dense_coded(m[DOMAIN])
    coded, slots = _key_codes([trajectory, domain], n, limit=4 * n + (1 << 20))
    space = _space(coded)

    score = m[SCORE]
    low, high = score.min(), score.max()
    low = 0 if low is None else int(low)
    high = 0 if high is None else int(high)
    sentinel = low - 1
    score_raw = _fill_value_fits(score, sentinel).fill_null(sentinel).to_numpy()
    days = m[MEASURED_ON].to_physical().to_numpy()
    day_low, day_high = int(days.min()), int(days.max())
    order = _Order(m)
    score_bits = _bits(high - low)
    order_bits = _bits(order.span)
    if _bits(day_high - day_low) + order_bits + score_bits > 62:
        raise ValueError("measurement dates span too many years to pair")

    seen = np.zeros(space, dtype=bool)
    first = np.full(space, _INT64_MAX, dtype=np.int64)
    last = np.full(space, -1, dtype=np.int64)
    keys = _Keys(coded, np.int64)
    for rows in _chunks(n):
        key = keys.compute(rows)
        seen[key] = True
        level = score_raw[rows]
        known = level != sentinel
        packed = days[rows].astype(np.int64)
        packed -= day_low
        packed <<= order_bits
        packed |= order.chunk(rows)
        packed <<= score_bits
        packed |= level.astype(np.int64) - low
        key, packed = key[known], packed[known]
        np.minimum.at(first, key, packed)
        np.maximum.at(last, key, packed)

    index = np.flatnonzero(seen)
    if len(index) < space:
        first, last = first[index], last[index]
    slot = index if slots is None else slots[index]
    # Unpack in one Polars pass (no further full-length NumPy temporaries).
    order_scale = 1 << (order_bits + score_bits)
    score_scale = 1 << score_bits
    f, g = pl.col("__first"), pl.col("__last")
    has_baseline = f != _INT64_MAX
    has_latest = has_baseline & (g != f)

    def day(packed: pl.Expr) -> pl.Expr:
        return ((packed // order_scale) + day_low).cast(pl.Int32).cast(pl.Date)

    def level(packed: pl.Expr) -> pl.Expr:
        return ((packed % score_scale) + low).cast(score.dtype)

    unpacked = pl.DataFrame({"__slot": slot, "__first": first, "__last": last}).select(
        (pl.col("__slot") // domain.size).alias("__t"),
        (pl.col("__slot") % domain.size).alias("__d"),
        pl.when(has_baseline).then(day(f)).alias(BASELINE_ON),
        pl.when(has_baseline).then(level(f)).alias(BASELINE_SCORE),
        pl.when(has_latest).then(day(g)).alias(LATEST_ON),
        pl.when(has_latest).then(level(g)).alias(LATEST_SCORE),
    )

    ids = trajectory.values
    attributes = (
        pl.DataFrame({TRAJECTORY: ids})
        .join(
            t.with_columns(pl.lit(True).alias("__known")),
            on=TRAJECTORY,
            how="left",
            maintain_order="left",
        )
        .select(pl.exclude(TRAJECTORY))
    )
    if attributes["__known"].null_count():
        raise ValueError("measurements refer to trajectories that were not given")
    attributes = attributes.drop("__known")
    t_index = unpacked["__t"]
    out = pl.DataFrame(
        {
            TRAJECTORY: ids.gather(t_index),
            DOMAIN: domain.values.gather(unpacked["__d"]),
        }
    )
    return pl.concat(
        [out, attributes.gather(t_index), unpacked.drop("__t", "__d")], how="horizontal"
    )


def _empty_pairs(m: pl.DataFrame, t: pl.DataFrame) -> pl.DataFrame:
    schema: dict[str, Any] = {TRAJECTORY: m[TRAJECTORY].dtype, DOMAIN: m[DOMAIN].dtype}
    schema.update({c: t[c].dtype for c in t.columns if c != TRAJECTORY})
    score_dtype = m[SCORE].dtype if m[SCORE].dtype != pl.Null else pl.Int64
    schema.update(
        {
            BASELINE_ON: pl.Date,
            BASELINE_SCORE: score_dtype,
            LATEST_ON: pl.Date,
            LATEST_SCORE: score_dtype,
        }
    )
    return pl.DataFrame(schema=schema)


def filter_rows(data: Any, column: str, values: Collection) -> pl.DataFrame:
    frame = to_frame(data)
    return frame.filter(_member(pl.col(column), values))


def replace_trajectories(pairs: Any, fresh: Any, trajectory_ids: Collection[int]) -> pl.DataFrame:
    """``pairs`` without the rows of ``trajectory_ids``, plus ``fresh`` (their new rows).

    The cost is one filtering pass over ``pairs`` (a new frame); the application's database
    table does the same with a delete and an insert of just these trajectories' rows.
    """
    current = to_frame(pairs)
    new = to_frame(fresh)
    ids = pl.Series(list(trajectory_ids), dtype=pl.Int64)
    if new.filter(~_member(pl.col(TRAJECTORY).cast(pl.Int64), ids)).height:
        raise ValueError("fresh pairs include trajectories outside trajectory_ids")
    if new.columns != current.columns:
        if set(new.columns) != set(current.columns):
            raise ValueError("fresh pairs have other columns than the pairs table")
        new = new.select(current.columns)
    column = current[TRAJECTORY]
    if column.dtype.is_integer():
        info = np.iinfo(_numpy_int(column.dtype))
        ids = ids.filter((ids >= info.min) & (ids <= info.max)).cast(column.dtype)
    kept = current.filter(~_member(pl.col(TRAJECTORY), ids))
    out = pl.concat([kept, new], how="vertical_relaxed")
    if out.n_chunks() > 16:
        out = out.rechunk()
    return out


# --- grouped pair counts -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupedPairs:
    """Exact integer counts and sums per group of pairs (one row per non-empty group)."""

    keys: pl.DataFrame
    rows: np.ndarray  # pair rows in the group, complete or not
    n: np.ndarray  # complete pairs (baseline and latest known)
    sum_before: np.ndarray
    sum_after: np.ndarray
    sum_d: np.ndarray
    sum_d2: np.ndarray
    n_up: np.ndarray  # d >= min_change
    n_down: np.ndarray  # d <= -min_change
    n_any_before: np.ndarray  # baseline > 0
    n_any_after: np.ndarray  # latest > 0
    levels: np.ndarray
    before: np.ndarray | None  # (groups, levels) counts, complete pairs only
    after: np.ndarray | None


def group_pairs(
    pairs: Any,
    by: Sequence[str],
    *,
    where: Mapping[str, Collection] | None = None,
    min_change: int = 1,
    levels: Sequence[int] | None = None,
    method: str = "auto",
) -> GroupedPairs:
    """Count and sum the complete pairs per group of ``by`` (see the module docstring).

    ``levels`` fixes the score levels of the distributions (a score outside raises
    ``ValueError``); without it the observed range is used. ``method`` is "auto",
    "histogram" or "sums" (the latter two for tests).
    """
    if method not in ("auto", "histogram", "sums"):
        raise ValueError(f"unknown method {method!r}")
    by = list(by)
    if len(set(by)) != len(by):
        raise ValueError("by lists a column twice")
    if isinstance(min_change, bool) or not isinstance(min_change, int) or min_change < 1:
        raise ValueError("min_change must be a whole number of at least 1")
    columns = list(dict.fromkeys([*by, *(where or {}), BASELINE_SCORE, LATEST_SCORE]))
    frame = to_frame(pairs, columns)
    for column, allowed in (where or {}).items():
        frame = frame.filter(_member(pl.col(column), allowed))
    base, late = (
        frame[c].cast(pl.Int64) if frame[c].dtype == pl.Null else frame[c]
        for c in (BASELINE_SCORE, LATEST_SCORE)
    )
    for score in (base, late):
        if not score.dtype.is_integer():
            raise ValueError(f"{score.name} must be an integer column")
    observed = [int(v) for v in (base.min(), late.min(), base.max(), late.max()) if v is not None]
    if levels is not None:
        level_values = sorted({int(v) for v in levels})
        if not level_values or level_values != list(range(level_values[0], level_values[-1] + 1)):
            raise ValueError("levels must be consecutive whole numbers")
        low, high = level_values[0], level_values[-1]
        if observed and (min(observed) < low or max(observed) > high):
            raise ValueError(f"a score lies outside the levels {low}..{high}")
    else:
        low, high = (min(observed), max(observed)) if observed else (0, 0)
    n_levels = high - low + 1
    n = frame.height

    coded: list[Coded] = []
    for name in by:
        code = offset_coded(frame[name])
        coded.append(code if code is not None else dense_coded(frame[name]))
    if _space(coded) > BIN_BUDGET:
        coded = [dense_coded(frame[name]) for name in by]
    coded_by = coded
    coded, slots = _key_codes(coded_by, n)
    space = _space(coded)

    sentinel = low - 1
    b_raw = _fill_value_fits(base, sentinel).fill_null(sentinel).to_numpy()
    l_raw = _fill_value_fits(late, sentinel).fill_null(sentinel).to_numpy()
    cells = (n_levels + 1) ** 2
    use_histogram = method == "histogram" or (
        method == "auto" and n_levels <= MAX_HISTOGRAM_LEVELS and space * cells <= BIN_BUDGET
    )
    kernel = _histogram if use_histogram else _sums
    result = kernel(coded, space, n, b_raw, l_raw, sentinel, n_levels, min_change)
    index = result.pop("index")
    keys = _decode(index if slots is None else slots[index], coded_by, by) if by else pl.DataFrame()
    return GroupedPairs(keys=keys, levels=np.arange(low, high + 1), **result)


def _histogram(
    coded: Sequence[Coded],
    space: int,
    n: int,
    b_raw: np.ndarray,
    l_raw: np.ndarray,
    sentinel: int,
    n_levels: int,
    min_change: int,
) -> dict[str, Any]:
    """Joint (group, baseline level, latest level) histogram, level 0 meaning "no score"."""
    width = n_levels + 1
    cells = width * width
    histogram = np.zeros(space * cells, dtype=np.int64)
    offset = sentinel * (width + 1)
    keys = _Keys(coded, _Keys.dtype_for(coded, space * cells + abs(offset)))
    for rows in _chunks(n):
        key = keys.compute(rows)
        cell = keys.tmp[: len(key)]
        key *= cells
        np.multiply(b_raw[rows], width, out=cell, dtype=cell.dtype, casting="unsafe")
        key += cell
        np.add(key, l_raw[rows], out=key, dtype=key.dtype, casting="unsafe")
        if offset:
            key -= offset
        np.add.at(histogram, key, 1)
    histogram = histogram.reshape(space, width, width)
    rows_per_group = histogram.sum(axis=(1, 2))
    index = np.flatnonzero(rows_per_group)
    square = histogram[index, 1:, 1:]
    joint = square.reshape(len(index), n_levels * n_levels)
    low = sentinel + 1
    before_level = np.repeat(np.arange(n_levels), n_levels) + low
    after_level = np.tile(np.arange(n_levels), n_levels) + low
    d = after_level - before_level
    return {
        "index": index,
        "rows": rows_per_group[index],
        "n": joint.sum(axis=1),
        "sum_before": joint @ before_level,
        "sum_after": joint @ after_level,
        "sum_d": joint @ d,
        "sum_d2": joint @ (d * d),
        "n_up": joint @ (d >= min_change).astype(np.int64),
        "n_down": joint @ (d <= -min_change).astype(np.int64),
        "n_any_before": joint @ (before_level > 0).astype(np.int64),
        "n_any_after": joint @ (after_level > 0).astype(np.int64),
        "before": square.sum(axis=2),
        "after": square.sum(axis=1),
    }


def _sums(
    coded: Sequence[Coded],
    space: int,
    n: int,
    b_raw: np.ndarray,
    l_raw: np.ndarray,
    sentinel: int,
    n_levels: int,
    min_change: int,
) -> dict[str, Any]:
    """Exact int64 sums per group, for scales too wide for the joint histogram."""
    low = sentinel + 1
    largest = max(abs(low), abs(low + n_levels - 1), n_levels)
    if largest * largest * max(n, 1) >= 1 << 62:
        raise ValueError("scores too large to sum exactly")
    names = ("rows", "n", "sum_before", "sum_after", "sum_d", "sum_d2", "n_up", "n_down")
    acc = {
        name: np.zeros(space, dtype=np.int64) for name in (*names, "n_any_before", "n_any_after")
    }
    with_levels = n_levels <= MAX_HISTOGRAM_LEVELS
    before = np.zeros((space, n_levels), dtype=np.int64) if with_levels else None
    after = np.zeros((space, n_levels), dtype=np.int64) if with_levels else None
    keys = _Keys(coded, np.int64)
    for rows in _chunks(n):
        key = keys.compute(rows)
        np.add.at(acc["rows"], key, 1)
        b, a = b_raw[rows].astype(np.int64), l_raw[rows].astype(np.int64)
        paired = (b != sentinel) & (a != sentinel)
        key, b, a = key[paired], b[paired], a[paired]
        d = a - b
        np.add.at(acc["n"], key, 1)
        np.add.at(acc["sum_before"], key, b)
        np.add.at(acc["sum_after"], key, a)
        np.add.at(acc["sum_d"], key, d)
        np.add.at(acc["sum_d2"], key, d * d)
        np.add.at(acc["n_up"], key[d >= min_change], 1)
        np.add.at(acc["n_down"], key[d <= -min_change], 1)
        np.add.at(acc["n_any_before"], key[b > 0], 1)
        np.add.at(acc["n_any_after"], key[a > 0], 1)
        if before is not None and after is not None:
            np.add.at(before, (key, b - low), 1)
            np.add.at(after, (key, a - low), 1)
    index = np.flatnonzero(acc["rows"])
    result: dict[str, Any] = {name: values[index] for name, values in acc.items()}
    result["index"] = index
    result["before"] = None if before is None else before[index]
    result["after"] = None if after is None else after[index]
    return result


def key_records(keys: pl.DataFrame, groups: int) -> list[dict[str, Any]]:
    """The group keys as one dict per group (empty dicts when there is no ``by``)."""
    if keys.width == 0:
        return [{} for _ in range(groups)]
    return keys.to_dicts()


# --- process indicators (trajectory level) ------------------------------------------------------

STARTED_ON = "started_on"
ENDED_ON = "ended_on"
END_REASON = "end_reason"
REGISTERED_ON = "registered_on"
WITHOUT_HELP = "continues_without_help"
REFERRED = "referred"
PERIOD = "period"
EVERY = {"month": "1mo", "quarter": "1q", "year": "1y"}


def process_counts(
    trajectories: Any,
    by: Sequence[str],
    *,
    every: str,
    planned_reasons: Collection[str],
    start: Any = None,
    end: Any = None,
) -> pl.DataFrame:
    """Inflow, outflow and the outflow and waiting figures per group and period (unsuppressed).

    One row per combination of the ``by`` values present and each period from ``start`` (default
    the first inflow) to ``end`` (default the last inflow or outflow), with zero counts where
    nothing happened. There is deliberately no caseload (stock) column: with it, a suppressed
    flow could be recovered from the difference of two stocks.
    """
    if every not in EVERY:
        raise ValueError(f"every must be one of {', '.join(EVERY)}")
    by = list(by)
    if PERIOD in by:
        raise ValueError(f"{PERIOD!r} is added by the report; do not group by it")
    t = to_frame(trajectories)
    _require(t.columns, [STARTED_ON, ENDED_ON, *by])
    if t[STARTED_ON].null_count():
        raise ValueError(f"{STARTED_ON} may not be empty")
    for name in (STARTED_ON, ENDED_ON, REGISTERED_ON):
        if name in t.columns and t[name].dtype not in (pl.Date, pl.Null):
            raise ValueError(f"{name} must be a date column")
    # A column that is empty throughout arrives untyped (nobody has ended yet): make it a date.
    t = t.with_columns(
        pl.col(name).cast(pl.Date)
        for name in (STARTED_ON, ENDED_ON, REGISTERED_ON)
        if name in t.columns and t[name].dtype == pl.Null
    )
    if t.filter(pl.col(ENDED_ON) < pl.col(STARTED_ON)).height:
        raise ValueError(f"{ENDED_ON} lies before {STARTED_ON}")
    has_waiting = REGISTERED_ON in t.columns
    if has_waiting and t.filter(pl.col(STARTED_ON) < pl.col(REGISTERED_ON)).height:
        raise ValueError(f"{STARTED_ON} lies before {REGISTERED_ON}")
    interval = EVERY[every]
    t = t.with_columns(
        period_start(t[STARTED_ON], interval).alias("__in"),
        period_start(t[ENDED_ON].cast(pl.Date), interval).alias("__out"),
    )
    inflow_aggs = [pl.len().alias("inflow")]
    if has_waiting:
        waiting = (pl.col(STARTED_ON) - pl.col(REGISTERED_ON)).dt.total_days()
        inflow_aggs += [
            waiting.count().alias("n_waiting"),
            waiting.mean().alias("mean_waiting_days"),
            waiting.median().alias("median_waiting_days"),
        ]
    duration = (pl.col(ENDED_ON) - pl.col(STARTED_ON)).dt.total_days()
    reason_known = pl.col(END_REASON).is_not_null() if END_REASON in t.columns else pl.lit(False)
    planned = (
        _member(pl.col(END_REASON), pl.Series(list(planned_reasons), dtype=pl.String))
        if END_REASON in t.columns
        else pl.lit(False)
    )
    outflow_aggs = [
        pl.len().alias("outflow"),
        duration.mean().alias("mean_duration_days"),
        duration.median().alias("median_duration_days"),
        reason_known.sum().alias("n_reason_known"),
        (planned & reason_known).sum().alias("n_planned"),
    ]
    for column, known, hits in (
        (WITHOUT_HELP, "n_help_known", "n_without_help"),
        (REFERRED, "n_referral_known", "n_referred"),
    ):
        if column in t.columns:
            outflow_aggs += [
                pl.col(column).count().alias(known),
                pl.col(column).cast(pl.Int64).sum().alias(hits),
            ]
    keys_in = [*by, pl.col("__in").alias(PERIOD)]
    keys_out = [*by, pl.col("__out").alias(PERIOD)]
    inflow = t.group_by(keys_in).agg(inflow_aggs)
    outflow = t.filter(pl.col(ENDED_ON).is_not_null()).group_by(keys_out).agg(outflow_aggs)

    observed = [v for v in (t["__in"].min(), t["__in"].max(), t["__out"].max()) if v is not None]
    first = start if start is not None else (min(observed) if observed else None)
    last = end if end is not None else (max(observed) if observed else None)
    if first is None or last is None:
        periods = pl.DataFrame(schema={PERIOD: pl.Date})
    else:
        first, last = pl.Series([first, last], dtype=pl.Date).dt.truncate(interval).to_list()
        periods = pl.DataFrame(
            {PERIOD: pl.date_range(first, last, interval=interval, eager=True)},
            schema={PERIOD: pl.Date},
        )
    groups = t.select(by).unique() if by else pl.DataFrame({"__one": [1]})
    grid = groups.join(periods, how="cross")
    join_on = [*by, PERIOD]
    out = grid.join(inflow, on=join_on, how="left", nulls_equal=True).join(
        outflow, on=join_on, how="left", nulls_equal=True
    )
    count_columns = [
        c
        for c in out.columns
        if c in ("inflow", "outflow", "n_waiting", "n_reason_known", "n_planned")
        or c.startswith("n_help")
        or c.startswith("n_referr")
        or c in ("n_without_help", "n_referred")
    ]
    out = out.with_columns(pl.col(count_columns).fill_null(0))
    out = out.sort([*by, PERIOD], nulls_last=True)
    if "__one" in out.columns:
        out = out.drop("__one")
    return out


def period_start(dates: pl.Series, interval: str) -> pl.Series:
    """The first day of each date's period: truncated once per distinct day, then looked up."""
    if dates.dtype == pl.Datetime:
        dates = dates.dt.date()
    days = dates.to_physical()
    low, high = days.min(), days.max()
    if low is None or int(high) - int(low) > 1 << 20:
        return dates.dt.truncate(interval)
    calendar = pl.Series(np.arange(int(low), int(high) + 1, dtype=np.int32)).cast(pl.Date)
    starts = calendar.dt.truncate(interval).to_physical()
    return starts.gather((days - int(low)).cast(pl.UInt32)).cast(pl.Date).alias(dates.name)


def with_period(frame: Any, source: str, every: str, name: str) -> pl.DataFrame:
    """``frame`` plus a column ``name``: the first day of the period of date column ``source``."""
    if every not in EVERY:
        raise ValueError(f"every must be one of {', '.join(EVERY)}")
    data = to_frame(frame, [source])
    return data.with_columns(period_start(data[source], EVERY[every]).alias(name))


def unpivot_counts(sessions: Any, variables: Sequence[str], keep: Sequence[str]) -> pl.DataFrame:
    """Wide per-session counts to long measurements: one row per session and variable."""
    data = to_frame(sessions, [*keep, *variables])
    return data.unpivot(
        on=list(variables), index=list(keep), variable_name=DOMAIN, value_name=SCORE
    )
