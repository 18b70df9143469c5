"""The core's half of the one formatter: decimal rounding half away from zero, no "−0"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core import numbers
from proeftuin.core.advisor.conditions import _pct as condition_pct
from proeftuin.core.advisor.recommend import _pct as recommend_pct


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.5278, "0.53"), (1.229, "1.23"), (-0.0091, "−0.01"), (-0.0041, "0.00"), (1.125, "1.13")],
)
def test_plain_text_rounds_half_away_from_zero(value, text):
    assert numbers.plain_text(value) == text


def test_percentages_round_halves_up_not_to_even():
    assert round(12.5) == 12  # the trap
    assert numbers.whole_percent(0.125) == 13
    assert numbers.percent_text(0.125) == "13%"
    assert numbers.percent_text(None) == "—"
    # The advisor's sentences use it.
    assert condition_pct(0.125) == recommend_pct(0.125) == "13%"
    assert recommend_pct(0.705) == "71%"  # 0.705 * 100 is 70.49999… in binary


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 4))
def test_rounded_agrees_with_decimal_half_up_and_never_gives_minus_zero(value, digits):
    expected = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    result = numbers.rounded(value, digits)
    assert result == expected
    assert not numbers.plain_text(value, digits).startswith("−0") or result != 0
    if result == 0:
        assert "−" not in numbers.plain_text(value, digits)


def test_scan_completeness_percent_rounds_halves_up(monkeypatch):
    from types import SimpleNamespace

    from proeftuin.assessments import lifecycle

    summary = SimpleNamespace(
        answered=1, rated=1, unknown=0, not_rated=7, total=8, answered_share=0.125
    )
    monkeypatch.setattr(lifecycle.services, "summary_for", lambda *args, **kwargs: summary)
    assert lifecycle.completeness(None)["percent"] == 13
