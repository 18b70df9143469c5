"""The neighbourhood monitor in a real browser (issue 13, item 2): a policy adviser imports
CBS-style neighbourhood figures (mapping and dry run first), an alarm appears, and the portfolio
shows it with the pilots in that neighbourhood (or none) and the missing context note."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

AREAS = ["Centrum", "Oost", "Noordwijk", "De Haven", "Zuiderpark", "Westeinde", "Vogelbuurt"]
STRUGGLING = "Vogelbuurt"


def kerncijfers() -> bytes:
    from proeftuin.core.neighbourhoods.indicators import default_set

    indicators = default_set().indicators
    lines = [
        ";".join(["Codering", "Wijken en buurten", "Perioden", *(i.name["nl"] for i in indicators)])
    ]
    lines.append(";".join(["GM0999", "Voorbeeldstad", "2025", *("50" for _ in indicators)]))
    for n, name in enumerate(AREAS, start=1):
        worse = name == STRUGGLING
        values = [
            ("40" if i.higher_is_better else "60")
            if worse
            else ("55" if i.higher_is_better else "45")
            for i in indicators
        ]
        lines.append(";".join([f"WK0999{n:02d}", name, "2025", *values]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_an_import_raises_an_alarm_that_appears_in_the_portfolio(
    page: Page, login, problems, assert_accessible
):
    login("beleid")
    page.goto("/wijken/import/")
    page.get_by_label("Bestand met wijkcijfers").set_input_files(
        {"name": "kerncijfers-2025.csv", "mimeType": "text/csv", "buffer": kerncijfers()}
    )
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Controle van de wijkcijfers"))
    ).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"^Alles klopt: \d+ cijfers voor 8 gebieden"))
    ).to_be_visible()
    expect(page.get_by_label("Perioden")).to_have_value("year")
    assert_accessible(page)
    page.get_by_role("button", name="Importeren", exact=True).click()
    expect(page.get_by_text(re.compile("wijkcijfers geïmporteerd"))).to_be_visible()
    row = page.locator("#neighbourhood-table tr[data-code='WK099907']")
    expect(row).to_contain_text("alarm")
    expect(row).to_contain_text("ontbreekt")

    page.goto("/projecten/")
    panel = page.locator("#neighbourhood-alarms")
    expect(panel.get_by_role("link", name=STRUGGLING)).to_be_visible()
    expect(panel).to_contain_text("toelichting ontbreekt")
    assert_accessible(page)

    # The context note, written by a person, clears the warning.
    panel.get_by_role("link", name=STRUGGLING).click()
    page.get_by_role("textbox", name=re.compile("^Toelichting")).fill(
        "Veel nieuwe bewoners; het buurthuis is dicht."
    )
    page.get_by_role("button", name="Toelichting opslaan").click()
    expect(page.get_by_text("Toelichting opgeslagen.")).to_be_visible()
    expect(page.locator(".pt-chart__canvas svg").first).to_be_visible()
    assert_accessible(page)
    page.goto("/projecten/")
    expect(page.locator("#neighbourhood-alarms")).not_to_contain_text("toelichting ontbreekt")
    assert not problems.all(), problems.all()


def test_the_overview_draws_the_map_where_the_installation_supplies_boundaries(
    page: Page, login, problems, assert_accessible, wait_for_chart, settings
):
    """The demo's made-up squares as the installation's boundaries: Vega-Lite draws the map with
    its text alternative, and the table stays."""
    from pathlib import Path

    from proeftuin.neighbourhoods import maps

    settings.PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES = str(
        Path(maps.__file__).parent / "demo_boundaries.geojson"
    )
    login("beleid")
    page.goto("/wijken/")
    expect(page.get_by_role("heading", name="Kaart")).to_be_visible()
    wait_for_chart(page)
    canvas = page.locator("#neighbourhood-map .pt-chart__canvas")
    expect(canvas.locator("svg path").first).to_be_visible()
    expect(page.locator("#neighbourhood-map-text")).to_contain_text("In alarm:")
    expect(page.locator("#neighbourhood-table")).to_be_visible()
    assert_accessible(page)
    assert not problems.all(), problems.all()
