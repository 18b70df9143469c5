"""The funding maths: allocation over years, month arithmetic, the funding cliff, incidental share.

Property tests (hypothesis) state what must hold for any stream; a few worked examples pin the
numbers a reader can check by hand. Day counts are cross-checked against numpy's calendar.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from proeftuin.core.funding import (
    DAYS_PER_YEAR,
    Stream,
    add_months,
    allocate_by_year,
    cliff_amounts,
    funding_by_year,
    funding_cliffs,
    incidental_share,
    months_until,
    rate_per_year,
    totals_by_key,
)

CENT = Decimal("0.01")

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
amounts = st.decimals(
    min_value=Decimal("0"),
    max_value=Decimal("1000000000"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
month_offsets = st.integers(min_value=-600, max_value=600)


@st.composite
def bounded_streams(draw, structural: bool | None = None, max_years: int = 40) -> Stream:
    """A stream with an end on or after its start (what the model's ``clean`` allows)."""
    start = draw(dates)
    end = start + timedelta(days=draw(st.integers(min_value=0, max_value=366 * max_years)))
    return Stream(
        label=draw(st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=6)),
        amount=draw(amounts),
        start=start,
        end=end,
        structural=draw(st.booleans()) if structural is None else structural,
    )


@st.composite
def any_streams(draw) -> Stream:
    """Bounded streams, plus open-ended structural ones (an amount a year)."""
    if draw(st.booleans()):
        return draw(bounded_streams())
    return Stream(
        label=draw(st.text(alphabet="KLMNOP", min_size=1, max_size=6)),
        amount=draw(amounts),
        start=draw(dates),
        end=None,
        structural=True,
    )


def numpy_days_per_year(start: date, end: date) -> dict[int, int]:
    """Days of [start, end] in each calendar year, counted by numpy's datetime64 calendar."""
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    years = days.astype("datetime64[Y]").astype(int) + 1970
    unique, counts = np.unique(years, return_counts=True)
    return {int(y): int(c) for y, c in zip(unique, counts, strict=True)}


# allocate_by_year ---------------------------------------------------------------------------


@given(bounded_streams())
@example(Stream("30 jaar en een dag", Decimal("1.40"), date(2000, 1, 1), date(2030, 1, 1)))
@example(Stream("drie jaar", Decimal("0.05"), date(2024, 12, 31), date(2026, 1, 1)))
@example(Stream("één dag", Decimal("999.99"), date(2025, 6, 1), date(2025, 6, 1)))
def test_allocation_sums_to_the_cent_and_is_never_negative(stream):
    parts = allocate_by_year(stream)
    assert list(parts) == list(range(stream.start.year, stream.end.year + 1))
    assert sum(parts.values()) == stream.amount
    assert all(part >= 0 for part in parts.values())
    assert all(part == part.quantize(CENT) for part in parts.values())


@given(bounded_streams())
@settings(deadline=None)  # no timing assertions: the machine is shared
def test_allocation_follows_numpy_day_counts(stream):
    """Each year's part is its exact day-proportional share, off by less than one cent."""
    days = numpy_days_per_year(stream.start, stream.end)
    assert sum(days.values()) == stream.days()
    parts = allocate_by_year(stream)
    assert set(parts) == set(days)
    for year, count in days.items():
        exact = stream.amount * Decimal(count) / Decimal(stream.days())
        assert abs(parts[year] - exact) < CENT


@given(bounded_streams(max_years=5), st.integers(min_value=2, max_value=20))
def test_allocation_of_a_multiple_is_close_to_the_multiple_of_the_allocation(stream, factor):
    """Scaling the money scales every year's part (up to rounding: within one cent a year)."""
    scaled = Stream(stream.label, stream.amount * factor, stream.start, stream.end)
    base, bigger = allocate_by_year(stream), allocate_by_year(scaled)
    for year in base:
        assert abs(bigger[year] - base[year] * factor) <= CENT * (factor + 1)


def test_allocation_worked_example_two_even_years():
    stream = Stream("Transformatiefonds", Decimal("240000"), date(2025, 1, 1), date(2026, 12, 31))
    assert allocate_by_year(stream) == {2025: Decimal("120000.00"), 2026: Decimal("120000.00")}


def test_allocation_worked_example_uneven_years():
    # 1 Oct 2025 – 30 Sep 2026: 92 days in 2025, 273 in 2026, 365 in all.
    stream = Stream("Fonds", Decimal("36500"), date(2025, 10, 1), date(2026, 9, 30))
    assert allocate_by_year(stream) == {2025: Decimal("9200.00"), 2026: Decimal("27300.00")}


def test_allocation_leaves_out_open_ended_and_reversed_streams():
    assert allocate_by_year(Stream("Wmo", Decimal("50000"), date(2025, 1, 1), None, True)) == {}
    reversed_period = Stream("Fout", Decimal("100"), date(2026, 1, 1), date(2025, 1, 1))
    assert allocate_by_year(reversed_period) == {}


