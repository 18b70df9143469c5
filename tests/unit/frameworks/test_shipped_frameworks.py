"""The shipped frameworks load, cite their sources, and behave sensibly at the extremes.

A broken shipped framework must fail these tests, never a user's page.
"""

from __future__ import annotations

from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from proeftuin.core.coalition import BACKING_LEVELS
from proeftuin.core.frameworks import (
    FRAMEWORK_SCHEMA,
    UNKNOWN,
    Outcome,
    load_framework_file,
    load_frameworks,
    shipped_dir,
    summarize,
)

SHIPPED = ("four_plus_one", "collaborative_innovation", "network_health", "presence_model")


@pytest.fixture(scope="module")
def frameworks():
    return load_frameworks([])


def all_shipped_files():
    return sorted(shipped_dir().glob("*.yaml"))


def test_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(FRAMEWORK_SCHEMA)


def test_all_shipped_frameworks_load(frameworks):
    assert set(frameworks) == set(SHIPPED)
    for framework in frameworks.values():
        assert framework.path is not None and framework.path.parent == shipped_dir()


@pytest.mark.parametrize("path", all_shipped_files(), ids=lambda p: p.name)
def test_each_shipped_file_loads_on_its_own(path):
    framework = load_framework_file(path)
    assert path.stem == framework.id


def test_shipped_files_are_package_data():
    names = {entry.name for entry in resources.files("proeftuin.frameworks").iterdir()}
    assert {f"{framework_id}.yaml" for framework_id in SHIPPED} <= names
    assert "__init__.py" in names


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_every_indicator_cites_a_declared_source(frameworks, framework_id):
    framework = frameworks[framework_id]
    codes = {source.code for source in framework.sources}
    indicators = list(framework.indicators())
    assert indicators
    for dimension, indicator in indicators:
        assert indicator.source, f"{framework_id}.{indicator.id} has no source"
        code, _, where = indicator.source.partition(" ")
        assert code in codes, f"{framework_id}.{indicator.id} cites undeclared {code}"
        assert where.strip(), f"{framework_id}.{indicator.id} cites no section"
        assert dimension.source.split(" ", 1)[0] in codes


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_every_dimension_has_a_rule(frameworks, framework_id):
    for dimension in frameworks[framework_id].dimensions:
        assert dimension.rules, f"{framework_id}.{dimension.id} has no summary rule"
        for rule in dimension.rules:
            frameworks[framework_id].scale.rank(rule.level)  # the level is on the scale


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_texts_are_bilingual_and_questions_present(frameworks, framework_id):
    framework = frameworks[framework_id]
    assert framework.name.nl and framework.name.en
    for _dimension, indicator in framework.indicators():
        assert indicator.text.nl and indicator.text.en
        assert indicator.guiding_questions.nl and indicator.guiding_questions.en
        assert indicator.label.nl and indicator.label.en


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_onbekend_is_not_a_level(frameworks, framework_id):
    assert UNKNOWN not in frameworks[framework_id].scale.codes


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_extremes(frameworks, framework_id):
    """All highest → every dimension present; all lowest → none; all unknown → undetermined."""
    framework = frameworks[framework_id]
    top, bottom = framework.scale.codes[-1], framework.scale.codes[0]
    ids = framework.indicator_ids
    high = summarize(framework, dict.fromkeys(ids, top))
    low = summarize(framework, dict.fromkeys(ids, bottom))
    unknown = summarize(framework, dict.fromkeys(ids, UNKNOWN))
    nothing = summarize(framework, {})
    for summary in high.dimensions:
        assert summary.outcome is Outcome.PRESENT, summary.explanation.en
        assert summary.coverage == 1.0
    for summary in low.dimensions:
        assert summary.outcome is Outcome.NOT_PRESENT, summary.explanation.en
    for summary in (*unknown.dimensions, *nothing.dimensions):
        assert summary.outcome is Outcome.UNDETERMINED, summary.explanation.en
        assert summary.rated == 0 and summary.coverage == 0.0
    assert {d.unknown for d in unknown.dimensions} == {d.total for d in unknown.dimensions}
    assert {d.not_rated for d in nothing.dimensions} == {d.total for d in nothing.dimensions}


def test_four_plus_one_shape(frameworks):
    scan = frameworks["four_plus_one"]
    assert [d.id for d in scan.dimensions] == [
        "effective_approach",
        "measuring",
        "strategic_coalition",
        "entrepreneurship",
        "sustainability",
    ]
    assert scan.scale.codes == ("gering", "matig", "redelijk", "voldoende", "groot")


def test_four_plus_one_checks_backing_at_each_coalition_level(frameworks):
    """The coalition-level check: one indicator per level, tagged with core.coalition's codes."""
    coalition = frameworks["four_plus_one"].dimension("strategic_coalition")
    tagged = {
        tag.split(":", 1)[1]: indicator.id
        for indicator in coalition.indicators
        for tag in indicator.tags
        if tag.startswith("backing_level:")
    }
    assert set(tagged) == set(BACKING_LEVELS)
    level_rule = coalition.rules[0]
    assert level_rule.kind == "all_at_least"
    assert set(level_rule.indicators) == set(tagged.values())


def test_four_plus_one_routes_and_financing_strategies(frameworks):
    scan = frameworks["four_plus_one"]
    assert [r.id for r in scan.sustainability_routes] == [
        "absorption",
        "joint_adoption",
        "social_enterprise",
    ]
    assert {s.id for s in scan.financing_strategies} >= {
        "municipal_direction",
        "resident_involvement",
        "business_as_partner",
        "fund_reorientation",
        "reversal_thinking",
        "new_for_old",
    }
    for option in (*scan.sustainability_routes, *scan.financing_strategies):
        assert option.source.startswith("004 §5.")
        for field in (option.preconditions, option.advantages, option.drawbacks):
            assert field.nl and field.en, option.id
    assert {s.kind for s in scan.financing_strategies} == {"network", "financing"}


def test_other_frameworks_have_no_plus_one_options(frameworks):
    for framework_id in ("collaborative_innovation", "network_health", "presence_model"):
        assert frameworks[framework_id].sustainability_routes == ()
        assert frameworks[framework_id].financing_strategies == ()


def test_presence_model_has_twelve_aspects_and_four_levels_of_direction(frameworks):
    model = frameworks["presence_model"]
    perspectives = ("presence", "legitimacy", "professionalism", "integrality")
    assert [len(model.dimension(p).indicators) for p in perspectives] == [3, 3, 3, 3]
    tags = {t for i in model.dimension("multilevel_direction").indicators for t in i.tags}
    assert tags == {
        "direction_level:zelfregie",
        "direction_level:casusregie",
        "direction_level:procesregie",
        "direction_level:beleidsregie",
    }


def test_network_health_covers_provan_kenis_scharpf_and_three_learning_types(frameworks):
    ids = [d.id for d in frameworks["network_health"].dimensions]
    assert ids == [
        "goal_consensus",
        "mutual_dependency",
        "social_relations",
        "participants",
        "cognitive_learning",
        "strategic_learning",
        "institutional_learning",
    ]


def test_collaborative_innovation_has_the_thesis_variables(frameworks):
    framework = frameworks["collaborative_innovation"]
    assert [d.id for d in framework.dimensions][:3] == [
        "collaborative_innovation",
        "innovation",
        "effectiveness",
    ]
    assert len(framework.dimension("innovation").indicators) == 7
