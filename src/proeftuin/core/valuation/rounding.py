"""Rounding of tipping points to the safe side, shared by the tipping points and the unknowns.

A tipping point is a promise: "the project pays back as long as at least X". Rounded to the
nearest, X can land just on the losing side. Here X is rounded towards the side where the
promise holds, and checked by plugging it back in.
"""

from __future__ import annotations

import math
from collections.abc import Callable


def display_step(value: float) -> float:
    """The precision a plain number is shown with (see ``wording.number``): 0.01 from 1 up."""
    return 0.01 if abs(value) >= 1 else 0.0001


def safe_round(
    break_even: float, direction: str, step: float, holds: Callable[[float], bool]
) -> float | None:
    """Round ``break_even`` to a multiple of ``step`` on the side where the conclusion holds.

    Up for "at least", down for "at most"; then verified with ``holds`` (NPV ≥ 0 at the value)
    and moved one more step when it does not hold (within ``tolerance``): a start a hair on
    the unsafe side, for floating-point noise, is therefore corrected. A displayed tipping
    point applied as shown therefore never flips the conclusion ("ten minste € 17.361" used to
    give an NPV of −1.88).
    """
    if not math.isfinite(break_even):
        return None
    sign = 1 if direction == "at_least" else -1
    steps = break_even / step
    # 11.999999999 or 12.000000001 cases start at 12; capped at a thousandth of a step, so a huge
    # value (a scale of 10¹⁴) is never started thousands of steps on the unsafe side.
    nudge = min(1e-9 * max(1.0, abs(steps)), 1e-3)
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    first = math.ceil(steps - nudge) if sign > 0 else math.floor(steps + nudge)
    plain = math.ceil(steps) if sign > 0 else math.floor(steps)
    candidates = [first, plain]
    for _ in range(3):  # beyond 2⁵³ one step may not change the float: move relatively
        candidates.append(candidates[-1] + sign * max(1, math.ceil(abs(candidates[-1]) * 1e-15)))
    for whole in candidates:
        value = round(whole * step, decimals) if decimals else float(whole * step)
        if holds(value):
            return value
    return None


def tolerance(benefits: float, costs: float) -> float:
    """How far below zero an NPV may fall by floating-point noise and still count as zero.

    One part in 10⁹ of the amounts involved (a few cents per billion euros): exactly 12.000…02
    families at the break-even must read as 12, not 13, while "at least € 17.361" that gives
    −€ 1,88 is a real loss and moves the rounding.
    """
    return 1e-9 * max(1.0, abs(benefits) + abs(costs))
