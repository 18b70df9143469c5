"""The effect report: cross-checked with SciPy's paired t, suppressed, and exact on edge cases."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from monitoring_builders import grouped_scores, maybe_level, pairs_frame
from scipy import stats as sps

from proeftuin.core.monitoring import (
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    GroupEffect,
    effect_report,
)
from proeftuin.core.monitoring import engine as engine_module
from proeftuin.core.monitoring.engine import group_pairs

FIGURES = [
    f
    for f in GroupEffect.__dataclass_fields__
    if f not in ("key", "suppressed", "rounded")  # everything else is a figure
]


def by_group(rows):
    groups = defaultdict(list)
    for project, domain, b, a in rows:
        groups[(project, domain)].append((b, a))
    return groups


@settings(max_examples=50, deadline=None)
@given(rows=grouped_scores(), confidence=st.sampled_from([0.95, 0.9, 0.99]))
def test_n_mean_and_interval_equal_scipy_paired_t(rows, confidence):
    report = effect_report(pairs_frame(rows), threshold=MIN_THRESHOLD, confidence=confidence)
    expected = by_group(rows)
    assert [tuple(g.key.values()) for g in report.groups] == sorted(expected)
    for group in report.groups:
        pairs = expected[tuple(group.key.values())]
        before = np.array([b for b, _ in pairs], dtype=float)
        after = np.array([a for _, a in pairs], dtype=float)
        diff = after - before
        assert not group.suppressed
        assert group.n == len(pairs)
        assert group.mean_change == pytest.approx(diff.mean(), abs=1e-9)
        assert group.sd_change == pytest.approx(diff.std(ddof=1), abs=1e-9)
        if diff.std() == 0:
            assert group.ci_low == group.ci_high == group.mean_change
            assert group.effect_size is None
            continue
        result = sps.ttest_rel(after, before)
        low, high = result.confidence_interval(confidence)
        assert group.ci_low == pytest.approx(low, abs=1e-9)
        assert group.ci_high == pytest.approx(high, abs=1e-9)
        interval = sps.t.interval(confidence, len(diff) - 1, loc=diff.mean(), scale=sps.sem(diff))
        assert (group.ci_low, group.ci_high) == pytest.approx(interval, abs=1e-9)
        assert group.df == len(diff) - 1
        assert group.se_change == pytest.approx(sps.sem(diff), abs=1e-12)
        assert group.effect_size == pytest.approx(diff.mean() / diff.std(ddof=1), abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=6),
            st.integers(min_value=1, max_value=3),
            maybe_level,
            maybe_level,
        ),
        max_size=150,
    ),
    threshold=st.integers(min_value=MIN_THRESHOLD, max_value=15),
)
def test_no_group_below_the_threshold_shows_any_figure(rows, threshold):
    report = effect_report(pairs_frame(rows), threshold=threshold, levels=range(1, 6))
    complete = defaultdict(int)
    for project, domain, b, a in rows:
        complete[(project, domain)] += b is not None and a is not None
    for group in report.groups:
        n = complete[(group.key["project_id"], group.key["domain"])]
        assert group.suppressed == (n < threshold)
        if group.suppressed:
            assert all(getattr(group, f) is None for f in FIGURES)
        else:
            assert group.n == n >= threshold
    for record in report.records():
        if record["suppressed"]:
            shown = {
                k: v for k, v in record.items() if k not in ("project_id", "domain", "rounded")
            }
            assert set(shown.values()) == {True, None}


@pytest.mark.parametrize("threshold", [4, 0, -1, 2.5, "10", True])
def test_a_threshold_below_five_or_not_whole_is_refused(threshold):
    with pytest.raises(ValueError):
        effect_report(pairs_frame([(1, 1, 2, 3)] * 12), threshold=threshold)


def test_threshold_defaults_to_ten_and_may_be_raised():
    pairs = pairs_frame([(1, 1, 2, 3)] * 9 + [(2, 1, 2, 3)] * 10)
    default = effect_report(pairs)
    assert default.threshold == DEFAULT_THRESHOLD == 10
    assert [g.suppressed for g in default.groups] == [True, False]
    assert [g.suppressed for g in effect_report(pairs, threshold=11).groups] == [True, True]
    assert [g.suppressed for g in effect_report(pairs, threshold=5).groups] == [False, False]


@settings(max_examples=25, deadline=None)
@given(rows=grouped_scores(), min_change=st.integers(min_value=1, max_value=3))
def test_shares_sum_to_one_and_count_the_changes(rows, min_change):
    report = effect_report(pairs_frame(rows), threshold=5, min_change=min_change)
    expected = by_group(rows)
    for group in report.groups:
        diffs = [a - b for b, a in expected[tuple(group.key.values())]]
        total = group.share_improved + group.share_stable + group.share_worse
        assert total == pytest.approx(1.0, abs=1e-12)
        assert group.share_improved == sum(d >= min_change for d in diffs) / len(diffs)
        assert group.share_worse == sum(d <= -min_change for d in diffs) / len(diffs)


def test_identical_changes_give_a_degenerate_interval_and_no_effect_size():
    report = effect_report(pairs_frame([(1, 1, 2, 4)] * 12 + [(1, 2, 3, 3)] * 12))
    up, flat = report.groups
    assert (up.mean_change, up.sd_change, up.se_change) == (2.0, 0.0, 0.0)
    assert up.ci_low == up.ci_high == 2.0
    assert up.effect_size is None
    assert (up.share_improved, up.share_stable, up.share_worse) == (1.0, 0.0, 0.0)
    assert flat.mean_change == 0.0 and flat.ci_low == flat.ci_high == 0.0
    assert flat.effect_size is None and flat.share_stable == 1.0


def test_unknown_scores_are_unpaired_never_zero():
    rows = [(1, 1, 2, 3)] * 10 + [(1, 1, None, 5), (1, 1, 1, None), (1, 1, None, None)]
    (group,) = effect_report(pairs_frame(rows), levels=range(1, 6)).groups
    assert group.n == 10 and group.n_unpaired == 3
    assert group.mean_before == 2.0 and group.mean_after == 3.0 and group.mean_change == 1.0
    assert group.before == (0, 10, 0, 0, 0) and group.after == (0, 0, 10, 0, 0)


def test_distributions_and_means_before_and_after():
    rows = [(1, 1, 1, 2)] * 4 + [(1, 1, 3, 5)] * 6 + [(1, 1, 5, 4)] * 2
    report = effect_report(pairs_frame(rows), levels=range(1, 6))
    (group,) = report.groups
    assert report.levels == (1, 2, 3, 4, 5)
    assert group.before == (4, 0, 6, 0, 2) and group.after == (0, 4, 0, 2, 6)
    assert group.mean_before == pytest.approx((4 + 18 + 10) / 12)
    assert group.mean_after == pytest.approx((8 + 30 + 8) / 12)
    record = report.records()[0]
    assert record["before_3"] == 6 and record["after_5"] == 6
    assert record["project_id"] == 1 and record["domain"] == 1


def test_levels_are_checked():
    pairs = pairs_frame([(1, 1, 2, 6)] * 10)
    with pytest.raises(ValueError, match="outside"):
        effect_report(pairs, levels=range(1, 6))
    with pytest.raises(ValueError, match="consecutive"):
        effect_report(pairs, levels=[1, 3, 6])


def test_higher_is_better_false_counts_a_decrease_as_improved():
    rows = [(1, 1, 5, 2)] * 8 + [(1, 1, 1, 3)] * 2
    (group,) = effect_report(pairs_frame(rows), higher_is_better=False).groups
    assert group.share_improved == 0.8 and group.share_worse == 0.2
    assert group.mean_change == pytest.approx((-24 + 4) / 10)


def test_breakdowns_by_strings_dates_nulls_and_no_key():
    rows = [(1, 1, 2, 3)] * 30
    pairs = pairs_frame(rows).with_columns(
        neighbourhood=pl.Series(["Noord", "Zuid", None] * 10),
        period=pl.Series([date(2024, 1, 1), date(2024, 4, 1)] * 15),
        active=pl.Series([True, False, None] * 10),
    )
    by_n = effect_report(pairs, by=["neighbourhood"], threshold=5).groups
    assert [g.key["neighbourhood"] for g in by_n] == ["Noord", "Zuid", None]
    assert [g.n for g in by_n] == [10, 10, 10]
    by_p = effect_report(pairs, by=["period", "active"], threshold=5).groups
    assert [tuple(g.key.values()) for g in by_p] == [
        (date(2024, 1, 1), False),
        (date(2024, 1, 1), True),
        (date(2024, 1, 1), None),
        (date(2024, 4, 1), False),
        (date(2024, 4, 1), True),
        (date(2024, 4, 1), None),
    ]
    (total,) = effect_report(pairs, by=[]).groups
    assert total.key == {} and total.n == 30
    only = effect_report(pairs, by=["project_id"], where={"neighbourhood": ["Zuid"]}).groups
    assert [g.n for g in only] == [10]


def test_input_as_a_lazy_frame_or_a_mapping():
    pairs = pairs_frame([(1, 1, 2, 3)] * 10)
    expected = effect_report(pairs).groups
    assert effect_report(pairs.lazy()).groups == expected
    assert effect_report(pairs.to_dict(as_series=False)).groups == expected
    with pytest.raises(ValueError, match="missing column"):
        effect_report(pairs, by=["neighbourhood"])


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(min_value=-3, max_value=40),
            st.integers(min_value=1, max_value=3),
            maybe_level,
            maybe_level,
        ),
        max_size=120,
    ),
    min_change=st.integers(min_value=1, max_value=2),
)
def test_histogram_and_sum_kernels_agree(rows, min_change):
    pairs = pairs_frame(rows)
    a = group_pairs(pairs, ["project_id", "domain"], method="histogram", min_change=min_change)
    b = group_pairs(pairs, ["project_id", "domain"], method="sums", min_change=min_change)
    assert a.keys.equals(b.keys)
    for field in ("rows", "n", "sum_before", "sum_after", "sum_d", "sum_d2", "n_up", "n_down"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    for field in ("n_any_before", "n_any_after", "before", "after", "levels"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field


def test_wide_scales_use_exact_sums_without_distributions():
    rows = [(1, 1, 0, 100), (1, 1, 50, 60)] * 5
    report = effect_report(pairs_frame(rows))
    (group,) = report.groups
    assert group.n == 10 and group.mean_change == 55.0
    assert group.before is None and group.after is None


def test_compacts_group_keys_beyond_the_bin_budget(monkeypatch):
    rows = [(p, d, 2, 3 + (p % 2)) for p in (1, 10**6, 10**9) for d in (1, 2)] * 5
    expected = effect_report(pairs_frame(rows), threshold=5).groups
    monkeypatch.setattr(engine_module, "BIN_BUDGET", 16)
    compacted = effect_report(pairs_frame(rows), threshold=5).groups
    assert compacted == expected
    assert [g.key["project_id"] for g in compacted] == [1, 1, 10**6, 10**6, 10**9, 10**9]


def test_bad_arguments():
    pairs = pairs_frame([(1, 1, 2, 3)] * 10)
    with pytest.raises(ValueError):
        effect_report(pairs, confidence=0)
    with pytest.raises(ValueError):
        effect_report(pairs, min_change=0)
    with pytest.raises(ValueError):
        effect_report(pairs, by=["domain", "domain"])
    with pytest.raises(ValueError):
        effect_report(pairs.with_columns(pl.col("latest_score").cast(pl.Float64)))
    with pytest.raises(ValueError):
        group_pairs(pairs, ["domain"], method="magic")


def test_an_empty_table_gives_an_empty_report():
    report = effect_report(pairs_frame([]))
    assert report.groups == ()


def test_enum_keys_keep_their_order_and_text_keys_sort():
    rows = [(1, 1, 2, 3)] * 30
    ages = pl.Enum(["18-26", "27-44", "45+"])
    pairs = pairs_frame(rows).with_columns(
        age_group=pl.Series(["45+", "18-26", None] * 10, dtype=ages),
        team=pl.Series(["b", "a", "c"] * 10, dtype=pl.Categorical),
        weight=pl.Series([0.5, 1.5, None] * 10),
    )
    by_age = effect_report(pairs, by=["age_group"], threshold=5).groups
    assert [g.key["age_group"] for g in by_age] == ["18-26", "45+", None]
    by_team = effect_report(pairs, by=["team"], threshold=5).groups
    assert [g.key["team"] for g in by_team] == ["a", "b", "c"]
    by_weight = effect_report(pairs, by=["weight"], threshold=5).groups
    assert [g.key["weight"] for g in by_weight] == [0.5, 1.5, None]
