"""MKBA investments from funding streams: the stream's money spread over calendar years."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.funding import Stream, amounts_by_year


@given(
    start=st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    days=st.integers(0, 3000),
    amount=st.decimals(0, 10_000_000, places=2),
)
@settings(max_examples=60, deadline=None)
def test_an_ended_stream_adds_up_to_its_total(start, days, amount):
    stream = Stream("x", amount, start, start + timedelta(days=days))
    spread = amounts_by_year(stream, 2040)
    assert sum(spread.values()) == pytest.approx(amount, abs=Decimal("0.000001"))
    assert min(spread) == start.year and max(spread) == stream.end.year


def test_structural_stream_without_end_pays_every_year_to_the_horizon():
    stream = Stream("x", Decimal("100000"), date(2026, 7, 2), None, structural=True)
    spread = amounts_by_year(stream, 2028)
    assert spread[2027] == spread[2028] == Decimal("100000")
    assert spread[2026] == pytest.approx(Decimal("100000") * 183 / 365)
