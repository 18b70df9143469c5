"""The participation typology data file (issue 13, item 4; seed 001 chapter 3)."""

from __future__ import annotations

import pytest

from proeftuin.core.participation import TypologyLoadError, parse_typology, participation_typology


def test_the_shipped_typology_has_three_forms_four_rungs_and_three_roles():
    typology = participation_typology()
    assert [e.id for e in typology.forms] == ["co_deciding", "delivery", "citizen_initiative"]
    assert [e.id for e in typology.levels] == ["consulting", "advising", "co_producing", "deciding"]
    assert len(typology.roles) == 3
    for entry in (*typology.forms, *typology.levels, *typology.roles):
        assert entry.cites and all(c.startswith("001 ") for c in entry.cites)
        assert entry.label("nl") and entry.label("en")


def test_an_undeclared_source_or_a_duplicate_id_is_refused():
    entry = {"id": "a", "name": {"nl": "a", "en": "a"}, "cites": ["002 x"]}
    data = {
        "id": "participation",
        "version": "1",
        "sources": [{"code": "001", "file": "f", "title": "t"}],
        "forms": [entry],
        "levels": [{**entry, "cites": ["001 y"]}],
        "roles": [{**entry, "cites": ["001 y"]}],
    }
    with pytest.raises(TypologyLoadError, match="source"):
        parse_typology(data)
    data["forms"] = [{**entry, "cites": ["001 y"]}, {**entry, "cites": ["001 y"]}]
    with pytest.raises(TypologyLoadError, match="unique"):
        parse_typology(data)


def test_the_typology_is_parsed_once_and_a_changed_file_is_noticed(tmp_path, monkeypatch):
    """The portfolio's filter form reads the typology on every request: parsing its YAML each
    time cost about a fifth of the portfolio list's CPU at 1,000 projects (issue 14). Cached on
    the files' stamps, as the frameworks are; an installation's changed file is read again."""
    import os

    import yaml

    from proeftuin.core import participation

    environ = {participation.ENV_VAR: str(tmp_path)}
    parsed: list[str] = []
    real = participation.parse_typology
    monkeypatch.setattr(
        participation, "parse_typology", lambda *a, **k: parsed.append("x") or real(*a, **k)
    )
    first = participation.get_typologies(environ)
    second = participation.get_typologies(environ)
    assert first[participation.PARTICIPATION] is second[participation.PARTICIPATION]
    assert first is not second  # callers get their own dict
    assert len(parsed) <= 1
    source = participation.shipped_dir() / "participation.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["version"] = "local-2"
    path = tmp_path / "participation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert participation.get_typologies(environ)[participation.PARTICIPATION].version == "local-2"
    assert participation.get_typologies({})[participation.PARTICIPATION].version != "local-2"
