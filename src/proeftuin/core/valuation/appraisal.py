"""The indicative MKBA at the likely values: NPV, benefit/cost ratio, IRR and who pays, who gains.

Seed 004 §2.2.2: an indicative MKBA sets the project's social costs and benefits against the
reference scenario, but because effect research is thin the bottom line is an indication, not a
verdict. What matters as much is *where* the benefits land, per party and policy domain, because
that is what *omkeringsdenken* (004 §5.4.1) uses to ask the parties that gain to co-fund.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from proeftuin.core.valuation.compiled import Model, compile_model, evaluate
from proeftuin.core.valuation.discounting import IrrResult, internal_rate_of_return
from proeftuin.core.valuation.model import Basis, Chain, PriceList, Settings
from proeftuin.core.valuation.validation import Finding


@dataclass(frozen=True, slots=True)
class YearFlow:
    """One year of the horizon, undiscounted and discounted (known-priced effects only)."""

    year: int
    benefits: float
    costs: float
    discount_factor: float

    @property
    def net(self) -> float:
        return self.benefits - self.costs

    @property
    def present_value(self) -> float:
        return self.net * self.discount_factor


@dataclass(frozen=True, slots=True)
class DomainBalance:
    """What one party pays and gains within one policy domain (the silo the money sits in)."""

    domain: str
    pays: float
    gains: float

    @property
    def net(self) -> float:
        return self.gains - self.pays


@dataclass(frozen=True, slots=True)
class PartyBalance:
    """Who pays and who gains, for one party (present values).

    ``contribution_by_benefit`` is what the party would pay if the costs were shared in
    proportion to the benefits it receives; ``cofunding_ask`` is how far that exceeds what it
    pays now (zero when the project costs nothing on balance). Together they are the basis of a
    co-funding proposal (004 §5.4.1: the Den Haag MKBA showed health insurers gained, and they
    were asked to co-fund). A suggestion for the conversation, not a bill.
    """

    party: str
    pays: float
    gains: float
    benefit_share: float
    contribution_by_benefit: float
    domains: tuple[DomainBalance, ...]
    unknown_effects: tuple[str, ...]

    @property
    def net(self) -> float:
        return self.gains - self.pays

    @property
    def cofunding_ask(self) -> float:
        return max(0.0, self.contribution_by_benefit - self.pays)


@dataclass(frozen=True, slots=True)
class EffectValue:
    """One effect's contribution, with whether its price is known and where its input came from."""

    effect_id: str
    indicator: str
    present_value: float | None  # None when the price is onbekend
    volume: float  # discounted number of cases (or units), before the price
    price_key: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class UnknownValue:
    """A price that is *onbekend*, and what it would have to be worth to flip the conclusion.

    ``break_even`` is the unit value at which the NPV would be exactly zero. ``flips_if`` says
    which values would change the conclusion: if the known part is negative, the project pays
    for itself only if the unknown value is at least this much (``"at_least"``); if the known
    part is already positive, only a value at most this (negative) would turn it
    (``"at_most"``). ``None`` when the effects using the price
    produce no volume inside the horizon, so no value could change anything. With several
    unknown prices each is computed on its own, the others still left out.
    """

    price_key: str
    label: str
    effects: tuple[str, ...]
    volume: float
    break_even: float | None
    flips_if: str | None


@dataclass(frozen=True, slots=True)
class Appraisal:
    """The indicative MKBA at the likely values. ``npv`` counts only effects with a known price."""

    settings: Settings
    npv: float
    benefits: float
    costs: float
    bcr: float | None
    irr: IrrResult
    years: tuple[YearFlow, ...]
    parties: tuple[PartyBalance, ...]
    effects: tuple[EffectValue, ...]
    unknowns: tuple[UnknownValue, ...]
    findings: tuple[Finding, ...]

    @property
    def complete(self) -> bool:
        """Whether every effect has a price; if not, ``npv`` is a partial balance."""
        return not self.unknowns

    @property
    def conclusion(self) -> str:
        """``"positive"``, ``"negative"``, or with unknowns ``"positive_known_part"`` /
        ``"negative_known_part"``: the wording says the unknowns were not counted."""
        sign = "positive" if self.npv >= 0 else "negative"
        return sign if self.complete else f"{sign}_known_part"


