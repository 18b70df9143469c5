"""Tipping points (omslagpunten): each one plugged back in gives NPV = 0 within 1e-6."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from valuation_builders import GEMEENTE, SETTINGS, chains, demo_chain, demo_prices

from proeftuin.core.valuation import (
    Chain,
    Effect,
    Estimate,
    Investment,
    Price,
    PriceList,
    Settings,
    SizeKind,
    appraise,
    compile_model,
    npv_at,
    tipping_points,
)

TOLERANCE = 1e-6


def plug_back_size(chain, prices, chosen, point):
    """Rebuild the chain with the break-even value and appraise it from scratch."""
    effect = chain.effect(point.element_id)
    if point.field == "size":
        changed = chain.with_effect(
            effect.id, size=Estimate.exact(point.break_even), size_kind=SizeKind.QUANTITY
        )
    else:
        changed = chain.with_effect(effect.id, participants=Estimate.exact(point.break_even))
    return appraise(changed, prices, chosen).npv


def assert_all_points_plug_back(chain, prices, chosen):
    report = tipping_points(chain, prices, chosen)
    model = compile_model(chain, prices, chosen)
    for point in (*report.sizes, *report.participants):
        if point.break_even is None:
            continue
        assert abs(point.residual) <= TOLERANCE, point
        assert abs(npv_at(model, {point.key: point.break_even})) <= TOLERANCE, point
        if point.field == "participants" and point.break_even < 0:
            continue  # a negative head count cannot be rebuilt as a chain; npv_at checked it
        assert abs(plug_back_size(chain, prices, chosen, point)) <= TOLERANCE, point
    if report.joint.break_even is not None:
        assert abs(report.joint.residual) <= TOLERANCE
        assert abs(npv_at(model, benefit_scale=report.joint.break_even)) <= TOLERANCE
    for point in report.prices:
        if point.break_even is None:
            continue
        assert abs(point.residual) <= TOLERANCE, point
        filled = prices.with_price(point.element_id, point.break_even)
        assert abs(appraise(chain, filled, chosen).npv) <= TOLERANCE, point
    return report


def test_demo_chain_tipping_points_plug_back():
    report = assert_all_points_plug_back(demo_chain(), demo_prices(ggz_known=True), SETTINGS)
    assert len(report.sizes) == 3 and len(report.prices) == 3
    assert all(p.direction == "at_least" for p in report.sizes)


def test_unknown_price_tipping_point_is_how_much_it_would_have_to_be_worth():
    chain = demo_chain().with_investment("gemeente", amounts=(400_000,) * 3)
    prices = demo_prices()
    costly = Settings(discount_rate=0.0225, horizon=4)  # the known part is negative
    report = assert_all_points_plug_back(chain, prices, costly)
    assert report.npv < 0
    ggz = next(p for p in report.prices if p.element_id == "ggz")
    assert ggz.reason == "unknown_price" and ggz.current is None
    assert ggz.direction == "at_least" and ggz.break_even > 0
    (unknown,) = appraise(chain, prices, costly).unknowns
    assert unknown.break_even == pytest.approx(ggz.break_even)
    size = next(p for p in report.sizes if p.element_id == "ggz")
    assert size.break_even is None and size.reason == "unknown_price"


def families_chain(cost: float) -> tuple[Chain, PriceList, Settings]:
    effect = Effect(
        "uhp",
        "Uithuisplaatsing voorkomen",
        "uhp",
        size=Estimate(0.05, 0.2, 0.3),
        participants=Estimate.exact(100),
        beneficiaries=[GEMEENTE],
        duration=1,
    )
    chain = Chain([Investment.per_year("inv", "Gemeente", "jeugd", cost, 1)], [], [effect])
    return (
        chain,
        PriceList.of([Price("uhp", Estimate.exact(50_000))]),
        # Hand-computed at the likely (modal) size 0.2; the headline uses the mean 0.19167.
        Settings(discount_rate=0.0, horizon=1, central="modal"),
    )


def test_break_even_in_families_rounds_up():
    # Pays for itself if at least 12 of the 100 families avoid a placement:
    # €570,000 / €50,000 = 11.4 placements.
    chain, prices, chosen = families_chain(570_000)
    (size,) = tipping_points(chain, prices, chosen).sizes
    assert size.break_even == pytest.approx(0.114)
    assert size.cases == pytest.approx(11.4)
    assert size.minimum_whole == 12
    assert size.met and size.feasible and size.within_estimate
    (participants,) = tipping_points(chain, prices, chosen).participants
    assert participants.break_even == pytest.approx(57.0)
    assert participants.minimum_whole == 57


def test_exact_whole_break_even_is_not_rounded_up():
    chain, prices, chosen = families_chain(600_000)
    (size,) = tipping_points(chain, prices, chosen).sizes
    assert size.minimum_whole == 12


def test_unreachable_probability_is_flagged_infeasible():
    chain, prices, chosen = families_chain(6_000_000)  # needs 120 of 100 families
    report = tipping_points(chain, prices, chosen)
    (size,) = report.sizes
    assert size.break_even == pytest.approx(1.2)
    assert size.feasible is False and size.met is False
    assert report.joint.break_even == pytest.approx(6.0)
    assert abs(report.joint.residual) <= TOLERANCE


def test_effect_beyond_the_horizon_has_no_tipping_point():
    chain = demo_chain().with_effect("uhp", start_year=50)
    report = tipping_points(chain, demo_prices(ggz_known=True), SETTINGS)
    uhp = next(p for p in report.sizes if p.element_id == "uhp")
    assert uhp.break_even is None and uhp.reason == "no_value"


def test_no_benefits_means_no_joint_tipping_point():
    chain = Chain([Investment.per_year("inv", "Gemeente", "jeugd", 1000, 1)])
    report = tipping_points(chain, PriceList(), Settings(horizon=3))
    assert report.joint.break_even is None and report.joint.reason == "no_value"


@given(case=chains(max_effects=3))
@settings(max_examples=30, deadline=None)
def test_every_tipping_point_plugs_back_to_zero_on_random_chains(case):
    chain, prices, chosen = case
    assert_all_points_plug_back(chain, prices, chosen)
