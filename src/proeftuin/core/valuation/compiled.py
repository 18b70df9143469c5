"""The chain turned into arrays, and one vectorised evaluation that every analysis shares.

The point estimate, the tornado chart, the tipping points and Monte Carlo all ask the same
question for different parameter values: what is the NPV? So the chain is compiled once into a
parameter table (one column per estimate) and index arrays; ``evaluate`` then takes a matrix of
parameter values (one row per scenario or draw) and returns NPVs for all rows at once, with no
Python loop over rows. The only loop is over the years of the horizon (≤ a few dozen).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from proeftuin.core.valuation.discounting import discount_factors
from proeftuin.core.valuation.model import (
    Chain,
    Estimate,
    Measure,
    PriceList,
    Settings,
    SizeKind,
)
from proeftuin.core.valuation.validation import Finding, validate

EFFECT_FIELDS = ("size", "participants", "deadweight", "attribution", "decay", "displacement")
CORRECTIONS = {"deadweight": 0.0, "attribution": 1.0, "displacement": 0.0}
"""Neutral values of the corrections, used for a net effect (already against the reference)."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """One estimate in the chain that the analyses can vary.

    ``key`` is stable and readable: ``effect:<id>:<field>``, ``price:<key>`` or
    ``investment:<id>:cost_factor``. ``lower``/``upper`` are hard bounds (a share stays in
    [0, 1]) that Monte Carlo clips unbounded distributions to.
    """

    key: str
    element_id: str
    field: str
    label: str
    estimate: Estimate
    lower: float | None = None
    upper: float | None = None


def effect_key(effect_id: str, field: str) -> str:
    return f"effect:{effect_id}:{field}"


def price_key(key: str) -> str:
    return f"price:{key}"


def cost_key(investment_id: str) -> str:
    return f"investment:{investment_id}:cost_factor"


def group_key(group_id: str) -> str:
    return f"group:{group_id}:size"


@dataclass(frozen=True, eq=False)
class Model:
    """A validated chain as arrays. Build it with ``compile_model``; treat it as read-only."""

    chain: Chain
    prices: PriceList
    settings: Settings
    findings: tuple[Finding, ...]
    parameters: tuple[Parameter, ...]
    index: Mapping[str, int]
    likely: np.ndarray  # (P,) modal values
    expected: np.ndarray  # (P,) means of the distributions (``Estimate.mean``)
    lower: np.ndarray  # (P,) −inf where unbounded
    upper: np.ndarray  # (P,) +inf where unbounded
    discount: np.ndarray  # (H,)
    size_col: np.ndarray  # (E,) column of each effect's size
    participants_col: np.ndarray
    deadweight_col: np.ndarray
    attribution_col: np.ndarray
    decay_col: np.ndarray
    displacement_col: np.ndarray
    welfare: np.ndarray  # (E,) 1.0 counts in the welfare balance, 0.0 a transfer
    price_col: np.ndarray  # (E,) column of the price, 0 where unknown or in euros
    price_known: np.ndarray  # (E,) 1.0 valued (a known price, or a size in euros), 0.0 onbekend
    in_euros: np.ndarray  # (E,) True where the size is already in euros (no price, × 1)
    weights: np.ndarray  # (E, H) discount factor of the k-th year of each effect, 0 if inactive
    active: np.ndarray  # (E, H) 1.0 where the k-th year of the effect lies inside horizon/duration
    cost_col: np.ndarray  # (I,) column of each investment's cost factor
    cost_flows: np.ndarray  # (I, H) undiscounted amounts per year inside the horizon
    cost_pv: np.ndarray  # (I,) present value of each investment at cost factor 1
    accounts: tuple[tuple[str, str], ...]  # (party, domain) pairs
    allocation: np.ndarray  # (E, A) share of each effect per account
    payer: np.ndarray  # (I, A) 1 where the investment is paid from that account
    unknown_keys: tuple[str, ...]  # price keys that are onbekend and in use
    unknown_map: np.ndarray  # (E, K) 1 where effect e uses unknown price k

    @property
    def horizon(self) -> int:
        return self.settings.horizon

    @property
    def center(self) -> np.ndarray:
        """The headline row: expected values by default, modal ones for the modal scenario."""
        return self.likely if self.settings.central == "modal" else self.expected

    @property
    def basis(self) -> str:
        return "modal" if self.settings.central == "modal" else "expected"

    @property
    def uncertain(self) -> tuple[int, ...]:
        """Columns with a range (low < high): what Monte Carlo samples and the tornado swings."""
        return tuple(i for i, p in enumerate(self.parameters) if p.estimate.uncertain)

    def values(self, overrides: Mapping[str, float] | None = None) -> np.ndarray:
        """The headline values (``center``) as a row, some set by key (no bound checks).

        Deliberately unchecked so tipping points can be plugged back in even when they fall
        outside a parameter's range; ``KeyError`` names an unknown key.
        """
        row = self.center.copy()
        for key, value in (overrides or {}).items():
            row[self.index[key]] = value
        return row


def compile_model(chain: Chain, prices: PriceList, settings: Settings | None = None) -> Model:
    """Validate the chain (raising on bad input) and lay it out as arrays."""
    settings = settings or Settings()
    findings = validate(chain, prices, settings)
    horizon = settings.horizon
    discount = discount_factors(settings.discount_rate, horizon)

    params: list[Parameter] = []
    index: dict[str, int] = {}

    def add(parameter: Parameter) -> int:
        if parameter.key not in index:
            index[parameter.key] = len(params)
            params.append(parameter)
        return index[parameter.key]

    effects = chain.effects
    cols: dict[str, list[int]] = {name: [] for name in EFFECT_FIELDS}
    price_col: list[int] = []
    price_known: list[float] = []
    in_euros: list[bool] = []
    unknown_keys: list[str] = []
    welfare: list[float] = []
    for effect in effects:
        size_upper = 1.0 if effect.size_kind == SizeKind.PROBABILITY else None
        size_lower = 0.0 if effect.size_kind == SizeKind.PROBABILITY else None
        bounds = {
            "size": (size_lower, size_upper),
            "participants": (0.0, None),
            "deadweight": (0.0, 1.0),
            "attribution": (0.0, 1.0),
            "decay": (0.0, 1.0),
            "displacement": (0.0, 1.0),
        }
        for name in EFFECT_FIELDS:
            lower, upper = bounds[name]
            if name == "participants" and effect.group:
                group = chain.group(effect.group)  # validate() guarantees it exists
                cols[name].append(
                    add(
                        Parameter(
                            group_key(group.id),
                            group.id,
                            "participants",
                            f"{group.name}: participants",
                            group.size,
                            0.0,
                            None,
                        )
                    )
                )
                continue
            estimate = getattr(effect, name)
            if name in CORRECTIONS and effect.measure == Measure.NET:
                estimate = Estimate.exact(CORRECTIONS[name])
            cols[name].append(
                add(
                    Parameter(
                        effect_key(effect.id, name),
                        effect.id,
                        name,
                        f"{effect.indicator}: {name}",
                        estimate,
                        lower,
                        upper,
                    )
                )
            )
        in_euros.append(effect.in_euros)
        if effect.in_euros:
            # The size is the value in euros: no price parameter, nothing to vary or tip.
            welfare.append(0.0 if effect.transfer else 1.0)
            price_col.append(0)
            price_known.append(1.0)
            continue
        price = prices.get(effect.price_key)
        assert price is not None  # validate() guarantees it
        welfare.append(0.0 if (effect.transfer or price.transfer) else 1.0)
        if price.value is None:
            price_col.append(0)
            price_known.append(0.0)
            if price.key not in unknown_keys:
                unknown_keys.append(price.key)
        else:
            label = price.label or price.key
            price_col.append(
                add(
                    Parameter(
                        price_key(price.key), price.key, "price", f"{label}: price", price.value
                    )
                )
            )
            price_known.append(1.0)

    investments = chain.investments
    cost_col = [
        add(
            Parameter(
                cost_key(inv.id),
                inv.id,
                "cost_factor",
                f"{inv.name or inv.id}: cost factor",
                inv.cost_factor,
                0.0,
            )
        )
        for inv in investments
    ]
    cost_flows = np.zeros((len(investments), horizon))
    for i, inv in enumerate(investments):
        for offset, amount in enumerate(inv.amounts):
            year = inv.start_year + offset
            if year < horizon:
                cost_flows[i, year] = amount

    active = np.zeros((len(effects), horizon))
    weights = np.zeros((len(effects), horizon))
    for e, effect in enumerate(effects):
        span = horizon - effect.start_year
        if effect.duration is not None:
            span = min(span, effect.duration)
        if span > 0:
            active[e, :span] = 1.0
            weights[e, :span] = discount[effect.start_year : effect.start_year + span]

    accounts: list[tuple[str, str]] = []
    for inv in investments:
        if (inv.party, inv.domain) not in accounts:
            accounts.append((inv.party, inv.domain))
    for effect in effects:
        for share in effect.beneficiaries:
            if (share.party, share.domain) not in accounts:
                accounts.append((share.party, share.domain))
    allocation = np.zeros((len(effects), len(accounts)))
    for e, effect in enumerate(effects):
        for share in effect.beneficiaries:
            # A transfer is no welfare gain: out of the party balances too (shown apart).
            allocation[e, accounts.index((share.party, share.domain))] += share.share * welfare[e]
    payer = np.zeros((len(investments), len(accounts)))
    for i, inv in enumerate(investments):
        payer[i, accounts.index((inv.party, inv.domain))] = 1.0

    unknown_map = np.zeros((len(effects), len(unknown_keys)))
    for e, effect in enumerate(effects):
        if effect.price_key in unknown_keys:
            unknown_map[e, unknown_keys.index(effect.price_key)] = 1.0

    def column(values: list[int]) -> np.ndarray:
        return np.asarray(values, dtype=np.intp)

    return Model(
        chain=chain,
        prices=prices,
        settings=settings,
        findings=findings,
        parameters=tuple(params),
        index=index,
        likely=np.array([p.estimate.likely for p in params], dtype=float),
        expected=np.array([p.estimate.mean for p in params], dtype=float),
        lower=np.array([-np.inf if p.lower is None else p.lower for p in params], dtype=float),
        upper=np.array([np.inf if p.upper is None else p.upper for p in params], dtype=float),
        discount=discount,
        size_col=column(cols["size"]),
        participants_col=column(cols["participants"]),
        deadweight_col=column(cols["deadweight"]),
        attribution_col=column(cols["attribution"]),
        decay_col=column(cols["decay"]),
        displacement_col=column(cols["displacement"]),
        welfare=np.asarray(welfare, dtype=float),
        price_col=column(price_col),
        price_known=np.asarray(price_known, dtype=float),
        in_euros=np.asarray(in_euros, dtype=bool),
        weights=weights,
        active=active,
        cost_col=column(cost_col),
        cost_flows=cost_flows,
        cost_pv=cost_flows @ discount if horizon else np.zeros(len(investments)),
        accounts=tuple(accounts),
        allocation=allocation,
        payer=payer,
        unknown_keys=tuple(unknown_keys),
        unknown_map=unknown_map,
    )


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Present values for N rows of parameter values; arrays have N as their first axis.

    ``volume`` is the discounted number of cases an effect produces, per unit of price:
    ``size × participants × (1 − deadweight) × attribution × Σ_k weight_k (1 − decay)^k``.
    An effect's value is ``volume × price``; for an unknown price only the volume is known,
    which is what the tipping point for that price needs. The per-party and per-unknown views
    are computed on request, so Monte Carlo does not pay for what it does not use.
    """

    model: Model
    npv: np.ndarray  # (N,)
    benefits: np.ndarray  # (N,) known-priced benefits, transfers excluded
    costs: np.ndarray  # (N,)
    volume: np.ndarray  # (N, E)
    price: np.ndarray  # (N, E), 0 where unknown
    effect_pv: np.ndarray  # (N, E)
    cost_pv: np.ndarray  # (N, I)

    @property
    def gains(self) -> np.ndarray:
        """(N, A) benefits per (party, domain) account."""
        return self.effect_pv @ self.model.allocation

    @property
    def pays(self) -> np.ndarray:
        """(N, A) costs per (party, domain) account."""
        return self.cost_pv @ self.model.payer

    @property
    def unknown_volume(self) -> np.ndarray:
        """(N, K) discounted volume per price key that is *onbekend*."""
        return self.volume @ self.model.unknown_map


