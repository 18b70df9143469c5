"""Dimension summaries: unknowns never move a decided summary, rules are monotone, ratings outside
the scale are refused, and every summary explains itself.

The properties are checked over random frameworks (random scale, indicators and rules, built
through the real loader) and over the shipped frameworks with random ratings.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proeftuin.core.frameworks import (
    UNKNOWN,
    Framework,
    Outcome,
    RatingError,
    load_frameworks,
    parse_framework,
    summarize,
    summarize_dimension,
)
from proeftuin.core.frameworks.loader import build_framework, check_semantics
from proeftuin.core.frameworks.scoring import combine

SHIPPED = load_frameworks([])
ORDER = {Outcome.NOT_PRESENT: 0, Outcome.UNDETERMINED: 1, Outcome.PRESENT: 2}

# --- strategies ---------------------------------------------------------------------------------


KINDS = ("at_least", "all_at_least", "median_at_least")


@st.composite
def rule_data(draw, indicator_ids: list[str], levels: list[str]) -> dict[str, Any]:
    # integers and tuples keep Hypothesis's strategy cache warm (fast generation)
    kind = KINDS[draw(st.integers(0, 2))]
    picked = draw(st.lists(st.integers(0, len(indicator_ids) - 1), unique=True))
    scope = [indicator_ids[i] for i in sorted(picked)]
    rule: dict[str, Any] = {"rule": kind, "level": levels[draw(st.integers(0, len(levels) - 1))]}
    if scope:
        rule["indicators"] = scope
    if kind == "at_least":
        rule["count"] = draw(st.integers(1, len(scope or indicator_ids)))
    return rule


@st.composite
def framework_data(draw) -> dict[str, Any]:
    levels = [f"l{n}" for n in range(draw(st.integers(2, 5)))]
    dimensions = []
    for d in range(draw(st.integers(1, 3))):
        ids = [f"d{d}_i{n}" for n in range(draw(st.integers(1, 7)))]
        rules = [draw(rule_data(ids, levels)) for _ in range(draw(st.integers(1, 3)))]
        dimensions.append(
            {
                "id": f"d{d}",
                "name": {"nl": f"Dimensie {d}", "en": f"Dimension {d}"},
                "source": "004 §3.1",
                "indicators": [
                    {
                        "id": i,
                        "text": {"nl": i, "en": i},
                        "guiding_questions": {"nl": ["?"], "en": ["?"]},
                        "source": "004 §3.1",
                    }
                    for i in ids
                ],
                "summary": {"combine": ("all", "any")[draw(st.integers(0, 1))], "rules": rules},
            }
        )
    return {
        "id": "random",
        "version": "1",
        "name": {"nl": "x", "en": "x"},
        "description": {"nl": "x", "en": "x"},
        "sources": [{"code": "004", "file": "004.txt", "title": "004"}],
        "scale": {
            "levels": [{"code": c, "label": {"nl": c, "en": c}} for c in levels],
        },
        "dimensions": dimensions,
    }


SHIPPED_LIST = tuple(SHIPPED.values())


def build(data: dict[str, Any]) -> Framework:
    """The loader's semantic checks and model building; the schema pass is skipped for speed
    (the generated data is valid by construction, and the schema is tested elsewhere)."""
    check_semantics(data, "<random>")
    return build_framework(data)


#: Random frameworks and the shipped ones.
frameworks = st.one_of(
    framework_data().map(build),
    st.integers(0, len(SHIPPED_LIST) - 1).map(SHIPPED_LIST.__getitem__),
)


@st.composite
def framework_and_ratings(draw, with_unknowns: bool = True):
    """A framework and a full answer set: a level, onbekend, or no answer, per indicator."""
    framework = draw(frameworks)
    choices: list[str | None] = list(framework.scale.codes)
    if with_unknowns:
        choices += [UNKNOWN, None]
    ids = framework.indicator_ids
    picks = draw(st.lists(st.integers(0, len(choices) - 1), min_size=len(ids), max_size=len(ids)))
    return framework, {i: choices[p] for i, p in zip(ids, picks, strict=True)}


def pick(data, options):
    """Draw one of ``options`` (a sequence) through a cached integer strategy."""
    return options[data.draw(st.integers(0, len(options) - 1))]


def outcomes(framework: Framework, ratings) -> dict[str, Outcome]:
    return {d.dimension_id: d.outcome for d in summarize(framework, ratings).dimensions}


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- properties ---------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), pair=framework_and_ratings())
def test_unknowns_never_move_a_decided_summary(data, pair):
    """Whatever the unknown answers turn out to be, a decided outcome stays as it is."""
    framework, ratings = pair
    before = outcomes(framework, ratings)
    completed = {
        key: value if value not in (None, UNKNOWN) else pick(data, framework.scale.codes)
        for key, value in ratings.items()
    }
    after = outcomes(framework, completed)
    for dimension_id, outcome in before.items():
        if outcome.decided:
            assert after[dimension_id] is outcome
        assert after[dimension_id].decided  # no unknowns left: always decided


@SETTINGS
@given(data=st.data(), pair=framework_and_ratings(with_unknowns=False))
def test_adding_unknowns_never_flips_an_outcome_and_coverage_falls(data, pair):
    framework, complete = pair
    ids = framework.indicator_ids
    hidden = [ids[i] for i in data.draw(st.lists(st.integers(0, len(ids) - 1), unique=True))]
    answer = pick(data, (UNKNOWN, None))
    partial = {key: answer if key in hidden else value for key, value in complete.items()}
    full = summarize(framework, complete)
    part = summarize(framework, partial)
    for before, after in zip(full.dimensions, part.dimensions, strict=True):
        assert after.outcome in (before.outcome, Outcome.UNDETERMINED)
        assert before.coverage == 1.0
        hidden_here = sum(
            1 for i in hidden if i in framework.dimension(after.dimension_id).indicator_ids
        )
        assert after.rated == before.rated - hidden_here
        assert after.unknown + after.not_rated == hidden_here
        assert after.coverage <= before.coverage
    assert part.rated == full.rated - len(hidden)


@SETTINGS
@given(data=st.data(), pair=framework_and_ratings())
def test_raising_a_rating_never_lowers_the_outcome(data, pair):
    """Monotone: present never becomes not present (nor undetermined) when a rating goes up."""
    framework, ratings = pair
    rated = [key for key, value in ratings.items() if framework.scale.is_level(value)]
    if not rated:
        return
    key = pick(data, rated)
    rank = framework.scale.rank(ratings[key])
    higher = pick(data, framework.scale.codes[rank:])
    raised = {**ratings, key: higher}
    before, after = outcomes(framework, ratings), outcomes(framework, raised)
    for dimension_id in before:
        assert ORDER[after[dimension_id]] >= ORDER[before[dimension_id]]
        if before[dimension_id] is Outcome.PRESENT:
            assert after[dimension_id] is Outcome.PRESENT


@SETTINGS
@given(pair=framework_and_ratings())
def test_unknown_is_not_the_lowest_level(pair):
    """Treating unknown as the lowest level (as zero) may decide 'not present'; we never do
    unless every possible answer gives 'not present' anyway."""
    framework, ratings = pair
    lowest, highest = framework.scale.codes[0], framework.scale.codes[-1]
    as_zero = {k: lowest if v in (None, UNKNOWN) else v for k, v in ratings.items()}
    as_top = {k: highest if v in (None, UNKNOWN) else v for k, v in ratings.items()}
    ours = outcomes(framework, ratings)
    zero, top = outcomes(framework, as_zero), outcomes(framework, as_top)
    for dimension_id, outcome in ours.items():
        if outcome is Outcome.NOT_PRESENT:
            assert top[dimension_id] is Outcome.NOT_PRESENT
        if zero[dimension_id] != top[dimension_id]:
            assert outcome is Outcome.UNDETERMINED


@SETTINGS
@given(pair=framework_and_ratings())
def test_summary_reports_coverage_and_explains_itself(pair):
    framework, ratings = pair
    for dimension, summary in zip(
        framework.dimensions, summarize(framework, ratings).dimensions, strict=True
    ):
        assert summary.total == len(dimension.indicators)
        assert summary.rated + summary.unknown + summary.not_rated == summary.total
        assert sum(summary.counts.values()) == summary.rated
        assert summary.coverage_text == f"{summary.rated}/{summary.total}"
        assert summary.outcome.label("nl") in summary.explanation.nl
        assert summary.outcome.label("en") in summary.explanation.en
        assert f"{summary.rated} van {summary.total}" in summary.explanation.nl
        assert len(summary.rules) == len(dimension.rules)


def test_combine_is_three_valued():
    P, N, U = Outcome.PRESENT, Outcome.NOT_PRESENT, Outcome.UNDETERMINED
    assert combine([P, U], "all") is U
    assert combine([N, U], "all") is N
    assert combine([P, P], "all") is P
    assert combine([P, U], "any") is P
    assert combine([N, U], "any") is U
    assert combine([N, N], "any") is N


# --- refusing ratings ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["excellent", "Onbekend", "", 3, 0, True, ["ja"]])
def test_rating_outside_the_scale_is_refused(value):
    scan = SHIPPED["four_plus_one"]
    with pytest.raises(RatingError) as info:
        summarize(scan, {"baseline_measurement": value})
    message = str(info.value)
    assert "four_plus_one.baseline_measurement" in message
    assert "gering, matig, redelijk, voldoende, groot, onbekend" in message
    assert info.value.value == value


def test_level_of_another_framework_is_refused():
    with pytest.raises(RatingError):
        summarize(SHIPPED["presence_model"], {"thorough": "voldoende"})


def test_rating_for_an_unknown_indicator_is_refused():
    with pytest.raises(RatingError, match="no such indicator"):
        summarize_dimension(SHIPPED["four_plus_one"], "measuring", {"made_up": "groot"})


def test_onbekend_and_no_answer_are_allowed():
    summary = summarize_dimension(
        SHIPPED["four_plus_one"],
        "measuring",
        {"baseline_measurement": UNKNOWN, "count_and_tell": None},
    )
    assert summary.unknown == 1
    assert summary.not_rated == 6
    assert summary.rated == 0


# --- worked examples ----------------------------------------------------------------------------


def rate(framework: Framework, dimension_id: str, level: str) -> dict[str, str]:
    return dict.fromkeys(framework.dimension(dimension_id).indicator_ids, level)


def test_pak_like_profile():
    """Seed 004 ch. 2 (PAK): strong on method, coalition and entrepreneurship, weak on measuring
    (only inflow and outflow reported)."""
    scan = SHIPPED["four_plus_one"]
    ratings = {
        **rate(scan, "effective_approach", "voldoende"),
        **rate(scan, "strategic_coalition", "groot"),
        **rate(scan, "entrepreneurship", "voldoende"),
        **rate(scan, "measuring", "gering"),
        "count_and_tell": "voldoende",  # the narrative book "PAK van mijn hart"
        "results_in_context": UNKNOWN,
    }
    summary = summarize(scan, ratings)
    assert summary.dimension("effective_approach").outcome is Outcome.PRESENT
    assert summary.dimension("strategic_coalition").outcome is Outcome.PRESENT
    assert summary.dimension("entrepreneurship").outcome is Outcome.PRESENT
    measuring = summary.dimension("measuring")
    assert measuring.outcome is Outcome.NOT_PRESENT
    assert measuring.coverage_text == "6/7"
    assert "0-meting" in measuring.explanation.nl
    assert summary.dimension("sustainability").outcome is Outcome.UNDETERMINED
    assert summary.dimension("sustainability").coverage == 0.0


def test_at_least_explained_with_unknowns():
    scan = SHIPPED["four_plus_one"]
    ratings = {
        "backing_delivery": "groot",
        "backing_management": "voldoende",
        "backing_civil_service": "redelijk",
        "backing_political": UNKNOWN,
        "needed_partners_committed": "voldoende",
        "government_as_partner": "matig",
    }
    summary = summarize_dimension(scan, "strategic_coalition", ratings)
    assert summary.outcome is Outcome.UNDETERMINED
    levels, overall = summary.rules
    assert (levels.met, levels.below, levels.unknown, levels.needed) == (3, 0, 1, 4)
    assert levels.outcome is Outcome.UNDETERMINED
    assert (overall.met, overall.below, overall.unknown, overall.needed) == (3, 2, 2, 4)
    assert "Aanwezig als alle 4 indicatoren" in levels.explanation.nl
    assert "1 onbekend antwoord" in levels.explanation.nl
    assert "depends on 1 unknown answer" in levels.explanation.en
    assert "Present when at least 4 of the 7 indicators rate at least ‘sufficient’" in (
        overall.explanation.en
    )
    assert "Beoordeeld: 5 van 7 indicatoren (1 onbekend, 1 nog niet beoordeeld" in (
        summary.explanation.nl
    )
    assert "unknown does not count as zero" in summary.explanation.en

    ratings["backing_political"] = "gering"
    decided = summarize_dimension(scan, "strategic_coalition", ratings)
    assert decided.outcome is Outcome.NOT_PRESENT
    assert "Niet voldaan." in decided.rules[0].explanation.nl


def test_median_rule_needs_more_than_half():
    health = SHIPPED["network_health"]
    ids = health.dimension("social_relations").indicator_ids  # 5 indicators, median ≥ gemiddeld
    two = {ids[0]: "hoog", ids[1]: "gemiddeld", ids[2]: "laag", ids[3]: "laag"}
    assert summarize_dimension(health, "social_relations", two).outcome is Outcome.UNDETERMINED
    three = {**two, ids[4]: "gemiddeld"}
    assert summarize_dimension(health, "social_relations", three).outcome is Outcome.PRESENT
    low = {**two, ids[4]: "laag"}
    result = summarize_dimension(health, "social_relations", low)
    assert result.outcome is Outcome.NOT_PRESENT
    assert "meer dan de helft (minstens 3)" in result.explanation.nl


def test_not_present_despite_unknowns_says_so():
    health = SHIPPED["network_health"]
    ids = health.dimension("social_relations").indicator_ids
    ratings = {ids[0]: "laag", ids[1]: "laag", ids[2]: "laag", ids[3]: UNKNOWN}
    result = summarize_dimension(health, "social_relations", ratings)
    assert result.outcome is Outcome.NOT_PRESENT
    assert "ook niet als alle onbekende antwoorden" in result.explanation.nl
    assert "not even if every unknown answer" in result.explanation.en


def test_any_combination():
    data = {
        "id": "anyframe",
        "version": "1",
        "name": {"nl": "x", "en": "x"},
        "description": {"nl": "x", "en": "x"},
        "sources": [{"code": "004", "file": "f", "title": "t"}],
        "scale": {"levels": [{"code": c, "label": {"nl": c, "en": c}} for c in ("a", "b")]},
        "dimensions": [
            {
                "id": "d",
                "name": {"nl": "D", "en": "D"},
                "source": "004 §1.1",
                "indicators": [
                    {
                        "id": i,
                        "text": {"nl": i, "en": i},
                        "guiding_questions": {"nl": ["?"], "en": ["?"]},
                        "source": "004 §1.1",
                    }
                    for i in ("x", "y")
                ],
                "summary": {
                    "combine": "any",
                    "rules": [
                        {"rule": "all_at_least", "indicators": ["x"], "level": "b"},
                        {"rule": "all_at_least", "indicators": ["y"], "level": "b"},
                    ],
                },
            }
        ],
    }
    framework = parse_framework(data)
    assert summarize(framework, {"x": "b"}).dimensions[0].outcome is Outcome.PRESENT
    assert summarize(framework, {"x": "a"}).dimensions[0].outcome is Outcome.UNDETERMINED
    only = summarize(framework, {"x": "a", "y": "a"}).dimensions[0]
    assert only.outcome is Outcome.NOT_PRESENT
    assert "Eén van de regels volstaat" in only.explanation.nl


@settings(max_examples=25, deadline=None)
@given(data=framework_data())
def test_generated_frameworks_pass_the_full_loader(data):
    """The random frameworks above are valid for the real loader, schema included."""
    assert parse_framework(data).indicator_ids
