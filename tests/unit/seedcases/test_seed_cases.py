"""Rules grounded in their sources: the seeds' own cases, rated from the seeds' own words.

Each file in ``cases/`` is one case a seed describes with a conclusion of its own. It holds short
quotations (checked against the seed text when it is available), the indicator ratings we derive
from them (``onbekend`` where the seed is silent), and the conclusion the seed draws. The ratings
go through the real scoring (:func:`summarize`) and, for the 4+1 cases, through the real advisor;
the seed's conclusion must come out. See ``cases/README.md`` for how the ratings are read.
"""

from __future__ import annotations

import html
import os
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from proeftuin.core.advisor import (
    AdvisorInput,
    CoalitionFacts,
    FundingFacts,
    advise,
    scan_facts,
)
from proeftuin.core.advisor.conditions import Context
from proeftuin.core.advisor.recommend import recommend_route, recommend_strategies
from proeftuin.core.frameworks import UNKNOWN, Outcome, load_frameworks, summarize

CASES_DIR = Path(__file__).parent / "cases"
SEEDS_DIR = Path(os.environ.get("PROEFTUIN_SEEDS_DIR", "/work/shared/seeds"))
MAX_QUOTE_WORDS = 25
CASE_KEYS = {"case", "title", "framework", "seed", "facts", "ratings", "expected", "conclusion"}
OPTIONAL_KEYS = {"advisor"}


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


