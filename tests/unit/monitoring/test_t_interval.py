"""The t-interval at another confidence than a stored figure's, checked against SciPy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from proeftuin.core.monitoring.stats import t_interval


@given(
    mean=st.floats(-50, 50),
    se=st.floats(0.001, 20),
    df=st.integers(1, 500),
    confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_t_interval_matches_scipy(mean, se, df, confidence):
    low, high = t_interval(mean, se, df, confidence)
    expected = scipy_stats.t.interval(confidence, df, loc=mean, scale=se)
    assert low == pytest.approx(expected[0], rel=1e-6, abs=1e-6)
    assert high == pytest.approx(expected[1], rel=1e-6, abs=1e-6)


def test_without_an_se_the_interval_collapses_and_a_bad_confidence_is_refused():
    assert t_interval(1.5, None, 10, 0.9) == (1.5, 1.5)
    assert t_interval(1.5, 0.3, 0, 0.9) == (1.5, 1.5)
    with pytest.raises(ValueError):
        t_interval(1.0, 0.1, 5, 1.0)
