"""Money at a glance: annual totals, incidental and structural (issue 11, item 3)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core import money
from proeftuin.core.funding import Stream

TODAY = date(2026, 12, 7)


def test_structural_money_without_an_end_counts_every_year():
    # Finding: the Financiering total left out structural money.
    streams = [
        Stream("subsidie", Decimal("100000"), date(2026, 1, 1), date(2026, 12, 31)),
        Stream("structureel", Decimal("50000"), date(2026, 1, 1), None, structural=True),
    ]
    years = money.per_year(streams, range(2026, 2029))
    assert [y.incidental for y in years] == [Decimal("100000.00"), 0, 0]
    assert [y.structural for y in years] == [Decimal("50000.00")] * 3
    assert money.ProjectBudget("p", years).total.total == Decimal("250000.00")


def test_the_year_range_reaches_past_today_for_open_money():
    streams = [Stream("s", Decimal("1"), date(2024, 5, 1), None, structural=True)]
    assert money.year_range(streams, TODAY, ahead=2) == range(2024, 2029)


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
days = st.integers(min_value=0, max_value=3000)


@st.composite
def streams(draw):
    start = date(2022, 1, 1) + timedelta(days=draw(st.integers(0, 1500)))
    open_ended = draw(st.booleans())
    end = None if open_ended else start + timedelta(days=draw(days))
    return Stream("s", draw(amounts), start, end, structural=open_ended or draw(st.booleans()))


@given(st.lists(st.lists(streams(), max_size=4), max_size=5))
def test_portfolio_totals_are_the_sum_of_the_projects(projects):
    years = range(2022, 2032)
    result = money.budget([(f"p{i}", s) for i, s in enumerate(projects)], years)
    for index, total in enumerate(result.totals):
        assert total.incidental == sum((p.years[index].incidental for p in result.projects), 0)
        assert total.structural == sum((p.years[index].structural for p in result.projects), 0)
    assert result.grand_total.total == sum((p.total.total for p in result.projects), 0)


@given(streams())
def test_a_stream_with_an_end_adds_up_to_its_amount(stream):
    if stream.end is None:
        return
    years = range(stream.start.year, stream.end.year + 1)
    assert money.ProjectBudget("p", money.per_year([stream], years)).total.total == stream.amount