@given(st.lists(any_streams(), max_size=6))
def test_funding_by_year_rows_match_the_allocation(streams):
    rows = funding_by_year(streams)
    expected = [
        (s.label, year, float(amount))
        for s in streams
        for year, amount in sorted(allocate_by_year(s).items())
    ]
    assert [(r["stream"], r["year"], r["amount"]) for r in rows] == expected
    assert all(isinstance(r["amount"], float) for r in rows)  # JSON-ready for Vega-Lite


def test_totals_by_key_keeps_first_seen_order():
    rows = [("jeugd", Decimal("10")), ("wmo", Decimal("5")), ("jeugd", Decimal("2.50"))]
    assert list(totals_by_key(rows).items()) == [("jeugd", Decimal("12.50")), ("wmo", Decimal("5"))]


# add_months and months_until ----------------------------------------------------------------


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


@given(dates, month_offsets)
def test_add_months_moves_exactly_that_many_calendar_months(day, months):
    moved = add_months(day, months)
    assert isinstance(moved, date)
    assert month_number(moved) - month_number(day) == months
    # numpy's month arithmetic agrees on the month.
    assert np.datetime64(day, "M") + months == np.datetime64(moved, "M")


@given(dates, month_offsets)
def test_add_months_keeps_the_day_or_clips_it_to_the_month_end(day, months):
    moved = add_months(day, months)
    last_day = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(day.day, last_day)


@given(dates, month_offsets, month_offsets)
def test_add_months_composes_when_no_clipping_happens(day, a, b):
    assume(day.day <= 28)
    assert add_months(add_months(day, a), b) == add_months(day, a + b)


@given(dates, month_offsets, month_offsets)
def test_add_months_is_strictly_increasing_in_months(day, a, b):
    assume(a != b)
    assert (add_months(day, a) < add_months(day, b)) == (a < b)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 5, 20), 0, date(2025, 5, 20)),
    ],
)
def test_add_months_examples(day, months, expected):
    assert add_months(day, months) == expected


@given(dates, month_offsets)
@example(date(2025, 1, 31), 1)
@example(date(2025, 3, 31), -1)
def test_months_until_undoes_add_months(today, months):
    assert months_until(add_months(today, months), today) == months


@given(dates, dates)
@example(date(2025, 2, 28), date(2025, 1, 31))
@example(date(2025, 2, 27), date(2025, 1, 31))
def test_months_until_counts_whole_months_as_add_months_does(end, today):
    months = months_until(end, today)
    assert add_months(today, months) <= end < add_months(today, months + 1)
    assert (months < 0) == (end < today)
    if end == today:
        assert months == 0


# funding_cliffs -----------------------------------------------------------------------------


@given(st.lists(bounded_streams(max_years=4), max_size=8), dates)
def test_cliff_is_monotone_in_the_horizon(streams, today):
    six, twelve, twenty_four = funding_cliffs(streams, today, (6, 12, 24))
    assert (six.months, twelve.months, twenty_four.months) == (6, 12, 24)
    assert six.annual_amount_lost <= twelve.annual_amount_lost <= twenty_four.annual_amount_lost
    assert set(six.streams) <= set(twelve.streams) <= set(twenty_four.streams)


@given(st.lists(any_streams(), max_size=8), dates)
def test_cliff_counts_only_incidental_streams_still_to_end(streams, today):
    for cliff in funding_cliffs(streams, today):
        until = add_months(today, cliff.months)
        counted = [
            s for s in streams if not s.structural and s.end is not None and today <= s.end <= until
        ]
        assert cliff.streams == tuple(s.label for s in counted)
        assert cliff.annual_amount_lost == sum((s.annual_rate() for s in counted), Decimal("0"))
        assert cliff.first_end == min((s.end for s in counted), default=None)
        assert cliff.annual_amount_lost >= 0


@given(bounded_streams(), dates)
def test_structural_and_ended_streams_never_make_a_cliff(stream, today):
    structural = Stream(stream.label, stream.amount, stream.start, stream.end, structural=True)
    assert all(c.streams == () for c in funding_cliffs([structural], today))
    assume(stream.end < today)
    ended = Stream(stream.label, stream.amount, stream.start, stream.end, structural=False)
    assert all(
        c.streams == () and c.annual_amount_lost == 0 for c in funding_cliffs([ended], today)
    )


@given(st.lists(any_streams(), max_size=8), dates)
def test_cliff_amounts_from_end_and_rate_pairs_are_the_cliffs_amounts(streams, today):
    """Issue 14: the funding cliff page sums (end, rate) pairs read as plain values, without a
    Stream per stream; to the last digit the same amounts as ``funding_cliffs``."""
    horizons = (6, 12, 24)
    pairs = [
        (s.end, rate_per_year(s.amount, s.start, s.end))
        for s in streams
        if not s.structural and s.end is not None
    ]
    amounts = cliff_amounts(pairs, today, [add_months(today, h) for h in horizons])
    assert amounts == [c.annual_amount_lost for c in funding_cliffs(streams, today, horizons)]
    assert all(
        rate == s.annual_rate()
        for s, (_end, rate) in zip(
            [s for s in streams if not s.structural and s.end is not None], pairs, strict=True
        )
    )


