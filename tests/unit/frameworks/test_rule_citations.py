"""Every summary rule of every shipped framework says why, and cites the seed it rests on.

The sections cited with § are checked against the seed texts by test_framework_citations; this
module adds that no rule goes without a cited rationale, and checks the box (kader) citations of
the presence model, whose seed chapter has no numbered sections.
"""

from __future__ import annotations

import re

import pytest
from test_framework_citations import SEEDS_DIR, check_locator

from proeftuin.core.frameworks import load_frameworks

SHIPPED = ["four_plus_one", "collaborative_innovation", "network_health", "presence_model"]
#: "(004 §3.1)", "(002, kader 3)", "(002 'Lokale regie in het jeugddomein')", "(Scharpf, 003 §…)"
CITATION = re.compile(r"\b(\d{3})(?:,? (?:§|kader|box|')|\))")
BOX = re.compile(r"\b(\d{3}), (?:kader|box) (\d+)")


def rules(framework_id: str):
    framework = load_frameworks([])[framework_id]
    for dimension in framework.dimensions:
        for index, rule in enumerate(dimension.rules):
            yield framework, f"{framework_id}.{dimension.id}.rules[{index}]", rule


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_every_rule_has_a_cited_rationale(framework_id):
    problems = []
    for framework, where, rule in rules(framework_id):
        if rule.rationale is None:
            problems.append(f"{where}: no rationale")
            continue
        declared = {source.code for source in framework.sources}
        for lang in ("nl", "en"):
            codes = set(CITATION.findall(rule.rationale.get(lang)))
            if not codes:
                problems.append(f"{where}: rationale ({lang}) cites no seed")
            elif codes - declared:
                problems.append(f"{where}: cites undeclared source(s) {sorted(codes - declared)}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed texts not available in {SEEDS_DIR}")
def test_box_citations_in_rationales_exist_in_the_seed():
    framework = load_frameworks([])["presence_model"]
    chapter = next(iter(framework.sources)).sections[0]  # the chapter title, quoted
    problems = []
    checked = 0
    for _framework, where, rule in rules("presence_model"):
        for lang in ("nl", "en"):
            for code, box in BOX.findall(rule.rationale.get(lang)):
                problems += check_locator(framework, code, f"{chapter}, kader {box}", where)
                checked += 1
    assert checked >= 8
    assert not problems, "\n".join(problems)


def test_the_check_notices_a_rule_without_citation():
    assert not CITATION.findall("geen onderdeel mag laag zijn.")
    assert CITATION.findall("(004 §3.1)") == ["004"]
    assert CITATION.findall("(002, kader 3)") == ["002"]
    assert CITATION.findall("(Scharpf, 003 §2.2.2.2)") == ["003"]
