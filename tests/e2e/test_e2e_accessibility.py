"""Every main screen passes axe-core (WCAG 2.1 A/AA, no serious or critical findings) and is Dutch.

Pages are visited in a few tests rather than one test each: every test pays for loading the demo
data, and a failure still names each page and each violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PROJECT = "Schuldhulp Vroeg Eropaf"  # owned by Gemeente Voorbeeldstad: every form is on offer

PORTFOLIO_PAGES = [
    ("/projecten/", "Portfolio van proeftuinen"),
    ("/projecten/financieringsklif/", "Financieringsklif"),
    ("/projecten/nieuw/", "Nieuw project"),
]

PROJECT_PAGES = [  # path below /projecten/<pk>/, and the page's Dutch heading
    ("", "Overzicht"),
    ("coalitie/", "Coalitie"),
    ("financiering/", "Financiering"),
    ("doelen/", "Doelen"),
    ("besluiten/", "Besluiten"),
    ("delen/", "Delen met coalitiepartners"),
    ("geschiedenis/", "Geschiedenis"),
    ("bewerken/", "Project bewerken"),
    ("financiering/nieuw/", "Financieringsstroom toevoegen"),
    ("coalitie/nieuw/", "Coalitielid toevoegen"),
]


def assert_dutch(page: Page, heading: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()


def check_pages(page: Page, pages, axe_violations, wait_for_chart) -> None:
    """Visit each page, check it is Dutch, and fail once with every page's axe findings."""
    failures = []
    for path, heading in pages:
        response = page.goto(path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        assert_dutch(page, heading)
        if page.locator("[data-vega-spec]").count():
            wait_for_chart(page)  # axe judges the drawn chart, not a half-built one
        failures.extend(axe_violations(page))
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


def test_login_page_is_accessible_and_dutch(page: Page, demo, assert_accessible):
    page.goto("/account/inloggen/")
    assert_dutch(page, "Inloggen")
    assert_accessible(page)

    # A failed attempt: the error is Dutch, announced, and the page still passes.
    page.get_by_label("Gebruikersnaam").fill("beleid")
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Gebruikersnaam en wachtwoord horen niet bij elkaar"
    )
    assert_dutch(page, "Inloggen")
    assert_accessible(page)


def test_portfolio_pages(page: Page, login, axe_violations, wait_for_chart):
    login("beleid")
    check_pages(page, PORTFOLIO_PAGES, axe_violations, wait_for_chart)


def test_project_tabs_and_forms(page: Page, login, project_pk, axe_violations, wait_for_chart):
    login("beleid")
    base = f"/projecten/{project_pk(PROJECT)}/"
    check_pages(
        page,
        [(base + path, heading) for path, heading in PROJECT_PAGES],
        axe_violations,
        wait_for_chart,
    )
    expect(page.get_by_role("navigation", name="Kruimelpad")).to_contain_text(PROJECT)


def test_read_only_project_pages(page: Page, login, project_pk, axe_violations, wait_for_chart):
    """What a financier sees: the same tabs without forms."""
    from proeftuin.accounts.models import User
    from proeftuin.portfolio.models import Project

    shared = Project.objects.visible_to(User.objects.get(username="financier")).first()
    login("financier")
    base = f"/projecten/{shared.pk}/"
    check_pages(
        page,
        [("/projecten/", "Portfolio van proeftuinen")]
        + [(base + path, heading) for path, heading in PROJECT_PAGES[:7]],
        axe_violations,
        wait_for_chart,
    )


def test_form_with_validation_errors(page: Page, login, assert_accessible):
    login("beleid")
    page.goto("/projecten/nieuw/")
    page.locator("#id_start_date").fill("2026-06-01")
    page.locator("#id_end_date").fill("2026-01-01")
    page.get_by_role("button", name="Opslaan").click()
    assert_dutch(page, "Nieuw project")
    expect(page.locator("#id_name_error")).to_have_text("Geef het project een naam.")
    expect(page.locator("#id_end_date_error")).to_have_text("De einddatum ligt vóór de startdatum.")
    assert_accessible(page)
