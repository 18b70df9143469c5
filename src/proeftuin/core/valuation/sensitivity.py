"""One-at-a-time sensitivity for the tornado chart.

Each uncertain estimate is set to its low and to its high value while every other stays at its
likely value. The bars, widest first, show which assumptions the conclusion hangs on: the
"knobs" (*knoppen*) the indicative MKBA says monitoring should track (004 §2.2.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from proeftuin.core.valuation.compiled import Model, compile_model, evaluate
from proeftuin.core.valuation.model import Chain, PriceList, Settings


@dataclass(frozen=True, slots=True)
class TornadoBar:
    """NPV with one parameter at its low and at its high value, the rest at the headline (expected) values."""

    key: str
    element_id: str
    field: str
    label: str
    low: float
    high: float
    npv_at_low: float
    npv_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.npv_at_high - self.npv_at_low)

    @property
    def crosses_zero(self) -> bool:
        """Whether this assumption alone can flip the sign of the NPV."""
        return min(self.npv_at_low, self.npv_at_high) < 0 <= max(self.npv_at_low, self.npv_at_high)


@dataclass(frozen=True, slots=True)
class Tornado:
    """The base NPV and the bars sorted by swing, widest first."""

    base_npv: float
    bars: tuple[TornadoBar, ...]


def tornado(chain: Chain, prices: PriceList, settings: Settings | None = None) -> Tornado:
    """Validate the chain and compute the tornado chart."""
    return tornado_model(compile_model(chain, prices, settings))


def tornado_model(model: Model) -> Tornado:
    """Tornado of a compiled model: all 2 × P scenarios in one vectorised evaluation."""
    # Estimates of an effect whose price is onbekend cannot move the known NPV: no bar for them.
    silent = {effect.id for e, effect in enumerate(model.chain.effects) if not model.price_known[e]}
    columns = [
        col
        for col in model.uncertain
        if not (
            model.parameters[col].key.startswith("effect:")
            and model.parameters[col].element_id in silent
        )
    ]
    base = float(evaluate(model, model.center).npv[0])
    if not columns:
        return Tornado(base, ())
    rows = np.tile(model.center, (2 * len(columns), 1))
    for j, col in enumerate(columns):
        estimate = model.parameters[col].estimate
        rows[2 * j, col] = estimate.low
        rows[2 * j + 1, col] = estimate.high
    npv = evaluate(model, rows).npv
    bars = [
        TornadoBar(
            p.key,
            p.element_id,
            p.field,
            p.label,
            p.estimate.low,
            p.estimate.high,
            float(npv[2 * j]),
            float(npv[2 * j + 1]),
        )
        for j, p in enumerate(model.parameters[col] for col in columns)
    ]
    bars.sort(key=lambda bar: bar.swing, reverse=True)
    return Tornado(base, tuple(bars))
