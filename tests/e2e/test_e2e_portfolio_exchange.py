"""Portfolio in and out of Excel in the browser (issue 11, item 1).

A new policy adviser of a fresh municipality imports the 43 pilots of a national evaluation
(seed 001: one row per pilot with its municipality, theme, period and one funding stream), sees 43
projects, and downloads the portfolio as XLSX, which openpyxl opens.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

PASSWORD = "portfolio-import-e2e"  # noqa: S105 - a throwaway test account
MUNICIPALITIES = [("GM0344", "Utrecht"), ("GM0363", "Amsterdam"), ("GM0599", "Rotterdam")]
THEMES = ["Wonen", "Schulden en armoede", "Jeugd en gezin", "Ouderen"]


def pilots_file(count: int = 43) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Pilots"
    sheet.append(
        ["Projectnaam", "Gemeente", "Gemeentecode", "Thema", "Startdatum", "Einddatum"]
        + ["Regeling", "Financier", "Bedrag"]
    )
    for i in range(1, count + 1):
        code, name = MUNICIPALITIES[i % 3]
        sheet.append(
            [f"Pilot {i:02d}", name, code, THEMES[i % 4], "01-01-2025", "31-12-2026"]
            + ["Proeftuinregeling", "ZonMw", 100_000 + i]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def new_adviser(transactional_db, settings):
    from proeftuin.accounts.models import Organisation, User

    settings.PROEFTUIN_JOBS_INLINE = True
    org = Organisation.objects.create(name="Gemeente Regio-evaluatie", kind="gemeente")
    user = User(username="nieuwe-adviseur", organisation=org, role="beleidsadviseur")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_new_user_imports_43_pilots_and_downloads_the_portfolio(
    page: Page, new_adviser, assert_accessible, problems, tmp_path, slow_timeout
):
    page.goto("/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(new_adviser.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/projecten/$"))

    page.get_by_role("link", name="Portfolio importeren").click()
    assert_accessible(page)
    page.get_by_label("Spreadsheet").set_input_files(
        {"name": "pilots.xlsx", "mimeType": "application/octet-stream", "buffer": pilots_file()}
    )
    page.get_by_role("button", name="Uploaden en kolommen koppelen").click()
    expect(page.get_by_role("heading", name="Import: pilots.xlsx")).to_be_visible()
    expect(page.get_by_label("Betekenis van kolom Gemeentecode op blad Pilots")).to_have_value(
        "project.municipality_code"
    )
    assert_accessible(page)
    # The check and the import are jobs that run in the request (43 rows): slow work.
    page.get_by_role("button", name="Koppeling opslaan en controleren").click()
    expect(page.get_by_role("status")).to_contain_text(
        "De controle vond geen problemen.", timeout=slow_timeout
    )
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_role("status")).to_contain_text("Import klaar.", timeout=slow_timeout)
    page.get_by_role("link", name="Naar het portfolio").click()
    expect(page.locator(".pt-count")).to_contain_text("43 projecten")

    with page.expect_download(timeout=slow_timeout) as download:
        page.get_by_role("link", name="Download dit overzicht als Excel-bestand (XLSX)").click()
    path = tmp_path / "portfolio.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 44
    assert {r[2] for r in rows[1:]} == {"Utrecht", "Amsterdam", "Rotterdam"}
    assert problems.all() == []


def test_registry_budget_and_ledger_pages_are_accessible(
    page: Page, login, assert_accessible, problems
):
    from proeftuin.portfolio.registry import Municipality

    login("beleid")
    city = Municipality.objects.get(cbs_code="GM9999")
    for path, heading in (
        ("/projecten/gemeenten/", "Gemeenten en wijken"),
        (f"/projecten/gemeenten/{city.pk}/", "Voorbeeldstad"),
        ("/projecten/partners/", "Partnerorganisaties"),
        ("/projecten/nieuw-voor-oud/", "Nieuw voor oud"),
        ("/projecten/begroting/", "Begroting per jaar"),
        ("/projecten/importeren/", "Portfolio importeren"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
    expect(page.get_by_role("link", name="Download het sjabloon (XLSX)")).to_be_visible()
    page.goto("/projecten/nieuw-voor-oud/")
    expect(page.locator("#ledger-total")).to_contain_text("85.000")
    assert problems.all() == []