def test_cliff_horizons_come_back_sorted():
    stream = Stream("Fonds", Decimal("120000"), date(2025, 1, 1), date(2026, 3, 31))
    cliffs = funding_cliffs([stream], date(2026, 1, 1), (24, 6, 12))
    assert [c.months for c in cliffs] == [6, 12, 24]


def test_cliff_worked_example():
    today = date(2026, 1, 1)
    streams = [
        # 240 000 over two years (730 days): 240 000 × 365.25 / 730 a year, ends in 12 months.
        Stream("Transformatiefonds", Decimal("240000"), date(2025, 1, 1), date(2026, 12, 31)),
        # ends in three months: 365 days, so the rate is the amount × 365.25 / 365.
        Stream("Subsidie", Decimal("36500"), date(2025, 4, 1), date(2026, 3, 31)),
        Stream("Wmo", Decimal("50000"), date(2024, 1, 1), None, structural=True),
        Stream("Afgelopen", Decimal("10000"), date(2024, 1, 1), date(2025, 12, 31)),
        Stream("Ver weg", Decimal("10000"), date(2025, 1, 1), date(2030, 12, 31)),
    ]
    six, twelve, twenty_four = funding_cliffs(streams, today)
    assert six.streams == ("Subsidie",)
    assert six.annual_amount_lost == Decimal("36525")
    assert six.first_end == date(2026, 3, 31)
    assert twelve.streams == ("Transformatiefonds", "Subsidie")
    transformation = Decimal("240000") * DAYS_PER_YEAR / 730
    assert round(transformation) == 120082
    assert twelve.annual_amount_lost == transformation + Decimal("36525")
    assert twenty_four.streams == twelve.streams


def test_a_stream_ending_today_is_still_ahead():
    today = date(2026, 6, 30)
    stream = Stream("Laatste dag", Decimal("1000"), date(2026, 1, 1), today)
    assert funding_cliffs([stream], today)[0].streams == ("Laatste dag",)


@given(bounded_streams())
def test_annual_rate_times_the_period_gives_the_amount_back(stream):
    back = stream.annual_rate() * Decimal(stream.days()) / DAYS_PER_YEAR
    assert back.quantize(CENT) == stream.amount
    assert stream.annual_rate() >= 0


@given(amounts, dates)
def test_open_ended_amount_is_already_a_year_amount(amount, start):
    assert Stream("Wmo", amount, start, None, structural=True).annual_rate() == amount


@given(bounded_streams())
def test_days_are_inclusive_and_agree_with_numpy(stream):
    span = np.datetime64(stream.end, "D") - np.datetime64(stream.start, "D")
    assert stream.days() == int(span.astype(int)) + 1


# incidental_share ---------------------------------------------------------------------------


@given(st.lists(any_streams(), max_size=8), dates)
def test_incidental_share_is_a_fraction_or_none(streams, today):
    share = incidental_share(streams, today)
    running = [s for s in streams if s.start <= today and (s.end is None or s.end >= today)]
    if sum((s.annual_rate() for s in running), Decimal("0")) == 0:
        assert share is None
    else:
        assert share is not None
        assert 0 <= share <= 1


@given(st.lists(bounded_streams(structural=False), min_size=1, max_size=5), dates)
def test_only_incidental_money_running_is_a_share_of_one(streams, today):
    share = incidental_share(streams, today)
    assert share is None or share == 1


def test_incidental_share_worked_example():
    today = date(2026, 1, 1)
    streams = [
        Stream("Subsidie", Decimal("30000"), date(2025, 7, 1), date(2026, 6, 30)),  # 365 days
        Stream("Wmo", Decimal("10000"), date(2024, 1, 1), None, structural=True),
        Stream("Nog niet begonnen", Decimal("99999"), date(2026, 2, 1), date(2026, 12, 31)),
        Stream("Afgelopen", Decimal("99999"), date(2024, 1, 1), date(2025, 12, 31)),
    ]
    incidental = Decimal("30000") * DAYS_PER_YEAR / 365
    assert incidental_share(streams, today) == incidental / (incidental + Decimal("10000"))


def test_incidental_share_is_none_when_nothing_runs():
    assert incidental_share([], date(2026, 1, 1)) is None
    later = Stream("Later", Decimal("1000"), date(2027, 1, 1), date(2027, 12, 31))
    assert incidental_share([later], date(2026, 1, 1)) is None


@settings(max_examples=25)
@given(st.lists(bounded_streams(structural=True), min_size=1, max_size=5), dates)
def test_only_structural_money_running_is_a_share_of_zero(streams, today):
    share = incidental_share(streams, today)
    assert share is None or share == 0
