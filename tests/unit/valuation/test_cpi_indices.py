"""The shipped CPI series: a data file with its CBS source, validated by a schema, and used to
bring prices of another price year to the decision year (issue 10: prices were not indexed)."""

from __future__ import annotations

import pytest

from proeftuin.core.valuation.indices import IndexLoadError, load_index_file, shipped_cpi
from proeftuin.core.valuation.pricelist import load_price_catalogue


def test_shipped_cpi_names_its_source_and_status():
    cpi = shipped_cpi()
    assert cpi.table == "83131NED"
    assert cpi.status in ("definitief", "indicatief")
    assert cpi.values[2015] == 100.0
    years = sorted(cpi.values)
    assert years == list(range(years[0], years[-1] + 1))  # no gaps
    # Prices rose every year in the series (no deflation in CBS's CPI 2015–2024).
    assert all(cpi.values[y + 1] > cpi.values[y] for y in years[:-1])
    assert cpi.factor(2021, 2022) == pytest.approx(1.10, abs=0.002)  # 10.0% inflation in 2022


def test_catalogue_uses_the_shipped_cpi():
    catalogue = load_price_catalogue(extra_dirs=[])
    assert catalogue.indices["cpi"][2015] == 100.0


def test_a_broken_index_file_names_file_path_and_rule(tmp_path):
    bad = tmp_path / "cpi.yaml"
    bad.write_text(
        "id: x\nstatus: misschien\nbase: '2015=100'\n"
        "source: {publisher: CBS, table: 83131NED, title: CPI}\nseries: {2015: 100, 2016: 101}\n",
        encoding="utf-8",
    )
    with pytest.raises(IndexLoadError) as caught:
        load_index_file(bad)
    assert caught.value.path == "status" and caught.value.rule == "enum"
