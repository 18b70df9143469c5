"""Chains for the valuation tests: a hand-checkable demo and a hypothesis strategy for others."""

from __future__ import annotations

from hypothesis import strategies as st

from proeftuin.core.valuation import (
    Activity,
    BenefitShare,
    Chain,
    Distribution,
    Effect,
    Estimate,
    Investment,
    Link,
    Price,
    PriceList,
    Settings,
    SizeKind,
)

GEMEENTE = BenefitShare("Gemeente", "jeugd", 1.0)


def demo_prices(*, ggz_known: bool = False) -> PriceList:
    """Made-up test values, not a price list: the real one is data with sources."""
    return PriceList.of(
        [
            Price(
                "uhp", Estimate(40_000, 50_000, 65_000), "Uithuisplaatsing voorkomen", "per jaar"
            ),
            Price("uitzetting", Estimate(7_000, 9_000, 12_000), "Huisuitzetting voorkomen"),
            Price("ggz", Estimate(2_000, 3_000, 4_000) if ggz_known else None, "GGZ-traject"),
        ],
        name="test",
    )


def demo_chain() -> Chain:
    """One family approach: the municipality and a fund pay; three parties may gain."""
    return Chain(
        investments=[
            Investment.per_year(
                "gemeente", "Gemeente", "jeugd", 120_000, 3, cost_factor=Estimate(0.9, 1.0, 1.25)
            ),
            Investment.by_year("fonds", "Fonds", "fonds", {0: 80_000, 1: 40_000}),
        ],
        activities=[Activity("regie", "Eén gezin, één plan")],
        effects=[
            Effect(
                "uhp",
                "Minder uithuisplaatsingen",
                "uhp",
                size=Estimate(0.04, 0.08, 0.15),
                participants=Estimate(80, 100, 120),
                beneficiaries=[GEMEENTE],
                start_year=1,
                duration=4,
                decay=Estimate(0.0, 0.1, 0.2),
            ),
            Effect(
                "uitzetting",
                "Minder huisuitzettingen",
                "uitzetting",
                size=Estimate(0.02, 0.05, 0.1),
                participants=Estimate.exact(100),
                beneficiaries=[
                    BenefitShare("Woningcorporatie", "wonen", 0.8),
                    BenefitShare("Gemeente", "wmo", 0.2),
                ],
                start_year=1,
                deadweight=Estimate(0.1, 0.2, 0.3),
                attribution=Estimate(0.6, 0.8, 1.0),
            ),
            Effect(
                "ggz",
                "Minder GGZ-trajecten",
                "ggz",
                size=Estimate(0.1, 0.2, 0.3),
                participants=Estimate.exact(100),
                beneficiaries=[BenefitShare("Zorgverzekeraar", "zorg", 1.0)],
                start_year=2,
            ),
        ],
        links=[
            Link("gemeente", "regie", "als de gemeente een regisseur betaalt, dan is er één plan"),
            Link("fonds", "regie", "als het fonds de opstart betaalt, dan kan het team beginnen"),
            Link("regie", "uhp", "als één regisseur het gezin volgt, dan escaleert minder"),
            Link("uhp", "ggz", "als kinderen thuis blijven, dan is er minder GGZ nodig"),
            Link(
                "regie", "uitzetting", "als schulden eerder in beeld zijn, dan minder uitzettingen"
            ),
        ],
        name="Eén gezin, één plan",
    )


SETTINGS = Settings(discount_rate=0.0225, horizon=10)

finite = {"allow_nan": False, "allow_infinity": False}


@st.composite
def estimates(draw, low: float, high: float, distribution=None) -> Estimate:
    """An ordered low ≤ likely ≤ high inside [low, high]."""
    points = sorted(draw(st.floats(low, high, **finite)) for _ in range(3))
    dist = distribution or draw(st.sampled_from(list(Distribution)))
    if dist == Distribution.LOGNORMAL and (points[0] <= 0 or points[2] > 1_000 * points[0]):
        dist = Distribution.PERT
    return Estimate(points[0], points[1], points[2], dist)


@st.composite
def chains(draw, max_effects: int = 4) -> tuple[Chain, PriceList, Settings]:
    """A random but valid chain, its prices and settings (non-negative sizes and prices)."""
    n_effects = draw(st.integers(1, max_effects))
    horizon = draw(st.integers(1, 20))
    rate = draw(st.floats(0.0, 0.08, **finite))
    parties = ["Gemeente", "Woningcorporatie", "Zorgverzekeraar", "UWV"]
    prices = []
    effects = []
    for i in range(n_effects):
        key = f"p{i}"
        prices.append(Price(key, draw(estimates(100.0, 80_000.0))))
        # Priced kinds only: an amount in euros takes no price (test_observed_amount.py).
        kind = draw(st.sampled_from([SizeKind.PROBABILITY, SizeKind.QUANTITY]))
        size = (
            draw(estimates(0.0, 1.0))
            if kind == SizeKind.PROBABILITY
            else draw(estimates(0.0, 20.0))
        )
        split = draw(st.floats(0.0, 1.0, **finite))
        owners = draw(st.permutations(parties))
        shares = [BenefitShare(owners[0], "a", split), BenefitShare(owners[1], "b", 1.0 - split)]
        duration = draw(st.one_of(st.none(), st.integers(1, 10)))
        effects.append(
            Effect(
                f"e{i}",
                f"indicator {i}",
                key,
                size=size,
                participants=draw(estimates(0.0, 500.0)),
                beneficiaries=shares,
                size_kind=kind,
                start_year=draw(st.integers(0, 5)),
                duration=duration,
                decay=draw(estimates(0.0, 0.5)),
                deadweight=draw(estimates(0.0, 0.6)),
                attribution=draw(estimates(0.2, 1.0)),
            )
        )
    investments = [
        Investment(
            f"i{j}",
            parties[j],
            "budget",
            tuple(draw(st.lists(st.floats(0.0, 300_000.0, **finite), min_size=1, max_size=5))),
            start_year=draw(st.integers(0, 2)),
            cost_factor=draw(estimates(0.5, 1.5)),
        )
        for j in range(draw(st.integers(1, 2)))
    ]
    links = [Link(inv.id, "act", "als ... dan ...") for inv in investments]
    links += [Link("act", e.id, "als ... dan ...") for e in effects]
    chain = Chain(investments, [Activity("act", "activiteit")], effects, links)
    return chain, PriceList.of(prices), Settings(discount_rate=rate, horizon=horizon)
