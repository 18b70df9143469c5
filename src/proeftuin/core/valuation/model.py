"""The effects chain of the Effectenarena as plain data.

Seed 004 §2.2.1 describes the Effectenarena: stakeholders map investments → measures → effects
and ask *who invests, who benefits?* This module holds that map, plus what the indicative MKBA
(004 §2.2.2) needs to put money on it: sizes with their uncertainty, timing, deadweight,
attribution, a price per unit and the parties the value lands with.

Every amount is an *increment against the reference scenario without the project*
(*nulalternatief*): an effect is the difference the project makes, an investment is the extra
money it costs. Amounts are in constant prices of one base year (real terms), because the
discount rate is a real rate. Years are offsets: year 0 is the first year of the analysis; the
application layer maps calendar years onto them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from proeftuin.core.valuation.discounting import DEFAULT_DISCOUNT_RATE, DEFAULT_HORIZON


class Distribution(StrEnum):
    """How Monte Carlo reads a low/likely/high estimate (see ``montecarlo``)."""

    TRIANGULAR = "triangular"
    PERT = "pert"
    NORMAL = "normal"
    LOGNORMAL = "lognormal"


class SizeKind(StrEnum):
    """What an effect's size means per participant.

    ``PROBABILITY``: the share of participants for whom the effect happens (an avoided
    out-of-home placement), so it must lie in [0, 1] and ``size × participants`` is a number of
    cases. ``QUANTITY``: an amount per participant (hours of care saved), any finite number.
    ``AMOUNT``: a value in euros per participant, already at constant prices (a cost difference
    found by observation, e.g. the case timelines' reference minus actual). It needs no price:
    the size is the value, and the effect's ``price_key`` is empty.
    """

    PROBABILITY = "probability"
    QUANTITY = "quantity"
    AMOUNT = "amount"


class Basis(StrEnum):
    """Where an input comes from: assumed in the workshop, or observed in monitoring.

    The issue requires observed inputs (from *tel en vertel*) and assumed ones to stay marked as
    such, because they carry different weight (004 §2.2.3, monitoring feeds the MKBA).
    """

    ASSUMED = "assumed"
    OBSERVED = "observed"


@dataclass(frozen=True, slots=True)
class Estimate:
    """A quantity known only as low, likely and high, because effect research is thin (004 §2.2.2).

    Construction never raises: ``validation`` checks the order with the element's name, so the
    message can say *which* estimate is wrong.
    """

    low: float
    likely: float
    high: float
    distribution: Distribution = Distribution.PERT

    @classmethod
    def exact(cls, value: float) -> Estimate:
        """A value without uncertainty (low = likely = high)."""
        return cls(value, value, value)

    @property
    def uncertain(self) -> bool:
        """Whether there is a range to sample or to swing in the tornado chart."""
        return self.low < self.high

    @property
    def mean(self) -> float:
        """The expected value of the distribution Monte Carlo draws from (the headline basis).

        The Dutch guidance (Algemene leidraad MKBA, CPB/PBL 2013) asks for expected values, not
        the most likely ones: with skewed ranges the mode understates or overstates the balance.
        PERT (λ = 4): ``(low + 4·likely + high) / 6``; triangular: ``(low + likely + high) / 3``;
        normal: ``likely`` (before clipping to hard bounds); lognormal: ``likely · exp(σ²/2)``.
        """
        if not self.uncertain:
            return self.likely
        if self.distribution == Distribution.PERT:
            return (self.low + 4.0 * self.likely + self.high) / 6.0
        if self.distribution == Distribution.TRIANGULAR:
            return (self.low + self.likely + self.high) / 3.0
        if self.distribution == Distribution.LOGNORMAL and self.low > 0 and self.likely > 0:
            sigma = math.log(self.high / self.low) / (2.0 * 1.6448536269514722)
            return self.likely * math.exp(sigma * sigma / 2.0)
        return self.likely

    def scaled(self, factor: float) -> Estimate:
        """All three points times ``factor`` (order flips for a negative factor)."""
        points = sorted((self.low * factor, self.likely * factor, self.high * factor))
        return Estimate(points[0], self.likely * factor, points[2], self.distribution)


def _as_estimate(value: Estimate | float) -> Estimate:
    return value if isinstance(value, Estimate) else Estimate.exact(float(value))


@dataclass(frozen=True, slots=True)
class Investment:
    """Money a party puts in, by year, from one policy domain (who invests; 004 §2.2.1).

    ``amounts[j]`` falls in year ``start_year + j``. ``cost_factor`` carries the uncertainty of
    the whole stream as a multiplier (an overrun of 10% is a high of 1.1). Amounts are extra
    costs against the reference scenario; a negative amount is money freed up there, such as
    old spending stopped to pay for the new approach (*nieuw voor oud*, 004 §5.4.4).
    """

    id: str
    party: str
    domain: str
    amounts: tuple[float, ...]
    start_year: int = 0
    cost_factor: Estimate = Estimate(1.0, 1.0, 1.0)
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "amounts", tuple(float(a) for a in self.amounts))
        object.__setattr__(self, "cost_factor", _as_estimate(self.cost_factor))

    @classmethod
    def per_year(
        cls,
        id: str,
        party: str,
        domain: str,
        amount: float,
        years: int,
        start_year: int = 0,
        **extra: object,
    ) -> Investment:
        """The same amount each year for ``years`` years."""
        amounts = (float(amount),) * max(years, 0)
        return cls(id, party, domain, amounts, start_year, **extra)  # type: ignore[arg-type]

    @classmethod
    def by_year(
        cls, id: str, party: str, domain: str, amounts: Mapping[int, float], **extra: object
    ) -> Investment:
        """Amounts keyed by year offset; years in between are zero."""
        if not amounts:
            return cls(id, party, domain, (), 0, **extra)  # type: ignore[arg-type]
        first, last = min(amounts), max(amounts)
        flows = tuple(float(amounts.get(year, 0.0)) for year in range(first, last + 1))
        return cls(id, party, domain, flows, first, **extra)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        return f"investment '{self.id}'" + (f" ({self.name})" if self.name else "")


@dataclass(frozen=True, slots=True)
class Activity:
    """A measure the money pays for: the middle of the chain (investment → activity → effect)."""

    id: str
    name: str
    description: str = ""

    @property
    def label(self) -> str:
        return f"activity '{self.id}' ({self.name})"


@dataclass(frozen=True, slots=True)
class BenefitShare:
    """The share of an effect's monetised value that lands with one party in one policy domain.

    This is the "who benefits" half of *omkeringsdenken* (004 §5.4.1): fewer evictions land with
    the housing corporation, less mental-health care with the health insurer.
    """

    party: str
    domain: str
    share: float


class Measure(StrEnum):
    """Whether an effect's size is gross (before deadweight, attribution and displacement) or
    already an increment against the reference scenario.

    The guidance defines every effect as the difference with the reference scenario. A size
    measured as a before/after change in the participants is *gross*: part of it would have
    happened anyway (deadweight), part is due to others (attribution), part only moves the
    problem elsewhere (displacement). A size that already is the difference with a comparison
    group is *net*: correcting it again would count the reference scenario twice.
    """

    GROSS = "gross"
    NET = "net"


@dataclass(frozen=True, slots=True)
class ParticipantGroup:
    """A group of participants declared once and shared by every effect that happens to it.

    Why: the families in a pilot are one group; fewer evictions and less youth care happen to
    the same families. A per-effect count lets Monte Carlo draw 40 families for one effect and
    60 for another in the same draw, and a tipping point move one effect's count only.
    """

    id: str
    name: str
    size: Estimate

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", _as_estimate(self.size))

    @property
    def label(self) -> str:
        return f"group '{self.id}' ({self.name})"


@dataclass(frozen=True, slots=True)
class Effect:
    """An outcome the project causes, measured by an indicator and valued by a price.

    Its yearly value is ``size × participants × price × (1 − deadweight) × attribution ×
    (1 − displacement)`` for a gross effect and ``size × participants × price`` for a net one
    (``measure``); ``participants`` is the shared group's size when ``group`` is set. A
    ``transfer`` (avoided benefit payments) moves money between parties without creating
    welfare: it is shown apart and left out of the NPV and the party balances.
    shrinking by ``decay`` each year after ``start_year`` and stopping after ``duration`` years
    (``None``: until the horizon). Deadweight is the part that would have happened anyway in the
    reference scenario; attribution the part due to this project rather than others
    (004 §2.3, "would the effect have happened anyway?").
    """

    id: str
    indicator: str
    price_key: str
    size: Estimate
    participants: Estimate
    beneficiaries: tuple[BenefitShare, ...]
    size_kind: SizeKind = SizeKind.PROBABILITY
    start_year: int = 0
    duration: int | None = None
    decay: Estimate = Estimate(0.0, 0.0, 0.0)
    deadweight: Estimate = Estimate(0.0, 0.0, 0.0)
    attribution: Estimate = Estimate(1.0, 1.0, 1.0)
    basis: Basis = Basis.ASSUMED
    source: str = ""
    group: str = ""
    displacement: Estimate = Estimate(0.0, 0.0, 0.0)
    measure: Measure = Measure.GROSS
    transfer: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "measure", Measure(self.measure))
        for name in ("size", "participants", "decay", "deadweight", "attribution", "displacement"):
            object.__setattr__(self, name, _as_estimate(getattr(self, name)))
        object.__setattr__(self, "beneficiaries", tuple(self.beneficiaries))

    @property
    def label(self) -> str:
        return f"effect '{self.id}' ({self.indicator})"

    @property
    def in_euros(self) -> bool:
        """The size is already a value in euros: no price (``SizeKind.AMOUNT``)."""
        return self.size_kind == SizeKind.AMOUNT


@dataclass(frozen=True, slots=True)
class Link:
    """An arrow in the chain with its if-then assumption, the theory of change (004 §2.1).

    Example: "if one coordinator works with the family, then fewer organisations work at cross
    purposes". The text is what the workshop argues about; the engine only checks the arrows.
    """

    source: str
    target: str
    assumption: str = ""


@dataclass(frozen=True, slots=True)
class Chain:
    """The whole effects chain of one project: what goes in, what is done, what comes out."""

    investments: tuple[Investment, ...] = ()
    activities: tuple[Activity, ...] = ()
    effects: tuple[Effect, ...] = ()
    links: tuple[Link, ...] = ()
    name: str = ""
    groups: tuple[ParticipantGroup, ...] = ()

    def __post_init__(self) -> None:
        for name in ("investments", "activities", "effects", "links", "groups"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def effect(self, effect_id: str) -> Effect:
        """The effect with this id (``KeyError`` if there is none)."""
        for effect in self.effects:
            if effect.id == effect_id:
                return effect
        raise KeyError(effect_id)

    def with_effect(self, effect_id: str, **changes: object) -> Chain:
        """A copy with one effect's fields replaced, for what-if questions and plug-back checks."""
        self.effect(effect_id)
        effects = tuple(
            replace(e, **changes) if e.id == effect_id else e  # type: ignore[arg-type]
            for e in self.effects
        )
        return replace(self, effects=effects)

    def group(self, group_id: str) -> ParticipantGroup:
        """The participant group with this id (``KeyError`` if there is none)."""
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def with_investment(self, investment_id: str, **changes: object) -> Chain:
        """A copy with one investment's fields replaced."""
        if not any(i.id == investment_id for i in self.investments):
            raise KeyError(investment_id)
        investments = tuple(
            replace(i, **changes) if i.id == investment_id else i  # type: ignore[arg-type]
            for i in self.investments
        )
        return replace(self, investments=investments)


@dataclass(frozen=True, slots=True)
class Price:
    """A unit value from the social price list (*maatschappelijke prijslijst*).

    ``value is None`` means *onbekend*: nobody could source it. The engine then leaves that
    effect out of the sum, says so, and reports what the value would have to be to change the
    conclusion. It never invents a number.
    """

    key: str
    value: Estimate | None
    label: str = ""
    unit: str = ""
    source: str = ""
    price_year: int | None = None
    transfer: bool = False

    def __post_init__(self) -> None:
        if self.value is not None:
            object.__setattr__(self, "value", _as_estimate(self.value))

    @classmethod
    def unknown(cls, key: str, label: str = "", **extra: object) -> Price:
        """A price that is explicitly *onbekend*."""
        return cls(key, None, label, **extra)  # type: ignore[arg-type]

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class PriceList:
    """A versioned set of unit values; the application layer loads it from a data file."""

    prices: tuple[Price, ...] = ()
    name: str = ""
    version: str = ""
    _by_key: dict[str, Price] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prices", tuple(self.prices))
        object.__setattr__(self, "_by_key", {p.key: p for p in self.prices})

    @classmethod
    def of(cls, prices: Iterable[Price], **extra: str) -> PriceList:
        return cls(tuple(prices), **extra)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Price | None:
        return self._by_key.get(key)

    def with_price(self, key: str, value: Estimate | float | None) -> PriceList:
        """A copy with one price set (``None`` makes it *onbekend*)."""
        old = self._by_key.get(key)
        new_value = None if value is None else _as_estimate(value)
        if old is None:
            return replace(self, prices=(*self.prices, Price(key, new_value)))
        prices = tuple(replace(p, value=new_value) if p.key == key else p for p in self.prices)
        return replace(self, prices=prices)

    def scaled(self, factor: float) -> PriceList:
        """Every known price times ``factor``; unknown prices stay unknown."""
        prices = tuple(
            replace(p, value=p.value.scaled(factor)) if p.value is not None else p
            for p in self.prices
        )
        return replace(self, prices=prices)


@dataclass(frozen=True, slots=True)
class Settings:
    """How to add up the years: the discount rate (real) and the horizon in years.

    The default rate is the Dutch standard rate for social cost-benefit analysis; see
    ``discounting.DEFAULT_DISCOUNT_RATE`` for its source and why it needs checking.
    """

    discount_rate: float = DEFAULT_DISCOUNT_RATE
    horizon: int = DEFAULT_HORIZON
    central: str = "expected"
    """The headline basis: ``"expected"`` (each estimate's mean, see ``Estimate.mean``) or
    ``"modal"`` (each estimate's likely value, shown as a scenario beside the headline)."""


def split_at_decision_year(
    amounts: Mapping[int, float], decision_year: int
) -> tuple[dict[int, float], dict[int, float]]:
    """Calendar-year amounts → (offsets from the decision year on, sunk amounts before it).

    What was spent before the decision cannot be changed by it (Algemene leidraad MKBA): it is
    shown apart as a sunk cost and stays out of the NPV, instead of being refused.
    """
    ahead = {
        year - decision_year: amount for year, amount in amounts.items() if year >= decision_year
    }
    sunk = {year: amount for year, amount in amounts.items() if year < decision_year}
    return ahead, sunk