@cache
def load_case(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def frameworks():
    return load_frameworks([])


def ratings_of(case: dict[str, Any]) -> dict[str, str]:
    """The case's ratings; every indicator the case does not mention counts as *onbekend*."""
    framework = frameworks()[case["framework"]]
    return {i: case["ratings"].get(i, UNKNOWN) for i in framework.indicator_ids}


def summary_of(case: dict[str, Any]):
    return summarize(frameworks()[case["framework"]], ratings_of(case))


def advisor_input(case: dict[str, Any]) -> AdvisorInput:
    spec = case["advisor"]
    money = spec.get("funding")
    funding = None
    if money is not None:
        funding = FundingFacts(
            has_streams=money["has_streams"],
            first_cliff=money.get("first_cliff"),
            months_to_cliff=money.get("months_to_cliff"),
            incidental_share=money.get("incidental_share"),
            funding_domains=frozenset(money.get("domains", ())),
            earned_share=money.get("earned_share"),
            today=spec["today"],
        )
    missing = spec.get("missing_backing")
    return AdvisorInput(
        scan=scan_facts(summary_of(case)),
        funding=funding,
        coalition=CoalitionFacts(frozenset(missing)) if missing is not None else None,
        benefits=spec.get("benefits"),
    )


def allowed_outcomes(expected: str | list[str]) -> set[str]:
    """One outcome, or a list when the seed's words are too few to decide under the rules."""
    return {expected} if isinstance(expected, str) else set(expected)


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


ALL = case_files()
ADVISOR = [p for p in ALL if "advisor" in load_case(p)]


def test_there_are_cases_for_every_framework_the_seeds_conclude_on():
    by_framework = {load_case(p)["framework"] for p in ALL}
    assert {"collaborative_innovation", "four_plus_one", "network_health"} <= by_framework
    assert len([p for p in ALL if p.name.startswith("000_")]) == 6
    assert ADVISOR, "no 4+1 case feeds the advisor"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_case_file_is_well_formed(path):
    """Ratings on the framework's own scale, every concluded dimension rated in full."""
    case = load_case(path)
    assert CASE_KEYS <= set(case) <= CASE_KEYS | OPTIONAL_KEYS, path.name
    framework = frameworks()[case["framework"]]
    allowed = {*framework.scale.codes, UNKNOWN}
    for indicator_id, value in case["ratings"].items():
        assert framework.has_indicator(indicator_id), f"{path.name}: no indicator {indicator_id}"
        assert value in allowed, f"{path.name}: {indicator_id}={value!r} is off the scale"
    for dimension_id, outcome in case["expected"].items():
        outcomes = allowed_outcomes(outcome)
        assert outcomes and outcomes <= set(Outcome), f"{path.name}: {dimension_id}: {outcome!r}"
        assert len(outcomes) == 1 or Outcome.NOT_PRESENT not in outcomes, (
            f"{path.name}: {dimension_id}: a range may only leave 'undetermined' open"
        )
        # Explicit about silence: each indicator of a concluded dimension is rated or onbekend.
        missing = [
            i for i in framework.dimension(dimension_id).indicator_ids if i not in case["ratings"]
        ]
        assert not missing, f"{path.name}: {dimension_id}: not rated: {missing}"
    assert case["facts"], path.name
    for fact in case["facts"]:
        assert {"where", "quote", "says"} <= set(fact), path.name
        words = len(fact["quote"].split())
        assert words <= MAX_QUOTE_WORDS, f"{path.name}: quote of {words} words: keep it short"


def normalise(text: str) -> str:
    """Seed text and quotation alike: no markup, no emphasis, single spaces, lower case."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("*", "")
    return " ".join(text.split()).casefold()


@cache
def seed_text(file: str) -> str:
    return normalise((SEEDS_DIR / file).read_text(encoding="utf-8"))


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed texts not available in {SEEDS_DIR}")
@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_quotations_are_in_the_seed(path):
    """Every quotation is the seed's own words: the ratings rest on what it says."""
    case = load_case(path)
    text = seed_text(case["seed"]["file"])
    absent = [f["quote"] for f in case["facts"] if normalise(f["quote"]) not in text]
    assert not absent, f"{path.name}: not found in {case['seed']['file']}: {absent}"


def test_quotation_check_notices_words_the_seed_does_not_have():
    if not SEEDS_DIR.is_dir():
        pytest.skip("seed texts not available")
    text = seed_text("000_34e15fdbd06b3839.txt")
    assert normalise("-vertrouwen matig -gezamenlijk eigenaarschap") in text
    assert normalise("-vertrouwen groot -gezamenlijk eigenaarschap onduidelijk") not in text


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_scoring_reaches_the_seeds_conclusion(path):
    case = load_case(path)
    summary = summary_of(case)
    got = {d: str(summary.dimension(d).outcome) for d in case["expected"]}
    wrong = {d: o for d, o in got.items() if o not in allowed_outcomes(case["expected"][d])}
    assert not wrong, f"{path.name}: {case['conclusion']}\n" + "\n".join(
        summary.dimension(d).explanation.en for d in case["expected"]
    )


def test_collaborative_innovation_in_five_of_six_projects():
    """000 §11.1.1: present everywhere except Basiszorg Jeugd GGZ Utrecht."""
    cases = [load_case(p) for p in ALL if p.name.startswith("000_")]
    outcomes = {
        c["case"]: summary_of(c).dimension("collaborative_innovation").outcome for c in cases
    }
    assert outcomes.pop("basiszorg_jeugd_ggz") is Outcome.NOT_PRESENT
    assert set(outcomes.values()) == {Outcome.PRESENT} and len(outcomes) == 5


@pytest.mark.parametrize("trust", ["gering", "matig", "redelijk", "voldoende", "groot", UNKNOWN])
def test_basiszorg_does_not_hang_on_trust(trust):
    """The seed is divided on trust in Basiszorg (table: reasonable; §11.1.1: absent)."""
    case = load_case(CASES_DIR / "000_basiszorg_jeugd_ggz.yaml")
    ratings = {**ratings_of(case), "trust_based_dialogue": trust}
    summary = summarize(frameworks()["collaborative_innovation"], ratings)
    assert summary.dimension("collaborative_innovation").outcome is Outcome.NOT_PRESENT


def _advisor_params():
    params = []
    for path in ADVISOR:
        reason = load_case(path)["advisor"].get("xfail")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(path, marks=marks, id=path.stem))
    return params


@pytest.mark.parametrize("path", _advisor_params())
def test_advisor_reaches_the_seeds_conclusion(path):
    case = load_case(path)
    spec = case["advisor"]
    facts = advisor_input(case)
    advice = advise(facts, spec["today"])
    if "first_rule" in spec:
        assert advice.actions, f"{path.name}: no advice at all"
        assert advice.actions[0].rule_id == spec["first_rule"], [a.rule_id for a in advice.actions]
    ctx = Context({d.id: d.name for d in frameworks()["four_plus_one"].dimensions})
    if "route" in spec:
        assert recommend_route(facts, ctx).code == spec["route"]
    if "strategies" in spec:
        codes = {r.code for r in recommend_strategies(facts, ctx)}
        assert set(spec["strategies"]) <= codes, codes


def test_advisor_dates_are_dates():
    for path in ADVISOR:
        assert isinstance(load_case(path)["advisor"]["today"], date), path.name
