"""Student's t quantiles without SciPy, checked against SciPy; paired figures from sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from proeftuin.core.monitoring.stats import (
    EXPANSION_MIN_DF,
    incomplete_beta,
    paired_summary,
    t_quantile,
    t_quantiles,
)

PROBABILITIES = (0.6, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995)


@pytest.mark.parametrize("p", PROBABILITIES)
def test_t_quantile_matches_scipy_on_both_methods(p):
    dfs = [*range(1, 40), 57, 99, 150, 299, 300, 301, 450, 999, 5000, 10**5, 10**7]
    for df in dfs:
        ours, theirs = t_quantile(p, df), sps.t.ppf(p, df)
        assert ours == pytest.approx(theirs, rel=1e-11), (p, df)
        assert t_quantile(1 - p, df) == pytest.approx(-theirs, rel=1e-11)


@settings(max_examples=80, deadline=None)
@given(
    p=st.floats(min_value=0.55, max_value=0.9995),  # near 0.5 SciPy is the less exact
    df=st.one_of(
        st.integers(min_value=1, max_value=3 * EXPANSION_MIN_DF),
        st.floats(min_value=0.5, max_value=1e6),
    ),
)
def test_t_quantile_matches_scipy_for_random_arguments(p, df):
    assert t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-10)


def test_vectorised_quantiles_equal_the_scalar_ones():
    dfs = np.array([0, 1, 2, 5, 5, 299, 300, 1000, 123456])
    out = t_quantiles(0.975, dfs)
    assert math.isnan(out[0])
    for df, value in zip(dfs[1:], out[1:], strict=True):
        assert value == t_quantile(0.975, float(df))


def test_quantile_edges_and_bad_arguments():
    assert t_quantile(0.5, 7) == 0.0
    for bad in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError):
            t_quantile(bad, 10)
    with pytest.raises(ValueError):
        t_quantile(0.975, 0)


@pytest.mark.parametrize(
    ("a", "b", "x"), [(0.5, 0.5, 0.3), (2, 3, 0.7), (50, 0.5, 0.99), (1, 1, 0.25)]
)
def test_incomplete_beta_matches_scipy(a, b, x):
    from scipy.special import betainc

    assert incomplete_beta(a, b, x) == pytest.approx(betainc(a, b, x), rel=1e-13)
    assert incomplete_beta(a, b, 0.0) == 0.0
    assert incomplete_beta(a, b, 1.0) == 1.0


def test_paired_summary_degenerate_groups():
    # n = 0, n = 1, SD = 0 (all changes +1), and a regular group.
    summary = paired_summary(
        np.array([0, 1, 4, 3]), np.array([0, 2, 4, 0]), np.array([0, 4, 4, 2]), 0.95
    )
    assert math.isnan(summary.mean[0]) and math.isnan(summary.sd[0])
    assert summary.mean[1] == 2 and math.isnan(summary.sd[1]) and math.isnan(summary.ci_low[1])
    assert summary.sd[2] == 0 and summary.ci_low[2] == summary.ci_high[2] == 1.0
    assert math.isnan(summary.effect_size[2])
    assert summary.sd[3] == pytest.approx(1.0) and summary.df[3] == 2


def test_paired_summary_is_exact_for_huge_integer_sums():
    # n·Σd² would overflow int64 here; Python integers keep the numerator exact.
    n = np.array([3_000_000_000])
    s1 = np.array([3_000_000_000])
    s2 = np.array([3_000_000_000 * 4])
    summary = paired_summary(n, s1, s2, 0.95)
    assert summary.mean[0] == 1.0
    expected = math.sqrt((3_000_000_000 * 12_000_000_000 - 3_000_000_000**2) / (3e9 * (3e9 - 1)))
    assert summary.sd[0] == pytest.approx(expected, rel=1e-12)


def test_confidence_must_be_a_probability():
    with pytest.raises(ValueError):
        paired_summary(np.array([5]), np.array([1]), np.array([3]), 1.0)
