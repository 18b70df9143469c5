"""A beleidsadviseur opens the Verduurzaming tab, adopts the advice and sees the plan's actions."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PROJECT = "Schuldhulp Vroeg Eropaf"  # owned by Gemeente Voorbeeldstad; its money ends within a year


def test_beleidsadviseur_adopts_the_advice_into_the_plan(
    page: Page, login, project_pk, problems, assert_accessible
):
    from proeftuin.sustainability.models import PlanAction

    login("beleid")

    # The portfolio flags the project: near its cliff, no agreed continuation plan.
    page.goto("/projecten/")
    row = page.locator("#project-rows tbody tr").filter(has_text=PROJECT)
    expect(row.locator(".pt-no-plan")).to_have_text("geen verduurzamingsplan")
    assert_accessible(page)

    pk = project_pk(PROJECT)
    page.goto(f"/projecten/{pk}/")
    page.get_by_role("navigation", name="Onderdelen van het project").get_by_role(
        "link", name="Verduurzaming"
    ).click()
    expect(page).to_have_url(re.compile(rf"/verduurzaming/{pk}/$"))
    expect(page.get_by_role("heading", name="Verduurzaming", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Verduurzaming", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("#beslisdatum")).to_contain_text("Beslisdatum")
    expect(page.get_by_text("Er is nog geen voortzettingsplan.")).to_be_visible()
    advice_steps = page.locator("ol.pt-advice-actions > li")
    expect(advice_steps.first).to_be_visible()
    steps = advice_steps.count()
    assert steps > 0
    assert_accessible(page)

    page.get_by_role("button", name="Advies overnemen in het plan").click()
    expect(page.get_by_role("status")).to_contain_text("Advies overgenomen")
    table = page.locator("#plan-actions")
    expect(table.locator("tbody tr")).to_have_count(steps)
    first_step = PlanAction.objects.filter(plan__project_id=pk).order_by("position").first()
    expect(table.locator("tbody tr").first).to_contain_text(first_step.text[:40])
    expect(table.locator("tbody tr").first).to_contain_text(first_step.source_rule)
    assert_accessible(page)

    # Tick the first action off: HTMX swaps the row, the page stays.
    page.evaluate("window.__stillTheSamePage = true")
    table.locator("tbody tr").first.get_by_role("button", name=re.compile("^Afvinken")).click()
    expect(table.locator("tbody tr").first.get_by_role("button")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.__stillTheSamePage === true")
    first_step.refresh_from_db()
    assert first_step.done
    assert not problems.all(), problems.all()
