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
