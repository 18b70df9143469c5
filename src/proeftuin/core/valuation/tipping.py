"""Tipping points (*omslagpunten*): what must the project achieve for NPV ≥ 0?

Seed 004 §2.2.2 puts these at the centre of the indicative MKBA rather than the bottom line,
because effect research in the social domain is thin: the question is not "is it profitable?"
but "is a positive social return possible, and on what condition?"

The NPV is linear in each effect's size, in its participant count, in each price and in a common
scale on all benefits, with everything else held at the headline (expected) values. So every
tipping point has a closed form, ``x* = x − NPV / (∂NPV/∂x)``, and each is verified by plugging
it back in: ``residual`` is the NPV at ``x*`` and should be zero up to rounding. ``shown`` is
``x*`` rounded to the safe side (see ``rounding``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from proeftuin.core.valuation.compiled import (
    Model,
    compile_model,
    effect_key,
    evaluate,
    group_key,
    npv_at,
    price_key,
)
from proeftuin.core.valuation.model import Chain, PriceList, Settings, SizeKind
from proeftuin.core.valuation.rounding import display_step, safe_round, tolerance


@dataclass(frozen=True, slots=True)
class TippingPoint:
    """The value of one quantity at which the NPV is exactly zero, others at their expected value.

    ``direction`` says which side is good: ``"at_least"`` (more is better, the usual case) or
    ``"at_most"``. ``reason`` explains a missing ``break_even``: ``"unknown_price"`` when the
    effect's price is *onbekend* (see the price's own tipping point instead), ``"no_value"`` when
    the quantity does not move the NPV (a zero price, an effect beyond the horizon, or an effect
    so small that no finite value would reach zero). For an
    unknown price itself ``reason`` is ``"unknown_price"`` and ``break_even`` is set.

    ``feasible`` tells whether the good side can be reached inside the quantity's hard bounds
    (a probability cannot exceed 1); ``within_estimate`` whether the break-even lies in the
    workshop's own low–high range. For a probability-type effect, ``cases`` is the break-even
    as a number of participants (``break_even × participants``), and ``minimum_whole`` rounds the
    count the right way: "at least 12 of the 100 families".
    """

    key: str
    element_id: str
    field: str
    label: str
    current: float | None
    break_even: float | None
    direction: str | None
    reason: str = ""
    feasible: bool | None = None
    within_estimate: bool | None = None
    cases: float | None = None
    minimum_whole: int | None = None
    residual: float | None = None
    shown: float | None = None
    """The break-even rounded to the safe side at the precision the screens show (whole euros,
    whole people, hundredths): applied at this value, the NPV is still ≥ 0, verified."""

    @property
    def met(self) -> bool | None:
        """Whether the current (expected) value already lies on the good side."""
        if self.break_even is None or self.current is None:
            return None
        if self.direction == "at_least":
            return self.current >= self.break_even
        return self.current <= self.break_even


@dataclass(frozen=True, slots=True)
class TippingReport:
    """All tipping points of a chain: per effect, jointly, and per price (known or *onbekend*)."""

    npv: float
    sizes: tuple[TippingPoint, ...]
    participants: tuple[TippingPoint, ...]
    joint: TippingPoint
    prices: tuple[TippingPoint, ...]
    groups: tuple[TippingPoint, ...] = ()
    """Per participant group: the break-even count with every effect of the group moving
    together. The per-effect participant point of a grouped effect has reason ``"group"``."""


def tipping_points(
    chain: Chain, prices: PriceList, settings: Settings | None = None
) -> TippingReport:
    """Validate the chain and compute every tipping point (see the module docstring)."""
    return tipping_points_model(compile_model(chain, prices, settings))


def _whole(count: float, direction: str | None) -> int | None:
    """Round a break-even count to whole people: up for "at least", down for "at most"."""
    if not math.isfinite(count):
        return None
    nudge = 1e-9 * max(1.0, abs(count))  # 11.999999999 cases is 12, not 13
    whole = math.ceil(count - nudge) if direction == "at_least" else math.floor(count + nudge)
    return max(whole, 0)


def _solve(
    model: Model,
    key: str,
    current: float,
    slope: float,
    npv: float,
    *,
    element_id: str,
    field: str,
    label: str,
    cases_per_unit: float | None = None,
    whole: bool = False,
    price_unknown: bool = False,
    step: float | None = None,
) -> TippingPoint:
    if price_unknown or slope == 0.0 or not math.isfinite(slope):
        reason = "unknown_price" if price_unknown else "no_value"
        return TippingPoint(key, element_id, field, label, current, None, None, reason)
    break_even = current - npv / slope
    if not math.isfinite(break_even):  # the slope is too small for any finite value to matter
        return TippingPoint(key, element_id, field, label, current, None, None, "no_value")
    direction = "at_least" if slope > 0 else "at_most"
    parameter = model.parameters[model.index[key]]
    lower = -math.inf if parameter.lower is None else parameter.lower
    upper = math.inf if parameter.upper is None else parameter.upper
    feasible = break_even <= upper if direction == "at_least" else break_even >= lower
    estimate = parameter.estimate
    cases = break_even * cases_per_unit if cases_per_unit is not None else None

    def holds(value: float) -> bool:
        return npv_at(model, {key: value}) >= -tol

    base = evaluate(model, model.center)
    tol = tolerance(float(base.benefits[0]), float(base.costs[0]))

    if cases is not None and cases_per_unit:
        per = cases_per_unit
        shown_cases = safe_round(cases, direction, 1.0, lambda k: holds(k / per))
        minimum_whole = None if shown_cases is None else max(int(shown_cases), 0)
        shown = None if shown_cases is None else shown_cases / per
    elif whole:
        shown = safe_round(break_even, direction, 1.0, holds)
        minimum_whole = None if shown is None else max(int(shown), 0)
    else:
        minimum_whole = None
        shown = safe_round(break_even, direction, step or display_step(break_even), holds)
    return TippingPoint(
        key,
        element_id,
        field,
        label,
        current,
        break_even,
        direction,
        feasible=feasible,
        within_estimate=estimate.low <= break_even <= estimate.high,
        cases=cases,
        minimum_whole=minimum_whole,
        residual=npv_at(model, {key: break_even}),
        shown=shown,
    )


def tipping_points_model(model: Model) -> TippingReport:
    """Tipping points of an already compiled model (see ``tipping_points``), at the headline
    (expected) values."""
    likely = model.center  # the headline row (expected values unless set to modal)
    base = evaluate(model, likely)
    npv = float(base.npv[0])
    # PV of one case (size × participants = 1) per effect before the price: the other factors.
    unit_row = likely.copy()
    unit_row[model.size_col] = 1.0
    unit_row[model.participants_col] = 1.0
    per_case = evaluate(model, unit_row).volume[0]

    sizes, participants = [], []
    group_slopes: dict[str, float] = {}
    for e, effect in enumerate(model.chain.effects):
        size = float(likely[model.size_col[e]])
        count = float(likely[model.participants_col[e]])
        price = float(base.price[0, e])
        # A transfer is outside the welfare balance: it moves no tipping point.
        value_per_case = price * float(per_case[e]) * float(model.welfare[e])
        if effect.group and model.price_known[e]:
            group_slopes[effect.group] = group_slopes.get(effect.group, 0.0) + size * value_per_case
        if effect.group:
            participants.append(
                TippingPoint(
                    effect_key(effect.id, "participants"),
                    effect.id,
                    "participants",
                    effect.indicator,
                    count,
                    None,
                    None,
                    "group",
                )
            )
        probability = effect.size_kind == SizeKind.PROBABILITY
        sizes.append(
            _solve(
                model,
                effect_key(effect.id, "size"),
                size,
                count * value_per_case,
                npv,
                element_id=effect.id,
                field="size",
                label=effect.indicator,
                cases_per_unit=count if probability else None,
                price_unknown=not model.price_known[e],
            )
        )
        if effect.group:
            continue
        participants.append(
            _solve(
                model,
                effect_key(effect.id, "participants"),
                count,
                size * value_per_case,
                npv,
                element_id=effect.id,
                field="participants",
                label=effect.indicator,
                whole=True,
                price_unknown=not model.price_known[e],
            )
        )

    groups = []
    for group in model.chain.groups:
        key = group_key(group.id)
        if key not in model.index:
            continue  # declared but used by no effect
        groups.append(
            _solve(
                model,
                key,
                float(likely[model.index[key]]),
                group_slopes.get(group.id, 0.0),
                npv,
                element_id=group.id,
                field="participants",
                label=group.name,
                whole=True,
            )
        )

    benefits = float(base.benefits[0])
    tol = tolerance(benefits, float(base.costs[0]))
    if benefits == 0.0 or not math.isfinite(1.0 - npv / benefits):
        joint = TippingPoint(
            "benefits:scale", "", "scale", "all effects", 1.0, None, None, "no_value"
        )
    else:
        scale = 1.0 - npv / benefits
        direction = "at_least" if benefits > 0 else "at_most"
        joint = TippingPoint(
            "benefits:scale",
            "",
            "scale",
            "all effects",
            1.0,
            scale,
            direction,
            feasible=scale >= 0.0 if benefits > 0 else True,
            residual=npv_at(model, benefit_scale=scale),
            shown=safe_round(
                scale, direction, 0.01, lambda v: npv_at(model, benefit_scale=v) >= -tol
            ),
        )

    return TippingReport(
        npv=npv,
        sizes=tuple(sizes),
        participants=tuple(participants),
        joint=joint,
        prices=tuple(_price_points(model, base.volume[0] * model.welfare, npv)),
        groups=tuple(groups),
    )


def _price_points(model: Model, volume: np.ndarray, npv: float) -> list[TippingPoint]:
    """Break-even unit value per price key; for an *onbekend* price, plugged back in for real."""
    base = evaluate(model, model.center)
    tol = tolerance(float(base.benefits[0]), float(base.costs[0]))
    points: list[TippingPoint] = []
    seen: list[str] = []
    for effect in model.chain.effects:
        if not effect.in_euros and effect.price_key not in seen:
            seen.append(effect.price_key)
    for key in seen:
        price = model.prices.get(key)
        assert price is not None  # validate() guarantees it
        label = price.label or key
        total = float(
            sum(
                volume[e]
                for e, eff in enumerate(model.chain.effects)
                if eff.price_key == key and not eff.in_euros
            )
        )
        if price.value is not None:
            points.append(
                _solve(
                    model,
                    price_key(key),
                    float(model.center[model.index[price_key(key)]]),
                    total,
                    npv,
                    element_id=key,
                    field="price",
                    label=label,
                    step=1.0,
                )
            )
            continue
        if total == 0.0 or not math.isfinite(total) or not math.isfinite(-npv / total):
            points.append(
                TippingPoint(price_key(key), key, "price", label, None, None, None, "no_value")
            )
            continue
        break_even = -npv / total
        direction = "at_least" if total > 0 else "at_most"
        if break_even < 0.0:
            # No value of zero or more changes the conclusion: never show a negative price.
            points.append(
                TippingPoint(price_key(key), key, "price", label, None, None, None, "not_binding")
            )
            continue
        filled = compile_model(
            model.chain, model.prices.with_price(key, break_even), model.settings
        )
        points.append(
            TippingPoint(
                price_key(key),
                key,
                "price",
                label,
                None,
                break_even,
                direction,
                reason="unknown_price",
                residual=npv_at(filled),
                # Linear in the unknown price: NPV(v) = npv + v · total, others left out.
                shown=safe_round(
                    break_even, direction, 1.0, lambda v, t=total: npv + v * t >= -tol
                ),
            )
        )
    return points
