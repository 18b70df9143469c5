"""Learning across pilots in the browser (issue 12): a professional raises a signal and follows
it to *opgepakt* while the municipality's policy adviser moves it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

TITLE = "Huurtoeslag stopt bij tijdelijke opname"


def test_professional_raises_a_signal_and_follows_it_to_opgepakt(
    page: Page, context, login, assert_accessible
):
    # The professional of the welfare organisation raises it, addressed to the municipality.
    login("professional")
    page.goto("/leren/signalen/")
    assert_accessible(page)
    page.get_by_role("link", name="Signaal geven").click()
    expect(page.get_by_role("heading", name="Signaal geven")).to_be_visible()
    page.get_by_label("Korte titel").fill(TITLE)
    page.get_by_label("Aan welke organisatie?").select_option(label="Gemeente Voorbeeldstad")
    page.get_by_label("Soort signaal").select_option("regel_blokkeert")
    page.get_by_label("Wat gebeurt er?").fill(
        "Wie een paar maanden wordt opgenomen, verliest de huurtoeslag en raakt in de schulden."
    )
    page.get_by_label("Welke regel, welk systeem of welke financiering").fill(
        "De regels van de huurtoeslag bij afwezigheid."
    )
    page.get_by_label("Hoeveel mensen raakt het?").fill("4")
    assert_accessible(page)
    page.get_by_role("button", name="Signaal indienen").click()
    expect(page).to_have_url(re.compile(r"/leren/signalen/\d+/$"))
    signal_url = page.url
    expect(page.locator("#signaal-status")).to_have_text("Ingediend")
    expect(page.get_by_role("status")).to_contain_text("Uw signaal is ingediend")
    expect(page.locator("#status-form")).to_have_count(0)
    assert_accessible(page)

    # The municipality's policy adviser takes it in hand, then takes it up.
    context.clear_cookies()
    login("beleid")
    page.goto("/leren/signalen/?status=ingediend")
    page.get_by_role("link", name=TITLE).click()
    for status, reason in (
        ("In behandeling", "We vragen het na bij de Belastingdienst en het wijkteam."),
        ("Opgepakt", "Het staat op de agenda van het regio-overleg in maart."),
    ):
        form = page.locator("#status-form")
        form.get_by_label("Nieuwe status").select_option(label=status)
        form.get_by_label("Eigenaar bij beleid").select_option(label="Bart de Beleidsman")
        form.get_by_label("Toelichting voor wie het signaal gaf").fill(reason)
        form.get_by_role("button", name="Opslaan").click()
        expect(page.locator("#signaal-status")).to_have_text(status)
    assert_accessible(page)

    # Back as the professional: the list and the page show what became of it, with the reasons.
    context.clear_cookies()
    login("professional")
    page.goto("/leren/signalen/?mine=on")
    row = page.locator("#signalen tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("Opgepakt")
    expect(row).to_contain_text("door u gegeven")
    page.goto(signal_url)
    expect(page.locator("#signaal-status")).to_have_text("Opgepakt")
    expect(page.locator("#signaal-eigenaar")).to_have_text("Bart de Beleidsman")
    timeline = page.locator("#signaal-verloop")
    expect(timeline).to_contain_text("We vragen het na bij de Belastingdienst")
    expect(timeline).to_contain_text("Het staat op de agenda van het regio-overleg")


def test_policy_adviser_searches_wijkteams_and_finds_a_lesson_with_wijkteam(
    page: Page, login, assert_accessible
):
    login("beleid")
    page.goto("/projecten/")
    page.get_by_role("link", name="Zoeken", exact=True).click()
    page.get_by_label("Zoekwoorden").fill("wijkteams")
    page.get_by_role("button", name="Zoeken").click()
    results = page.locator("#zoekresultaten > li")
    lesson = results.filter(has_text="Eén vast aanspreekpunt per gezin").first
    expect(lesson).to_be_visible()
    expect(lesson).to_contain_text("Les")
    # The lesson says "wijkteam"; the query said "wijkteams": the stem matched and is marked.
    expect(lesson.locator("mark").first).to_have_text(re.compile(r"^wijkteam$", re.I))
    assert_accessible(page)
    lesson.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/leren/project/\d+/$"))
    expect(page.locator("#lessen")).to_contain_text("het wijkteam hield het overzicht")


def test_a_published_project_of_another_municipality_is_similar_an_unpublished_one_never(
    page: Page, login, project_pk, assert_accessible
):
    from proeftuin.learning import catalogue
    from proeftuin.portfolio.models import Project

    login("beleid")
    page.goto(f"/leren/project/{project_pk('Schuldhulp Vroeg Eropaf')}/")
    similar = page.locator("#vergelijkbaar")
    published = similar.locator("li").filter(has_text="Vroeg Eropaf Buurdorp")
    expect(published).to_contain_text("Gemeente Buurdorp")
    expect(published).to_contain_text("gedeelde catalogus")
    expect(published).to_contain_text("Opgeschaald")
    expect(similar).not_to_contain_text("Schuldenpreventie Buurdorp")
    assert_accessible(page)

    # Positive control: the unpublished project is just as similar; once its owner publishes
    # it, it appears. So its absence above was the opt-in, not a poor match.
    hidden = Project.objects.get(name="Schuldenpreventie Buurdorp (intern)")
    catalogue.publish(hidden, None)
    page.reload()
    expect(page.locator("#vergelijkbaar")).to_contain_text("Schuldenpreventie Buurdorp")


def test_the_benchmark_shows_nothing_for_a_group_under_the_threshold(
    page: Page, login, assert_accessible
):
    from proeftuin.core.learning.benchmark import MIN_PROJECTS

    assert MIN_PROJECTS == 2
    login("buurdorp")
    page.goto("/leren/benchmark/")
    table = page.locator("#benchmark")
    expect(table).to_be_visible()
    # Buurdorp's own projects hold no measurements: its own column shows no figure anywhere.
    own = table.locator("td.pt-benchmark-own")
    assert own.count() > 0
    for i in range(own.count()):
        expect(own.nth(i)).to_have_text("niet getoond: te weinig deelnemers")
    # Voorbeeldstad published projects with enough participants, but it is the only other
    # organisation: "the others" would be its result, so nothing is shown (black-box finding).
    others = table.locator("tr").filter(has_text="Financiën").locator("td.pt-benchmark-others")
    expect(others).to_have_text("niet getoond: te weinig deelnemers, projecten of organisaties")
    expect(table).not_to_contain_text("Voorbeeldstad")
    assert_accessible(page)
