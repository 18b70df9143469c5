"""The indicative MKBA at the expected values: NPV, benefit/cost ratio, IRR and who pays, who gains.

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
from proeftuin.core.valuation.rounding import safe_round, tolerance
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
    """Who pays and who gains, for one party (present values, headline basis).

    The co-funding proposal (*omkeringsdenken*, 004 §5.4.1: the Den Haag MKBA showed health
    insurers gained, and they were asked to co-fund) moves money from parties that gain more
    than they pay to the parties that pay more than they gain. ``cofunding_ask`` is what this
    party is asked on top of what it pays: never more than its own surplus (so never more than
    its benefit), zero for a party without a surplus, and ``None`` when all its benefits have an
    *onbekend* price (it cannot be asked anything by number, and is never counted as zero).
    ``contribution_by_benefit`` is what the party would pay in total under the proposal; the
    proposals of all parties add up to the costs. A suggestion for the conversation, not a bill.
    """

    party: str
    pays: float
    gains: float
    benefit_share: float
    contribution_by_benefit: float | None
    domains: tuple[DomainBalance, ...]
    unknown_effects: tuple[str, ...]
    cofunding_ask: float | None = 0.0
    relief: float = 0.0

    @property
    def net(self) -> float:
        return self.gains - self.pays

    @property
    def benefit_unknown(self) -> bool:
        """Whether part of this party's benefit has no price (its known gains are a floor)."""
        return bool(self.unknown_effects)


@dataclass(frozen=True, slots=True)
class Cofunding:
    """The co-funding proposal as a whole: the gap, what the proposal raises, what is left.

    ``gap`` is what the paying parties pay beyond their own benefit. ``raised`` is the sum of
    the asks; it equals the gap when the parties that gain have surplus enough (then the known
    NPV is ≥ 0), otherwise ``shortfall = gap − raised`` cannot be closed by anyone's benefit.
    ``unknown_parties`` gain only through effects with an *onbekend* price.
    """

    gap: float
    raised: float
    shortfall: float
    unknown_parties: tuple[str, ...]

    @property
    def closable(self) -> bool:
        return self.shortfall <= 1e-9 * max(1.0, self.gap)


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
    reason: str = ""
    shown: float | None = None
    """The break-even rounded to whole euros on the side where the project pays back."""


@dataclass(frozen=True, slots=True)
class Appraisal:
    """The indicative MKBA at one row of values: ``basis`` ``"expected"`` (the headline, each
    estimate's mean) or ``"modal"`` (the scenario at the likely values).

    ``npv`` counts only effects with a known price that are not transfers. ``transfers`` are
    shown apart (avoided benefit payments move money, they create no welfare); ``unpriced`` is
    the PM table: effects with an *onbekend* price, never dropped and never counted as zero.
    """

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
    basis: str = "expected"
    cofunding: Cofunding | None = None
    transfers: tuple[EffectValue, ...] = ()
    unpriced: tuple[EffectValue, ...] = ()

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
    """Validate the chain and compute the indicative MKBA at the headline (expected) values."""
    return appraise_model(compile_model(chain, prices, settings))


