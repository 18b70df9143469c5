"""The signal taxonomy and the lessons catalogue load, validate, cite real sections, and an
installation's taxonomy replaces the shipped one."""

import os
import re
from pathlib import Path

import pytest

from proeftuin.core.learning import catalogue, taxonomy

SEEDS_DIR = Path(os.environ.get("PROEFTUIN_SEEDS_DIR", "/work/shared/seeds"))


def test_shipped_taxonomy_loads():
    tax = taxonomy.load_file(taxonomy.shipped_file())
    assert tax.response_days > 0
    assert {k.id for k in tax.kinds} >= {"regel_blokkeert", "financiering"}
    assert tax.kind("regel_blokkeert").label("en")


def test_installation_taxonomy_replaces_the_default(tmp_path):
    text = (
        taxonomy.shipped_file()
        .read_text(encoding="utf-8")
        .replace('version: "2026.1"', 'version: "breda-2"')
    )
    (tmp_path / taxonomy.FILE_NAME).write_text(text, encoding="utf-8")
    tax = taxonomy.load_taxonomy({taxonomy.ENV_VAR: str(tmp_path)})
    assert tax.version == "breda-2"
    assert taxonomy.load_taxonomy({}).version == "2026.1"


def test_a_broken_taxonomy_names_file_path_and_rule(tmp_path):
    text = (
        taxonomy.shipped_file()
        .read_text(encoding="utf-8")
        .replace('source: "004 §5.4.1"', 'source: "009 §1"')
    )
    path = tmp_path / taxonomy.FILE_NAME
    path.write_text(text, encoding="utf-8")
    with pytest.raises(taxonomy.TaxonomyError) as info:
        taxonomy.load_file(path)
    assert info.value.rule == "source-declared"
    assert info.value.path.startswith("kinds[")


def test_duplicate_kind_ids_are_refused(tmp_path):
    text = (
        taxonomy.shipped_file().read_text(encoding="utf-8").replace("id: capaciteit", "id: systeem")
    )
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(taxonomy.TaxonomyError, match="unique-id"):
        taxonomy.load_file(path)


def test_catalogue_holds_seed_001s_28_learning_points_and_4_plus_1_lessons():
    items = catalogue.catalogue()
    sources = [i.source for i in items]
    assert sources.count("001 §3.4") == 11
    assert sources.count("001 §4.2") == 17
    assert any(s.startswith("004") for s in sources)
    assert all(i.title["nl"] and i.title["en"] for i in items)


def _seed(code: str) -> str:
    files = list(SEEDS_DIR.glob(f"{code}_*.txt"))
    if not files:
        pytest.skip("seed texts not available")
    return files[0].read_text(encoding="utf-8")


def test_every_cited_section_exists_in_its_seed():
    cited = [i.source for i in catalogue.catalogue()]
    tax = taxonomy.load_file(taxonomy.shipped_file())
    cited += [t.source for t in (*tax.kinds, *tax.levels)]
    for citation in set(cited):
        code, where = citation.split(" ", 1)
        text = _seed(code)
        number = where.removeprefix("§")
        assert re.search(rf"(?m)^\s*{re.escape(number)}\.?\s", text), citation
