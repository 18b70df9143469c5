"""Displayed tipping points: rounded to the safe side, and never further off than a step."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.valuation.rounding import safe_round


def test_a_huge_break_even_is_not_shown_many_steps_on_the_unsafe_side():
    """Found by hypothesis in the full run: a break-even scale of 2.0·10¹⁴ was shown 202,047
    steps below itself, because the nudge for 11.999999999 → 12 grew with the value."""
    break_even = 202047482774734.5
    within_tolerance = lambda value: value >= break_even * (1 - 1e-9)  # noqa: E731
    shown = safe_round(break_even, "at_least", 1.0, within_tolerance)
    assert shown is not None and break_even <= shown <= break_even + 1
    shown = safe_round(-break_even, "at_most", 1.0, lambda value: value <= -break_even * (1 - 1e-9))
    assert shown is not None and -break_even - 1 <= shown <= -break_even


def test_floating_noise_next_to_a_whole_number_still_reads_as_that_number():
    assert safe_round(12.000000001, "at_least", 1.0, lambda v: v >= 11.99) == 12.0
    assert safe_round(11.999999999, "at_most", 1.0, lambda v: v <= 12.01) == 12.0


@given(
    break_even=st.floats(1e-3, 1e15, allow_nan=False),
    step=st.sampled_from([0.01, 1.0, 100.0]),
)
def test_at_least_is_shown_within_one_step_above(break_even, step):
    shown = safe_round(break_even, "at_least", step, lambda value: value >= break_even)
    assert shown is not None
    assert shown >= break_even
    assert shown - break_even <= step * (1 + 1e-6) + abs(break_even) * 1e-15 * 4
