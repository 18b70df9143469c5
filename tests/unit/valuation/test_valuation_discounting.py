"""Discounting, NPV and IRR, cross-checked against numpy-financial.

Convention check: ``numpy_financial.npv(rate, values)`` does not discount ``values[0]`` (it is
year 0), and neither does the engine; so the two must agree value for value, without shifting.
"""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from valuation_builders import SETTINGS, demo_chain, demo_prices

from proeftuin.core.valuation import (
    DEFAULT_DISCOUNT_RATE,
    Settings,
    appraise,
    discount_factors,
    internal_rate_of_return,
    present_value,
)

flows = st.lists(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=30
)
rates = st.floats(-0.5, 0.5, allow_nan=False, allow_infinity=False)


def test_default_rate_is_the_documented_dutch_standard_rate():
    assert DEFAULT_DISCOUNT_RATE == 0.0225
    assert Settings().discount_rate == DEFAULT_DISCOUNT_RATE


def test_year_zero_is_not_discounted():
    factors = discount_factors(0.05, 3)
    assert factors.tolist() == pytest.approx([1.0, 1 / 1.05, 1 / 1.05**2])
    assert discount_factors(0.05, 0).size == 0


@given(rate=rates, values=flows)
@settings(max_examples=100, deadline=None)
def test_present_value_matches_numpy_financial_npv(rate, values):
    expected = npf.npv(rate, values)
    assert present_value(rate, values) == pytest.approx(expected, rel=1e-9, abs=1e-6)


@given(
    outlay=st.floats(1e3, 1e6),
    returns=st.lists(st.one_of(st.just(0.0), st.floats(1.0, 5e5)), min_size=1, max_size=20).filter(
        any
    ),
)
@settings(max_examples=100, deadline=None)
def test_irr_matches_numpy_financial_for_conventional_flows(outlay, returns):
    values = [-outlay, *returns]
    ours = internal_rate_of_return(values)
    theirs = npf.irr(values)
    assert ours.rate is not None and ours.reason == ""
    assert not math.isnan(theirs)
    assert ours.rate == pytest.approx(theirs, rel=1e-6, abs=1e-9)
    if ours.rate > -0.99:
        assert abs(npf.npv(ours.rate, values)) <= 1e-6 * max(outlay, 1.0)


def test_irr_is_undefined_without_a_sign_change_or_with_several():
    assert internal_rate_of_return([100.0, 50.0]).reason == "no_sign_change"
    assert internal_rate_of_return([-100.0, -50.0]).reason == "no_sign_change"
    assert internal_rate_of_return([]).reason == "no_sign_change"
    several = internal_rate_of_return([-100.0, 230.0, -132.0])  # roots at 10% and 20%
    assert several.rate is None and several.reason == "multiple_sign_changes"


def test_simple_irr_by_hand():
    # -100 now, +110 next year: 10%.
    assert internal_rate_of_return([-100.0, 110.0]).rate == pytest.approx(0.10)


def test_appraisal_npv_and_irr_match_numpy_financial_on_the_yearly_flows():
    result = appraise(demo_chain(), demo_prices(ggz_known=True), SETTINGS)
    net = [year.net for year in result.years]
    assert len(net) == SETTINGS.horizon
    assert result.npv == pytest.approx(npf.npv(SETTINGS.discount_rate, net), rel=1e-12)
    assert result.npv == pytest.approx(sum(y.present_value for y in result.years), rel=1e-12)
    assert result.irr.rate is not None
    assert result.irr.rate == pytest.approx(npf.irr(net), rel=1e-8)


@given(rate=st.floats(0.0, 0.2))
@settings(max_examples=30, deadline=None)
def test_appraisal_npv_matches_numpy_financial_at_any_rate(rate):
    chosen = Settings(discount_rate=rate, horizon=12)
    result = appraise(demo_chain(), demo_prices(), chosen)
    net = [year.net for year in result.years]
    assert result.npv == pytest.approx(npf.npv(rate, net), rel=1e-10, abs=1e-6)
    assert result.benefits == pytest.approx(
        npf.npv(rate, [y.benefits for y in result.years]), rel=1e-10
    )
    assert result.costs == pytest.approx(npf.npv(rate, [y.costs for y in result.years]), rel=1e-10)


def test_discount_factor_vector_is_shared_by_the_appraisal():
    result = appraise(demo_chain(), demo_prices(), SETTINGS)
    factors = np.array([y.discount_factor for y in result.years])
    assert factors == pytest.approx(discount_factors(SETTINGS.discount_rate, SETTINGS.horizon))