def yearly_flows(model: Model, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Undiscounted welfare benefits and costs per year for one row of parameter values."""
    horizon = model.horizon
    x = np.asarray(values, dtype=float)
    benefits = np.zeros(horizon)
    for e, effect in enumerate(model.chain.effects):
        span = int(model.active[e].sum())
        if not span or not model.price_known[e] or not model.welfare[e]:
            continue
        unit = (
            x[model.size_col[e]]
            * x[model.participants_col[e]]
            * (1.0 if model.in_euros[e] else x[model.price_col[e]])
            * (1.0 - x[model.deadweight_col[e]])
            * x[model.attribution_col[e]]
            * (1.0 - x[model.displacement_col[e]])
        )
        keep = 1.0 - x[model.decay_col[e]]
        benefits[effect.start_year : effect.start_year + span] += unit * keep ** np.arange(span)
    costs = x[model.cost_col] @ model.cost_flows if model.cost_flows.size else np.zeros(horizon)
    return benefits, costs


def modal_scenario(model: Model) -> Appraisal:
    """The appraisal at each estimate's likely (modal) value: a scenario beside the headline."""
    return appraise_model(model, basis="modal")


def appraise_model(model: Model, *, basis: str | None = None) -> Appraisal:
    """The appraisal of an already compiled model (see ``appraise``).

    ``basis`` ``None`` follows the settings (expected values unless set to modal).
    """
    basis = basis or model.basis
    row = model.likely if basis == "modal" else model.expected
    result = evaluate(model, row)
    npv = float(result.npv[0])
    benefits = float(result.benefits[0])
    costs = float(result.costs[0])
    yearly_benefits, yearly_costs = yearly_flows(model, row)
    years = tuple(
        YearFlow(t, float(yearly_benefits[t]), float(yearly_costs[t]), float(model.discount[t]))
        for t in range(model.horizon)
    )
    parties, plan = _parties(model, result.gains[0], result.pays[0], benefits)
    values = tuple(
        EffectValue(
            effect.id,
            effect.indicator,
            float(result.effect_pv[0, e]) if model.price_known[e] else None,
            float(result.volume[0, e]),
            effect.price_key,
            effect.basis,
        )
        for e, effect in enumerate(model.chain.effects)
    )
    return Appraisal(
        settings=model.settings,
        npv=npv,
        benefits=benefits,
        costs=costs,
        bcr=benefits / costs if costs > 0 else None,
        irr=internal_rate_of_return(yearly_benefits - yearly_costs),
        years=years,
        parties=parties,
        effects=values,
        unknowns=_unknowns(
            model,
            (result.volume[0] * model.welfare) @ model.unknown_map,
            npv,
            tolerance(benefits, costs),
        ),
        findings=model.findings,
        basis=basis,
        cofunding=plan,
        transfers=tuple(v for e, v in enumerate(values) if not model.welfare[e]),
        unpriced=tuple(v for e, v in enumerate(values) if not model.price_known[e]),
    )


def _parties(
    model: Model, gains: np.ndarray, pays: np.ndarray, total_benefits: float
) -> tuple[tuple[PartyBalance, ...], Cofunding]:
    """Balances per party and the co-funding proposal (see ``PartyBalance`` and ``Cofunding``).

    Surplus parties are asked in proportion to their surplus; paying parties are relieved in
    proportion to their deficit, by exactly what the asks raise. So every ask is at most the
    party's surplus, the asks add up to the gap (or to every surplus there is, with the rest
    reported as the shortfall), and the proposed payments add up to the costs.
    """
    parties: list[str] = []
    for party, _domain in model.accounts:
        if party not in parties:
            parties.append(party)
    rows = []
    for party in parties:
        columns = [a for a, (p, _d) in enumerate(model.accounts) if p == party]
        unknown = tuple(
            effect.id
            for e, effect in enumerate(model.chain.effects)
            if not model.price_known[e]
            and model.welfare[e]
            and any(s.party == party for s in effect.beneficiaries)
        )
        gained, paid = float(gains[columns].sum()), float(pays[columns].sum())
        rows.append((party, columns, gained, paid, unknown))
    surplus = {p: max(0.0, g - c) for p, _cols, g, c, _u in rows}
    deficit = {p: max(0.0, c - g) for p, _cols, g, c, _u in rows}
    gap = math.fsum(deficit.values())
    available = math.fsum(surplus.values())
    raised = min(gap, available)
    ask_rate = raised / available if available > 0 else 0.0
    relief_rate = raised / gap if gap > 0 else 0.0
    balances = []
    unknown_parties = []
    for party, columns, gained, paid, unknown in rows:
        only_unknown = unknown and gained <= 0.0 and paid <= 0.0
        if only_unknown:
            unknown_parties.append(party)
        ask = None if only_unknown else surplus[party] * ask_rate
        relief = deficit[party] * relief_rate
        balances.append(
            PartyBalance(
                party=party,
                pays=paid,
                gains=gained,
                benefit_share=gained / total_benefits if total_benefits > 0 else 0.0,
                contribution_by_benefit=None if ask is None else paid + ask - relief,
                domains=tuple(
                    DomainBalance(model.accounts[a][1], float(pays[a]), float(gains[a]))
                    for a in columns
                ),
                unknown_effects=unknown,
                cofunding_ask=ask,
                relief=relief,
            )
        )
    plan = Cofunding(gap, raised, max(0.0, gap - raised), tuple(unknown_parties))
    return tuple(balances), plan


def _unknowns(
    model: Model, volumes: np.ndarray, npv: float, tol: float = 0.0
) -> tuple[UnknownValue, ...]:
    """Per *onbekend* price: the value that flips the conclusion, rounded to the safe side.

    Prices are taken as values of zero or more. When no such value changes the conclusion
    (the known part is positive and the effect a gain, or negative and the effect a loss),
    there is no tipping value, and ``reason`` says why, instead of showing a negative price.
    """
    found = []
    for k, key in enumerate(model.unknown_keys):
        price = model.prices.get(key)
        volume = float(volumes[k])
        effects = tuple(e.id for e in model.chain.effects if e.price_key == key)
        break_even: float | None = None
        direction: str | None = None
        reason = ""
        shown: float | None = None
        if volume == 0.0 or not math.isfinite(volume) or not math.isfinite(-npv / volume):
            reason = "no_volume"
        else:
            value = -npv / volume
            if value < 0.0 or (value == 0.0 and npv >= 0.0):
                reason = "holds_for_any" if npv >= 0 else "cannot_flip"
            else:
                break_even = value
                # The conclusion changes from this value upwards (zero or more is binding).
                direction = "at_least"
                holds = "at_least" if volume > 0 else "at_most"
                shown = safe_round(value, holds, 1.0, lambda v, vol=volume: npv + v * vol >= -tol)
        found.append(
            UnknownValue(
                key,
                (price.label if price else "") or key,
                effects,
                volume,
                break_even,
                direction,
                reason,
                shown,
            )
        )
    return tuple(found)
