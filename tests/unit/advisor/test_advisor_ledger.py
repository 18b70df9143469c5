"""The +1 advisor reads the nieuw-voor-oud ledger (issue 11, item 3; seed 004 §5.4.4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from advisor_builders import TODAY, facts

from proeftuin.core.advisor import advise
from proeftuin.core.advisor.model import LedgerFact

ENTRY = LedgerFact("Individuele begeleiding Wmo", "Utrecht", Decimal("120000"), date(2026, 1, 1))


def _new_for_old(advice):
    return {s.id: s for s in advise(advice, TODAY).strategies}["new_for_old"]


def test_the_strategy_cites_the_ledger_entry_that_funds_the_project():
    base = facts(share=0.2)  # mostly structural: without the ledger nothing points to new-for-old
    with_ledger = replace(base, funding=replace(base.funding, new_for_old=(ENTRY,)))
    option = _new_for_old(with_ledger)
    texts = " ".join(t.nl for t in option.context)
    assert "Individuele begeleiding Wmo" in texts
    assert "Utrecht" in texts
    assert "120.000" in texts
    assert "120,000" in " ".join(t.en for t in option.context)


def test_without_a_ledger_entry_nothing_is_cited():
    option = _new_for_old(facts(share=0.2))
    assert not any("al vastgelegd" in t.nl for t in option.context)
