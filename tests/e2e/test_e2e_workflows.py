"""What the roles do all day, clicked through in the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

NO_RELOAD_MARK = "window.__stillTheSamePage = true"
SAME_PAGE = "window.__stillTheSamePage === true"


def test_login_form_signs_in(page: Page, login_via_form):
    login_via_form("beleid")
    expect(page.get_by_role("heading", name="Portfolio van proeftuinen")).to_be_visible()
    expect(page.locator(".pt-user")).to_contain_text("Beleidsadviseur")


def test_beleidsadviseur_filters_by_theme_and_records_a_decision(
    page: Page, login, project_pk, problems
):
    login("beleid")
    page.goto("/projecten/")
    rows = page.locator("#project-rows tbody tr")
    expect(page.locator(".pt-count")).to_have_text("15 projecten")
    page.evaluate(NO_RELOAD_MARK)

    # Choosing a theme updates the table through HTMX: no page load, but the URL follows.
    page.get_by_label("Thema", exact=True).select_option(label="Ouderen")
    expect(page.locator(".pt-count")).to_have_text("2 projecten")
    expect(page).to_have_url(re.compile(r"[?&]theme=ouderen"))
    assert page.evaluate(SAME_PAGE), "the filter reloaded the whole page"
    expect(rows).to_have_count(2)
    for i in range(2):
        expect(rows.nth(i).locator("td").first).to_contain_text("Ouderen")
    expect(rows.get_by_role("link", name="Samen Sterk Ouderen")).to_be_visible()
    # Still one filter form and one heading: the response was the rows, not a whole page.
    expect(page.locator("form.pt-filters")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)

    # Search narrows further as one types (after a pause in the typing).
    page.get_by_label("Zoeken").press_sequentially("mantelzorg")
    expect(page.locator(".pt-count")).to_have_text("1 project")
    assert page.evaluate(SAME_PAGE)

    # Reloading the filtered URL gives the whole page with the filter still chosen.
    page.reload()
    expect(page.get_by_role("heading", name="Portfolio van proeftuinen")).to_be_visible()
    expect(page.get_by_label("Thema", exact=True)).to_have_value("ouderen")
    expect(page.locator(".pt-count")).to_have_text("1 project")

    # Filter again, open a project, come back: the whole page returns, not the cached rows alone.
    page.get_by_label("Zoeken").fill("")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator(".pt-count")).to_have_text("2 projecten")
    # A history push of a response still under way would cancel a navigation that has started
    # meanwhile (seen under load on PostgreSQL): leave only when htmx is idle.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    page.get_by_role("link", name="Samen Sterk Ouderen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samen Sterk Ouderen")
    page.go_back()
    expect(page.get_by_role("heading", name="Portfolio van proeftuinen")).to_be_visible()
    expect(page.locator("form.pt-filters")).to_have_count(1)
    expect(page.locator(".pt-count")).to_have_text("2 projecten")

    # Record a decision on a project the municipality owns.
    page.goto(f"/projecten/{project_pk('Schuldhulp Vroeg Eropaf')}/besluiten/")
    form = page.locator("form", has=page.get_by_role("button", name="Besluit vastleggen"))
    form.get_by_label("Besluit (verplicht)").select_option(label="Opschalen")
    form.get_by_label("Besloten door").fill("Wethouder Zorg")
    form.get_by_label("Datum").fill("2026-03-15")
    form.get_by_label("Onderbouwing").fill("Werkt in Vogelbuurt; uitbreiden naar Oost.")
    form.get_by_role("button", name="Besluit vastleggen").click()

    expect(page.get_by_role("status")).to_contain_text("Besluit vastgelegd.")
    decision = page.locator("article.pt-decision").filter(has_text="Wethouder Zorg")
    expect(decision).to_contain_text("Opschalen")
    expect(decision).to_contain_text("15 maart 2026")
    expect(decision).to_contain_text("vastgelegd door Bart de Beleidsman")
    assert problems.all() == []


# Counts what the filter form decides to send (htmx:trigger), queued or delayed requests included.
COUNT_FILTER_TRIGGERS = """
window.__filterTriggers = 0;
document.addEventListener("htmx:trigger", (e) => {
  if (e.target.matches("form.pt-filters")) window.__filterTriggers++;
});
"""


def test_clearing_the_search_and_pressing_filteren_sends_one_request(page: Page, login):
    """One press, one response: a second one would swap the rows under a click on a project."""
    page.clock.install()
    page.add_init_script(COUNT_FILTER_TRIGGERS)
    login("beleid")
    page.goto("/projecten/")
    count = page.locator(".pt-count")
    busy = page.locator(".htmx-request, .htmx-swapping, .htmx-settling")
    expect(count).to_have_text("15 projecten")
    search = page.get_by_label("Zoeken")
    button = page.get_by_role("button", name="Filteren")
    search.fill("mantelzorg")
    button.click()
    expect(count).to_have_text("1 project")
    expect(busy).to_have_count(0)

    page.evaluate("window.__filterTriggers = 0")
    search.fill("")
    button.click()
    expect(count).to_have_text("15 projecten")
    # The page's own clock fires a pending typing delay now, without waiting for it.
    page.clock.run_for(1000)
    expect(busy).to_have_count(0)
    assert page.evaluate("window.__filterTriggers") == 1


def test_decision_without_rationale_is_refused_in_dutch(page: Page, login, project_pk):
    login("beleid")
    page.goto(f"/projecten/{project_pk('Schuldhulp Vroeg Eropaf')}/besluiten/")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator("#id_rationale_error")).to_have_text("Dit veld is vereist.")
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_projectleider_creates_project_then_adds_funding_and_coalition(
    page: Page, login, problems, wait_for_chart
):
    login("projectleider")
    page.goto("/projecten/")
    page.get_by_role("link", name="Nieuw project").click()
    expect(page.get_by_role("heading", name="Nieuw project")).to_be_visible()

    page.get_by_label("Naam").fill("Buurtgezinnen Noordwijk")
    page.get_by_label("Samenvatting").fill("Gezinnen helpen elkaar, met een buurtcoach erbij.")
    page.get_by_label("Doelgroep").fill("Jonge gezinnen")
    page.get_by_label("Jeugd en gezin").check()
    page.get_by_label("Wijk en buurt").check()
    # Neighbourhoods come from the municipality's managed list (issue 11), not free text.
    page.get_by_label("Noordwijk (Voorbeeldstad)").check()
    page.get_by_label("Startdatum").fill("2026-09-01")
    page.get_by_label("Einddatum").fill("2026-03-01")  # before the start: a mistake
    page.get_by_label("Innovatiefase").select_option(label="Selectie")
    page.get_by_role("button", name="Opslaan").click()

    # Refused, in Dutch, next to the field, with what was typed kept.
    error = page.locator("#id_end_date_error")
    expect(error).to_have_text("De einddatum ligt vóór de startdatum.")
    expect(page.get_by_label("Naam")).to_have_value("Buurtgezinnen Noordwijk")
    expect(page.get_by_label("Jeugd en gezin")).to_be_checked()

    page.get_by_label("Einddatum").fill("2027-12-31")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("Project aangemaakt.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Buurtgezinnen Noordwijk")
    expect(page.locator(".pt-meta")).to_contain_text("Welzijn Voorbeeldstad")
    expect(page.locator(".pt-dl")).to_contain_text("Noordwijk")
    project_url = page.url

    # A funding stream.
    page.get_by_role("link", name="Financiering", exact=True).click()
    expect(page.get_by_role("heading", name="Financiering", exact=True)).to_be_visible()
    expect(page.get_by_text("Nog geen financiering vastgelegd.")).to_be_visible()
    page.get_by_role("link", name="Stroom toevoegen").click()
    page.get_by_label("Naam van de regeling").fill("Impulsregeling Gezinnen")
    page.get_by_label("Financier").select_option(label="Fonds Sociale Vernieuwing")
    page.get_by_label("Bedrag (€)").fill("150000")
    page.get_by_label("Startdatum").fill("2026-09-01")
    page.get_by_label("Einddatum").fill("2027-08-31")
    page.get_by_label("Soort").select_option(label="Incidenteel")
    page.get_by_label("Beleidsdomein").select_option(label="Jeugd")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("Opgeslagen.")
    stream = page.locator("tbody tr").filter(has_text="Impulsregeling Gezinnen")
    expect(stream).to_contain_text("Fonds Sociale Vernieuwing")
    expect(stream).to_contain_text("€ 150.000")
    wait_for_chart(page)

    # A coalition member at the political level.
    page.get_by_role("link", name="Coalitie", exact=True).click()
    page.get_by_role("link", name="Coalitielid toevoegen").click()
    page.get_by_label("Organisatie").select_option(label="Gemeente Voorbeeldstad")
    page.get_by_label("Contactpersoon").fill("Wethouder Jeugd")
    page.get_by_label("Functie").fill("Wethouder")
    page.get_by_label("Rol").select_option(label="Opdrachtgever")
    page.get_by_label("Niveau van draagvlak").select_option(label="Bestuurlijk")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("Opgeslagen.")
    matrix = page.locator("table.pt-matrix")
    expect(matrix).to_be_visible()
    row = matrix.locator("tbody tr").filter(has_text="Gemeente Voorbeeldstad")
    expect(row.locator("td.pt-cell--yes")).to_have_count(1)
    expect(row.locator("td.pt-cell--yes")).to_contain_text("Wethouder Jeugd")

    # The history tab shows what was done, by whom.
    page.goto(project_url + "geschiedenis/")
    history = page.locator("ol.pt-history")
    expect(history).to_contain_text("Impulsregeling Gezinnen")
    expect(history).to_contain_text("projectleider")
    assert problems.all() == []


def test_financier_sees_shared_projects_but_cannot_edit(page: Page, login, project_pk):
    from proeftuin.accounts.models import User
    from proeftuin.portfolio.models import Project

    financier = User.objects.get(username="financier")
    visible = set(Project.objects.visible_to(financier).values_list("name", flat=True))
    hidden = set(Project.objects.values_list("name", flat=True)) - visible
    assert visible and hidden, "the demo should share some projects with the fund, not all"

    login("financier")
    page.goto("/projecten/")
    expect(page.locator(".pt-count")).to_have_text(f"{len(visible)} projecten")
    links = page.locator("#project-rows tbody th a")
    assert set(links.all_inner_texts()) == visible
    expect(page.get_by_role("link", name="Nieuw project")).to_have_count(0)

    name = sorted(visible)[0]
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("link", name="Bewerken")).to_have_count(0)
    expect(page.get_by_role("button", name="Archiveren")).to_have_count(0)
    page.get_by_role("link", name="Financiering", exact=True).click()
    expect(page.get_by_role("heading", name="Financiering", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Stroom toevoegen")).to_have_count(0)
    page.get_by_role("link", name="Besluiten", exact=True).click()
    expect(page.get_by_role("button", name="Besluit vastleggen")).to_have_count(0)

    # Typing the edit URL is refused; a project not shared with the fund does not exist for it.
    response = page.goto(f"/projecten/{project_pk(name)}/bewerken/")
    assert response.status == 403
    response = page.goto(f"/projecten/{project_pk(sorted(hidden)[0])}/")
    assert response.status == 404
