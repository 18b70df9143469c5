"""Malformed instrument files give an InstrumentLoadError naming the file, the path and the rule;
installation directories add and override instruments by id."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from proeftuin.core.datafiles import DataFileError, format_path, parse_yaml
from proeftuin.core.instruments import (
    ENV_VAR,
    LIFE_DOMAINS,
    InstrumentLoadError,
    load_instrument_file,
    load_instrument_text,
    load_instruments,
    shipped_dir,
)


def load_error(path: Path) -> InstrumentLoadError:
    with pytest.raises(InstrumentLoadError) as info:
        load_instrument_file(path)
    return info.value


def assert_names(error: InstrumentLoadError, path: Path, where: str, rule: str) -> None:
    """The error and its message name the file, the path inside it, and the rule broken."""
    assert isinstance(error, DataFileError)
    assert error.file == str(path)
    assert error.path == where
    assert error.rule == rule
    message = str(error)
    assert str(path) in message and where in message and rule in message


def test_minimal_file_loads(minimal, write_yaml):
    instrument = load_instrument_file(write_yaml(minimal))
    assert instrument.id == "mini_scale"
    assert instrument.scale.values == (1, 2, 3)
    assert instrument.item("housing").levels[2].en == "housing 2"
    assert instrument.item("finances").levels == {}


def test_missing_citation(minimal, write_yaml):
    minimal["items"][1].pop("cites")
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "items[1].cites", "required")


def test_empty_citation_list(minimal, write_yaml):
    minimal["items"][0]["cites"] = []
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "items[0].cites", "minItems")


def test_missing_english_level_text(minimal, write_yaml):
    del minimal["items"][0]["levels"][2]["text"]["en"]
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "items[0].levels[2].text.en", "required")


def test_unknown_key(minimal, write_yaml):
    minimal["items"][0]["colour"] = "blue"
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "items[0].colour", "additionalProperties")


def test_citation_of_undeclared_source(minimal, write_yaml):
    minimal["items"][1]["cites"] = ["004 §2.3", "003 §2.9"]
    path = write_yaml(minimal)
    error = load_error(path)
    assert_names(error, path, "items[1].cites[1]", "source-declared")
    assert "'003'" in str(error)


def test_scale_values_must_be_consecutive(minimal, write_yaml):
    minimal["scale"]["levels"][2]["value"] = 5
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "scale.levels[2].value", "scale-consecutive")


def test_item_levels_must_cover_the_scale(minimal, write_yaml):
    minimal["items"][0]["levels"].pop()
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "items[0].levels", "levels-cover-scale")


def test_duplicate_item_id(minimal, write_yaml):
    minimal["items"][1]["id"] = "housing"
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "items[1].id", "unique-id")


def test_alias_shared_by_two_items(minimal, write_yaml):
    minimal["items"][1]["aliases"] = ["WONEN"]
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "items[1].aliases[0]", "unique-alias")


def test_bad_id_pattern(minimal, write_yaml):
    minimal["id"] = "Mini Scale"
    path = write_yaml(minimal)
    assert_names(load_error(path), path, "id", "pattern")


def test_duplicate_yaml_key_is_refused(minimal, write_yaml):
    path = write_yaml("id: a\nid: b\n")
    error = load_error(path)
    assert error.rule == "yaml"
    assert error.path == "line 2, column 1"
    assert "duplicate key 'id'" in str(error)


def test_invalid_yaml(write_yaml):
    path = write_yaml("id: [unclosed\n")
    error = load_error(path)
    assert error.rule == "yaml" and str(path) in str(error)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("id: caf\xe9\n".encode("latin-1"))
    assert load_error(path).rule == "yaml"


def test_text_loader_names_its_source(minimal):
    import yaml

    minimal["items"][0]["cites"] = ["zrm"]
    with pytest.raises(InstrumentLoadError) as info:
        load_instrument_text(yaml.safe_dump(minimal), file="inline.yaml")
    assert info.value.file == "inline.yaml" and info.value.rule == "source-declared"


def test_generic_helpers():
    assert format_path(["items", 2, "levels", 0, "text"]) == "items[2].levels[0].text"
    assert format_path([]) == "(root)"
    with pytest.raises(DataFileError) as info:
        parse_yaml("a: 1\na: 2\n", "x.yaml")
    assert info.value.file == "x.yaml"


# --- installation directories ---------------------------------------------------------------------


def test_installation_adds_a_licensed_instrument(minimal, write_yaml, tmp_path):
    minimal["id"] = "licensed_matrix"
    minimal["sources"] = [
        {"code": "zrm", "title": "A licensed matrix", "licence": "by agreement", "url": "https://x"}
    ]
    for item in minimal["items"]:
        item["cites"] = ["zrm"]
    directory = tmp_path / "install"
    write_yaml(minimal, directory=directory)
    instruments = load_instruments(environ={ENV_VAR: str(directory)})
    assert "licensed_matrix" in instruments and LIFE_DOMAINS in instruments
    assert instruments["licensed_matrix"].source("zrm").licence == "by agreement"


def test_installation_overrides_a_shipped_instrument_by_id(minimal, write_yaml, tmp_path):
    minimal["id"] = LIFE_DOMAINS
    first, second = tmp_path / "a", tmp_path / "b"
    write_yaml(minimal, directory=first)
    minimal["version"] = "2.0"
    write_yaml(minimal, directory=second)
    instruments = load_instruments(environ={ENV_VAR: os.pathsep.join([str(first), str(second)])})
    local = instruments[LIFE_DOMAINS]
    assert local.version == "2.0", "a later directory wins"
    assert local.overrides == shipped_dir() / "life_domains.yaml"
    assert len(local.items) == 2


def test_two_files_with_one_id_in_one_directory(minimal, write_yaml, tmp_path):
    write_yaml(minimal, name="a.yaml")
    path = write_yaml(minimal, name="b.yaml")
    with pytest.raises(InstrumentLoadError) as info:
        load_instruments([tmp_path], include_shipped=False)
    assert info.value.file == str(path) and info.value.rule == "unique-instrument-id"


def test_missing_installation_directory(tmp_path):
    with pytest.raises(InstrumentLoadError) as info:
        load_instruments(environ={ENV_VAR: str(tmp_path / "nope")})
    assert info.value.rule == "directory" and ENV_VAR in str(info.value)


def test_broken_installation_file_names_that_file(minimal, write_yaml, tmp_path):
    minimal["items"][0]["levels"][0]["value"] = 9
    path = write_yaml(minimal, directory=tmp_path / "install")
    with pytest.raises(InstrumentLoadError) as info:
        load_instruments(environ={ENV_VAR: str(tmp_path / "install")})
    assert info.value.file == str(path)
