"""The city average, trends and the alarm rule for neighbourhoods.

Seed 002 (interview Bob Kassenaar): Amsterdam watched two indicators in each of five domains and
saw "reason for alarm" when a neighbourhood scored below the city average on 5 of the 10. Below
average means *worse* than average, so the direction of "better" per indicator counts. A missing
value is unknown: it is neither below nor above, and the panel says how many are known. The
alarm is a signal for a conversation, never a verdict: the screens always ask a person for a
context note (digest 002).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean

from .indicators import IndicatorSet

#: CBS codes: the municipality (GM + 4 digits), a wijk (WK + 6) or a buurt (BU + 8).
MUNICIPALITY_PREFIX = "GM"


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    year: int
    indicator: str
    value: float | None


def city_averages(figures: Iterable[Figure]) -> dict[tuple[int, str], float]:
    """Per (year, indicator): the municipality's own row when the file has one (CBS files do),
    else the plain mean of the neighbourhoods' known values."""
    own: dict[tuple[int, str], float] = {}
    values: dict[tuple[int, str], list[float]] = defaultdict(list)
    for f in figures:
        if f.value is None:
            continue
        if f.code.upper().startswith(MUNICIPALITY_PREFIX):
            own[(f.year, f.indicator)] = f.value
        else:
            values[(f.year, f.indicator)].append(f.value)
    averages = {key: fmean(vals) for key, vals in values.items() if vals}
    averages.update(own)
    return averages


def worse(value: float, average: float, higher_is_better: bool) -> bool:
    """Below the city average in the sense of the indicator: worse than average."""
    return value < average if higher_is_better else value > average


@dataclass(frozen=True)
class Panel:
    code: str
    name: str
    year: int
    below: int
    known: int
    total: int
    alarm: bool
    #: indicator id → (value, city average, worse?) for the year; None values are unknown.
    rows: Mapping[str, tuple[float | None, float | None, bool | None]]


def panels(figures: Iterable[Figure], indicator_set: IndicatorSet, year: int) -> list[Panel]:
    """One panel per neighbourhood for ``year`` (the municipality row is the average, not a
    neighbourhood), sorted by most indicators below average."""
    figures = list(figures)
    averages = city_averages(figures)
    by_area: dict[str, dict[str, float | None]] = defaultdict(dict)
    names: dict[str, str] = {}
    for f in figures:
        if f.year != year or f.code.upper().startswith(MUNICIPALITY_PREFIX):
            continue
        by_area[f.code][f.indicator] = f.value
        names[f.code] = f.name
    result = []
    for code, values in by_area.items():
        rows = {}
        below = known = 0
        for indicator in indicator_set.indicators:
            value = values.get(indicator.id)
            average = averages.get((year, indicator.id))
            is_worse = None
            if value is not None and average is not None:
                is_worse = worse(value, average, indicator.higher_is_better)
                known += 1
                below += is_worse
            rows[indicator.id] = (value, average, is_worse)
        result.append(
            Panel(
                code=code,
                name=names[code],
                year=year,
                below=below,
                known=known,
                total=len(indicator_set.indicators),
                alarm=below >= indicator_set.alarm_at,
                rows=rows,
            )
        )
    return sorted(result, key=lambda p: (-p.below, p.name))


def trend(
    figures: Iterable[Figure], code: str, indicator: str
) -> list[tuple[int, float | None, float | None]]:
    """(year, value, city average) per year the file has, oldest first."""
    figures = list(figures)
    averages = city_averages(figures)
    years = sorted({f.year for f in figures if f.indicator == indicator})
    own = {f.year: f.value for f in figures if f.code == code and f.indicator == indicator}
    return [(y, own.get(y), averages.get((y, indicator))) for y in years]


def latest_year(figures: Iterable[Figure]) -> int | None:
    years = {f.year for f in figures}
    return max(years) if years else None
