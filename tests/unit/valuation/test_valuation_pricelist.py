"""The social price list as data: the shipped list, installation overrides, and bad files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from proeftuin.core.valuation import Estimate, Price
from proeftuin.core.valuation.pricelist import (
    ENV_VAR,
    UNKNOWN,
    PriceListLoadError,
    load_price_catalogue,
    load_price_list_text,
    shipped_dir,
)

HEADER = """\
id: test-lijst
version: "1"
name: {nl: Testlijst}
currency: EUR
sources:
  - {code: "004", title: "De rem op de projectencarrousel"}
"""


def price_list(prices: str, header: str = HEADER) -> str:
    return header + "prices:\n" + textwrap.indent(textwrap.dedent(prices), "  ")


UNKNOWN_PRICE = """\
- key: huisuitzetting
  label: {nl: Huisuitzetting voorkomen}
  unit: {nl: per huisuitzetting}
  value: onbekend
  source: "004 §2.2.1"
  indexation: cpi
  where_to_find: {nl: "Vraag de corporatie."}
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# The shipped list ----------------------------------------------------------------------------


def test_shipped_list_loads_and_every_value_has_a_source_or_is_onbekend():
    catalogue = load_price_catalogue(environ={})
    assert catalogue.entries, "the default price list is empty"
    codes = {s["code"] for info in catalogue.lists for s in info.sources}
    for entry in catalogue.entries.values():
        assert entry.source.split()[0] in codes, entry.key
        assert entry.label.nl and entry.unit.nl, entry.key
        if entry.value is None:
            assert entry.where_to_find and entry.where_to_find.nl, entry.key
        else:
            assert entry.price_year is not None, entry.key


def test_shipped_values_are_all_onbekend_because_the_seeds_give_no_euro_figures():
    """digest_004 §5: "The text contains no euro figures". A shipped number would be invented;
    an installation fills its own through PROEFTUIN_PRICELISTS_DIR (or a project price)."""
    catalogue = load_price_catalogue(environ={})
    assert all(entry.value is None for entry in catalogue.entries.values())
    expected = {"uithuisplaatsing_jaar", "huisuitzetting", "ggz_crisisopname", "schuldhulptraject"}
    assert expected <= catalogue.entries.keys()
    prices = catalogue.to_price_list()
    assert all(price.value is None for price in prices.prices)


def test_shipped_files_are_the_package_data():
    assert (shipped_dir() / "sociaal_domein.yaml").is_file()


# Installation overrides -----------------------------------------------------------------------


KNOWN = """\
- key: huisuitzetting
  label: {nl: Huisuitzetting voorkomen (Voorbeeldstad)}
  unit: {nl: per huisuitzetting}
  value: {low: 6000, likely: 9000, high: 14000}
  source: "eigen corporatie 2025"
  price_year: 2025
  indexation: cpi
"""

OWN_HEADER = HEADER.replace(
    'code: "004", title: "De rem op de projectencarrousel"',
    ('code: "eigen", title: "Kostenoverzicht corporatie"'),
).replace("id: test-lijst", "id: voorbeeldstad")


def test_installation_directory_replaces_a_shipped_price_by_key(tmp_path):
    own = write(tmp_path / "own", "eigen.yaml", price_list(KNOWN, OWN_HEADER))
    catalogue = load_price_catalogue(environ={ENV_VAR: str(own.parent)})
    entry = catalogue.get("huisuitzetting")
    assert entry.value == Estimate(6000, 9000, 14000)
    assert entry.origin == own
    assert entry.overrides is not None and entry.overrides.name == "sociaal_domein.yaml"
    # Everything else of the shipped list is still there.
    assert catalogue.get("uithuisplaatsing_jaar").value is None
    assert [info.id for info in catalogue.lists] == ["proeftuin-standaard", "voorbeeldstad"]


