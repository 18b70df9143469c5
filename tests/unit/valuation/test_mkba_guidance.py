"""Issue 10, MKBA findings: the headline on expected values, shared participant groups, rounding
to the safe side, a co-funding proposal that adds up, transfers, displacement, net effects."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from valuation_builders import GEMEENTE, chains, estimates

from proeftuin.core.valuation import (
    BenefitShare,
    Chain,
    Distribution,
    Effect,
    Estimate,
    Investment,
    Price,
    PriceList,
    Settings,
    SizeKind,
    appraise,
    compile_model,
    evaluate,
    npv_at,
    sample_parameters,
    simulate_model,
    tipping_points,
)
from proeftuin.core.valuation.appraisal import appraise_model, modal_scenario
from proeftuin.core.valuation.compiled import group_key
from proeftuin.core.valuation.model import Measure, ParticipantGroup
from proeftuin.core.valuation.reference import npv_reference
from proeftuin.core.valuation.rounding import tolerance

PLAIN = Settings(discount_rate=0.0, horizon=1)


def pert_chains():
    """Random chains whose estimates are all PERT and whose decay is certain (NPV multilinear)."""

    @st.composite
    def build(draw):
        chain, prices, chosen = draw(chains(max_effects=3))
        pert = Distribution.PERT
        effects = [
            Effect(
                e.id,
                e.indicator,
                e.price_key,
                size=draw(estimates(0.0, 1.0, pert)),
                participants=draw(estimates(0.0, 500.0, pert)),
                beneficiaries=e.beneficiaries,
                size_kind=SizeKind.PROBABILITY,
                start_year=e.start_year,
                duration=e.duration,
                deadweight=draw(estimates(0.0, 0.6, pert)),
                attribution=draw(estimates(0.2, 1.0, pert)),
                displacement=draw(estimates(0.0, 0.3, pert)),
            )
            for e in chain.effects
        ]
        price_list = PriceList.of(
            Price(p.key, draw(estimates(100.0, 80_000.0, pert))) for p in prices.prices
        )
        investments = [
            replace(i, cost_factor=replace(i.cost_factor, distribution=pert))
            for i in chain.investments
        ]
        return Chain(investments, chain.activities, effects, chain.links), price_list, chosen

    return build()


def pert_mean(e: Estimate) -> float:
    return (e.low + 4 * e.likely + e.high) / 6


# --- Headline: expected values -------------------------------------------------------------


@given(case=pert_chains())
@settings(max_examples=30, deadline=None)
def test_headline_npv_is_the_expected_npv_for_pert_chains(case):
    """Finding: the headline used the modal values. Now it is the NPV at the PERT means, which
    for independent PERT estimates with certain decay is the expected NPV (multilinear)."""
    chain, prices, chosen = case
    model = compile_model(chain, prices, chosen)
    result = appraise(chain, prices, chosen)
    assert result.basis == "expected"
    means = np.array([pert_mean(p.estimate) for p in model.parameters])
    # Hand-built: the plain loop at the PERT means, independent of the compiled arrays.
    assert result.npv == pytest.approx(npv_reference(model, means), rel=1e-9, abs=1e-9)
    modal = modal_scenario(model)
    assert modal.basis == "modal"
    assert modal.npv == pytest.approx(npv_reference(model, model.likely), rel=1e-9, abs=1e-9)


def test_headline_differs_from_the_modal_scenario_and_matches_monte_carlo():
    """Skewed ranges: the expected NPV is what Monte Carlo averages to, not the modal NPV."""
    effect = Effect(
        "uhp",
        "Uithuisplaatsing voorkomen",
        "uhp",
        size=Estimate(0.05, 0.1, 0.4),
        participants=Estimate(50, 60, 120),
        beneficiaries=[GEMEENTE],
        duration=1,
    )
    chain = Chain([Investment.per_year("inv", "Gemeente", "jeugd", 400_000, 1)], [], [effect])
    prices = PriceList.of([Price("uhp", Estimate(40_000, 50_000, 90_000))])
    model = compile_model(chain, prices, PLAIN)
    headline = appraise_model(model)
    modal = modal_scenario(model)
    # The PERT means by hand: (low + 4·likely + high) / 6.
    size, count, price = 0.85 / 6, 410 / 6, 330_000 / 6
    assert headline.npv == pytest.approx(size * count * price - 400_000, abs=1e-9)
    assert modal.npv == pytest.approx(0.1 * 60 * 50_000 - 400_000, abs=1e-9)
    mc = simulate_model(model, draws=200_000, seed=7)
    assert mc.mean == pytest.approx(headline.npv, abs=4 * mc.std / math.sqrt(200_000) + 1)


# --- Participant groups ----------------------------------------------------------------------


def families_chain(group: bool) -> tuple[Chain, PriceList, Settings]:
    """Two effects that happen to the same 80 families (the '41 families' finding)."""
    shared = Estimate.exact(80)
    effects = [
        Effect(
            "uhp",
            "Uithuisplaatsing voorkomen",
            "uhp",
            size=Estimate.exact(0.2),
            participants=shared,
            beneficiaries=[GEMEENTE],
            duration=1,
            group="gezinnen" if group else "",
        ),
        Effect(
            "huis",
            "Huisuitzetting voorkomen",
            "huis",
            size=Estimate.exact(0.25),
            participants=shared,
            beneficiaries=[BenefitShare("Woningcorporatie", "wonen", 1.0)],
            duration=1,
            group="gezinnen" if group else "",
        ),
    ]
    groups = [ParticipantGroup("gezinnen", "gezinnen", shared)] if group else []
    chain = Chain(
        [Investment.per_year("inv", "Gemeente", "jeugd", 600_000, 1)], [], effects, groups=groups
    )
    prices = PriceList.of(
        [Price("uhp", Estimate.exact(50_000)), Price("huis", Estimate.exact(20_000))]
    )
    return chain, prices, PLAIN


def test_group_break_even_moves_every_effect_of_the_group():
    """Finding: the participant tipping point moved one effect's count. Per family the chain
    yields 0.2 × 50,000 + 0.25 × 20,000 = 15,000, so 600,000 needs 40 families."""
    chain, prices, chosen = families_chain(group=True)
    report = tipping_points(chain, prices, chosen)
    (group,) = report.groups
    assert group.break_even == pytest.approx(40.0)
    assert group.minimum_whole == 40
    assert all(p.reason == "group" and p.break_even is None for p in report.participants)
    model = compile_model(chain, prices, chosen)
    assert npv_at(model, {group_key("gezinnen"): 40}) >= 0
    assert npv_at(model, {group_key("gezinnen"): 39}) < 0
    # Without a group, each effect's own point leaves the other effect at 80 families: the
    # old, misleading sentence ("ten minste 20 gezinnen") that in truth gives a loss.
    loose = tipping_points(*families_chain(group=False))
    uhp = next(p for p in loose.participants if p.element_id == "uhp")
    assert uhp.minimum_whole == 20
    assert npv_at(model, {group_key("gezinnen"): 20}) < 0


def test_monte_carlo_draws_a_group_once_per_draw():
    chain, prices, chosen = families_chain(group=True)
    effects = chain.effects
    uncertain = ParticipantGroup("gezinnen", "gezinnen", Estimate(40, 80, 120))
    chain = Chain(chain.investments, [], effects, groups=[uncertain])
    model = compile_model(chain, prices, chosen)
    assert model.participants_col[0] == model.participants_col[1]
    draws = sample_parameters(model, 1000, np.random.default_rng(3))
    column = draws[:, model.index[group_key("gezinnen")]]
    assert column.std() > 0
    result = evaluate(model, draws)
    per_family = 0.2 * 50_000 + 0.25 * 20_000
    assert result.benefits == pytest.approx(column * per_family)


def test_unknown_group_is_refused():
    chain, prices, chosen = families_chain(group=True)
    broken = Chain(chain.investments, [], chain.effects)
    with pytest.raises(ValueError, match="participant group"):
        appraise(broken, prices, chosen)


# --- Rounding to the safe side -----------------------------------------------------------------


def test_price_tipping_point_is_rounded_to_the_winning_side():
    """Finding: "ten minste € 17.361" gave an NPV of −1.88. Break-even 17,360.4 → show 17,361."""
    effect = Effect(
        "x", "effect", "p", Estimate.exact(1.0), Estimate.exact(10), [GEMEENTE], duration=1
    )
    chain = Chain([Investment.per_year("inv", "Gemeente", "jeugd", 173_604, 1)], [], [effect])
    prices = PriceList.of([Price("p", Estimate.exact(15_000))])
    (point,) = tipping_points(chain, prices, PLAIN).prices
    assert point.break_even == pytest.approx(17_360.4)
    assert point.shown == 17_361
    model = compile_model(chain, prices, PLAIN)
    assert npv_at(model, {point.key: point.shown}) >= 0
    assert npv_at(model, {point.key: round(point.break_even)}) < 0  # what used to be shown


@given(case=chains(max_effects=3))
@settings(max_examples=40, deadline=None)
def test_every_displayed_tipping_point_keeps_the_conclusion(case):
    """Bar: every tipping point, applied at its displayed value, leaves NPV ≥ 0."""
    chain, prices, chosen = case
    model = compile_model(chain, prices, chosen)
    report = tipping_points(chain, prices, chosen)
    base = evaluate(model, model.center)
    tol = tolerance(float(base.benefits[0]), float(base.costs[0]))
    points = [*report.sizes, *report.participants, *report.groups, *report.prices, report.joint]
    for point in points:
        if point.break_even is None or point.reason:
            continue
        assert point.shown is not None, point
        if point.direction == "at_least":
            assert point.shown >= point.break_even - 1e-9 * max(1, abs(point.break_even))
        else:
            assert point.shown <= point.break_even + 1e-9 * max(1, abs(point.break_even))
        if point.field == "scale":
            assert npv_at(model, benefit_scale=point.shown) >= -tol, point
        else:
            assert npv_at(model, {point.key: point.shown}) >= -tol, point
        if point.minimum_whole is not None and point.cases is not None:
            count = point.cases / point.break_even if point.break_even else None
            if count:
                value = point.minimum_whole / count
                assert npv_at(model, {point.key: value}) >= -tol, point


# --- Co-funding ----------------------------------------------------------------------------


@given(case=chains(max_effects=3))
@settings(max_examples=40, deadline=None)
def test_cofunding_never_asks_more_than_a_benefit_and_closes_the_gap(case):
    """Bar: asks ≤ a party's benefit (≤ its surplus), together the gap, or the shortfall said."""
    chain, prices, chosen = case
    result = appraise(chain, prices, chosen)
    plan = result.cofunding
    asks = [p.cofunding_ask for p in result.parties if p.cofunding_ask is not None]
    for party in result.parties:
        if party.cofunding_ask is None:
            continue
        assert party.cofunding_ask <= max(0.0, party.gains - party.pays) + 1e-6
        assert party.cofunding_ask <= party.gains + 1e-6
    assert math.fsum(asks) == pytest.approx(plan.raised, rel=1e-9, abs=1e-6)
    if result.npv >= 0:
        assert plan.closable and plan.raised == pytest.approx(plan.gap, rel=1e-9, abs=1e-6)
    else:
        assert plan.shortfall == pytest.approx(-result.npv, rel=1e-9, abs=1e-6)
    proposed = math.fsum(p.contribution_by_benefit for p in result.parties)
    assert proposed == pytest.approx(result.costs, rel=1e-9, abs=1e-6)


