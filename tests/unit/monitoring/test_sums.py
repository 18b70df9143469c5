"""The effect figures from sufficient statistics (issue 14): sums per group in, the same figures
out as from the pairs; secondary suppression from counts equals the one from sets of persons."""

from __future__ import annotations

from datetime import date
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from proeftuin.core.monitoring import effect_report, sums
from proeftuin.core.monitoring.analytics import report_from_sums
from proeftuin.core.monitoring.disclosure import (
    Relation,
    suppress_linked_cells,
    suppress_partitioned_cells,
)

LEVELS = range(1, 6)
scores = st.one_of(st.none(), st.integers(1, 5))


def python_sums(rows, levels=LEVELS) -> dict:
    """The sums of one group, computed the plain way (a reference for the engine and SQL)."""
    complete = [(b, a) for b, a in rows if b is not None and a is not None]
    record = {
        "rows": len(rows),
        "n": len(complete),
        "persons": len(complete),
        "sum_before": sum(b for b, _ in complete),
        "sum_after": sum(a for _, a in complete),
        "sum_d": sum(a - b for b, a in complete),
        "sum_d2": sum((a - b) ** 2 for b, a in complete),
        "n_up": sum(a - b >= 1 for b, a in complete),
        "n_down": sum(a - b <= -1 for b, a in complete),
        "n_any_before": sum(b > 0 for b, _ in complete),
        "n_any_after": sum(a > 0 for _, a in complete),
        "low": min((v for r in rows for v in r if v is not None), default=None),
        "high": max((v for r in rows for v in r if v is not None), default=None),
    }
    for i, level in enumerate(levels):
        record[f"before_{i}"] = sum(b == level for b, _ in complete)
        record[f"after_{i}"] = sum(a == level for _, a in complete)
    return record


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["finances", "housing", "health"]),
        st.lists(st.tuples(scores, scores), min_size=1, max_size=40),
        min_size=1,
    )
)
def test_figures_from_sums_equal_the_figures_from_the_pairs(groups):
    pairs = {"domain": [], "baseline_score": [], "latest_score": []}
    records = []
    for domain, rows in groups.items():
        for b, a in rows:
            pairs["domain"].append(domain)
            pairs["baseline_score"].append(b)
            pairs["latest_score"].append(a)
        records.append({"domain": domain, **python_sums(rows)})
    import polars as pl

    frame = pl.DataFrame(
        pairs, schema={"domain": pl.String, "baseline_score": pl.Int64, "latest_score": pl.Int64}
    )
    expected = effect_report(frame, ("domain",), threshold=5, levels=LEVELS)
    grouped = sums.from_rows(("domain",), reversed(records), LEVELS)
    got = report_from_sums(grouped, grouped.key_records(), ("domain",), threshold=5)
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=5, max_size=200))
def test_mean_sd_and_interval_from_sums_agree_with_scipy(rows):
    grouped = sums.from_rows(("domain",), [{"domain": "x", **python_sums(rows)}], LEVELS)
    (g,) = report_from_sums(grouped, grouped.key_records(), ("domain",), threshold=5).groups
    d = np.array([a - b for b, a in rows], dtype=float)
    assert g.n == len(rows)
    assert g.mean_change == pytest.approx(d.mean(), abs=1e-12)
    assert g.sd_change == pytest.approx(d.std(ddof=1), abs=1e-9)
    if d.std(ddof=1) > 0:
        low, high = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
        assert g.ci_low == pytest.approx(low, abs=1e-9)
        assert g.ci_high == pytest.approx(high, abs=1e-9)


def test_a_score_outside_the_levels_is_refused_like_the_engine():
    record = {"domain": "x", **python_sums([(1, 7)], levels=range(1, 8))}
    with pytest.raises(ValueError, match="outside the levels"):
        sums.from_rows(("domain",), [record], LEVELS)