def test_indexation_uses_the_installation_index_figures_or_says_why_not(tmp_path):
    indexed = (
        OWN_HEADER
        + "indices:\n  cpi: {2025: 100, 2026: 103}\n"
        + "prices:\n"
        + textwrap.indent(KNOWN, "  ")
    )
    directory = tmp_path / "idx"
    write(directory, "eigen.yaml", indexed)
    catalogue = load_price_catalogue([directory], include_shipped=False)
    entry = catalogue.get("huisuitzetting")
    result = catalogue.index(entry, 2026)
    assert result.factor == pytest.approx(1.03)
    assert result.value.likely == pytest.approx(9270)
    assert catalogue.to_price_list(base_year=2026).get(
        "huisuitzetting"
    ).value.likely == pytest.approx(9270)
    # No figure for 2030: not indexed, and the reason is given instead of a silent guess.
    assert catalogue.index(entry, 2030).reason == "no_figures"
    assert catalogue.index(entry, 2030).value.likely == 9000
    assert catalogue.index(entry, 2025).factor == 1.0


def test_project_prices_replace_listed_ones_in_the_core_price_list():
    catalogue = load_price_catalogue(environ={})
    prices = catalogue.to_price_list(extra=[Price("huisuitzetting", Estimate.exact(9000))])
    assert prices.get("huisuitzetting").value.likely == 9000
    assert prices.get("uithuisplaatsing_jaar").value is None  # onbekend stays onbekend


def test_one_key_twice_in_one_directory_is_an_error(tmp_path):
    directory = tmp_path / "dup"
    write(directory, "a.yaml", price_list(UNKNOWN_PRICE))
    write(directory, "b.yaml", price_list(UNKNOWN_PRICE).replace("test-lijst", "andere"))
    with pytest.raises(PriceListLoadError) as err:
        load_price_catalogue([directory], include_shipped=False)
    assert err.value.rule == "unique-key"
    assert err.value.file.endswith("b.yaml")
    assert err.value.path == "prices[0].key"


def test_missing_installation_directory_is_named(tmp_path):
    with pytest.raises(PriceListLoadError) as err:
        load_price_catalogue(environ={ENV_VAR: str(tmp_path / "nergens")})
    assert err.value.rule == "directory"
    assert ENV_VAR in str(err.value)


# Malformed files: the error names the file, the path inside it and the rule -----------------------


BAD = [
    (
        "no source",
        price_list(UNKNOWN_PRICE.replace('  source: "004 §2.2.1"\n', "")),
        "prices[0].source",
        "required",
    ),
    (
        "undeclared source",
        price_list(UNKNOWN_PRICE.replace('"004 §2.2.1"', '"internet"')),
        "prices[0].source",
        "cited-source",
    ),
    (
        "low above high",
        price_list(
            KNOWN.replace("low: 6000", "low: 20000").replace(
                '"eigen corporatie 2025"', '"004 §2.3"'
            )
        ),
        "prices[0].value.low",
        "range-order",
    ),
    (
        "known value without price year",
        price_list(
            KNOWN.replace("  price_year: 2025\n", "").replace(
                '"eigen corporatie 2025"', '"004 §2.3"'
            )
        ),
        "prices[0].price_year",
        "known-needs-price-year",
    ),
    (
        "onbekend without where to find",
        price_list("\n".join(UNKNOWN_PRICE.splitlines()[:-1]) + "\n"),
        "prices[0].where_to_find",
        "unknown-needs-where-to-find",
    ),
    (
        "unknown indexation rule",
        price_list(UNKNOWN_PRICE.replace("indexation: cpi", "indexation: gevoel")),
        "prices[0].indexation",
        "enum",
    ),
    (
        "duplicate key",
        price_list(UNKNOWN_PRICE + UNKNOWN_PRICE),
        "prices[1].key",
        "unique-key",
    ),
    ("duplicate YAML key", HEADER + "id: nogmaals\nprices: []\n", None, "yaml"),
    ("not YAML", "id: [unclosed\n", None, "yaml"),
]


@pytest.mark.parametrize(("text", "path", "rule"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_malformed_file_names_file_path_and_rule(tmp_path, text, path, rule):
    file = write(tmp_path / "bad", "kapot.yaml", text)
    with pytest.raises(PriceListLoadError) as err:
        load_price_catalogue([file.parent], include_shipped=False)
    assert err.value.file == str(file)
    assert err.value.rule == rule
    if path is not None:
        assert err.value.path == path
    assert str(file) in str(err.value) and f"[rule: {rule}]" in str(err.value)


def test_text_loader_accepts_a_good_list():
    info, entries, indices = load_price_list_text(price_list(UNKNOWN_PRICE))
    assert info.id == "test-lijst"
    assert entries[0].value is None and entries[0].where_to_find.nl
    assert UNKNOWN == "onbekend" and indices == {}
