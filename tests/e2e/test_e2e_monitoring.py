"""Tel en vertel in a real browser: a professional records a baseline and a follow-up with a
story, sees the participant's chart, and the project's figures update at once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PROJECT = "Mantelzorg in de wijk"  # owned by Welzijn Voorbeeldstad, the professional's employer
DOMAIN, DOMAIN_ID = "Sociaal netwerk", "social_network"
SAME_PAGE = "window.__stillTheSamePage === true"


def complete_pairs(pk: int) -> int:
    from proeftuin.monitoring.models import Pair

    return Pair.objects.filter(
        project_id=pk,
        series="domain",
        domain=DOMAIN_ID,
        baseline_score__isnull=False,
        latest_score__isnull=False,
    ).count()


def effect_n(page: Page):
    """The cell with the number of pairs behind the domain's effect (a locator: wait on it)."""
    row = page.locator("table.pt-mon-effects").first.get_by_role("row", name=re.compile(DOMAIN))
    return row.locator("td").first


def score(page: Page, domain: str, index: int) -> None:
    """Choose the ``index``-th option (0 = level 1) of a domain and wait for the autosave."""
    group = page.get_by_role("group", name=domain, exact=True)
    saved(page, group, lambda: group.get_by_role("radio").nth(index).check())


def saved(page: Page, group, action) -> None:
    """Do ``action`` and wait until this domain's live status reports the save."""
    status = group.get_by_role("status")
    status.evaluate("el => { el.textContent = ''; }")
    action()
    expect(status).to_have_text(re.compile(r"Opgeslagen om \d\d:\d\d:\d\d"))


