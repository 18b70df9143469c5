"""The browser side: static assets, client-side charts under the CSP, HTMX tabs, language switch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PROJECT = "Schuldhulp Vroeg Eropaf"


def test_static_assets_are_served_under_a_strict_csp(
    page: Page, live_server, transactional_db, problems
):
    """The live server serves CSS and JS, so the other tests see the styled, scripted app."""
    for path in (
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/vega/vega.min.js",
        "/static/vendor/vega/vega-lite.min.js",
        "/static/vendor/vega/vega-interpreter.js",
        "/static/js/charts.js",
        "/static/js/vega-util-shim.js",
        "/static/css/proeftuin.css",
        "/static/vendor/utrecht/component-library.css",
    ):
        response = page.request.get(live_server.url + path)
        assert response.status == 200, f"{path}: {response.status}"

    response = page.goto("/account/inloggen/")
    csp = response.headers["content-security-policy"]
    assert re.search(r"script-src [^;]*'nonce-", csp), csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert page.evaluate("typeof window.htmx") == "object"
    # The stylesheet is applied: the header has its blue background.
    expect(page.locator(".pt-header")).to_have_css("background-color", "rgb(0, 72, 154)")
    assert problems.all() == [], "\n".join(problems.all())

    # The watch on the console works: an injected inline script is blocked and noticed. (So the
    # "no CSP violations" checks elsewhere can fail.)
    with pytest.raises(PlaywrightError):
        page.add_script_tag(content="window.injected = true;")
    assert page.evaluate("typeof window.injected") == "undefined"
    assert any("script-src" in v for v in problems.csp_violations), problems


def test_funding_charts_render_without_console_errors_or_csp_violations(
    page: Page, login, project_pk, problems, wait_for_chart
):
    """Vega-Lite draws client-side with vega-interpreter: no eval, so the CSP stays strict."""
    login("beleid")
    for path in (
        f"/projecten/{project_pk(PROJECT)}/financiering/",
        "/projecten/financieringsklif/",
    ):
        page.goto(path)
        canvas = page.locator(".pt-chart__canvas")
        expect(canvas).to_have_count(1)
        wait_for_chart(page)
        svg = canvas.locator("svg")
        expect(svg).to_have_count(1)
        box = svg.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100, (path, box)
        # The SVG carries the text alternative; the wrapper no longer pretends to be the image.
        assert svg.get_attribute("aria-label")
        expect(canvas).not_to_have_attribute("role", "img")
        # Marks were drawn: bars for the streams, circles on the cliff timeline.
        assert canvas.locator("path[role='graphics-symbol']").count() >= 2, path
        page.wait_for_load_state("networkidle")
    assert problems.all() == [], "\n".join(problems.all())


def test_tab_navigation_is_boosted(page: Page, login, project_pk, problems):
    login("beleid")
    pk = project_pk(PROJECT)
    page.goto(f"/projecten/{pk}/")
    expect(page.get_by_role("heading", name="Overzicht", exact=True)).to_be_visible()
    page.evaluate("window.__stillTheSamePage = true")

    tabs = page.get_by_role("navigation", name="Onderdelen van het project")
    tabs.get_by_role("link", name="Coalitie").click()

    expect(page).to_have_url(re.compile(rf"/projecten/{pk}/coalitie/$"))
    matrix = page.locator("table.pt-matrix")
    expect(matrix).to_be_visible()
    expect(matrix.locator("caption")).to_contain_text("Coalitiematrix")
    expect(matrix.locator("thead th")).to_have_text(
        ["Organisatie", "Uitvoerend", "Management", "Ambtelijk", "Bestuurlijk"]
    )
    expect(tabs.get_by_role("link", name="Coalitie")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Overzicht")).not_to_have_attribute("aria-current", "page")
    assert page.evaluate("window.__stillTheSamePage === true"), "the tab did a full page load"
    # One <main>, focus moved into it for keyboard and screen-reader users.
    expect(page.locator("main")).to_have_count(1)
    expect(page.locator("main")).to_be_focused()

    # The funding tab draws its chart after the swap, too.
    tabs.get_by_role("link", name="Financiering").click()
    expect(page).to_have_url(re.compile(rf"/projecten/{pk}/financiering/$"))
    expect(page.locator(".pt-chart__canvas svg[aria-label]")).to_be_visible()
    assert page.evaluate("window.__stillTheSamePage === true")

    # Back returns to the coalition tab.
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/projecten/{pk}/coalitie/$"))
    expect(page.locator("table.pt-matrix")).to_be_visible()
    assert problems.all() == [], "\n".join(problems.all())


def test_english_toggle_switches_the_language(page: Page, login, project_pk):
    login("beleid")
    pk = project_pk(PROJECT)
    page.goto(f"/projecten/{pk}/coalitie/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Stays on the same page, and the choice sticks on the next one.
    expect(page).to_have_url(re.compile(rf"/projecten/{pk}/coalitie/$"))
    page.goto("/projecten/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Portfolio van proeftuinen")).to_be_visible()


def test_screenshots_for_a_human_look(page: Page, login, project_pk):
    """Writes /tmp/e2e-overview.png and /tmp/e2e-coalition.png; asserts only that layout holds."""
    login("beleid")
    page.goto("/projecten/")
    expect(page.locator("#project-rows tbody tr").first).to_be_visible()
    page.screenshot(path="/tmp/e2e-overview.png", full_page=True)
    page.goto(f"/projecten/{project_pk(PROJECT)}/coalitie/")
    expect(page.locator("table.pt-matrix")).to_be_visible()
    page.screenshot(path="/tmp/e2e-coalition.png", full_page=True)
    # Nothing sticks out sideways at a laptop width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
