"""An effect whose size is already in euros (an observed cost difference, e.g. the case
timelines): no price, no fake € 1 unit price; the size is the value (issue 13, the last gaps).
The MKBA conventions hold for it: constant prices, the 2.25% real discount rate, expected values,
Monte Carlo on its interval; and it cannot be given a price by mistake."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.strategies import booleans as st_booleans
from valuation_builders import GEMEENTE, chains, demo_chain, demo_prices, estimates

from proeftuin.core.valuation import (
    Distribution,
    Effect,
    Estimate,
    Price,
    Settings,
    SizeKind,
    ValuationError,
    appraise,
    compile_model,
    simulate_model,
    tipping_points_model,
)
from proeftuin.core.valuation.compiled import evaluate
from proeftuin.core.valuation.discounting import DEFAULT_DISCOUNT_RATE
from proeftuin.core.valuation.reference import npv_reference

SAVING = Estimate(20_000, 30_000, 40_000, Distribution.NORMAL)


def _observed(**changes) -> Effect:
    effect = Effect(
        "case",
        "Lagere kosten van hulp (casusverloop)",
        "",
        size=SAVING,
        participants=Estimate.exact(10),
        beneficiaries=[GEMEENTE],
        size_kind=SizeKind.AMOUNT,
        start_year=1,
        duration=1,
        basis="observed",
        measure="net",
    )
    return replace(effect, **changes)


def _chain(effect):
    chain = demo_chain()
    return replace(chain, effects=(*chain.effects, effect))


def test_the_size_in_euros_is_the_value_discounted_at_the_guideline_rate():
    assert round(DEFAULT_DISCOUNT_RATE, 6) == 0.0225
    settings = Settings(central="expected")
    with_case = appraise(_chain(_observed()), demo_prices(), settings)
    without = appraise(demo_chain(), demo_prices(), settings)
    value = next(v for v in with_case.effects if v.effect_id == "case")
    expected = 30_000 * 10 / (1 + DEFAULT_DISCOUNT_RATE)
    assert value.present_value == pytest.approx(expected)
    assert with_case.npv - without.npv == pytest.approx(expected)
    model = compile_model(_chain(_observed()), demo_prices(), settings)
    assert npv_reference(model, model.center) == pytest.approx(with_case.npv)
    assert not any(p.key.startswith("price:") and "case" in p.key for p in model.parameters)


def test_no_price_list_entry_is_needed_and_no_price_tipping_point_is_made():
    prices = demo_prices()
    assert "" not in prices and "euro" not in prices
    model = compile_model(_chain(_observed()), prices)
    tipping = tipping_points_model(model)
    assert all(point.element_id != "" for point in tipping.prices)
    assert any(point.element_id == "case" for point in tipping.sizes)


def test_monte_carlo_draws_the_observed_interval():
    model = compile_model(_chain(_observed(duration=None)), demo_prices())
    result = simulate_model(model, draws=2_000, seed=1)
    low = simulate_model(
        compile_model(_chain(_observed(size=Estimate.exact(20_000), duration=None)), demo_prices()),
        draws=2_000,
        seed=1,
    )
    assert result.mean > low.mean


def test_a_price_on_an_amount_in_euros_is_refused():
    prices = replace(demo_prices(), prices=(*demo_prices().prices, Price("euro", 1.0)))
    with pytest.raises(ValuationError, match="already in euros"):
        compile_model(_chain(_observed(price_key="euro")), prices)


@settings(max_examples=40, deadline=None)
@given(chain_prices=chains(), saving=estimates(-5_000.0, 50_000.0), transfer=st_booleans())
def test_an_amount_in_a_random_chain_adds_the_same_value_in_every_reading(
    chain_prices, saving, transfer
):
    """The vectorised evaluation and the plain reference loop agree with an amount in euros in
    the chain, and the amount adds exactly size × participants × discounted years."""
    chain, prices, chosen = chain_prices
    effect = _observed(size=saving, duration=None, transfer=transfer, start_year=0)
    with_amount = compile_model(replace(chain, effects=(*chain.effects, effect)), prices, chosen)
    row = with_amount.center
    npv = float(evaluate(with_amount, row).npv[0])
    assert npv == pytest.approx(npv_reference(with_amount, row), rel=1e-9, abs=1e-6)
    without = compile_model(chain, prices, chosen)
    added = npv - float(evaluate(without, without.center).npv[0])
    size = row[with_amount.index["effect:case:size"]]  # the headline basis's value
    expected = 0.0 if transfer else size * 10 * float(np.sum(with_amount.discount))
    assert added == pytest.approx(expected, rel=1e-9, abs=1e-6)
