"""Money at a glance: annual totals per project and for the portfolio, incidental and structural.

Why: the funding tab once added up only streams with an end date, so structural money was missing
and no annual budget total existed anywhere (issue 11, item 3). Every screen and export that shows
money per year asks this module, so they agree. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import funding as funding_core

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class YearAmounts:
    """One year's money: incidental (temporary) and structural (including earned income)."""

    year: int
    incidental: Decimal = ZERO
    structural: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.incidental + self.structural


@dataclass(frozen=True, slots=True)
class ProjectBudget:
    """A project's money per year over the budget's years."""

    name: str
    years: tuple[YearAmounts, ...]

    @property
    def total(self) -> YearAmounts:
        return _sum(0, self.years)


@dataclass(frozen=True, slots=True)
class Budget:
    """Money per year × project, with the portfolio's total per year."""

    years: tuple[int, ...]
    projects: tuple[ProjectBudget, ...]
    totals: tuple[YearAmounts, ...] = field(default=())

    @property
    def grand_total(self) -> YearAmounts:
        return _sum(0, self.totals)


def _sum(year: int, parts: Iterable[YearAmounts]) -> YearAmounts:
    incidental = structural = ZERO
    for part in parts:
        incidental += part.incidental
        structural += part.structural
    return YearAmounts(year, incidental, structural)


def year_range(streams: Iterable[funding_core.Stream], today: date, ahead: int = 2) -> range:
    """The years a budget shows: from the first stream's start to the last end, and at least up
    to ``ahead`` years after today (so open-ended structural money shows a few years)."""
    streams = list(streams)
    if not streams:
        return range(today.year, today.year + ahead + 1)
    first = min(s.start.year for s in streams)
    last = max([s.end.year for s in streams if s.end] + [today.year + ahead])
    return range(min(first, today.year), last + 1)


def per_year(streams: Sequence[funding_core.Stream], years: range) -> tuple[YearAmounts, ...]:
    """The streams' money per calendar year in ``years``, split incidental/structural.

    A stream with an end date is spread over its days (to the cent); a structural stream without
    an end date pays its amount every full year from its start (the first year pro rata).
    """
    incidental = dict.fromkeys(years, ZERO)
    structural = dict.fromkeys(years, ZERO)
    if years:
        for stream in streams:
            target = structural if stream.structural else incidental
            for year, amount in funding_core.amounts_by_year(stream, years[-1]).items():
                if year in target:
                    target[year] += amount
    return tuple(
        YearAmounts(
            y, incidental[y].quantize(Decimal("0.01")), structural[y].quantize(Decimal("0.01"))
        )
        for y in years
    )


def budget(projects: Sequence[tuple[str, Sequence[funding_core.Stream]]], years: range) -> Budget:
    """The annual budget: per project its money per year, and the total per year."""
    rows = tuple(ProjectBudget(name, per_year(streams, years)) for name, streams in projects)
    totals = tuple(_sum(y, (row.years[i] for row in rows)) for i, y in enumerate(years))
    return Budget(years=tuple(years), projects=rows, totals=totals)


def funding_rows(streams: Sequence[funding_core.Stream], years: range) -> list[dict[str, object]]:
    """Rows (stream, year, amount) for the funding chart, structural money included."""
    rows: list[dict[str, object]] = []
    for stream in streams:
        by_year = funding_core.amounts_by_year(stream, years[-1]) if years else {}
        for year in years:
            if by_year.get(year):
                rows.append({"stream": stream.label, "year": year, "amount": float(by_year[year])})
    return rows
