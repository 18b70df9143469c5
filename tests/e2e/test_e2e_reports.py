"""A policy adviser downloads the project report as Word and the portfolio report as ODT, and
gives a plan action an owner and a status."""

from __future__ import annotations

import re

import pytest
from docx import Document as open_docx
from odf import text
from odf.opendocument import load as open_odt
from odf.teletype import extractText
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PROJECT = "Schuldhulp Vroeg Eropaf"  # owned by Gemeente Voorbeeldstad, with funding


def test_beleidsadviseur_downloads_the_word_report_and_opens_it(
    page: Page, login, project_pk, problems, assert_accessible, slow_timeout, settings, tmp_path
):
    settings.PROEFTUIN_JOBS_INLINE = True  # the job runs in the request (no worker in tests)
    settings.MEDIA_ROOT = tmp_path
    login("beleid")
    pk = project_pk(PROJECT)
    page.goto(f"/projecten/{pk}/")
    assert_accessible(page)
    # The job runs in the request: the redirect to its page comes once the document is written,
    # as slow as a PDF on a loaded machine.
    page.get_by_role("button", name="Rapport (Word)").click(timeout=slow_timeout)
    expect(page).to_have_url(
        re.compile(rf"/rapporten/project/{pk}/taken/\d+/$"), timeout=slow_timeout
    )
    expect(page.get_by_role("status")).to_contain_text("100%", timeout=slow_timeout)
    link = page.get_by_role("link", name="Rapport (Word) downloaden")
    assert_accessible(page)
    with page.expect_download(timeout=slow_timeout) as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    doc = open_docx(download.path())
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Head")]
    assert headings[0] == ("Heading 1", PROJECT)
    assert ("Heading 3", "Financiering") in headings
    funding = next(t for t in doc.tables if t.rows[0].cells[0].text == "Regeling")
    assert len(funding.rows) > 1 and funding.rows[1].cells[2].text.startswith("€ ")
    assert len(doc.inline_shapes) >= 1  # the funding chart
    assert not problems.all(), problems.all()


def test_portfolio_report_as_odt_from_the_overview(
    page: Page, login, problems, slow_timeout, assert_accessible
):
    login("beleid")
    page.goto("/projecten/")
    assert_accessible(page)
    with page.expect_download(timeout=slow_timeout) as info:
        page.get_by_role("link", name="Portfoliorapport (ODT)").click()
    doc = open_odt(info.value.path())
    headings = [extractText(h) for h in doc.getElementsByType(text.H)]
    assert headings[0] == "Portfolio van Gemeente Voorbeeldstad"
    assert "Financieringsklif" in headings
    assert PROJECT in "\n".join(extractText(p) for p in doc.getElementsByType(text.P))
    assert not problems.all(), problems.all()


def test_an_action_gets_an_owner_and_a_status(
    page: Page, login, project_pk, problems, assert_accessible
):
    login("beleid")
    pk = project_pk(PROJECT)
    page.goto(f"/verduurzaming/{pk}/acties/nieuw/")
    page.get_by_label("Actie").fill("Gesprek met de woningcorporatie")
    owner = page.get_by_label("Eigenaar", exact=True)
    expect(owner).to_be_visible()
    owner.select_option(index=1)
    page.get_by_label("Status").select_option("bezig")
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan").click()
    expect(page).to_have_url(re.compile(rf"/verduurzaming/{pk}/$"))
    row = page.locator("#plan-actions tbody tr").filter(has_text="Gesprek met de woningcorporatie")
    expect(row).to_contain_text("Bezig")
    assert_accessible(page)
    assert not problems.all(), problems.all()


def test_a_user_makes_a_calendar_link_and_the_feed_parses(
    page: Page, login, problems, assert_accessible
):
    from icalendar import Calendar

    login("beleid")
    page.goto("/account/")
    page.get_by_role("link", name="Agenda-abonnement beheren").click()
    expect(page.get_by_role("heading", name="Agenda-abonnement")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Agendalink maken").click()
    field = page.get_by_label(re.compile("^Kopieer deze link"))
    url = field.input_value()
    assert re.search(r"/agenda/[\w-]+\.ics$", url)
    assert_accessible(page)
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.body()).walk("VEVENT")
    assert any(str(e["SUMMARY"]).startswith("Einde financiering") for e in events)
    # Revoking ends the link.
    page.goto("/agenda/")
    page.get_by_role("button", name="Link intrekken").click()
    expect(page.get_by_role("status")).to_contain_text("werkt niet meer")
    assert page.request.get(url).status == 404
    assert not problems.all(), problems.all()
