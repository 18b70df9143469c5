"""The signal lifecycle: which moves are allowed, reasons, owners, deadlines and age buckets."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.learning import lifecycle
from proeftuin.core.learning.lifecycle import State, TransitionError, check_move

STATES = list(State)


def test_the_happy_path_reaches_solved():
    state = State.SUBMITTED
    for target in (State.IN_PROGRESS, State.TAKEN_UP, State.SOLVED):
        state = check_move(state, target, "omdat", owner="7").target
    assert state is State.SOLVED


@pytest.mark.parametrize("source", [State.SUBMITTED, State.IN_PROGRESS, State.TAKEN_UP])
def test_every_open_state_may_be_rejected_with_a_reason(source):
    assert check_move(source, State.REJECTED, "valt buiten ons beleid").target is State.REJECTED


@given(st.sampled_from(STATES), st.sampled_from(STATES))
def test_only_listed_moves_pass(source, target):
    allowed = target in lifecycle.TRANSITIONS[source]
    try:
        check_move(source, target, "reden", owner="1")
    except TransitionError as exc:
        assert not allowed
        assert exc.code == "not-allowed"
    else:
        assert allowed


@pytest.mark.parametrize("closed", [State.SOLVED, State.REJECTED])
def test_closed_signals_cannot_move(closed):
    assert lifecycle.allowed_targets(closed) == []
    with pytest.raises(TransitionError):
        check_move(closed, State.IN_PROGRESS, "toch weer", owner="1")


def test_skipping_a_step_is_not_allowed():
    with pytest.raises(TransitionError, match="not-allowed"):
        check_move(State.SUBMITTED, State.TAKEN_UP, "snel", owner="1")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_move_needs_a_reason(reason):
    with pytest.raises(TransitionError, match="reason-required"):
        check_move(State.SUBMITTED, State.REJECTED, reason)


def test_taking_a_signal_in_hand_needs_an_owner():
    with pytest.raises(TransitionError, match="owner-required"):
        check_move(State.SUBMITTED, State.IN_PROGRESS, "we kijken ernaar", owner="")


@given(st.dates(), st.integers(min_value=1, max_value=365), st.integers(-400, 400))
def test_overdue_only_while_awaiting_and_after_the_deadline(submitted, days, offset):
    deadline = lifecycle.response_deadline(submitted, days)
    assert deadline - submitted == timedelta(days=days)
    try:
        today = deadline + timedelta(days=offset)
    except OverflowError:
        return
    for state in State:
        expected = state in lifecycle.AWAITING_RESPONSE and offset > 0
        assert lifecycle.is_overdue(state, deadline, today) is expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 2000))
def test_age_buckets_agree_with_their_bounds(today, age):
    submitted = today - timedelta(days=age)
    code = lifecycle.age_bucket(submitted, today)
    earliest, latest = lifecycle.bucket_bounds(code, today)
    assert submitted <= latest
    assert earliest is None or submitted >= earliest
    others = [c for c, _lo, _hi in lifecycle.AGE_BUCKETS if c != code]
    for other in others:
        lo, hi = lifecycle.bucket_bounds(other, today)
        assert not ((lo is None or submitted >= lo) and submitted <= hi)
