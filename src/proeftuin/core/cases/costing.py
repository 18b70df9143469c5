"""Costing a case timeline and summing the difference over cases.

Why: Amsterdam's *Systeem in Beeld* laid a family's whole help history out on a wallpaper roll
and found much help that did not work (seed 002, 'Patronen doorbreken in het Amsterdamse
jeugddomein'); the Effectencalculator prices such a timeline against a reference scenario (002,
'Prestatiemeten', note 111). The difference is a cost **found by observation**, per case.

An event's cost is ``units × unit_cost``. An unknown unit cost is a gap, never a zero: a case with
any unknown cost has no total, and it is left out of the sum over cases (and counted as such).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from statistics import fmean, stdev

from proeftuin.core.monitoring.stats import t_quantile


class Lane(StrEnum):
    ACTUAL = "actual"  # what happened, with the approach
    REFERENCE = "reference"  # what the team would have expected without it


@dataclass(frozen=True)
class Event:
    lane: Lane
    service: str
    start: date
    end: date | None
    units: float
    unit_cost: float | None

    @property
    def cost(self) -> float | None:
        if self.unit_cost is None:
            return None
        return float(self.units) * float(self.unit_cost)


@dataclass(frozen=True)
class CaseTotals:
    actual: float | None
    reference: float | None
    unknown_prices: int

    @property
    def saving(self) -> float | None:
        """Reference minus actual: what the approach saved in this case (negative: it cost more)."""
        if self.actual is None or self.reference is None:
            return None
        return self.reference - self.actual


def _lane_total(events: Iterable[Event]) -> tuple[float | None, int, int]:
    total, unknown, count = 0.0, 0, 0
    for event in events:
        count += 1
        cost = event.cost
        if cost is None:
            unknown += 1
        else:
            total += cost
    return (None if unknown or not count else total), unknown, count


def case_totals(events: Sequence[Event]) -> CaseTotals:
    """Totals per lane; a lane with no events or with an unknown price has no total."""
    actual, unknown_a, _ = _lane_total(e for e in events if e.lane == Lane.ACTUAL)
    reference, unknown_r, _ = _lane_total(e for e in events if e.lane == Lane.REFERENCE)
    return CaseTotals(actual=actual, reference=reference, unknown_prices=unknown_a + unknown_r)


def cumulative(events: Sequence[Event]) -> list[dict]:
    """Per lane, the cumulative known cost at each event's start (costs are booked at the start).

    Returns rows ``{lane, date, cumulative}`` sorted by lane and date, starting at 0 on the
    lane's first date; events with an unknown price add nothing and are marked ``gap`` on the
    row, so the chart can show that the line is incomplete."""
    rows: list[dict] = []
    for lane in Lane:
        lane_events = sorted((e for e in events if e.lane == lane), key=lambda e: e.start)
        if not lane_events:
            continue
        running = 0.0
        gap = False
        rows.append(
            {"lane": lane.value, "date": lane_events[0].start, "cumulative": 0.0, "gap": False}
        )
        for event in lane_events:
            cost = event.cost
            if cost is None:
                gap = True
            else:
                running += cost
            rows.append(
                {"lane": lane.value, "date": event.start, "cumulative": running, "gap": gap}
            )
    return rows


@dataclass(frozen=True)
class Summary:
    """The sum over cases: mean saving per case with its interval and standard error, over
    ``n`` complete cases (persons, once it has passed the disclosure module)."""

    n: int
    incomplete: int
    mean: float | None
    low: float | None
    high: float | None
    total: float | None
    suppressed: bool
    se: float | None = None


def summarise(savings: Sequence[float | None], *, threshold: int, confidence: float) -> Summary:
    """Mean saving per case with a t-interval (``confidence``, two-sided); nothing below
    ``threshold`` complete cases (small-cell rule) and no interval for fewer than two."""
    complete = [float(s) for s in savings if s is not None]
    n = len(complete)
    incomplete = len(savings) - n
    if n == 0 or n < threshold:
        return Summary(n, incomplete, None, None, None, None, suppressed=n > 0)
    mean = fmean(complete)
    low = high = spread = None
    if n >= 2:
        spread = stdev(complete) / math.sqrt(n)
        t = t_quantile(0.5 + confidence / 2, n - 1)
        low, high = mean - t * spread, mean + t * spread
    return Summary(n, incomplete, mean, low, high, sum(complete), suppressed=False, se=spread)