def test_negative_npv_never_asks_more_than_the_benefit():
    """Finding: with a negative NPV a party was asked 124,922 against 11,631 of benefit."""
    effect = Effect(
        "x",
        "effect",
        "p",
        Estimate.exact(1.0),
        Estimate.exact(1),
        [BenefitShare("Zorgverzekeraar", "zorg", 1.0)],
        duration=1,
    )
    chain = Chain([Investment.per_year("inv", "Gemeente", "jeugd", 400_000, 1)], [], [effect])
    result = appraise(chain, PriceList.of([Price("p", Estimate.exact(11_631))]), PLAIN)
    insurer = next(p for p in result.parties if p.party == "Zorgverzekeraar")
    assert insurer.cofunding_ask == pytest.approx(11_631)
    assert result.cofunding.shortfall == pytest.approx(400_000 - 11_631)
    assert not result.cofunding.closable


def test_party_with_only_unknown_benefits_is_marked_not_zero():
    """Finding: parties whose benefit price is onbekend got a 0% share."""
    effects = [
        Effect("a", "a", "known", Estimate.exact(1.0), Estimate.exact(1), [GEMEENTE], duration=1),
        Effect(
            "b",
            "b",
            "unknown",
            Estimate.exact(1.0),
            Estimate.exact(1),
            [BenefitShare("Politie", "veiligheid", 1.0)],
            duration=1,
        ),
    ]
    chain = Chain([Investment.per_year("inv", "Gemeente", "jeugd", 1_000, 1)], [], effects)
    prices = PriceList.of([Price("known", Estimate.exact(5_000)), Price.unknown("unknown")])
    result = appraise(chain, prices, PLAIN)
    police = next(p for p in result.parties if p.party == "Politie")
    assert police.cofunding_ask is None and police.contribution_by_benefit is None
    assert police.benefit_unknown
    assert result.cofunding.unknown_parties == ("Politie",)
    assert [v.effect_id for v in result.unpriced] == ["b"]  # the PM table


