"""The lifecycle of a signal from practice to policy (003 §4.3.1.2, §5.1.2; digest 003 A).

Seed 003 found that signals from the neighbourhood teams get lost: the municipality says it
receives few, the teams say they pass them on, and nobody can see what became of one. A signal
therefore moves through explicit states, each move with a reason, so the person who raised it can
follow it: *ingediend → in behandeling → opgepakt → opgelost*, or *afgewezen* from any open state.

A response deadline runs from submission; while a signal is still waiting for a response
(*ingediend* or *in behandeling*) past that date, it is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class State(StrEnum):
    SUBMITTED = "ingediend"
    IN_PROGRESS = "in_behandeling"
    TAKEN_UP = "opgepakt"
    SOLVED = "opgelost"
    REJECTED = "afgewezen"


#: Which state may follow which. Closed states have no way out: a closed signal that comes back
#: is a new signal, so the raiser's record of what happened stays as it was.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.SUBMITTED: frozenset({State.IN_PROGRESS, State.REJECTED}),
    State.IN_PROGRESS: frozenset({State.TAKEN_UP, State.REJECTED}),
    State.TAKEN_UP: frozenset({State.SOLVED, State.REJECTED}),
    State.SOLVED: frozenset(),
    State.REJECTED: frozenset(),
}

CLOSED = frozenset({State.SOLVED, State.REJECTED})
#: States in which the raiser still waits for an answer: the deadline applies.
AWAITING_RESPONSE = frozenset({State.SUBMITTED, State.IN_PROGRESS})


class TransitionError(ValueError):
    """A move the lifecycle does not allow; ``code`` says why (for the Django layer to word)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class Move:
    """A checked move: from, to, the reason, and the owner the signal has after it."""

    source: State
    target: State
    reason: str
    owner: str


def allowed_targets(state: State | str) -> list[State]:
    """The states a signal in ``state`` may move to, in lifecycle order."""
    targets = TRANSITIONS[State(state)]
    return [s for s in State if s in targets]


def check_move(state: State | str, target: State | str, reason: str, owner: str = "") -> Move:
    """Check one move; raise :class:`TransitionError` when it is not allowed.

    Rules: the move must be in :data:`TRANSITIONS`; every move needs a reason (the raiser reads
    it); from *in behandeling* onwards the signal needs an owner on the policy side.
    """
    try:
        source, goal = State(state), State(target)
    except ValueError as exc:
        raise TransitionError("unknown-state") from exc
    if goal not in TRANSITIONS[source]:
        raise TransitionError("not-allowed")
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("reason-required")
    owner = (owner or "").strip()
    if goal in (State.IN_PROGRESS, State.TAKEN_UP, State.SOLVED) and not owner:
        raise TransitionError("owner-required")
    return Move(source, goal, reason, owner)


def response_deadline(submitted_on: date, response_days: int) -> date:
    """The date by which the policy side answers: ``response_days`` after submission."""
    if response_days < 1:
        raise ValueError("response_days must be at least 1")
    return submitted_on + timedelta(days=response_days)


def is_overdue(state: State | str, deadline: date | None, today: date) -> bool:
    """Whether the raiser still waits for a response after the deadline."""
    return deadline is not None and State(state) in AWAITING_RESPONSE and today > deadline


#: Age buckets for the portfolio filter, in days since submission: (code, lowest, highest).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-90", 31, 90),
    ("90+", 91, None),
)


def age_bucket(submitted_on: date, today: date) -> str:
    """The age bucket of a signal submitted on ``submitted_on``."""
    days = max((today - submitted_on).days, 0)
    for code, low, high in AGE_BUCKETS:
        if days >= low and (high is None or days <= high):
            return code
    raise AssertionError("buckets cover every age")  # pragma: no cover


def bucket_bounds(code: str, today: date) -> tuple[date | None, date | None]:
    """The submission dates ``(earliest, latest)`` of an age bucket (None: open-ended)."""
    for bucket, low, high in AGE_BUCKETS:
        if bucket == code:
            latest = today - timedelta(days=low)
            earliest = None if high is None else today - timedelta(days=high)
            return earliest, latest
    raise ValueError(f"unknown age bucket {code!r}")
