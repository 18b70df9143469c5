"""Figures are rounded, never cut off (issue 10, "Monitoring": 0.5278 showed as "0,52")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from proeftuin.common import numbers


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [
        (0.5278, "0,53", "0.53"),
        (1.229, "1,23", "1.23"),
        (-0.0091, "−0,01", "−0.01"),
        (-0.0041, "0,00", "0.00"),
        (0.125, "0,13", "0.13"),
        (-1.005, "−1,01", "−1.01"),
    ],
)
def test_decimal_rounds_half_away_from_zero_in_both_languages(value, nl, en):
    with translation.override("nl"):
        assert numbers.decimal_text(value, 2) == nl
    with translation.override("en"):
        assert numbers.decimal_text(value, 2) == en


def test_signed_change_drops_the_sign_of_a_rounded_zero():
    with translation.override("nl"):
        assert numbers.signed_text(-0.0041) == "0,00"
        assert numbers.signed_text(-0.0091) == "−0,01"
        assert numbers.signed_text(0.456) == "+0,46"
        assert numbers.signed_text(-0.5) == "−0,50"
        assert numbers.signed_text(None) == "—"


def test_the_monitoring_template_filters_round():
    template = Template(
        "{% load monitoring_tags %}{{ a|decimal }} {{ b|signed }} {{ c|pct }} {% interval d e %}"
    )
    with translation.override("nl"):
        html = template.render(
            Context({"a": 0.5278, "b": 1.229, "c": 0.125, "d": -0.0041, "e": 0.5278})
        )
    assert html == "0,53 +1,23 13% [0,00; +0,53]"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 4))
def test_decimal_text_agrees_with_decimal_half_up(value, digits):
    expected = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    with translation.override("en"):
        text = numbers.decimal_text(value, digits).replace("−", "-").replace(",", "")
    assert Decimal(text) == expected


def test_the_valuation_sentences_use_the_same_rounding():
    from proeftuin.valuation import wording

    with translation.override("nl"):
        assert wording.number(0.5278, 2) == "0,53"
        assert wording.number(-0.0041, 2) == "0,00"
        assert wording.euro(-36120.5) == "€ −36.121"
        assert wording.percent(0.125) == "13%"
