"""Bad input raises a ``ValueError`` subclass whose message names the element at fault."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from valuation_builders import SETTINGS, demo_chain, demo_prices

from proeftuin.core.valuation import (
    Activity,
    BenefitShare,
    CycleError,
    Distribution,
    DuplicateIdError,
    Estimate,
    InvalidLinkError,
    InvalidValueError,
    Link,
    MissingPriceError,
    RangeOrderError,
    Settings,
    ShareError,
    SizeKind,
    UnallocatedEffectError,
    UnknownReferenceError,
    ValuationError,
    appraise,
    simulate,
    tipping_points,
    tornado,
    validate,
)


def raises(error: type[ValuationError], chain, prices=None, settings=SETTINGS, *names: str):
    """Every entry point raises the same error, and its message names each of ``names``."""
    prices = prices or demo_prices()
    for entry in (validate, appraise, tipping_points, tornado):
        with pytest.raises(error) as caught:
            entry(chain, prices, settings)
        assert isinstance(caught.value, ValueError)
        for name in names:
            assert name in str(caught.value), (name, str(caught.value))
    with pytest.raises(error):
        simulate(chain, prices, settings, draws=10, seed=1)
    return caught.value


def test_the_demo_chain_is_valid_and_its_findings_name_the_unknown_price():
    findings = validate(demo_chain(), demo_prices(), SETTINGS)
    assert [(f.element_id, f.code) for f in findings] == [("ggz", "unknown_price")]


def test_cycle_names_every_element_on_the_loop():
    chain = demo_chain()
    chain = replace(chain, links=(*chain.links, Link("ggz", "regie", "als minder GGZ, dan ...")))
    error = raises(CycleError, chain, None, SETTINGS, "regie", "uhp", "ggz", "Minder GGZ-trajecten")
    assert error.code == "cycle"
    assert error.cycle[0] == error.cycle[-1]
    assert set(error.cycle) == {"regie", "uhp", "ggz"}


def test_self_loop_is_a_cycle():
    chain = demo_chain()
    chain = replace(chain, links=(*chain.links, Link("uhp", "uhp", "")))
    raises(CycleError, chain, None, SETTINGS, "uhp")


def test_effect_without_beneficiaries_benefits_nobody():
    chain = demo_chain().with_effect("uhp", beneficiaries=())
    error = raises(UnallocatedEffectError, chain, None, SETTINGS, "uhp", "benefits nobody")
    assert error.element_id == "uhp" and error.field == "beneficiaries"


def test_shares_that_do_not_add_up_to_one_are_rejected():
    shares = (BenefitShare("Gemeente", "jeugd", 0.5), BenefitShare("Zorgverzekeraar", "zorg", 0.3))
    raises(
        UnallocatedEffectError,
        demo_chain().with_effect("uhp", beneficiaries=shares),
        None,
        SETTINGS,
        "uhp",
        "0.8",
    )
    over = (BenefitShare("Gemeente", "jeugd", 0.7), BenefitShare("Zorgverzekeraar", "zorg", 0.7))
    raises(
        UnallocatedEffectError,
        demo_chain().with_effect("uhp", beneficiaries=over),
        None,
        SETTINGS,
        "uhp",
    )


def test_negative_benefit_share_is_rejected():
    shares = (BenefitShare("Gemeente", "jeugd", 1.2), BenefitShare("Zorgverzekeraar", "zorg", -0.2))
    raises(
        ShareError,
        demo_chain().with_effect("uhp", beneficiaries=shares),
        None,
        SETTINGS,
        "uhp",
        "Gemeente",
    )


@pytest.mark.parametrize("field", ["size", "participants", "decay", "deadweight", "attribution"])
def test_low_above_high_names_effect_and_field(field):
    chain = demo_chain().with_effect("uitzetting", **{field: Estimate(0.3, 0.2, 0.1)})
    error = raises(
        RangeOrderError,
        chain,
        None,
        SETTINGS,
        "uitzetting",
        "Minder huisuitzettingen",
        field,
        "above",
    )
    assert error.field == field and error.element_id == "uitzetting"


def test_likely_outside_the_range_is_rejected():
    chain = demo_chain().with_effect("uhp", size=Estimate(0.1, 0.5, 0.2))
    raises(RangeOrderError, chain, None, SETTINGS, "uhp", "outside")


def test_price_with_low_above_high_names_the_price():
    prices = demo_prices().with_price("uhp", Estimate(60_000, 50_000, 40_000))
    raises(RangeOrderError, demo_chain(), prices, SETTINGS, "price 'uhp'")


@pytest.mark.parametrize(
    ("field", "estimate"),
    [
        ("size", Estimate(-0.1, 0.05, 0.1)),  # a negative probability
        ("size", Estimate(0.5, 0.9, 1.2)),  # a probability above one
        ("deadweight", Estimate(-0.2, 0.1, 0.2)),
        ("attribution", Estimate(0.5, 1.0, 1.5)),
        ("decay", Estimate.exact(-0.1)),
    ],
)
def test_probabilities_and_shares_outside_zero_one_are_rejected(field, estimate):
    chain = demo_chain().with_effect("uhp", **{field: estimate})
    error = raises(ShareError, chain, None, SETTINGS, "uhp", field, "[0, 1]")
    assert error.code == "share_out_of_bounds"


def test_a_quantity_size_may_be_negative_but_participants_may_not():
    negative = demo_chain().with_effect(
        "uhp", size=Estimate(-2.0, -1.0, 0.5), size_kind=SizeKind.QUANTITY
    )
    validate(negative, demo_prices(), SETTINGS)
    chain = demo_chain().with_effect("uhp", participants=Estimate(-5, 10, 20))
    raises(InvalidValueError, chain, None, SETTINGS, "uhp", "participants")


def test_missing_price_names_effect_and_key():
    chain = demo_chain().with_effect("uhp", price_key="bestaat-niet")
    error = raises(MissingPriceError, chain, None, SETTINGS, "uhp", "bestaat-niet", "onbekend")
    assert error.code == "missing_price"


def test_unknown_price_is_allowed_and_reported_never_invented():
    result = appraise(demo_chain(), demo_prices(), SETTINGS)
    assert not result.complete
    assert [u.price_key for u in result.unknowns] == ["ggz"]
    ggz = next(e for e in result.effects if e.effect_id == "ggz")
    assert ggz.present_value is None and ggz.volume > 0


def test_duplicate_ids_are_rejected():
    chain = replace(demo_chain(), activities=(Activity("regie", "a"), Activity("uhp", "dubbel")))
    raises(DuplicateIdError, chain, None, SETTINGS, "uhp")


def test_links_to_missing_elements_or_into_investments_are_rejected():
    chain = demo_chain()
    raises(
        UnknownReferenceError,
        replace(chain, links=(*chain.links, Link("regie", "nergens"))),
        None,
        SETTINGS,
        "nergens",
    )
    raises(
        InvalidLinkError,
        replace(chain, links=(*chain.links, Link("regie", "fonds"))),
        None,
        SETTINGS,
        "fonds",
    )


def test_bad_amounts_and_cost_factors_name_the_investment():
    chain = demo_chain().with_investment("fonds", amounts=(1.0, math.nan))
    raises(InvalidValueError, chain, None, SETTINGS, "fonds", "year 1")
    chain = demo_chain().with_investment("fonds", cost_factor=Estimate(1.2, 1.0, 1.1))
    raises(RangeOrderError, chain, None, SETTINGS, "fonds", "cost_factor")


def test_bad_timing_names_the_effect():
    raises(
        InvalidValueError,
        demo_chain().with_effect("uhp", duration=0),
        None,
        SETTINGS,
        "uhp",
        "duration",
    )
    raises(
        InvalidValueError,
        demo_chain().with_effect("uhp", start_year=-1),
        None,
        SETTINGS,
        "uhp",
        "start year",
    )


def test_not_a_number_is_rejected():
    raises(
        InvalidValueError,
        demo_chain().with_effect("uhp", size=Estimate(0.1, math.nan, 0.2)),
        None,
        SETTINGS,
        "uhp",
    )


def test_lognormal_needs_a_positive_low():
    chain = demo_chain().with_effect(
        "uitzetting", size=Estimate(0.0, 0.05, 0.1, Distribution.LOGNORMAL)
    )
    raises(InvalidValueError, chain, None, SETTINGS, "uitzetting", "lognormal")


@pytest.mark.parametrize(
    "settings",
    [Settings(horizon=-1), Settings(discount_rate=-1.0), Settings(discount_rate=math.inf)],
)
def test_bad_settings_are_rejected(settings):
    raises(InvalidValueError, demo_chain(), None, settings, "settings")


def test_bad_monte_carlo_arguments_are_rejected():
    with pytest.raises(InvalidValueError, match="draws"):
        simulate(demo_chain(), demo_prices(), SETTINGS, draws=0)
    with pytest.raises(InvalidValueError, match="percentile"):
        simulate(demo_chain(), demo_prices(), SETTINGS, draws=10, percentiles=(50, 101))


def test_links_without_an_assumption_are_findings_not_errors():
    chain = demo_chain()
    chain = replace(chain, links=(*chain.links[:-1], Link("regie", "uitzetting", "  ")))
    findings = validate(chain, demo_prices(), SETTINGS)
    assert ("regie", "no_assumption") in [(f.element_id, f.code) for f in findings]


def test_unlinked_effect_and_effects_beyond_the_horizon_are_findings():
    chain = demo_chain()
    chain = replace(chain, links=tuple(link for link in chain.links if link.target != "uitzetting"))
    chain = chain.with_effect("ggz", start_year=12)
    codes = {(f.element_id, f.code) for f in validate(chain, demo_prices(), SETTINGS)}
    assert {("uitzetting", "unlinked"), ("ggz", "beyond_horizon")} <= codes
