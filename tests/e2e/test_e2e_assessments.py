"""A project leader runs a 4+1 self-scan in workshop mode: autosave, profile chart, matrix."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

PROJECT = (
    "Mantelzorg in de wijk"  # owned by Welzijn Voorbeeldstad, the project leader's organisation
)
SAME_PAGE = "window.__stillTheSamePage === true"


def test_project_leader_runs_a_self_scan_in_workshop_mode(
    page: Page,
    login,
    project_pk,
    problems,
    assert_accessible,
    wait_for_chart,
    slow_timeout,
    settings,
    tmp_path,
):
    from proeftuin.assessments.models import Assessment, Rating

    login("projectleider")
    pk = project_pk(PROJECT)
    # Start from a project without scans (the demo gives most projects one).
    Assessment.objects.filter(project_id=pk).delete()
    page.goto(f"/beoordelingen/project/{pk}/")
    expect(page.get_by_role("link", name="Beoordelingen", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_label("Kader").select_option(value="four_plus_one")
    page.get_by_role("group", name="Soort scan").get_by_label("Zelfscan").check()
    page.get_by_label("Titel").fill("Zelfscan werkplaats")
    page.get_by_role("button", name="Beoordeling starten").click()

    expect(page).to_have_url(re.compile(rf"/beoordelingen/project/{pk}/\d+/$"))
    expect(page.get_by_role("heading", name="Zelfscan werkplaats")).to_be_visible()
    page.evaluate("window.__stillTheSamePage = true")

    # Rate the first indicator: the choice is saved by itself, and the status says so.
    first = page.get_by_role("group", name="Integraal over leefgebieden")
    first.get_by_label("redelijk", exact=True).check()
    status = page.locator("#status-integrated_all_domains")
    expect(status).to_have_text(re.compile(r"Opgeslagen om \d\d:\d\d:\d\d"))
    expect(status).to_have_attribute("role", "status")

    # Evidence is saved when the field is left; the next autosave carries the new version.
    article = page.locator("#ind-integrated_all_domains")
    article.get_by_label("Onderbouwing").fill("Plannen gaan over alle leefgebieden (dossiers).")
    # Wait for the evidence autosave's answer (the database is read below), not for a fixed time.
    with page.expect_response(
        lambda r: "/indicator/integrated_all_domains/" in r.url and r.request.method == "POST"
    ) as saved:
        article.get_by_label("Link naar bewijs (optioneel)").focus()
    assert saved.value.ok
    expect(article.locator(".pt-assess-combined")).to_contain_text("redelijk")

    # Onbekend is an answer of its own.
    second = page.get_by_role("group", name="Eén vaste contactpersoon")
    second.get_by_label("onbekend", exact=True).check()
    expect(page.locator("#status-one_contact_person")).to_contain_text("Opgeslagen om")
    expect(page.locator("#dimsum-effective_approach")).to_contain_text("beoordeeld: 1/7")

    assert page.evaluate(SAME_PAGE), "autosave reloaded the page"
    ratings = {
        r.indicator_id: (r.value, r.evidence, r.version)
        for r in Rating.objects.filter(
            rater__username="projectleider", assessment__title="Zelfscan werkplaats"
        )
    }
    assert ratings == {
        "integrated_all_domains": (
            "redelijk",
            "Plannen gaan over alle leefgebieden (dossiers).",
            2,
        ),
        "one_contact_person": ("onbekend", "", 1),
    }
    assert_accessible(page)

    # The profile: a drawn chart in which onbekend is a segment of its own, and the table beside.
    page.get_by_role("link", name="Profiel", exact=True).click()
    wait_for_chart(page)
    chart = page.locator(".pt-chart__canvas svg")
    expect(chart).to_have_count(1)
    expect(chart).to_have_attribute("aria-label", re.compile("Onbekend en nog niet beoordeeld"))
    expect(
        page.get_by_role("table", name="Aantal indicatoren per niveau, per dimensie")
    ).to_be_visible()

    # The cross-project matrix shows the (provisional) scan, and passes axe.
    page.goto("/beoordelingen/matrix/")
    row = page.get_by_role("row").filter(has_text=PROJECT)
    expect(row).to_contain_text("voorlopig (open)")
    expect(row).to_contain_text("1/7")
    assert_accessible(page)

    # Finalise and lock: the profile is now the scan's final state.
    assessment = Assessment.objects.get(project_id=pk, title="Zelfscan werkplaats")
    page.goto(f"/beoordelingen/project/{pk}/{assessment.pk}/")
    # A whole characteristic at once: the second one, all 'matig' for this rater.
    bulk = page.locator("details.pt-assess-bulk").nth(1)
    bulk.locator("summary").click()
    bulk.get_by_label("matig", exact=True).check()
    bulk.get_by_role("button", name="Toepassen op dit kenmerk").click()
    expect(page.locator(".utrecht-alert, .pt-messages").first).to_contain_text("indicatoren van")
    # Most indicators are still open: finalising asks why, and the reason stays with the result.
    page.get_by_label("De groep is klaar: de oordelen liggen vast").check()
    page.get_by_label(re.compile("Waarom moet de scan toch zo gelden")).fill(
        "Alleen de eerste twee kenmerken besproken in de werkplaats"
    )
    page.get_by_role("button", name="Beoordeling afronden").click()
    expect(page).to_have_url(re.compile(rf"/beoordelingen/project/{pk}/{assessment.pk}/profiel/"))
    expect(page.locator("#scan-completeness")).to_contain_text("Alleen de eerste twee kenmerken")
    assessment.refresh_from_db()
    assert assessment.is_finalised
    page.goto(f"/beoordelingen/project/{pk}/{assessment.pk}/")
    expect(page.get_by_role("button", name="Beoordeling afronden")).to_have_count(0)

    # The +1: the advisor's plan on the Verduurzaming tab, with its first action.
    page.goto(f"/verduurzaming/{pk}/")
    expect(page.locator("ol.pt-advice-actions > li").first).to_be_visible()
    assert_accessible(page)

    # The report from the project page holds the profile and the plan.
    page.goto(f"/projecten/{pk}/")
    # The PDF is a job with progress (issue 14); in tests it runs in the request.
    settings.PROEFTUIN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path
    page.get_by_role("button", name="Rapport (PDF)").click(timeout=slow_timeout)
    expect(page.get_by_role("status")).to_contain_text("100%", timeout=slow_timeout)
    with page.expect_download(timeout=slow_timeout) as download:
        page.get_by_role("link", name="Rapport (PDF) downloaden").click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Beoordelingen" in text and "Verduurzaming" in text and "Advies" in text
    assert problems.all() == []


def test_evaluator_compares_the_demo_projects_and_exports_the_matrix(
    page: Page, login, assert_accessible, slow_timeout
):
    """Issue 3: the cross-project matrix (000 §11.1.3) for the demo municipality, exported."""
    login("onderzoeker")
    page.goto("/beoordelingen/matrix/")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 3  # the demo's scans
    assert_accessible(page)
    with page.expect_download(timeout=slow_timeout) as download:
        page.get_by_role("link", name="Export (XLSX)").click(timeout=slow_timeout)
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = workbook.active
    assert sheet.max_row >= 4
    header = [cell.value for cell in sheet[1]]
    assert any("Project" in str(h) for h in header if h)
