"""Self-report in a real browser (issue 13, item 3): a professional makes a one-time link, the
participant fills it in on a phone-sized screen without an account (axe: no violations), the
used link shows a clear page without data, and the professional sees where the two differ and
records the agreed score."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect


def _e2e_conftest():
    """tests/e2e/conftest.py as a module (``import conftest`` is ambiguous across test folders)."""
    name = "proeftuin_e2e_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("conftest.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


TIMEOUT_MS = _e2e_conftest().TIMEOUT_MS
run_axe = _e2e_conftest().run_axe  # every impact: the bar is no violation at all

pytestmark = pytest.mark.e2e

PROJECT = "Mantelzorg in de wijk"  # owned by Welzijn Voorbeeldstad, the professional's employer
PHONE = {"width": 390, "height": 844}


def _measurement_with_network(pk: int):
    from proeftuin.monitoring.models import Measurement

    return (
        Measurement.objects.filter(
            trajectory__project_id=pk, scores__item="social_network", scores__value__isnull=False
        )
        .order_by("pk")
        .first()
    )


def test_participant_fills_in_on_a_phone_and_the_professional_sees_the_difference(
    page: Page, browser: Browser, live_server, login, project_pk, problems, assert_accessible
):
    from proeftuin.monitoring.models import AccessLog, Rating

    login("professional")
    pk = project_pk(PROJECT)
    measurement = _measurement_with_network(pk)
    professional_score = measurement.scores.get(item="social_network").value
    own_score = 1 if professional_score != 1 else 5

    # The professional makes a link with a QR code; the link is shown once.
    base = f"/tel-en-vertel/project/{pk}/metingen/{measurement.pk}/zelfrapportage/"
    page.goto(base)
    page.get_by_role("button", name="Link en QR-code maken").click()
    expect(page.get_by_role("img", name="QR-code met de link voor de deelnemer")).to_be_visible()
    link = page.get_by_label("Link", exact=True).input_value()
    assert "/tel-en-vertel/zelf/" in link
    assert_accessible(page)

    # The participant, on a phone, without an account (a fresh browser context, no cookies).
    phone = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    phone.set_default_timeout(TIMEOUT_MS)
    try:
        own = phone.new_page()
        own.goto(link)
        expect(own.get_by_role("heading", name="Hoe gaat het met u?")).to_be_visible()
        assert run_axe(own) == []
        network = own.get_by_role("group", name="Sociaal netwerk", exact=True)
        network.get_by_role("radio").nth(own_score - 1).check()
        network.get_by_role("checkbox", name="Mensen om mij heen").check()
        money = own.get_by_role("group", name="Geestelijke gezondheid", exact=True)
        money.get_by_role("radio", name="Weet ik niet").check()
        own.get_by_role("button", name="Versturen").click()
        expect(own.get_by_role("heading", name="Bedankt")).to_be_visible()
        assert run_axe(own) == []

        # The link works once: a second visit shows a clear page and no questions.
        own.goto(link)
        expect(own.get_by_role("heading", name="Deze link werkt niet (meer)")).to_be_visible()
        expect(own.get_by_text("Deze link is al gebruikt.")).to_be_visible()
        expect(own.get_by_role("radio")).to_have_count(0)
        assert run_axe(own) == []
    finally:
        phone.close()

    assert Rating.objects.get(
        measurement=measurement, kind="self", item="social_network"
    ).value == (own_score)
    assert AccessLog.objects.filter(action="self_report", participant__isnull=False).exists()

    # The professional sees where the participant differs and records the agreed score.
    page.goto(base)
    row = page.locator("#self-report-comparison tr[data-item='social_network']")
    expect(row).to_have_attribute("data-agreement", "different")
    expect(row).to_contain_text("verschilt")
    expect(page.locator("#self-report-comparison tr[data-item='mental_health']")).to_contain_text(
        "weet ik niet"
    )
    agreed = page.get_by_role("group", name="Sociaal netwerk", exact=True)
    agreed.get_by_role("radio").nth(2).check()
    agreed.get_by_role("checkbox", name="Netwerk").check()
    page.get_by_role("button", name="Afgesproken score opslaan").click()
    expect(page.get_by_text("Afgesproken score opgeslagen")).to_be_visible()
    expect(row.locator("td").nth(3)).to_have_text("3")
    assert_accessible(page)
    assert not problems.all(), problems.all()
