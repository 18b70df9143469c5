"""Properties of the advisor over random projects (hypothesis).

* Making one fact worse never removes an action: a dimension that was present turns not present,
  a level of backing is lost, the cliff comes nearer (or appears), the incidental share grows.
* The deadline is never after the cliff and never before today; no action is due after it; a
  later cliff never gives an earlier deadline.
* The three-valued logic: ``all``/``any`` agree with Kleene's tables, ``not`` swaps True/False.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from advisor_builders import DIMENSIONS, TODAY
from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.advisor import (
    OUTCOMES,
    AdvisorInput,
    CoalitionFacts,
    DeadlineRule,
    FundingFacts,
    ScanFacts,
    advise,
    compute_deadline,
    get_ruleset,
)
from proeftuin.core.advisor.conditions import All, AnyOf, Leaf, Not
from proeftuin.core.coalition import BACKING_LEVELS
from proeftuin.core.frameworks.model import Text
from proeftuin.core.funding import add_months

RULESET = get_ruleset()

months = st.one_of(st.none(), st.integers(min_value=0, max_value=48))
shares = st.one_of(st.none(), st.floats(min_value=0, max_value=1, allow_nan=False))


@st.composite
def projects(draw) -> AdvisorInput:
    outcomes = {d: draw(st.sampled_from(OUTCOMES)) for d in DIMENSIONS}
    scan = ScanFacts(outcomes, coverage=draw(st.floats(0, 1))) if draw(st.booleans()) else None
    m = draw(months)
    funding = FundingFacts(
        has_streams=draw(st.booleans()) or m is not None,
        first_cliff=add_months(TODAY, m) if m is not None else None,
        months_to_cliff=m,
        incidental_share=draw(shares),
        funding_domains=frozenset(draw(st.sets(st.sampled_from(["wmo", "jeugd", "zorg"])))),
    )
    coalition = CoalitionFacts(frozenset(draw(st.sets(st.sampled_from(BACKING_LEVELS)))))
    benefits = draw(
        st.one_of(
            st.none(),
            st.dictionaries(
                st.sampled_from(["wmo", "jeugd", "zorg", "wonen"]),
                st.floats(min_value=0, max_value=1, allow_nan=False),
                min_size=1,
            ),
        )
    )
    return AdvisorInput(scan=scan, funding=funding, coalition=coalition, benefits=benefits)


def worsen(facts: AdvisorInput, data) -> AdvisorInput:
    """One fact made worse, chosen by hypothesis."""
    choice = data.draw(st.sampled_from(["dimension", "level", "cliff", "share"]))
    if choice == "dimension" and facts.scan is not None:
        present = [d for d, o in facts.scan.outcomes.items() if o == "present"]
        if present:
            d = data.draw(st.sampled_from(present))
            outcomes = {**facts.scan.outcomes, d: "not_present"}
            return replace(facts, scan=replace(facts.scan, outcomes=outcomes))
    if choice == "level":
        level = data.draw(st.sampled_from(BACKING_LEVELS))
        return replace(facts, coalition=CoalitionFacts(facts.coalition.missing_levels | {level}))
    if choice == "cliff" and facts.funding.has_streams:
        current = facts.funding.months_to_cliff
        nearer = data.draw(st.integers(0, 48 if current is None else current))
        return replace(
            facts,
            funding=replace(
                facts.funding,
                months_to_cliff=nearer,
                first_cliff=add_months(TODAY, nearer),
            ),
        )
    if choice == "share" and facts.funding.incidental_share is not None:
        larger = data.draw(st.floats(facts.funding.incidental_share, 1))
        return replace(facts, funding=replace(facts.funding, incidental_share=larger))
    return facts


def action_keys(advice) -> set[tuple[str, int]]:
    return {(a.rule_id, a.index) for a in advice.actions}


@settings(max_examples=300, deadline=None)
@given(projects(), st.data())
def test_a_worse_fact_never_removes_an_action(facts, data):
    before = action_keys(advise(facts, TODAY, ruleset=RULESET))
    worse = worsen(facts, data)
    after = action_keys(advise(worse, TODAY, ruleset=RULESET))
    assert before <= after


@settings(max_examples=300, deadline=None)
@given(projects())
def test_deadlines_and_due_dates_never_pass_the_cliff(facts):
    advice = advise(facts, TODAY, ruleset=RULESET)
    priorities = [a.priority for a in advice.actions]
    assert priorities == sorted(priorities)
    if advice.deadline is None:
        assert facts.funding.first_cliff is None
        return
    assert TODAY <= advice.deadline.date <= advice.deadline.cliff
    for action in advice.actions:
        assert action.due is not None
        assert TODAY <= action.due <= advice.deadline.date


RULE = DeadlineRule(months_before_cliff=6, source="004 §5.1", rationale=Text(nl="x", en="x"))


@settings(max_examples=500, deadline=None)
@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=36),
    st.integers(min_value=0, max_value=12),
)
def test_deadline_is_before_the_cliff_and_moves_with_it(today, days, later, n, m):
    rule = replace(RULE, months_before_cliff=n, minimum_months_to_decide=m)
    cliff = today + timedelta(days=days)
    deadline = compute_deadline(cliff, today, rule)
    assert today <= deadline.date <= cliff
    if not deadline.overdue:
        assert deadline.date == add_months(cliff, -n)
    further = compute_deadline(cliff + timedelta(days=later), today, rule)
    assert further.date >= deadline.date


truths = st.sampled_from([True, False, None])


class Fixed(Leaf):
    """A leaf with a given truth value, to test the combinators."""

    __slots__ = ()

    def evaluate(self, facts):
        return self.value


@given(st.lists(truths, min_size=1, max_size=5))
def test_combinators_follow_kleene(values):
    leaves = tuple(Fixed("scan", v) for v in values)
    facts = AdvisorInput()
    expected_all = False if False in values else (True if all(v is True for v in values) else None)
    expected_any = True if True in values else (False if all(v is False for v in values) else None)
    assert All(leaves).evaluate(facts) is expected_all
    assert AnyOf(leaves).evaluate(facts) is expected_any
    for leaf in leaves:
        assert Not(leaf).evaluate(facts) is (None if leaf.value is None else not leaf.value)
