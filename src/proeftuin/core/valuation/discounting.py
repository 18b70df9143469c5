"""Discounting, net present value and internal rate of return.

Costs and benefits of a pilot fall in different years; an indicative MKBA compares them in one
base year (004 §2.2.2). Convention used throughout: year ``t`` (0, 1, …, horizon − 1) is
multiplied by ``(1 + rate) ** -t``, so year 0 is not discounted. That is the same convention as
``numpy_financial.npv``, which the tests use as a cross-check.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_DISCOUNT_RATE = 0.0225
"""Real discount rate: 2.25%, an ASSUMPTION TO VERIFY.

Nothing in the project's source material (``/work/shared``) names a rate. 2.25% is the Dutch
standard discount rate for social cost-benefit analysis (*standaarddiscontovoet*) that the
cabinet adopted from 1 January 2021 on the advice of the *Werkgroep Discontovoet 2020*: a
risk-free part of −1% plus a risk premium of 3.25% (rwseconomie.nl, "Discontovoet"). The working
group revises the rate every few years; check whether a later revision applies before relying
on this default, and let an installation override it.
"""

DEFAULT_HORIZON = 15
"""Years the analysis looks ahead by default: long enough for prevention to pay back, short
enough that the assumptions still mean something. A project setting, not a norm."""


def discount_factors(rate: float, horizon: int) -> np.ndarray:
    """``(1 + rate) ** -t`` for t = 0 … horizon − 1, as one vector every engine path shares."""
    if horizon <= 0:
        return np.zeros(0)
    return (1.0 + rate) ** -np.arange(horizon, dtype=float)


def present_value(rate: float, flows: Sequence[float] | np.ndarray) -> float:
    """Sum of ``flows[t] / (1 + rate) ** t``; equals ``numpy_financial.npv(rate, flows)``."""
    values = np.asarray(flows, dtype=float)
    return float(values @ discount_factors(rate, values.size))


@dataclass(frozen=True, slots=True)
class IrrResult:
    """The internal rate of return, or why there is none.

    ``reason`` is ``""`` when ``rate`` is set, else one of ``"no_sign_change"`` (only costs or
    only benefits: no rate makes the NPV zero), ``"multiple_sign_changes"`` (the NPV can cross
    zero more than once, so a single IRR would mislead) or ``"no_root"`` (numerically out of
    reach, e.g. a rate of practically −100%).
    """

    rate: float | None
    reason: str = ""


def internal_rate_of_return(flows: Sequence[float] | np.ndarray) -> IrrResult:
    """The rate at which the net present value of ``flows`` is zero, where that is unambiguous.

    Only conventional flows (one change of sign, e.g. costs first and benefits later) have a
    unique IRR above −100%, by Descartes' rule of signs. Solved like ``numpy_financial.irr``, as
    the positive real root ``x = 1 / (1 + r)`` of the polynomial ``Σ flows[t] · x**t``, with a
    bisection fallback for extreme inputs where that companion-matrix method breaks down.
    """
    values = np.asarray(flows, dtype=float)
    signs = np.sign(values[values != 0])
    changes = int(np.count_nonzero(signs[1:] != signs[:-1])) if signs.size else 0
    if changes == 0:
        return IrrResult(None, "no_sign_change")
    if changes > 1:
        return IrrResult(None, "multiple_sign_changes")
    x = _positive_root(values)
    rate = 1.0 / x - 1.0 if x and math.isfinite(x) else math.nan
    if not math.isfinite(rate):
        return IrrResult(None, "no_root")
    return IrrResult(rate)


def _positive_root(values: np.ndarray) -> float | None:
    """The single positive root of ``Σ values[t] · x**t`` (one sign change guarantees it).

    ``np.roots`` first, as numpy-financial does; if it fails on extreme inputs, bisection on
    ``log x`` between two points where the polynomial has opposite signs.
    """
    with np.errstate(all="ignore"):
        try:
            roots = np.roots(values[::-1])
        except np.linalg.LinAlgError:
            roots = np.zeros(0)
    real = roots[
        (np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots))) & (roots.real > 0)
    ].real
    real = real[np.isfinite(real)]
    if real.size == 1:
        return float(real[0])

    def f(log_x: float) -> float:
        with np.errstate(over="ignore", invalid="ignore"):
            return float(values @ np.exp(log_x * np.arange(values.size)))

    lo, hi = -50.0, 50.0  # x from e^-50 to e^50: rates from about -100% to e^50
    f_lo, f_hi = f(lo), f(hi)
    if not (math.isfinite(f_lo) and math.isfinite(f_hi)) or f_lo * f_hi > 0:
        return None
    for _ in range(200):
        mid = (lo + hi) / 2
        f_mid = f(mid)
        if f_mid == 0:
            return math.exp(mid)
        if hi - lo < 1e-15:
            break
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return math.exp((lo + hi) / 2)