def test_groups_come_in_key_order_with_missing_values_last():
    records = [{"hood": h, **python_sums([(1, 2)])} for h in ("Zuid", None, "Noord")]
    grouped = sums.from_rows(("hood",), records, LEVELS)
    assert [k for (k,) in grouped.keys] == ["Noord", "Zuid", None]


@st.composite
def partitioned_tables(draw):
    """Totals with breakdowns whose parts partition the total's persons (one pair per person)."""
    persons: dict = {}
    relations = []
    start = 0
    for t in range(draw(st.integers(1, 4))):
        sizes = draw(st.lists(st.integers(0, 25), min_size=1, max_size=6))
        total = ("total", t)
        for column in draw(st.sets(st.sampled_from(["hood", "age"]), min_size=1)):
            parts = []
            offset = start
            for i, size in enumerate(sizes if column == "hood" else sorted(sizes)):
                if size:
                    cell = (column, t, i)
                    persons[cell] = frozenset(range(offset, offset + size))
                    parts.append(cell)
                offset += size
            relations.append(Relation(total, tuple(parts)))
        if sum(sizes):
            persons[total] = frozenset(range(start, start + sum(sizes)))
        start += sum(sizes)
    relations = [r for r in relations if r.total in persons]
    return persons, relations


@settings(max_examples=150, deadline=None)
@given(partitioned_tables(), st.integers(5, 12), st.booleans())
def test_suppression_from_counts_equals_suppression_from_sets_of_persons(
    tables, threshold, secondary
):
    persons, relations = tables
    counts = {cell: len(people) for cell, people in persons.items()}
    assert suppress_partitioned_cells(
        counts, relations, threshold, secondary=secondary
    ) == suppress_linked_cells(persons, relations, threshold, secondary=secondary)


def per_cell_from_histogram(by, keys, before, after, rows, persons, levels, *, min_change=1):
    """The per-cell version of :func:`sums.from_histogram` before it was vectorised (a key tuple
    and a ``dict.setdefault`` per cell, ``np.add.at`` for the distributions): the oracle."""
    by = tuple(by)
    count = len(rows)
    b = np.array([0 if v is None else v for v in before], dtype=np.int64)
    a = np.array([0 if v is None else v for v in after], dtype=np.int64)
    b_known = np.array([v is not None for v in before], dtype=bool)
    a_known = np.array([v is not None for v in after], dtype=bool)
    weight = np.array(rows, dtype=np.int64)
    people = np.array(persons, dtype=np.int64)
    key_tuples = list(zip(*(keys[c] for c in by), strict=True)) if by else [()] * count
    index: dict[tuple, int] = {}
    codes = np.array([index.setdefault(k, len(index)) for k in key_tuples], dtype=np.int64)
    groups = len(index)
    seen = np.concatenate([b[b_known], a[a_known]])
    level_values = sums.check_levels(
        levels, int(seen.min()) if seen.size else None, int(seen.max()) if seen.size else None
    )
    complete = b_known & a_known
    d = a - b

    def total(values, mask=None):
        chosen = complete if mask is None else complete & mask
        return np.bincount(codes[chosen], weights=values[chosen], minlength=groups).astype(np.int64)

    columns = {
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
    if len(level_values) <= sums.MAX_LEVELS:
        low = int(level_values[0])
        dist_before = np.zeros((groups, len(level_values)), dtype=np.int64)
        dist_after = np.zeros((groups, len(level_values)), dtype=np.int64)
        np.add.at(dist_before, (codes[complete], b[complete] - low), weight[complete])
        np.add.at(dist_after, (codes[complete], a[complete] - low), weight[complete])
    found = list(index)
    order = sorted(range(groups), key=lambda i: sums._order(found[i]))
    return {
        "keys": tuple(found[i] for i in order),
        "levels": level_values,
        "before": None if dist_before is None else dist_before[order],
        "after": None if dist_after is None else dist_after[order],
        **{name: values[order] for name, values in columns.items()},
    }


KEY_VALUES = {
    "project_id": st.integers(1, 4),
    "domain": st.sampled_from(["housing", "finances", "health"]),
    "neighbourhood": st.sampled_from(["Noord", "Oost", "", None]),
    "period": st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 12, 31))),
}
cell_scores = st.one_of(st.none(), st.integers(0, 6), st.integers(1, 3))


