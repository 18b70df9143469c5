"""A plain, loop-by-loop NPV: the yardstick for the vectorised engine.

It reads the chain directly (not the compiled arrays) and walks every effect and every year, so
it is an independent second implementation. The tests compare it with ``compiled.evaluate`` and
the benchmark uses it as the straightforward per-draw baseline.
"""

from __future__ import annotations

from collections.abc import Sequence

from proeftuin.core.valuation.compiled import Model, cost_key, effect_key, group_key, price_key
from proeftuin.core.valuation.model import Measure


def npv_reference(model: Model, values: Sequence[float]) -> float:
    """NPV for one row of parameter values, computed with Python floats and loops."""
    rate = model.settings.discount_rate
    horizon = model.settings.horizon
    index = model.index

    def value(key: str) -> float:
        return float(values[index[key]])

    total = 0.0
    for investment in model.chain.investments:
        factor = value(cost_key(investment.id))
        for offset, amount in enumerate(investment.amounts):
            year = investment.start_year + offset
            if year < horizon:
                total -= factor * amount / (1.0 + rate) ** year
    for effect in model.chain.effects:
        price = None if effect.in_euros else model.prices.get(effect.price_key)
        if not effect.in_euros and (price is None or price.value is None):
            continue  # onbekend: reported separately, never counted as zero
        if effect.transfer or (price is not None and price.transfer):
            continue  # a transfer: shown apart, outside the welfare balance
        count = (
            value(group_key(effect.group))
            if effect.group
            else value(effect_key(effect.id, "participants"))
        )
        unit = value(effect_key(effect.id, "size")) * count
        if price is not None:
            unit *= value(price_key(price.key))
        if effect.measure == Measure.GROSS:
            unit *= (
                (1.0 - value(effect_key(effect.id, "deadweight")))
                * value(effect_key(effect.id, "attribution"))
                * (1.0 - value(effect_key(effect.id, "displacement")))
            )
        keep = 1.0 - value(effect_key(effect.id, "decay"))
        for year in range(horizon):
            k = year - effect.start_year
            if k < 0 or (effect.duration is not None and k >= effect.duration):
                continue
            total += unit * keep**k / (1.0 + rate) ** year
    return total