def test_professional_records_a_trajectory_and_the_figures_update(
    page: Page, login, project_pk, problems, assert_accessible, wait_for_chart
):
    from proeftuin.monitoring import services
    from proeftuin.monitoring.models import AccessLog, Measurement, Story
    from proeftuin.portfolio.models import Project

    login("professional")
    pk = project_pk(PROJECT)
    before = complete_pairs(pk)
    page.goto(f"/tel-en-vertel/project/{pk}/")
    expect(page.get_by_role("link", name="Tel en vertel", exact=True)).to_have_attribute(
        "aria-current", "page"
    )

    # A new participant: the client number is hashed, never stored.
    page.get_by_role("link", name="Nieuwe deelnemer").click()
    start = date.today() - timedelta(days=200)
    page.get_by_label("Cliëntnummer").fill("MZ-4711")
    page.get_by_label("Wijk").fill("Centrum")
    page.get_by_label("Geboortejaar").fill("1952")
    page.get_by_label("Start traject").fill(start.isoformat())
    page.get_by_role("button", name="Vastleggen en eerste meting starten").click()

    # The baseline (0-meting is proposed for the first measurement).
    expect(page.get_by_role("heading", name="Nieuwe meting")).to_be_visible()
    expect(page.get_by_label("Meetmoment")).to_have_value("baseline")
    page.get_by_label("Datum").fill((start + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Meting starten").click()

    expect(page.get_by_role("heading", name=re.compile("^0-meting"))).to_be_visible()
    page.evaluate("window.__stillTheSamePage = true")
    score(page, "Lichamelijke gezondheid", 2)
    score(page, DOMAIN, 1)
    # Keyboard: arrow keys move between the levels and each move is saved.
    mental = page.get_by_role("group", name="Geestelijke gezondheid", exact=True)
    saved(page, mental, lambda: mental.get_by_role("radio").first.check())
    saved(page, mental, lambda: mental.get_by_role("radio").first.press("ArrowRight"))
    expect(mental.get_by_role("radio").nth(1)).to_be_checked()
    # Onbekend is an answer of its own.
    daily = page.get_by_role("group", name="Huishouden en zelfzorg", exact=True)
    saved(page, daily, lambda: daily.get_by_label("onbekend").check())
    page.get_by_label("Aantal betrokken hulpverleners").fill("9")
    page.get_by_label("Aantal betrokken organisaties").focus()
    expect(page.locator("#status-details")).to_have_text(re.compile("Opgeslagen om"))
    expect(page.locator("#pt-mon-progress")).to_have_text("4 van 13 leefgebieden ingevuld")
    assert page.evaluate(SAME_PAGE), "autosave reloaded the page"
    assert_accessible(page)
    key = services.pseudonym_for(Project.objects.get(pk=pk).owner_id, "MZ-4711")
    baseline = Measurement.objects.get(trajectory__participant__pseudonym=key)
    assert baseline.professionals == 9
    assert dict(baseline.scores.values_list("item", "value")) == {
        "physical_health": 3,
        DOMAIN_ID: 2,
        "mental_health": 2,
        "daily_living": None,
    }
    page.get_by_role("button", name="Klaar: terug naar de deelnemer").click()

    # The follow-up, a few months later.
    expect(page.get_by_role("heading", name=re.compile("^Deelnemer "))).to_be_visible()
    page.get_by_role("link", name="Nieuwe meting").click()
    page.get_by_label("Datum").fill((start + timedelta(days=150)).isoformat())
    page.get_by_label("Meetmoment").select_option(label="Eindmeting")
    page.get_by_role("button", name="Meting starten").click()
    expect(page.get_by_role("heading", name=re.compile("^Eindmeting"))).to_be_visible()
    score(page, "Lichamelijke gezondheid", 3)
    score(page, DOMAIN, 4)
    score(page, "Geestelijke gezondheid", 2)

    # The story, with consent, from the entry screen.
    page.get_by_role("link", name="Verhaal toevoegen").click()
    page.get_by_label("Verhaal").fill("Ik ga weer naar de soos; de buurvrouw haalt me op.")
    page.get_by_label("Leefgebied (optioneel)").select_option(label=DOMAIN)
    page.get_by_label("Toestemming om te delen").check()
    page.get_by_role("button", name="Vastleggen").click()

    # The participant's chart: baseline against the latest score, with the story beside it.
    expect(page.get_by_role("status").first).to_contain_text("Vastgelegd.")
    wait_for_chart(page)
    chart = page.locator(".pt-chart__canvas svg")
    expect(chart).to_have_count(1)
    # Named after the project's pair definition (default: baseline → end by moment).
    expect(chart).to_have_attribute("aria-label", re.compile("nulmeting en bij de eindmeting"))
    expect(page.locator(".pt-mon-stories")).to_contain_text("Ik ga weer naar de soos")
    table = page.get_by_role("table", name=re.compile("nulmeting → eindmeting"))
    expect(table.get_by_role("row", name=re.compile(DOMAIN))).to_contain_text("+3")
    assert_accessible(page)
    assert Story.objects.get(text__startswith="Ik ga weer").consent is True
    assert AccessLog.objects.filter(user__username="professional", action="participant").exists()

    # The project's Tel en vertel tab includes the new pair at once.
    page.get_by_role("link", name="Cijfers en verhalen").click()
    # Wait for the tab itself: the participant's chart is still on screen until it has loaded.
    expect(page.get_by_role("link", name="Cijfers en verhalen")).to_have_attribute(
        "aria-current", "page"
    )
    after = complete_pairs(pk)
    assert after == before + 1
    # Pairs run from the baseline to the end measurement: the demo's running trajectories (an
    # interim measurement only) are not paired, so the project may still be below the threshold.
    expect(page.locator("#pt-mon-pairing")).to_contain_text("nulmeting → eindmeting")
    if after >= 10:
        wait_for_chart(page)
        expect(page.locator("table.pt-mon-effects").first).to_contain_text(DOMAIN)
        expect(effect_n(page)).to_have_text(str(after))
    else:  # still below the threshold: the domain must not appear at all
        expect(page.locator("table.pt-mon-effects").first).not_to_contain_text(DOMAIN)
    assert_accessible(page)
    assert problems.all() == []


def test_read_only_partner_sees_figures_but_no_participants(page: Page, login, project_pk):
    """The fund's financier sees the suppressed figures; participant pages are closed."""
    login("financier")
    pk = project_pk("Eén gezin, één plan")
    page.goto(f"/tel-en-vertel/project/{pk}/")
    expect(page.get_by_role("heading", name="Tel en vertel", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Deelnemers")).to_have_count(0)
    response = page.goto(f"/tel-en-vertel/project/{pk}/deelnemers/")
    assert response is not None and response.status in (403, 404)


CSV = (
    "Cliëntnummer;Wijk;Datum;Meetmoment;Sociaal netwerk;Financiën\n"
    "N-1;Centrum;03-02-2025;0-meting;2;3\n"
    "N-1;Centrum;03-08-2025;eindmeting;9;4\n"
).encode()


def test_project_leader_imports_a_file_and_sees_every_error_first(
    page: Page, login, project_pk, problems, assert_accessible
):
    from proeftuin.monitoring.models import ImportFile, Measurement

    login("projectleider")
    pk = project_pk(PROJECT)
    before = Measurement.objects.count()
    page.goto(f"/tel-en-vertel/project/{pk}/import/")
    assert_accessible(page)
    page.get_by_label("Spreadsheet").set_input_files(
        {"name": "monitor.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.get_by_role("button", name="Uploaden en koppeling voorstellen").click()
    expect(page.get_by_role("heading", name="Kolommen koppelen: monitor.csv")).to_be_visible()
    expect(page.get_by_label("Betekenis van kolom Sociaal netwerk")).to_have_value(
        "score:social_network"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Koppeling bevestigen en controleren").click()
    expect(page.get_by_role("heading", name="Controle: monitor.csv")).to_be_visible()
    errors = page.get_by_role("table", name="Fouten")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("monitor.csv")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("9")
    expect(page.get_by_role("button", name="Importeren")).to_have_count(0)
    assert_accessible(page)
    assert Measurement.objects.count() == before  # the dry run wrote nothing
    page.get_by_role("button", name="Import annuleren").click()
    expect(page.get_by_role("status").first).to_contain_text("Import geannuleerd")
    assert ImportFile.objects.get().status == "cancelled"
    assert problems.all() == []