def appraise(chain: Chain, prices: PriceList, settings: Settings | None = None) -> Appraisal:
    """Validate the chain and compute the indicative MKBA at the likely values."""
    return appraise_model(compile_model(chain, prices, settings))


def yearly_flows(model: Model, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Undiscounted benefits and costs per year for one row of parameter values."""
    horizon = model.horizon
    x = np.asarray(values, dtype=float)
    benefits = np.zeros(horizon)
    for e, effect in enumerate(model.chain.effects):
        span = int(model.active[e].sum())
        if not span or not model.price_known[e]:
            continue
        unit = (
            x[model.size_col[e]]
            * x[model.participants_col[e]]
            * x[model.price_col[e]]
            * (1.0 - x[model.deadweight_col[e]])
            * x[model.attribution_col[e]]
        )
        keep = 1.0 - x[model.decay_col[e]]
        benefits[effect.start_year : effect.start_year + span] += unit * keep ** np.arange(span)
    costs = x[model.cost_col] @ model.cost_flows if model.cost_flows.size else np.zeros(horizon)
    return benefits, costs


def appraise_model(model: Model) -> Appraisal:
    """The appraisal of an already compiled model (see ``appraise``)."""
    row = model.likely
    result = evaluate(model, row)
    npv = float(result.npv[0])
    benefits = float(result.benefits[0])
    costs = float(result.costs[0])
    yearly_benefits, yearly_costs = yearly_flows(model, row)
    years = tuple(
        YearFlow(t, float(yearly_benefits[t]), float(yearly_costs[t]), float(model.discount[t]))
        for t in range(model.horizon)
    )
    return Appraisal(
        settings=model.settings,
        npv=npv,
        benefits=benefits,
        costs=costs,
        bcr=benefits / costs if costs > 0 else None,
        irr=internal_rate_of_return(yearly_benefits - yearly_costs),
        years=years,
        parties=_parties(model, result.gains[0], result.pays[0], benefits, costs),
        effects=tuple(
            EffectValue(
                effect.id,
                effect.indicator,
                float(result.effect_pv[0, e]) if model.price_known[e] else None,
                float(result.volume[0, e]),
                effect.price_key,
                effect.basis,
            )
            for e, effect in enumerate(model.chain.effects)
        ),
        unknowns=_unknowns(model, result.unknown_volume[0], npv),
        findings=model.findings,
    )


def _parties(
    model: Model, gains: np.ndarray, pays: np.ndarray, total_benefits: float, total_costs: float
) -> tuple[PartyBalance, ...]:
    parties: list[str] = []
    for party, _domain in model.accounts:
        if party not in parties:
            parties.append(party)
    balances = []
    for party in parties:
        columns = [a for a, (p, _d) in enumerate(model.accounts) if p == party]
        gained = float(gains[columns].sum())
        share = gained / total_benefits if total_benefits > 0 else 0.0
        unknown = tuple(
            effect.id
            for e, effect in enumerate(model.chain.effects)
            if not model.price_known[e] and any(s.party == party for s in effect.beneficiaries)
        )
        balances.append(
            PartyBalance(
                party=party,
                pays=float(pays[columns].sum()),
                gains=gained,
                benefit_share=share,
                contribution_by_benefit=share * max(total_costs, 0.0),
                domains=tuple(
                    DomainBalance(model.accounts[a][1], float(pays[a]), float(gains[a]))
                    for a in columns
                ),
                unknown_effects=unknown,
            )
        )
    return tuple(balances)


def _unknowns(model: Model, volumes: np.ndarray, npv: float) -> tuple[UnknownValue, ...]:
    found = []
    for k, key in enumerate(model.unknown_keys):
        price = model.prices.get(key)
        volume = float(volumes[k])
        effects = tuple(e.id for e in model.chain.effects if e.price_key == key)
        if volume == 0.0 or not math.isfinite(volume):
            break_even, direction = None, None
        else:
            break_even = -npv / volume
            direction = "at_least" if volume > 0 else "at_most"
            if npv >= 0:
                direction = "at_most" if volume > 0 else "at_least"
        found.append(
            UnknownValue(
                key, (price.label if price else "") or key, effects, volume, break_even, direction
            )
        )
    return tuple(found)
