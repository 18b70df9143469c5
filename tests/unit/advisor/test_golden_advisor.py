"""Golden test: the worked example of docs/method/advisor.md (a fictional pilot), computed by
hand there, read from its YAML block and put through the real advisor: money per year, shares,
where benefits land, the recommended route, the strategies raised and the decision date."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from proeftuin.core.advisor import (
    AdvisorInput,
    CoalitionFacts,
    ScanFacts,
    advise,
    benefits_elsewhere,
    funding_facts,
)
from proeftuin.core.funding import Stream

DOC = Path(__file__).resolve().parents[3] / "docs" / "method" / "advisor.md"


def golden() -> dict:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- golden:advisor -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, f"{DOC} has no golden YAML block"
    return yaml.safe_load(match.group(1))


def build(data: dict) -> tuple[list[Stream], AdvisorInput]:
    streams = [
        Stream(
            s["label"],
            Decimal(s["amount"]),
            s["start"],
            s["end"],
            structural=s["structural"],
            payer_kind=s["payer"],
        )
        for s in data["streams"]
    ]
    funding = funding_facts(streams, data["today"], data["paying_domains"])
    funding = replace(funding, payers=frozenset(data["paying_parties"]))
    facts = AdvisorInput(
        scan=ScanFacts(data["scan"]["outcomes"], levels=data["scan"]["levels"]),
        funding=funding,
        coalition=CoalitionFacts(frozenset(data["missing_backing"])),
        benefit_pairs={(b["party"], b["domain"]): float(b["value"]) for b in data["benefits"]},
    )
    return streams, facts


def test_the_money_per_year_and_the_shares_match_the_hand_calculation():
    data = golden()
    want = data["expected"]
    streams, facts = build(data)
    for stream in streams:
        assert float(stream.annual_rate()) == pytest.approx(want["annual"][stream.label])
    assert facts.funding.incidental_share == pytest.approx(want["incidental_share"])
    assert facts.funding.earned_share == pytest.approx(want["earned_share"])
    assert dict(facts.funding.payer_shares) == pytest.approx(want["payer_shares"])
    assert benefits_elsewhere(facts) == pytest.approx(want["benefits_elsewhere"])


def test_the_advisor_reaches_the_route_strategies_and_date_of_the_worked_example():
    data = golden()
    want = data["expected"]
    _streams, facts = build(data)
    advice = advise(facts, data["today"])
    assert advice.route.code == want["route"]
    reasons = " ".join(r.nl for r in advice.route.reasons)
    for figure in want["route_reasons_mention"]:
        assert figure in reasons
    recommended_routes = [r.id for r in advice.routes if r.recommended]
    assert recommended_routes == [want["route"]]
    assert sorted(s.id for s in advice.recommended_strategies) == want["strategies"]
    assert facts.funding.first_cliff == want["cliff"]
    assert facts.funding.months_to_cliff == want["months_to_cliff"]
    assert advice.deadline.date == want["deadline"]
