"""Golden test: the worked example of docs/method/tipping-and-cofunding.md (a project that does
not pay back), computed by hand there and recomputed by the engine: the price and group tipping
points, shown to the safe side and checked by plugging them back in, and a co-funding split
with a shortfall."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from test_golden_mkba import build

from proeftuin.core.valuation import appraise_model, tipping_points_model

DOC = Path(__file__).resolve().parents[3] / "docs" / "method" / "tipping-and-cofunding.md"
CENT = 0.01


def golden() -> dict:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- golden:tipping-cofunding -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, f"{DOC} has no golden YAML block"
    return yaml.safe_load(match.group(1))


def npv_with(data: dict, *, price: tuple[str, float] | None = None, group: float | None = None):
    changed = copy.deepcopy(data)
    if price is not None:
        changed["prices"][price[0]] = price[1]
    if group is not None:
        changed["group"].update(low=group, likely=group, high=group)
    model, _sunk = build(changed)
    return appraise_model(model).npv


def test_the_balance_matches_the_hand_calculation():
    data = golden()
    want = data["expected"]
    model, _sunk = build(data)
    result = appraise_model(model)
    assert result.costs == pytest.approx(want["costs"], abs=CENT)
    assert result.benefits == pytest.approx(want["benefits"], abs=CENT)
    assert result.npv == pytest.approx(want["npv"], abs=CENT)


def test_tipping_points_are_the_hand_values_and_hold_as_shown():
    data = golden()
    want = data["expected"]
    model, _sunk = build(data)
    report = tipping_points_model(model)
    shown = {p.key.removeprefix("price:"): p for p in report.prices}
    for key, at_least in want["price_at_least"].items():
        point = shown[key]
        assert point.direction == "at_least"
        assert point.shown == at_least
        assert npv_with(data, price=(key, point.shown)) >= -1e-6  # pays back at the shown value
        assert npv_with(data, price=(key, point.shown - 1)) < 0  # and one euro less does not
    (households,) = report.groups
    assert households.break_even == pytest.approx(want["group_break_even"], abs=0.005)
    assert households.minimum_whole == want["group_at_least"]
    assert npv_with(data, group=want["group_at_least"]) >= 0
    assert npv_with(data, group=want["group_at_least"] - 1) < 0


def test_the_cofunding_split_matches_the_hand_calculation():
    data = golden()
    want = data["expected"]
    model, _sunk = build(data)
    result = appraise_model(model)
    plan = result.cofunding
    assert plan.gap == pytest.approx(want["gap"], abs=CENT)
    assert plan.raised == pytest.approx(want["raised"], abs=CENT)
    assert plan.shortfall == pytest.approx(want["shortfall"], abs=CENT)
    assert plan.shortfall == pytest.approx(-result.npv, abs=CENT)
    assert not plan.closable
    parties = {p.party: p for p in result.parties}
    for party, ask in want["asks"].items():
        assert parties[party].cofunding_ask == pytest.approx(ask, abs=CENT)
        assert parties[party].cofunding_ask <= parties[party].gains + 1e-9
    for party, pays in want["payments"].items():
        assert parties[party].contribution_by_benefit == pytest.approx(pays, abs=CENT)
    total = sum(p.contribution_by_benefit for p in result.parties)
    assert total == pytest.approx(result.costs, abs=CENT)
