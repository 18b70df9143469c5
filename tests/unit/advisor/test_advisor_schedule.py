"""Spreading the default due dates of adopted plan actions (issue 11: nine actions, one date)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.advisor.schedule import spread_due_dates

TODAY = date(2026, 3, 1)
dues_strategy = st.lists(
    st.one_of(st.none(), st.integers(-30, 400).map(lambda d: TODAY + timedelta(days=d))),
    max_size=20,
)


def test_nine_actions_on_one_date_get_nine_dates_in_order():
    deadline = TODAY + timedelta(days=180)
    spread = spread_due_dates([deadline] * 9, TODAY)
    assert len(set(spread)) == 9
    assert spread == sorted(spread)
    assert spread[-1] == deadline and spread[0] > TODAY


@given(dues_strategy)
def test_spread_never_moves_a_date_later_nor_before_today(dues):
    spread = spread_due_dates(dues, TODAY)
    assert len(spread) == len(dues)
    for before, after in zip(dues, spread, strict=True):
        if before is None:
            assert after is None
        elif before <= TODAY:
            assert after == before  # overdue already: kept
        else:
            assert TODAY < after <= before


@given(dues_strategy)
def test_within_a_shared_date_the_order_is_kept_and_the_last_keeps_the_date(dues):
    spread = spread_due_dates(dues, TODAY)
    for due in {d for d in dues if d is not None and d > TODAY}:
        mine = [s for d, s in zip(dues, spread, strict=True) if d == due]
        assert mine == sorted(mine)
        assert mine[-1] == due
        if len(mine) <= (due - TODAY).days:
            assert len(set(mine)) == len(mine)  # enough days: no two on one day
