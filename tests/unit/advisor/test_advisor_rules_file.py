"""The advisor's rules file: the shipped one loads and cites its sources; a broken one says where.

A malformed file raises AdvisorRulesError naming the file, the path inside it and the rule it
breaks (and, inside ``rules[i]``, the advice rule's id).
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import pytest
import yaml

from proeftuin.core.advisor import (
    AdvisorRulesError,
    Leaf,
    Not,
    get_ruleset,
    load_rules_file,
    load_rules_text,
    load_ruleset,
    shipped_file,
)
from proeftuin.core.frameworks import get_frameworks

SEEDS_DIR = Path(os.environ.get("PROEFTUIN_SEEDS_DIR", "/work/shared/seeds"))
SHIPPED = yaml.safe_load(shipped_file().read_text(encoding="utf-8"))


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def broken(mutate) -> AdvisorRulesError:
    data = copy.deepcopy(SHIPPED)
    mutate(data)
    with pytest.raises(AdvisorRulesError) as caught:
        load_rules_text(dump(data), "local/advice.yaml")
    return caught.value


# --- the shipped rules ---------------------------------------------------------------------------


def test_shipped_rules_load_and_are_complete():
    ruleset = load_ruleset([])
    assert ruleset.framework_id == "four_plus_one"
    assert len(ruleset.rules) >= 12
    assert ruleset.deadline.months_before_cliff == 6
    ids = [r.id for r in ruleset.rules]
    assert len(ids) == len(set(ids))
    assert {"measuring_baseline", "scan_missing", "cliff_within_12"} <= set(ids)


def test_every_rule_cites_a_seed_section_and_has_actions_in_both_languages():
    for rule in get_ruleset().rules:
        assert re.fullmatch(r"004 §\d+(\.\d+)*", rule.source), rule.id
        assert rule.actions.nl and len(rule.actions.nl) == len(rule.actions.en), rule.id
        assert rule.advice.nl and rule.advice.en and rule.title.nl and rule.title.en
    assert get_ruleset().deadline.source.startswith("004 §")


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed texts not available in {SEEDS_DIR}")
def test_every_cited_section_exists_in_seed_004():
    source = SHIPPED["sources"][0]
    text = (SEEDS_DIR / source["file"]).read_text(encoding="utf-8")
    cited = [r["source"] for r in SHIPPED["rules"]] + [SHIPPED["deadline"]["source"]]
    cited += [f"004 {s}" for s in source["sections"]]
    for citation in cited:
        number = citation.split("§", 1)[1]
        assert re.search(rf"(?m)^[#\s]*{re.escape(number)}\.?\s", text), citation


def test_shipped_rules_use_no_negation_so_worse_facts_only_add_advice():
    for rule in get_ruleset().rules:
        assert not any(isinstance(node, Not) for node in rule.when.walk()), rule.id


def test_routes_strategies_and_dimensions_named_by_rules_exist():
    framework = get_frameworks()["four_plus_one"]
    routes = {o.id for o in framework.sustainability_routes}
    strategies = {o.id for o in framework.financing_strategies}
    dimensions = {d.id for d in framework.dimensions}
    ruleset = get_ruleset()
    for rule in ruleset.rules:
        assert set(rule.routes) <= routes and set(rule.strategies) <= strategies
        for node in rule.when.walk():
            if isinstance(node, Leaf) and node.kind == "dimension":
                assert node.value in dimensions
    assert ruleset.preconditions, "some preconditions are judged from the facts"
    assert any(r.routes for r in ruleset.rules), "some rule points to the routes"


# --- malformed files: file, path and rule --------------------------------------------------------


def rule_index(rule_id: str) -> int:
    return next(i for i, r in enumerate(SHIPPED["rules"]) if r["id"] == rule_id)


M = rule_index("measuring_baseline")


@pytest.mark.parametrize(
    ("mutate", "path", "rule", "words"),
    [
        (
            lambda d: d["rules"][M].pop("source"),
            f"rules[{M}].source",
            "required",
            ["measuring_baseline"],
        ),
        (
            lambda d: d["rules"][M].update(source="§2.3"),
            f"rules[{M}].source",
            "pattern",
            ["measuring_baseline"],
        ),
        (
            lambda d: d["rules"][M].update(source="002 §2.3"),
            f"rules[{M}].source",
            "source-declared",
            ["measuring_baseline", "'002'"],
        ),
        (
            lambda d: d["rules"][M].update(when={"dimension": "meten", "outcome": "not_present"}),
            f"rules[{M}].when",
            "dimension-exists",
            ["'meten'"],
        ),
        (
            lambda d: d["rules"][M].update(when={"dimension": "measuring", "outcome": "zwak"}),
            f"rules[{M}].when.outcome",
            "anyOf",
            ["measuring_baseline", "'zwak'"],
        ),
        (
            lambda d: d["rules"][M].update(when={"dimension": "measuring"}),
            f"rules[{M}].when",
            "dependentRequired",
            ["outcome"],
        ),
        (
            lambda d: d["rules"][M].update(
                when={"missing_level": "bestuurlijk", "scan": "missing"}
            ),
            f"rules[{M}].when",
            "one-condition",
            ["all/any"],
        ),
        (
            lambda d: d["rules"][M].update(when={"any": [{"missing_level": "wethouder"}]}),
            f"rules[{M}].when.any[0].missing_level",
            "enum",
            ["wethouder"],
        ),
        (
            lambda d: d["rules"][M].update(when={"months_to_cliff": 12}),
            f"rules[{M}].when.months_to_cliff",
            "additionalProperties",
            ["months_to_cliff"],
        ),
        (
            lambda d: d["rules"][M]["actions"]["en"].pop(),
            f"rules[{M}].actions.en",
            "actions-paired",
            ["measuring_baseline"],
        ),
        (
            lambda d: d["rules"][M].update(routes=["merger"]),
            f"rules[{M}].routes[0]",
            "route-exists",
            ["'merger'"],
        ),
        (
            lambda d: d["rules"][M].update(strategies=["lottery"]),
            f"rules[{M}].strategies[0]",
            "strategy-exists",
            ["'lottery'"],
        ),
        (
            lambda d: d["rules"][M + 1].update(id="measuring_baseline"),
            f"rules[{M + 1}].id",
            "unique-id",
            ["duplicate"],
        ),
        (
            lambda d: d["rules"][M].update(priority=0),
            f"rules[{M}].priority",
            "minimum",
            ["measuring_baseline"],
        ),
        (lambda d: d.pop("deadline"), "deadline", "required", ["deadline"]),
        (
            lambda d: d.update(framework="five_plus_two"),
            "framework",
            "framework-exists",
            ["five_plus_two"],
        ),
        (
            lambda d: d["preconditions"]["joint_adoption"][0].update(index=7),
            "preconditions.joint_adoption[0].index",
            "precondition-exists",
            ["3 precondition"],
        ),
        (
            lambda d: d["preconditions"].update(merger=[]),
            "preconditions.merger",
            "option-exists",
            ["'merger'"],
        ),
    ],
)
def test_malformed_rules_name_file_path_and_rule(mutate, path, rule, words):
    error = broken(mutate)
    assert error.file == "local/advice.yaml"
    assert error.path == path, str(error)
    assert error.rule == rule, str(error)
    message = str(error)
    assert message.startswith("local/advice.yaml: ")
    assert f"[rule: {rule}]" in message
    for word in words:
        assert word in message


def test_yaml_problems_are_reported_with_line_and_column():
    with pytest.raises(AdvisorRulesError) as caught:
        load_rules_text("id: a\nid: b\n", "dup.yaml")
    assert caught.value.rule == "yaml"
    assert "line 2" in caught.value.path


# --- installation layers -------------------------------------------------------------------------


def write(directory: Path, name: str, data: dict) -> Path:
    path = directory / name
    path.write_text(dump(data), encoding="utf-8")
    return path


LAYER_BASE = {
    "id": "voorbeeldstad",
    "version": "2",
    "framework": "four_plus_one",
    "sources": [{"code": "004", "file": "004.txt", "title": "Seed 004"}],
}


def test_an_installation_adds_replaces_and_disables_rules(tmp_path):
    extra = copy.deepcopy(SHIPPED["rules"][M])
    extra.update(id="local_rule", priority=1)
    replaced = copy.deepcopy(SHIPPED["rules"][M])
    replaced["advice"]["nl"] = "Lokale tekst."
    write(
        tmp_path,
        "local.yaml",
        {
            **LAYER_BASE,
            "rules": [extra, replaced],
            "disabled_rules": ["cliff_within_24"],
            "deadline": {**SHIPPED["deadline"], "months_before_cliff": 9},
        },
    )
    ruleset = load_ruleset([tmp_path])
    ids = [r.id for r in ruleset.rules]
    assert "local_rule" in ids and "cliff_within_24" not in ids
    assert ids.index("measuring_baseline") == rule_index("measuring_baseline")
    assert ruleset.rule("measuring_baseline").advice.nl == "Lokale tekst."
    assert ruleset.deadline.months_before_cliff == 9
    assert ruleset.version == "1.0+voorbeeldstad@2"
    assert ruleset.files[-1].endswith("local.yaml")


def test_disabling_an_unknown_rule_names_the_file(tmp_path):
    path = write(tmp_path, "local.yaml", {**LAYER_BASE, "disabled_rules": ["no_such_rule"]})
    with pytest.raises(AdvisorRulesError) as caught:
        load_ruleset([tmp_path])
    assert caught.value.file == str(path)
    assert caught.value.path == "disabled_rules[0]"
    assert caught.value.rule == "rule-exists"


def test_a_missing_installation_directory_is_an_error(tmp_path):
    with pytest.raises(AdvisorRulesError) as caught:
        load_ruleset([tmp_path / "nope"])
    assert caught.value.rule == "directory"


def test_get_ruleset_reads_the_environment_variable(tmp_path, monkeypatch):
    extra = copy.deepcopy(SHIPPED["rules"][M])
    extra.update(id="env_rule")
    write(tmp_path, "env.yaml", {**LAYER_BASE, "rules": [extra]})
    monkeypatch.setenv("PROEFTUIN_ADVICE_DIR", str(tmp_path))
    assert "env_rule" in [r.id for r in get_ruleset().rules]
    monkeypatch.delenv("PROEFTUIN_ADVICE_DIR")
    assert "env_rule" not in [r.id for r in get_ruleset().rules]


def test_load_rules_file_reads_one_complete_file():
    assert load_rules_file(shipped_file()).version == SHIPPED["version"]