# --- Transfers, displacement, net effects ---------------------------------------------------


def test_transfer_is_shown_apart_and_outside_the_welfare_balance():
    """Finding: avoided bijstand payments counted as a gain."""
    effects = [
        Effect(
            "werk", "werk", "p", Estimate.exact(1.0), Estimate.exact(10), [GEMEENTE], duration=1
        ),
        Effect(
            "bijstand",
            "minder bijstand",
            "bijstand",
            Estimate.exact(1.0),
            Estimate.exact(10),
            [BenefitShare("Gemeente", "inkomen", 1.0)],
            duration=1,
            transfer=True,
        ),
    ]
    chain = Chain([Investment.per_year("inv", "Gemeente", "jeugd", 1_000, 1)], [], effects)
    prices = PriceList.of(
        [Price("p", Estimate.exact(300)), Price("bijstand", Estimate.exact(15_000))]
    )
    result = appraise(chain, prices, PLAIN)
    assert result.benefits == pytest.approx(3_000)
    assert result.npv == pytest.approx(2_000)
    assert [t.effect_id for t in result.transfers] == ["bijstand"]
    assert result.transfers[0].present_value == pytest.approx(150_000)
    assert sum(p.gains for p in result.parties) == pytest.approx(3_000)


def test_displacement_beside_deadweight_and_attribution():
    effect = Effect(
        "x",
        "x",
        "p",
        Estimate.exact(1.0),
        Estimate.exact(100),
        [GEMEENTE],
        duration=1,
        deadweight=Estimate.exact(0.2),
        attribution=Estimate.exact(0.5),
        displacement=Estimate.exact(0.25),
    )
    chain = Chain([], [], [effect])
    prices = PriceList.of([Price("p", Estimate.exact(1_000))])
    assert appraise(chain, prices, PLAIN).benefits == pytest.approx(100_000 * 0.8 * 0.5 * 0.75)


