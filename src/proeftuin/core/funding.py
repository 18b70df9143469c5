"""Funding streams over time and the funding cliff.

Seed 004 (Introduction, §5.1) describes the *projectencarrousel*: effective pilots disappear when
their temporary money stops. The funding cliff makes that moment visible ahead of time: for each
horizon (6, 12, 24 months) it tells how much money a year a project loses when its incidental
streams end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

DAYS_PER_YEAR = Decimal("365.25")


@dataclass(frozen=True, slots=True)
class Stream:
    """A funding stream as the core sees it: money over a period, incidental or structural."""

    label: str
    amount: Decimal
    start: date
    end: date | None
    structural: bool = False
    #: Earned income: market revenue or a payment by a business for the service (not a grant).
    earned: bool = False
    #: The kind of organisation that pays (``gemeente``, ``fonds``, ``bedrijf`` …); "" unknown.
    payer_kind: str = ""

    def days(self) -> int:
        """Length of the period in days, inclusive of both ends (at least one day)."""
        if self.end is None:
            return 0
        return max((self.end - self.start).days + 1, 1)

    def annual_rate(self) -> Decimal:
        """Money per year: the amount spread evenly over the period.

        A structural stream without an end date is taken to be an amount per year already.
        """
        if self.end is None:
            return self.amount
        return rate_per_year(self.amount, self.start, self.end)


def rate_per_year(amount: Decimal, start: date, end: date) -> Decimal:
    """``amount`` spread evenly over ``start`` … ``end`` (both included, at least one day), per
    year: :meth:`Stream.annual_rate` of a stream with an end, for callers that hold plain values.
    """
    return amount * DAYS_PER_YEAR / Decimal(max((end - start).days + 1, 1))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clipped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: day 28 exists in every month")


def months_until(end: date, today: date) -> int:
    """Whole months from ``today`` until ``end``; negative when ``end`` is past."""
    months = (end.year - today.year) * 12 + (end.month - today.month)
    # Compare with add_months rather than the day numbers, so month-end clipping agrees:
    # from 31 January, 28 February is one whole month on.
    if end < add_months(today, months):
        months -= 1
    return months


def ends_within(end: date | None, today: date, months: int) -> bool:
    """Whether ``end`` falls between today and ``months`` months ahead (both days included).

    The one definition of "ends within N months": the funding cliff, the portfolio badge and the
    advisor's "stops within N months" all ask this, so the screens never disagree about a date.
    """
    return end is not None and today <= end <= add_months(today, months)


def allocate_by_year(stream: Stream) -> dict[int, Decimal]:
    """Spread a stream's amount over calendar years in proportion to the days in each year.

    The parts add up to the amount (in cents) exactly and none is negative: each year gets its
    share rounded down to the cent, and the cents left over go to the years with the largest
    remainders (largest-remainder method). A stream without an end date (structural, open-ended)
    is not allocated.
    """
    if stream.end is None or stream.end < stream.start:
        return {}
    cent = Decimal("0.01")
    total = stream.amount.quantize(cent)
    total_days = Decimal(stream.days())
    parts: dict[int, Decimal] = {}
    remainders: dict[int, Decimal] = {}
    for year in range(stream.start.year, stream.end.year + 1):
        first = max(stream.start, date(year, 1, 1))
        last = min(stream.end, date(year, 12, 31))
        exact = total * Decimal((last - first).days + 1) / total_days
        parts[year] = exact.quantize(cent, rounding=ROUND_FLOOR)
        remainders[year] = exact - parts[year]
    left_over = int((total - sum(parts.values())) / cent)
    # Ties go to the later year, as the single remainder did before.
    for year in sorted(remainders, key=lambda y: (remainders[y], y), reverse=True)[:left_over]:
        parts[year] += cent
    return parts


def funding_by_year(streams: Iterable[Stream]) -> list[dict[str, object]]:
    """Rows (stream, year, amount) for the "funding per stream over time" chart."""
    rows: list[dict[str, object]] = []
    for stream in streams:
        for year, amount in sorted(allocate_by_year(stream).items()):
            rows.append({"stream": stream.label, "year": year, "amount": float(amount)})
    return rows


@dataclass(frozen=True, slots=True)
class Cliff:
    """Money a year that ends within ``months`` months from today, and the streams behind it."""

    months: int
    annual_amount_lost: Decimal
    streams: tuple[str, ...]
    first_end: date | None


def funding_cliffs(
    streams: Sequence[Stream], today: date, horizons: Sequence[int] = (6, 12, 24)
) -> list[Cliff]:
    """For each horizon, the incidental money a year whose stream ends between today and then.

    Structural streams are left out: they are meant to go on. Streams that have already ended are
    left out too; the cliff is what is still ahead.
    """
    result: list[Cliff] = []
    for months in sorted(horizons):
        ending = [s for s in streams if not s.structural and ends_within(s.end, today, months)]
        result.append(
            Cliff(
                months=months,
                annual_amount_lost=sum((s.annual_rate() for s in ending), Decimal("0")),
                streams=tuple(s.label for s in ending),
                first_end=min((s.end for s in ending if s.end), default=None),
            )
        )
    return result


def cliff_amounts(
    ending: Iterable[tuple[date, Decimal]], today: date, until: Sequence[date]
) -> list[Decimal]:
    """``annual_amount_lost`` of :func:`funding_cliffs` for each horizon's last day in ``until``,
    from the (end, :func:`rate_per_year`) pairs of a project's incidental streams, in the same
    order and so summed to the same digits, without a :class:`Stream` or :class:`Cliff` each.

    Why: the funding cliff page orders and totals every project of a portfolio (issue 14).
    """
    sums = [Decimal("0")] * len(until)
    for end, rate in ending:
        if end < today:
            continue
        for i, last in enumerate(until):
            if end <= last:
                sums[i] += rate
    return sums


def incidental_share(streams: Iterable[Stream], today: date) -> Decimal | None:
    """Share of the current money a year that is incidental; ``None`` when nothing runs today."""
    running = [s for s in streams if s.start <= today and (s.end is None or s.end >= today)]
    total = sum((s.annual_rate() for s in running), Decimal("0"))
    if total == 0:
        return None
    incidental = sum((s.annual_rate() for s in running if not s.structural), Decimal("0"))
    return incidental / total


def running(streams: Iterable[Stream], today: date) -> list[Stream]:
    """The streams that run today."""
    return [s for s in streams if s.start <= today and (s.end is None or s.end >= today)]


def share_of_current_money(
    streams: Iterable[Stream], today: date, which: Callable[[Stream], bool]
) -> float | None:
    """Share of today's money a year in the streams ``which`` selects; None when nothing runs."""
    now = running(streams, today)
    total = sum((s.annual_rate() for s in now), Decimal("0"))
    if total == 0:
        return None
    return float(sum((s.annual_rate() for s in now if which(s)), Decimal("0")) / total)


def totals_by_key(rows: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Sum amounts per key, keeping first-seen order (for per-domain and per-funder totals)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for key, amount in rows:
        sums[key] += amount
    return dict(sums)


def amounts_by_year(stream: Stream, last_year: int) -> dict[int, Decimal]:
    """The stream's money per calendar year, pro rata to the days of the period in each year.

    Why: the MKBA's investments come from the funding streams (one source of truth for money).
    A structural stream without an end date pays ``amount`` every full year from its start up
    to ``last_year`` (the first year pro rata); an ended stream is ``allocate_by_year``: its
    total over its days, to the cent.
    """
    if stream.end is None:
        start_year = stream.start.year
        days_in_first = (date(start_year, 12, 31) - stream.start).days + 1
        first = stream.amount * Decimal(days_in_first) / Decimal(_year_days(start_year))
        result = {start_year: first}
        for year in range(start_year + 1, last_year + 1):
            result[year] = stream.amount
        return result
    return allocate_by_year(stream)  # to the cent, largest remainder


def _year_days(year: int) -> int:
    return (date(year, 12, 31) - date(year, 1, 1)).days + 1