def persistence(keep: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ_k weights[e, k] · keep[e, n]^k for every effect e and row n (note: effects first).

    ``keep = 1 − decay``. The power is built by repeated multiplication over the years, so each
    step is one array operation over all rows, done in place to spare memory traffic.
    """
    total = np.zeros_like(keep)
    power = np.ones_like(keep)
    term = np.empty_like(keep)
    for k in range(weights.shape[1]):
        if k:
            power *= keep
        np.multiply(power, weights[:, k, None], out=term)
        total += term
    return total


def evaluate(model: Model, values: np.ndarray) -> Evaluation:
    """NPV against the reference scenario for each row of ``values`` (shape (N, P) or (P,)).

    Internally works on the transpose (parameters × rows): a column-major ``values``, which is
    what ``montecarlo.sample_parameters`` returns, then gives contiguous rows per parameter.
    """
    xt = np.atleast_2d(np.asarray(values, dtype=float)).T
    volume = xt[model.size_col]
    volume *= xt[model.participants_col]
    retained = 1.0 - xt[model.deadweight_col]
    retained *= xt[model.attribution_col]
    retained *= 1.0 - xt[model.displacement_col]
    volume *= retained
    volume *= persistence(1.0 - xt[model.decay_col], model.weights)
    price = xt[model.price_col]
    price *= model.price_known[:, None]
    price[model.in_euros] = 1.0  # a size in euros is its own value
    effect_pv = volume * price
    cost_pv = xt[model.cost_col]
    cost_pv *= model.cost_pv[:, None]
    benefits = model.welfare @ effect_pv
    costs = cost_pv.sum(axis=0)
    return Evaluation(
        model=model,
        npv=benefits - costs,
        benefits=benefits,
        costs=costs,
        volume=volume.T,
        price=price.T,
        effect_pv=effect_pv.T,
        cost_pv=cost_pv.T,
    )


def npv_at(
    model: Model, overrides: Mapping[str, float] | None = None, *, benefit_scale: float = 1.0
) -> float:
    """NPV at the headline values with some parameters overridden and all benefits scaled.

    Used to plug tipping points back in and for what-if sliders; no bound checks on purpose.
    """
    result = evaluate(model, model.values(overrides))
    return float(benefit_scale * result.benefits[0] - result.costs[0])
