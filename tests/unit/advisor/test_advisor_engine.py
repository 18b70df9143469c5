"""The +1 advisor on worked examples: PAK (004 ch.2), the deadline, routes and preconditions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from advisor_builders import TODAY, facts, pak

from proeftuin.core.advisor import (
    AdvisorInput,
    Fit,
    Status,
    advise,
    coalition_facts,
    funding_facts,
    get_ruleset,
    scan_facts,
)
from proeftuin.core.coalition import Backing, coverage
from proeftuin.core.frameworks import get_frameworks, summarize
from proeftuin.core.funding import Stream, add_months


def action_ids(advice) -> list[str]:
    return [a.rule_id for a in advice.actions]


# --- PAK: the acceptance example of issue 3 ------------------------------------------------------


def test_pak_first_action_is_a_baseline_with_indicators_before_the_money_stops():
    advice = advise(pak(months=6), TODAY)
    first = advice.first_action
    assert first.rule_id == "measuring_baseline"
    assert "0-meting" in first.text.nl and "indicatoren" in first.text.nl
    assert "baseline" in first.text.en and "indicators" in first.text.en
    assert first.source == "004 §2.3"
    cliff = add_months(TODAY, 6)
    assert advice.deadline.cliff == cliff
    assert TODAY <= first.due < cliff
    assert advice.deadline.date < cliff
    # Every action cites its rule and a seed section.
    for action in advice.actions:
        assert action.rule_id and action.source.startswith("004 §")
        assert action.due is None or action.due <= advice.deadline.date


def test_pak_from_a_real_scan_of_the_four_plus_one_framework():
    """The same profile, rated indicator by indicator and summarised by the frameworks core."""
    framework = get_frameworks()["four_plus_one"]
    ratings = {}
    for dimension in framework.dimensions:
        level = {"measuring": "gering", "sustainability": "matig"}.get(dimension.id, "groot")
        for indicator in dimension.indicators:
            ratings[indicator.id] = level
    summary = summarize(framework, ratings)
    assert summary.dimension("measuring").outcome == "not_present"
    assert summary.dimension("strategic_coalition").outcome == "present"

    streams = [
        Stream("Impulsgeld wijkaanpak", Decimal("120000"), date(2024, 1, 1), add_months(TODAY, 6))
    ]
    backings = [
        Backing("Gemeente", lvl) for lvl in ("uitvoerend", "management", "ambtelijk", "bestuurlijk")
    ]
    advice = advise(
        AdvisorInput(
            scan=scan_facts(summary),
            funding=funding_facts(streams, TODAY, {"wmo"}),
            coalition=coalition_facts(coverage(backings, TODAY)),
        ),
        TODAY,
    )
    assert advice.first_action.rule_id == "measuring_baseline"
    assert advice.first_action.due < add_months(TODAY, 6)
    assert "coalition_weak" not in advice.rule_ids()
    assert "entrepreneurship_weak" not in advice.rule_ids()


def test_strong_project_without_cliff_gets_no_urgent_advice():
    advice = advise(facts(months=None, share=0.0), TODAY)
    assert advice.deadline is None
    assert "cliff_within_12" not in advice.rule_ids()
    assert "measuring_baseline" not in advice.rule_ids()


# --- missing basics come first ------------------------------------------------------------------


def test_no_scan_first_asks_for_the_scan_and_dimension_rules_stay_silent():
    advice = advise(facts(scan=False, months=3), TODAY)
    assert advice.first_action.rule_id == "scan_missing"
    assert "measuring_baseline" not in advice.rule_ids()
    assert "cliff_within_12" in advice.rule_ids()
    assert any("4+1-scan" in u.nl for u in advice.unknowns)


def test_no_funding_recorded_asks_for_it_and_no_deadline():
    advice = advise(facts(months=None, share=None, has_streams=False), TODAY)
    assert "funding_missing" in advice.rule_ids()
    assert advice.deadline is None


def test_actions_follow_priority_then_file_order():
    advice = advise(
        facts(
            outcomes={"measuring": "not_present", "entrepreneurship": "not_present"},
            missing=frozenset({"bestuurlijk", "uitvoerend"}),
            months=10,
            share=0.9,
        ),
        TODAY,
    )
    priorities = [a.priority for a in advice.actions]
    assert priorities == sorted(priorities)
    assert action_ids(advice)[:4] == [
        "measuring_baseline",
        "measuring_baseline",
        "measuring_baseline",
        "political_backing_missing",
    ]
    # The fired rules explain themselves with the facts.
    fired = {f.rule_id: f for f in advice.fired}
    assert any("10 maanden" in r.nl for r in fired["cliff_within_12"].reasons)
    assert any("90%" in r.nl for r in fired["incidental_dependency"].reasons)
    assert any("bestuurlijk" in r.nl for r in fired["political_backing_missing"].reasons)


def test_undetermined_dimension_asks_to_complete_the_scan():
    advice = advise(facts(outcomes={"strategic_coalition": "undetermined"}), TODAY)
    assert "scan_open_questions" in advice.rule_ids()
    assert "coalition_weak" not in advice.rule_ids()


# --- benefits (filled by the valuation later) ----------------------------------------------------


def test_benefits_unknown_by_default_and_elsewhere_when_known():
    unknown = advise(facts(months=12), TODAY)
    assert "benefits_unknown" in unknown.rule_ids()
    assert "benefits_elsewhere" not in unknown.rule_ids()

    known = advise(facts(months=12, benefits={"wmo": 0.3, "zorg": 0.5, "wonen": 0.2}), TODAY)
    assert "benefits_unknown" not in known.rule_ids()
    assert "benefits_elsewhere" in known.rule_ids()
    reversal = next(s for s in known.strategies if s.id == "reversal_thinking")
    assert reversal.recommended
    assert reversal.preconditions[0].status is Status.MET

    paying = advise(facts(months=12, benefits={"wmo": 1.0}), TODAY)
    assert "benefits_elsewhere" not in paying.rule_ids()


# --- routes and preconditions --------------------------------------------------------------------


def test_every_route_is_judged_with_every_precondition_of_the_framework():
    framework = get_frameworks()["four_plus_one"]
    advice = advise(pak(), TODAY)
    assert {r.id for r in advice.routes} == {o.id for o in framework.sustainability_routes}
    assert {s.id for s in advice.strategies} == {o.id for o in framework.financing_strategies}
    for option in (*advice.routes, *advice.strategies):
        source = next(
            o
            for o in (*framework.sustainability_routes, *framework.financing_strategies)
            if o.id == option.id
        )
        assert [p.text.nl for p in option.preconditions] == list(source.preconditions.nl)
        assert all(p.basis.nl for p in option.preconditions)


def test_joint_adoption_needs_civil_service_and_political_backing():
    backed = advise(facts(months=10), TODAY)
    route = next(r for r in backed.routes if r.id == "joint_adoption")
    assert route.preconditions[0].status is Status.MET
    assert route.fit is Fit.OPEN  # the other two preconditions cannot be derived
    assert route.recommended and route.why

    unbacked = advise(facts(months=10, missing=frozenset({"bestuurlijk"})), TODAY)
    route = next(r for r in unbacked.routes if r.id == "joint_adoption")
    assert route.preconditions[0].status is Status.NOT_MET
    assert route.fit is Fit.NOT_YET
    assert (route, route.preconditions[0]) in unbacked.unmet_preconditions
    # Routes that do not fit yet come after the open ones.
    assert unbacked.routes[-1].id == "joint_adoption"


def test_unknown_facts_give_unknown_preconditions_not_unmet():
    advice = advise(AdvisorInput(), TODAY)
    for option in (*advice.routes, *advice.strategies):
        for check in option.preconditions:
            if option.id == "reversal_thinking" and check.index == 0:
                # "there is a scan" is a known fact: there is none.
                assert check.status is Status.NOT_MET
            else:
                assert check.status is Status.UNKNOWN, (option.id, check.index)
    assert advice.actions[0].rule_id == "scan_missing"
    assert len(advice.unknowns) == 4


# --- the deadline --------------------------------------------------------------------------------


def test_deadline_is_six_months_before_a_far_cliff():
    advice = advise(facts(months=18), TODAY)
    assert advice.deadline.date == add_months(add_months(TODAY, 18), -6)
    assert not advice.deadline.overdue
    assert advice.deadline.source == "004 §5.1"


def test_deadline_for_a_near_cliff_leaves_a_month_but_stays_before_the_cliff():
    six = advise(facts(months=6), TODAY).deadline
    assert six.date == add_months(TODAY, 1) and six.overdue
    soon = advise(facts(months=0, share=1.0, today=TODAY), TODAY).deadline
    assert TODAY <= soon.date <= soon.cliff


def test_rule_due_dates_never_pass_the_deadline():
    advice = advise(facts(outcomes={"measuring": "not_present"}, months=30), TODAY)
    baseline = next(a for a in advice.actions if a.rule_id == "measuring_baseline")
    assert baseline.due == add_months(TODAY, 2)  # its own term is earlier than the deadline
    assert advice.deadline.date == add_months(add_months(TODAY, 30), -6)


def test_ruleset_is_cached_and_versioned():
    assert get_ruleset() is get_ruleset()
    assert advise(pak(), TODAY).ruleset_version == get_ruleset().version


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_texts_exist_in_both_languages(lang):
    advice = advise(pak(), TODAY)
    assert all(a.text.get(lang) for a in advice.actions)
    assert all(f.advice.get(lang) and f.title.get(lang) for f in advice.fired)


# --- facts from the other core modules ------------------------------------------------------------


def test_funding_facts_take_the_first_incidental_end_ahead_whatever_the_horizon():
    today = date(2026, 1, 10)
    streams = [
        Stream("Al afgelopen", Decimal("1000"), date(2024, 1, 1), date(2025, 12, 31)),
        Stream("Structureel", Decimal("5000"), date(2024, 1, 1), None, structural=True),
        Stream("Fonds", Decimal("3000"), date(2025, 1, 1), date(2029, 6, 30)),
        Stream("Gemeente", Decimal("3000"), date(2025, 1, 1), date(2028, 3, 31)),
    ]
    facts = funding_facts(streams, today, ["wmo", "zorg"])
    assert facts.has_streams
    assert facts.first_cliff == date(2028, 3, 31)  # beyond the 24-month horizon of the cliff view
    assert facts.months_to_cliff == 26
    assert 0 < facts.incidental_share < 1
    assert facts.funding_domains == frozenset({"wmo", "zorg"})
    assert funding_facts([], today).has_streams is False


def test_coalition_facts_from_coverage_and_scan_facts_from_a_summary():
    backings = [Backing("Gemeente", "ambtelijk"), Backing("Welzijn", "uitvoerend")]
    assert coalition_facts(coverage(backings, TODAY)).missing_levels == {
        "management",
        "bestuurlijk",
    }
    framework = get_frameworks()["four_plus_one"]
    summary = summarize(framework, {})
    scan = scan_facts(summary)
    assert set(scan.outcomes) == {d.id for d in framework.dimensions}
    assert set(scan.outcomes.values()) == {"undetermined"}
    assert scan.coverage == 0.0


def test_reasons_say_less_than_a_month():
    advice = advise(facts(months=0, share=1.0), TODAY)
    fired = {f.rule_id: f for f in advice.fired}
    assert any("minder dan een maand" in r.nl for r in fired["cliff_within_12"].reasons)
    assert any("less than a month" in r.en for r in fired["cliff_within_12"].reasons)
