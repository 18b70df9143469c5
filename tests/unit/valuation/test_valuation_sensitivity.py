"""Tornado chart: each bar is the NPV with one estimate at low/high and the rest at likely."""

from __future__ import annotations

import pytest
from valuation_builders import SETTINGS, demo_chain, demo_prices

from proeftuin.core.valuation import Estimate, appraise, tornado


def test_bars_match_rebuilt_chains_and_are_sorted_by_swing():
    chain, prices = demo_chain(), demo_prices(ggz_known=True)
    chart = tornado(chain, prices, SETTINGS)
    assert chart.base_npv == pytest.approx(appraise(chain, prices, SETTINGS).npv)
    swings = [bar.swing for bar in chart.bars]
    assert swings == sorted(swings, reverse=True)
    for bar in chart.bars:
        for value, npv in ((bar.low, bar.npv_at_low), (bar.high, bar.npv_at_high)):
            if bar.key.startswith("effect:"):
                changed = chain.with_effect(bar.element_id, **{bar.field: Estimate.exact(value)})
                expected = appraise(changed, prices, SETTINGS).npv
            elif bar.key.startswith("price:"):
                expected = appraise(chain, prices.with_price(bar.element_id, value), SETTINGS).npv
            else:
                changed = chain.with_investment(bar.element_id, cost_factor=Estimate.exact(value))
                expected = appraise(changed, prices, SETTINGS).npv
            assert npv == pytest.approx(expected, rel=1e-10), bar.key


def test_only_uncertain_estimates_get_a_bar_and_unknown_prices_none():
    chart = tornado(demo_chain(), demo_prices(), SETTINGS)
    keys = {bar.key for bar in chart.bars}
    assert "effect:uitzetting:participants" not in keys  # exact
    assert not any(key.startswith("effect:ggz:") for key in keys)  # its price is onbekend
    assert {"effect:uhp:size", "price:uhp", "investment:gemeente:cost_factor"} <= keys
    assert all(bar.swing > 0 for bar in chart.bars)


def test_decay_and_costs_swing_the_other_way():
    bars = {bar.key: bar for bar in tornado(demo_chain(), demo_prices(), SETTINGS).bars}
    assert bars["effect:uhp:decay"].npv_at_high < bars["effect:uhp:decay"].npv_at_low
    assert (
        bars["investment:gemeente:cost_factor"].npv_at_high
        < bars["investment:gemeente:cost_factor"].npv_at_low
    )
    assert bars["effect:uhp:size"].npv_at_high > bars["effect:uhp:size"].npv_at_low