@st.composite
def histograms(draw):
    """A joint histogram: key columns (with missing values), scores (some unknown), rows and
    persons per cell, and the tables to sum it into."""
    names = draw(st.lists(st.sampled_from(sorted(KEY_VALUES)), unique=True, max_size=4))
    count = draw(st.integers(0, 40))
    keys = {
        name: draw(st.lists(KEY_VALUES[name], min_size=count, max_size=count)) for name in names
    }
    before = draw(st.lists(cell_scores, min_size=count, max_size=count))
    after = draw(st.lists(cell_scores, min_size=count, max_size=count))
    rows = draw(st.lists(st.integers(1, 9), min_size=count, max_size=count))
    persons = [draw(st.integers(1, r)) for r in rows]
    tables = draw(st.lists(st.permutations(names).map(tuple), min_size=1, max_size=3))
    tables = [t[: draw(st.integers(0, len(t)))] for t in tables]
    return keys, before, after, rows, persons, tables


@settings(max_examples=300, deadline=None)
@given(histograms(), st.sampled_from([None, range(0, 7), range(0, 40)]), st.integers(1, 2))
def test_the_vectorised_histogram_sums_equal_the_per_cell_sums(histogram, levels, min_change):
    keys, before, after, rows, persons, tables = histogram
    factorised = {name: sums.key_column(values) for name, values in keys.items()}
    cells = sums.cells(before, after, rows, persons)
    for by in tables:
        expected = per_cell_from_histogram(
            by, keys, before, after, rows, persons, levels, min_change=min_change
        )
        for given_keys, combined in ((keys, sums.MAX_COMBINED), (factorised, 1)):
            # (combined=1: the codes of the columns never fit one integer, rows of codes sorted)
            with mock.patch.object(sums, "MAX_COMBINED", combined):
                got = sums.from_histogram(by, given_keys, cells, levels, min_change=min_change)
            assert got.by == by
            assert got.keys == expected["keys"]
            assert [type(v) for k in got.keys for v in k] == [
                type(v) for k in expected["keys"] for v in k
            ]
            for name in (*sums.COUNTS, "levels", "before", "after"):
                want, have = expected[name], getattr(got, name)
                if want is None:
                    assert have is None, name
                else:
                    assert have.dtype == np.int64 or name == "levels", name
                    np.testing.assert_array_equal(have, want, err_msg=name)


def test_a_date_column_sent_as_text_is_parsed_once_per_distinct_value():
    parsed = []

    def parse(value):
        parsed.append(value)
        return None if value is None else date.fromisoformat(value)

    column = sums.key_column(["2025-04-01", None, "2025-01-01", "2025-04-01"] * 50, parse)
    assert column.values == (date(2025, 1, 1), date(2025, 4, 1), None)
    assert column.codes.tolist() == [1, 2, 0, 1] * 50
    assert sorted(parsed, key=str) == ["2025-01-01", "2025-04-01", None]


def test_cells_read_unknown_scores_as_unknown_without_a_step_per_value():
    cells = sums.cells((3, None, 0), (None, 5, 2), (4, 1, 2), (3, 1, 2))
    assert cells.b.tolist() == [3, 0, 0] and cells.b_known.tolist() == [True, False, True]
    assert cells.a.tolist() == [0, 5, 2] and cells.a_known.tolist() == [False, True, True]
    assert cells.rows.dtype == cells.persons.dtype == cells.b.dtype == np.int64
    empty = sums.cells((), (), (), ())
    assert empty.b.shape == empty.rows.shape == (0,)
