"""Golden test: the worked example of docs/method/mkba.md, computed by hand there, read from its
YAML block and recomputed by the engine (expected values, sunk costs, a shared group, a net
effect, a transfer, a PM item, co-funding and the group tipping point)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy_financial as npf
import pytest
import yaml

from proeftuin.core.valuation import (
    BenefitShare,
    Chain,
    Effect,
    Estimate,
    Investment,
    Measure,
    ParticipantGroup,
    Price,
    PriceList,
    Settings,
    appraise_model,
    compile_model,
    modal_scenario,
    split_at_decision_year,
    tipping_points_model,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "method" / "mkba.md"
CENT = 0.01


def golden() -> dict:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- golden:mkba -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, f"{DOC} has no golden YAML block"
    return yaml.safe_load(match.group(1))


def build(data: dict):
    base = data["settings"]["base_year"]
    sunk_total = 0.0
    investments = []
    for inv in data["investments"]:
        ahead, sunk = split_at_decision_year(inv["amounts"], base)
        sunk_total += sum(sunk.values())
        investments.append(Investment.by_year(inv["id"], inv["party"], inv["domain"], ahead))
    g = data["group"]
    group = ParticipantGroup(g["id"], g["name"], Estimate(g["low"], g["likely"], g["high"]))
    effects = [
        Effect(
            e["id"],
            e["id"],
            e["price"],
            size=Estimate(*e["size"]),
            participants=Estimate.exact(0),  # the group counts
            beneficiaries=[BenefitShare(e["party"], e["domain"], 1.0)],
            start_year=e["start"] - base,
            duration=e["duration"],
            deadweight=Estimate.exact(e.get("deadweight", 0.0)),
            measure=Measure(e["measure"]),
            transfer=e.get("transfer", False),
            group=group.id,
        )
        for e in data["effects"]
    ]
    prices = PriceList.of(
        Price(key, None if value is None else Estimate.exact(value))
        for key, value in data["prices"].items()
    )
    settings = Settings(data["settings"]["discount_rate"], data["settings"]["horizon"])
    chain = Chain(investments, [], effects, groups=[group])
    return compile_model(chain, prices, settings), sunk_total


def test_worked_example_matches_the_hand_calculation():
    data = golden()
    want = data["expected"]
    model, sunk = build(data)
    result = appraise_model(model)
    assert sunk == pytest.approx(want["sunk_costs"])
    assert result.costs == pytest.approx(want["costs"], abs=CENT)
    assert result.benefits == pytest.approx(want["benefits"], abs=CENT)
    assert result.npv == pytest.approx(want["npv"], abs=CENT)
    assert result.bcr == pytest.approx(want["bcr"], abs=5e-4)
    (transfer,) = result.transfers
    assert transfer.effect_id == "C"
    assert transfer.present_value == pytest.approx(want["transfer_C"], abs=CENT)
    (pm,) = result.unpriced
    assert pm.effect_id == "D" and pm.volume == pytest.approx(want["pm_D_cases"], abs=0.005)
    assert modal_scenario(model).npv == pytest.approx(want["modal_npv"], abs=CENT)
    (group,) = tipping_points_model(model).groups
    assert group.break_even == pytest.approx(want["group_break_even"], abs=0.005)
    assert group.minimum_whole == want["group_at_least"]
    asks = {p.party: p.cofunding_ask for p in result.parties}
    for party, amount in want["asks"].items():
        assert asks[party] == pytest.approx(amount, abs=CENT)
    assert [p for p, a in asks.items() if a is None] == want["ask_unknown"]
    assert result.cofunding.gap == pytest.approx(want["gap"], abs=CENT)
    assert result.cofunding.closable


def test_worked_example_npv_cross_checked_with_numpy_financial():
    data = golden()
    model, _sunk = build(data)
    result = appraise_model(model)
    flows = [year.net for year in result.years]
    assert npf.npv(data["settings"]["discount_rate"], flows) == pytest.approx(result.npv, rel=1e-12)
