"""The shipped instruments load, cover what issue 4 asks, and cite their sources."""

from __future__ import annotations

import pytest

from proeftuin.core.instruments import (
    LIFE_DOMAINS,
    QUALITY_OF_LIFE,
    Instrument,
    load_instruments,
    normalise_name,
    shipped_dir,
)


@pytest.fixture(scope="module")
def shipped() -> dict[str, Instrument]:
    return load_instruments(environ={})


def test_both_instruments_ship(shipped):
    assert {LIFE_DOMAINS, QUALITY_OF_LIFE} <= set(shipped)
    for instrument in shipped.values():
        assert instrument.path is not None and instrument.path.parent == shipped_dir()
        assert instrument.overrides is None


def test_life_domains_thirteen_domains_on_five_levels(shipped):
    instrument = shipped[LIFE_DOMAINS]
    assert len(instrument.items) == 13
    assert instrument.scale.values == (1, 2, 3, 4, 5)
    assert instrument.scale.level(1).label.en == "Acute problem"
    assert instrument.scale.level(5).label.en == "Fully self-reliant"
    assert instrument.scale.level(5).label.nl == "Volledig zelfredzaam"
    for expected in ("housing", "finances", "mental_health", "addiction", "parenting", "justice"):
        assert expected in instrument.item_ids


def test_every_life_domain_describes_every_level_in_both_languages(shipped):
    instrument = shipped[LIFE_DOMAINS]
    for item in instrument.items:
        assert sorted(item.levels) == [1, 2, 3, 4, 5], item.id
        for value, text in item.levels.items():
            assert text.nl.strip() and text.en.strip(), (item.id, value)
        # Five different descriptions, not one copied five times.
        assert len({text.nl for text in item.levels.values()}) == 5, item.id


def test_quality_of_life_has_wij_bredas_four_elements(shipped):
    instrument = shipped[QUALITY_OF_LIFE]
    assert instrument.item_ids == (
        "deciding_yourself",
        "getting_it_done",
        "understood_by_peers",
        "being_needed",
    )
    assert instrument.respondent == "participant"
    for item in instrument.items:
        assert item.question is not None and item.question.nl.endswith(".")
    assert "belangrijkste" in instrument.item("being_needed").description.nl


@pytest.mark.parametrize("instrument_id", [LIFE_DOMAINS, QUALITY_OF_LIFE])
def test_every_item_cites_a_declared_source(shipped, instrument_id):
    instrument = shipped[instrument_id]
    codes = {source.code for source in instrument.sources}
    for item in instrument.items:
        assert item.cites, item.id
        for citation in item.cites:
            assert citation.split(" ", 1)[0] in codes, (item.id, citation)
    assert instrument.operationalisation is not None, "say what is our own operationalisation"


def test_header_names_are_unambiguous(shipped):
    """Every item name and alias maps to exactly one item, so the importer can tell them apart."""
    for instrument in shipped.values():
        names = instrument.header_names()
        for item in instrument.items:
            assert names[normalise_name(item.name.nl)] == item.id
            assert names[normalise_name(item.name.en)] == item.id
            for alias in item.aliases:
                assert names[normalise_name(alias)] == item.id
