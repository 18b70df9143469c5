"""Malformed framework files give a FrameworkLoadError naming the file, the path and the rule."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from proeftuin.core.frameworks import (
    ENV_VAR,
    FrameworkLoadError,
    get_frameworks,
    load_frameworks,
)
from proeftuin.core.frameworks.loader import (
    format_path,
    load_framework_file,
    load_framework_text,
    shipped_dir,
)


def load_error(path: Path) -> FrameworkLoadError:
    with pytest.raises(FrameworkLoadError) as info:
        load_framework_file(path)
    return info.value


def assert_names(error: FrameworkLoadError, path: Path, where: str, rule: str) -> None:
    """The error and its message name the file, the path inside it, and the rule broken."""
    assert error.file == str(path)
    assert error.path == where
    assert error.rule == rule
    message = str(error)
    assert str(path) in message
    assert where in message
    assert rule in message


def test_valid_minimal_file_loads(minimal, write_yaml):
    framework = load_framework_file(write_yaml(minimal))
    assert framework.id == "mini"
    assert framework.scale.codes == ("nee", "deels", "ja")
    assert framework.dimensions[0].rules[0].count == 2


def test_missing_indicator_source(minimal, write_yaml):
    minimal["dimensions"][0]["indicators"][2].pop("source")
    path = write_yaml(minimal)
    error = load_error(path)
    assert_names(error, path, "dimensions[0].indicators[2].source", "required")
    assert "'source' is a required property" in str(error)


def test_missing_source_in_third_dimension(minimal, write_yaml):
    first = minimal["dimensions"][0]
    for n in (1, 2):
        dim = {**first, "id": f"dim_{n}"}
        dim["indicators"] = [{**ind, "id": f"d{n}_{ind['id']}"} for ind in first["indicators"]]
        minimal["dimensions"].append(dim)
    minimal["dimensions"][2]["indicators"][0] = {
        k: v for k, v in minimal["dimensions"][2]["indicators"][0].items() if k != "source"
    }
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "dimensions[2].indicators[0].source", "required")


def test_wrong_type(minimal, write_yaml):
    minimal["dimensions"][0]["summary"]["rules"][0]["count"] = "two"
    path = write_yaml(minimal)
    error = load_error(path)
    assert_names(error, path, "dimensions[0].summary.rules[0].count", "type")
    assert "'two' is not of type 'integer'" in str(error)


def test_wrong_type_for_texts(minimal, write_yaml):
    minimal["dimensions"][0]["indicators"][1]["guiding_questions"]["nl"] = "Vraag?"
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "dimensions[0].indicators[1].guiding_questions.nl", "type")


def test_rule_level_not_on_scale(minimal, write_yaml):
    minimal["dimensions"][0]["summary"]["rules"][0]["level"] = "voldoende"
    path = write_yaml(minimal)
    error = load_error(path)
    assert_names(error, path, "dimensions[0].summary.rules[0].level", "level-exists")
    assert "'voldoende' is not on the framework's scale (nee, deels, ja)" in str(error)


def test_duplicate_indicator_ids(minimal, write_yaml):
    minimal["dimensions"][0]["indicators"][2]["id"] = "ind_0"
    path = write_yaml(minimal)
    error = load_error(path)
    assert_names(error, path, "dimensions[0].indicators[2].id", "unique-id")
    assert "also at dimensions[0].indicators[0].id" in str(error)


def test_duplicate_indicator_ids_across_dimensions(minimal, write_yaml):
    second = {**minimal["dimensions"][0], "id": "dim_b"}
    minimal["dimensions"].append(second)  # same indicator ids as dim_a
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "dimensions[1].indicators[0].id", "unique-id")


def test_duplicate_dimension_ids(minimal, write_yaml):
    second = {**minimal["dimensions"][0]}
    second["indicators"] = [{**i, "id": i["id"] + "_b"} for i in second["indicators"]]
    minimal["dimensions"].append(second)
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "dimensions[1].id", "unique-id")


def test_duplicate_scale_levels(minimal, write_yaml):
    minimal["scale"]["levels"][2]["code"] = "nee"
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "scale.levels[2].code", "unique-id")


def test_onbekend_is_never_a_scale_level(minimal, write_yaml):
    minimal["scale"]["levels"][1]["code"] = "onbekend"
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "scale.levels[1].code", "not")


def test_not_yaml_at_all(write_yaml):
    path = write_yaml("id: [this is not closed\n  name: {oops", name="broken.yaml")
    error = load_error(path)
    assert error.rule == "yaml"
    assert str(path) in str(error)
    assert error.path.startswith("line ")


def test_binary_file(write_yaml):
    path = write_yaml(b"\x89PNG\r\n\x1a\n\xff\xfe\x00", name="image.yaml")
    error = load_error(path)
    assert error.rule == "yaml"
    assert str(path) in str(error)


def test_yaml_but_not_a_mapping(write_yaml):
    path = write_yaml("just a sentence, not a framework\n")
    assert_names(load_error(path), path, "(root)", "type")


def test_empty_file(write_yaml):
    path = write_yaml("")
    assert_names(load_error(path), path, "(root)", "type")


def test_duplicate_yaml_key(write_yaml):
    path = write_yaml("id: a\nid: b\n")
    error = load_error(path)
    assert error.rule == "yaml"
    assert "duplicate key 'id'" in str(error)


def test_unexpected_key_is_named(minimal, write_yaml):
    minimal["dimensions"][0]["indicators"][0]["sourec"] = "004 §3.1"
    path = write_yaml(minimal)
    error = load_error(path)
    # the missing "source" or the stray "sourec": either way file, path and rule are named
    assert error.path.startswith("dimensions[0].indicators[0].")
    assert error.rule in {"required", "additionalProperties"}


def test_unexpected_top_level_key(minimal, write_yaml):
    minimal["colour"] = "green"
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "colour", "additionalProperties")


def test_at_least_needs_a_count(minimal, write_yaml):
    minimal["dimensions"][0]["summary"]["rules"][0].pop("count")
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "dimensions[0].summary.rules[0].count", "required")


def test_count_is_only_for_at_least(minimal, write_yaml):
    minimal["dimensions"][0]["summary"]["rules"][0]["rule"] = "all_at_least"
    path = write_yaml(minimal)
    assert_names(
        load_error(path), path, "dimensions[0].summary.rules[0].count", "count-only-for-at-least"
    )


def test_unknown_rule_kind(minimal, write_yaml):
    minimal["dimensions"][0]["summary"]["rules"][0]["rule"] = "average_at_least"
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "dimensions[0].summary.rules[0].rule", "enum")


def test_dimension_without_rules(minimal, write_yaml):
    minimal["dimensions"][0]["summary"]["rules"] = []
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "dimensions[0].summary.rules", "minItems")


def test_unreachable_count(minimal, write_yaml):
    minimal["dimensions"][0]["summary"]["rules"][0]["count"] = 4
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "dimensions[0].summary.rules[0].count", "count-reachable")


def test_rule_names_foreign_indicator(minimal, write_yaml):
    minimal["dimensions"][0]["summary"]["rules"][0]["indicators"] = ["ind_0", "ind_9"]
    minimal["dimensions"][0]["summary"]["rules"][0]["count"] = 1
    path = write_yaml(minimal)
    assert_names(
        load_error(path),
        path,
        "dimensions[0].summary.rules[0].indicators[1]",
        "indicator-exists",
    )


def test_citation_of_undeclared_source(minimal, write_yaml):
    minimal["dimensions"][0]["indicators"][1]["source"] = "003 §2.2"
    path = write_yaml(minimal)
    error = load_error(path)
    assert_names(error, path, "dimensions[0].indicators[1].source", "source-declared")


def test_citation_must_name_a_seed(minimal, write_yaml):
    minimal["dimensions"][0]["indicators"][1]["source"] = "somewhere in the book"
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "dimensions[0].indicators[1].source", "pattern")


def test_error_from_text_names_pseudo_file(minimal):
    with pytest.raises(FrameworkLoadError) as info:
        load_framework_text("- a list\n- not a mapping\n", file="upload.yaml")
    assert info.value.file == "upload.yaml"
    assert info.value.rule == "type"


def test_format_path():
    assert format_path(["dimensions", 2, "indicators", 0, "source"]) == (
        "dimensions[2].indicators[0].source"
    )
    assert format_path([]) == "(root)"


# --- installation directories -------------------------------------------------------------------


def shipped_four_plus_one_text() -> str:
    return (shipped_dir() / "four_plus_one.yaml").read_text(encoding="utf-8")


def test_override_directory_replaces_shipped_framework_by_id(tmp_path, write_yaml):
    text = shipped_four_plus_one_text().replace('version: "1.0"', 'version: "1.0.1"', 1)
    override = write_yaml(text, name="local_4plus1.yaml", directory=tmp_path / "local")
    frameworks = load_frameworks([override.parent])
    replaced = frameworks["four_plus_one"]
    assert replaced.version == "1.0.1"
    assert replaced.path == override
    assert replaced.overrides == shipped_dir() / "four_plus_one.yaml"
    # the other shipped frameworks are untouched
    assert {"collaborative_innovation", "network_health", "presence_model"} <= set(frameworks)
    assert frameworks["network_health"].overrides is None


def test_override_directory_adds_framework(minimal, tmp_path, write_yaml):
    write_yaml(minimal, name="mini.yaml", directory=tmp_path / "extra")
    frameworks = load_frameworks([tmp_path / "extra"])
    assert frameworks["mini"].overrides is None
    assert "four_plus_one" in frameworks


def test_environment_variable_names_the_directory(minimal, tmp_path, write_yaml, monkeypatch):
    write_yaml(minimal, name="mini.yaml", directory=tmp_path / "env")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert "mini" in load_frameworks()


def test_no_environment_variable_means_shipped_only(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert set(load_frameworks()) == {
        "four_plus_one",
        "collaborative_innovation",
        "network_health",
        "presence_model",
    }


def test_later_directory_wins(minimal, tmp_path, write_yaml):
    write_yaml(minimal, name="mini.yaml", directory=tmp_path / "one")
    minimal["version"] = "2.0"
    write_yaml(minimal, name="mini.yaml", directory=tmp_path / "two")
    frameworks = load_frameworks([tmp_path / "one", tmp_path / "two"])
    assert frameworks["mini"].version == "2.0"
    assert frameworks["mini"].overrides == tmp_path / "one" / "mini.yaml"


def test_broken_file_in_installation_directory_is_reported(minimal, tmp_path, write_yaml):
    minimal["dimensions"][0]["indicators"][0].pop("source")
    path = write_yaml(minimal, name="broken.yaml", directory=tmp_path / "local")
    with pytest.raises(FrameworkLoadError) as info:
        load_frameworks([tmp_path / "local"])
    assert info.value.file == str(path)
    assert info.value.path == "dimensions[0].indicators[0].source"


def test_two_files_with_one_id_in_a_directory(minimal, tmp_path, write_yaml):
    write_yaml(minimal, name="a.yaml", directory=tmp_path / "dup")
    write_yaml(minimal, name="b.yaml", directory=tmp_path / "dup")
    with pytest.raises(FrameworkLoadError) as info:
        load_frameworks([tmp_path / "dup"])
    assert info.value.rule == "unique-framework-id"
    assert info.value.file.endswith("b.yaml")


def test_missing_installation_directory(tmp_path):
    with pytest.raises(FrameworkLoadError) as info:
        load_frameworks([tmp_path / "nope"])
    assert info.value.rule == "directory"


def test_non_yaml_files_are_ignored(minimal, tmp_path, write_yaml):
    write_yaml(minimal, name="mini.yaml", directory=tmp_path / "mixed")
    write_yaml("not a framework", name="README.txt", directory=tmp_path / "mixed")
    assert "mini" in load_frameworks([tmp_path / "mixed"])


def test_get_frameworks_is_cached_and_notices_changed_files(minimal, tmp_path, write_yaml):
    directory = tmp_path / "cached"
    path = write_yaml(minimal, name="mini.yaml", directory=directory)
    environ = {ENV_VAR: str(directory)}
    first = get_frameworks(environ)
    second = get_frameworks(environ)
    assert first["mini"] is second["mini"]  # served from the cache
    assert first is not second  # but callers get their own dict
    minimal["version"] = "1.1"
    minimal["name"]["en"] = "Mini, changed"  # a different size as well as a newer mtime
    write_yaml(minimal, name="mini.yaml", directory=directory)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert get_frameworks(environ)["mini"].version == "1.1"
    assert "mini" not in get_frameworks({})


def test_first_error_in_the_file_is_reported(minimal, write_yaml):
    for indicator in minimal["dimensions"][0]["indicators"][1:]:
        indicator.pop("source")
    minimal["dimensions"][0]["summary"]["rules"][0]["count"] = "two"
    path = write_yaml(minimal)
    error = load_error(path)
    assert_names(error, path, "dimensions[0].indicators[1].source", "required")
    assert "(and 2 more problem(s) in this file)" in str(error)
