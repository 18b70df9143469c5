"""One definition of "ends within N months" for the cliff, the badge and the advisor (issue 10)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.advisor.conditions import Leaf
from proeftuin.core.advisor.facts import funding_facts
from proeftuin.core.advisor.model import AdvisorInput
from proeftuin.core.funding import Stream, ends_within, funding_cliffs


def _stream(end: date, today: date) -> Stream:
    return Stream("Impuls", Decimal("100000"), today - timedelta(days=400), end)


def _advisor_says_within(end: date, today: date, months: int) -> bool | None:
    facts = AdvisorInput(funding=funding_facts([_stream(end, today)], today))
    return Leaf("months_to_cliff_at_most", months).evaluate(facts)


def test_money_ending_31_december_next_year_is_not_within_twelve_months_anywhere():
    # Finding: the overview said nothing ends within 12 months while the advice said it
    # "stopt binnen een jaar".
    today, end = date(2026, 12, 7), date(2027, 12, 31)
    cliff = funding_cliffs([_stream(end, today)], today, (12,))[0]
    assert not cliff.streams
    assert _advisor_says_within(end, today, 12) is False
    assert _advisor_says_within(end, today, 13) is True


@given(
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    days=st.integers(min_value=0, max_value=1200),
    months=st.integers(min_value=0, max_value=36),
)
def test_advisor_and_cliff_agree_on_every_date(today, days, months):
    end = today + timedelta(days=days)
    in_cliff = bool(funding_cliffs([_stream(end, today)], today, (months,))[0].streams)
    assert in_cliff == ends_within(end, today, months)
    assert _advisor_says_within(end, today, months) is in_cliff
