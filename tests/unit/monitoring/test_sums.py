"""The effect figures from sufficient statistics (issue 14): sums per group in, the same figures
out as from the pairs; secondary suppression from counts equals the one from sets of persons."""

from __future__ import annotations

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
