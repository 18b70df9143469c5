"""Case timeline in a real browser (issue 13, item 1): a professional records the help a
participant got and a reference "zonder aanpak" from the template, sees the two timelines and the
cumulative cost, and the MKBA shows the sum over cases as an observed effect with its n."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PROJECT = "Mantelzorg in de wijk"  # owned by Welzijn Voorbeeldstad, the professional's employer


def _observed_case_effect(project_pk: int):
    """An effect in the project's MKBA that takes its size, in euros, from the case timelines
    (no price: the observed cost difference is already a value)."""
    from proeftuin.valuation.models import BenefitShare, Effect

    effect = Effect.objects.create(
        project_id=project_pk,
        indicator="Lagere kosten van hulp (casusverloop)",
        size_kind="amount",
        size_likely=1,
        participants_likely=14,
        price_key="",
        basis="observed",
        observed_measure="case_costs",
    )
    BenefitShare.objects.create(effect=effect, party_name="Gemeente", domain="wmo", share=1.0)
    return effect


def test_professional_records_a_timeline_and_the_mkba_shows_it_observed(
    page: Page, login, project_pk, problems, assert_accessible, wait_for_chart
):
    from proeftuin.monitoring import case_demo
    from proeftuin.monitoring.models import CaseEvent, Trajectory

    login("professional")
    pk = project_pk(PROJECT)
    _observed_case_effect(pk)
    trajectory = (
        Trajectory.objects.filter(project_id=pk, case_events__isnull=True).order_by("pk").first()
    )
    n_before = case_demo.HOW_MANY

    page.goto(f"/tel-en-vertel/project/{pk}/deelnemers/{trajectory.participant_id}/")
    page.get_by_role("link", name="Casusverloop").first.click()
    expect(page.get_by_role("heading", name=re.compile("^Casusverloop"))).to_be_visible()

    # What happened, with a project price and its source.
    page.get_by_label("Tijdlijn").select_option("actual")
    page.get_by_label("Hulp of gebeurtenis").fill("Vast aanspreekpunt")
    page.get_by_label("Aanbieder").fill("Welzijn Voorbeeldstad")
    page.get_by_label("Start").fill(trajectory.started_on.isoformat())
    page.get_by_label("Aantal eenheden").fill("6")
    page.get_by_label("Eenheid", exact=True).fill("maand")
    page.get_by_label("Kosten per eenheid (€)").fill("400")
    page.get_by_label("Bron van de prijs").fill("projectbegroting 2025")
    page.get_by_role("button", name="Stap vastleggen").click()
    expect(page.get_by_text("Stap toegevoegd aan het casusverloop.")).to_be_visible()

    # The reference "zonder aanpak" from the template: every step with its assumption.
    page.get_by_role("button", name="Referentie toevoegen").click()
    expect(page.get_by_text(re.compile("Referentie zonder aanpak toegevoegd"))).to_be_visible()
    reference = page.locator("table[data-lane='lane-reference']")
    expect(reference.get_by_text(re.compile("^Aanname:")).first).to_be_visible()
    expect(page.locator("#case-saving")).to_have_text(re.compile(r"^€ \d"))
    wait_for_chart(page)
    assert_accessible(page)
    assert CaseEvent.objects.filter(trajectory=trajectory, lane="reference").exists()

    # The MKBA: the effect is marked observed and cites the case timelines with their n.
    page.goto(f"/waarde/{pk}/")
    expect(
        page.get_by_text(
            re.compile(rf"Casusverloop \(waargenomen kosten\).*{n_before + 1} casussen")
        )
    ).to_be_visible()
    assert not problems.all(), problems.all()
