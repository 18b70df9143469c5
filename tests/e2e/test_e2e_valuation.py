"""A beleidsadviseur works on the effects chain in workshop mode and reads the MKBA's results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PROJECT = "Eén gezin, één plan"  # the municipality holds an edit grant; the demo gives it a chain
SAME_PAGE = "window.__stillTheSamePage === true"


def test_beleidsadviseur_edits_the_chain_in_workshop_mode_and_sees_the_results(
    page: Page, login, project_pk, problems, assert_accessible, wait_for_chart, axe_violations
):
    from proeftuin.valuation.models import Effect

    login("beleid")
    pk = project_pk(PROJECT)
    effect = Effect.objects.get(project_id=pk, indicator="Minder uithuisplaatsingen")

    # The tab on the project page.
    page.goto(f"/projecten/{pk}/")
    page.get_by_role("link", name="Maatschappelijke waarde", exact=True).click()
    expect(page.get_by_role("heading", name="Maatschappelijke waarde", level=2)).to_be_visible()
    expect(page.get_by_role("link", name="Maatschappelijke waarde", exact=True)).to_have_attribute(
        "aria-current", "page"
    )

    # Workshop mode: one shared screen, the likely value saved by itself on change.
    page.get_by_role("link", name="Werkplaatsmodus (gedeeld scherm)").click()
    expect(
        page.get_by_role("heading", name=re.compile("Werkplaats: de Effectenarena"))
    ).to_be_visible()
    for column in (
        "1. Wie investeert",
        "2. Wat gebeurt er",
        "3. Wat levert het op",
        "4. Wie profiteert",
    ):
        expect(page.get_by_role("heading", name=column)).to_be_visible()
    page.evaluate("window.__stillTheSamePage = true")
    summary = page.locator("#value-summary")
    before = summary.inner_text()

    card = page.locator(f"#kaart-{effect.core_id}")
    likely = card.get_by_label("Waarschijnlijk", exact=True)
    expect(likely).to_have_value("0,08")
    likely.fill("0,1")
    likely.press("Tab")
    status = page.locator(f"#status-{effect.core_id}")
    expect(status).to_have_text(re.compile(r"Opgeslagen om \d\d:\d\d:\d\d"))
    expect(status).to_have_attribute("role", "status")
    expect(summary).not_to_have_text(before)  # the shared screen recomputed the balance
    assert page.evaluate(SAME_PAGE), "autosave reloaded the page"
    effect.refresh_from_db()
    assert (effect.size_likely, effect.version) == (pytest.approx(0.1), 2)

    # A second edit carries the new version (no stale-edit warning).
    with page.expect_response(lambda r: f"/werkplaats/effect/{effect.pk}/" in r.url):
        likely.fill("0,11")
        likely.press("Tab")
    expect(status).to_have_text(re.compile(r"Opgeslagen om"))
    expect(card.locator(".utrecht-alert--error")).to_have_count(0)
    effect.refresh_from_db()
    assert (effect.size_likely, effect.version) == (pytest.approx(0.11), 3)
    assert_accessible(page)

    # Results: balance per party, who invests / who benefits, tipping point, uncertainty.
    page.get_by_role("link", name="Naar de volledige resultaten").click()
    expect(page.get_by_role("heading", name="Resultaten: indicatieve MKBA")).to_be_visible()
    wait_for_chart(page)
    charts = page.locator(".pt-chart__canvas svg[role='img']")
    expect(charts).to_have_count(4)
    for description in ("Sankeydiagram", "Per partij", "Tornadodiagram", "Histogram"):
        expect(charts.and_(page.locator(f"svg[aria-label^='{description}']"))).to_have_count(1)
    expect(page.locator("#omslagpunten")).to_contain_text(
        re.compile(r"ten minste \d+ van de 100 gezinnen een uithuisplaatsing wordt voorkomen")
    )
    expect(page.get_by_role("table", name="Saldo per partij (contante waarden)")).to_contain_text(
        "Gemeente Voorbeeldstad"
    )
    expect(
        page.get_by_role(
            "table", name="Cofinanciering per partij die profiteert (contante waarden)"
        )
    ).to_be_visible()
    expect(page.locator("#onzekerheid")).to_contain_text("Kans op een positief saldo")
    expect(page.locator("#onbekend")).to_contain_text("is onbekend")
    expect(page.locator(".pt-value-badge--observed").first).to_be_visible()
    assert_accessible(page)

    # The other screens of the tab pass axe too: the chain, the price list and the forms.
    violations = []
    for path in ("", "prijzen/", f"effect/{effect.pk}/bewerken/", "instellingen/"):
        page.goto(f"/waarde/{pk}/{path}")
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        violations += axe_violations(page)
    assert not violations, "\n".join(violations)
    assert not problems.all(), problems.all()


def test_funder_downloads_the_report_with_the_cofunding_proposal(
    page: Page, login, project_pk, slow_timeout, settings, tmp_path
):
    """Issue 5: the funder's co-funding proposal is in the PDF downloaded from the project page."""
    import io

    from pypdf import PdfReader

    login("financier")
    pk = project_pk(PROJECT)
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
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    assert "Voorstel cofinanciering" in text
    assert "Zorgverzekeraar Zuid" in text  # the insurer benefits (004 §5.4.1) and is asked