def test_net_effect_is_not_corrected_twice():
    """Finding: deadweight and attribution were applied to effects already measured against
    the reference scenario. A net effect keeps its size; a finding says the corrections are
    ignored."""
    effect = Effect(
        "x",
        "x",
        "p",
        Estimate.exact(1.0),
        Estimate.exact(100),
        [GEMEENTE],
        duration=1,
        deadweight=Estimate.exact(0.2),
        attribution=Estimate.exact(0.5),
        measure=Measure.NET,
    )
    chain = Chain([], [], [effect])
    result = appraise(chain, PriceList.of([Price("p", Estimate.exact(1_000))]), PLAIN)
    assert result.benefits == pytest.approx(100_000)
    assert any(f.code == "net_corrections_ignored" for f in result.findings)


def test_npv_and_irr_cross_checked_with_numpy_financial():
    effect = Effect(
        "x",
        "x",
        "p",
        Estimate(0.5, 1.0, 1.5),
        Estimate.exact(10),
        [GEMEENTE],
        size_kind=SizeKind.QUANTITY,
        duration=5,
    )
    chain = Chain([Investment.per_year("inv", "Gemeente", "jeugd", 20_000, 1)], [], [effect])
    settings_ = Settings(discount_rate=0.0225, horizon=6)
    result = appraise(chain, PriceList.of([Price("p", Estimate.exact(1_000))]), settings_)
    flows = [y.net for y in result.years]
    assert result.npv == pytest.approx(npf.npv(0.0225, flows), rel=1e-10)
    assert result.irr.rate is not None
    assert result.irr.rate == pytest.approx(npf.irr(flows), rel=1e-8)
