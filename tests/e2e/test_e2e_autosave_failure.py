"""An autosave that fails is never silent: a score or a rating whose request fails (server error,
no connection) shows a message and a retry button, the control is marked, and the retry saves."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.e2e

PROJECT = "Mantelzorg in de wijk"
FAILED = "Niet opgeslagen: de server gaf een fout"
OFFLINE = "Niet opgeslagen: geen verbinding"


def _measurement(pk: int) -> int:
    from proeftuin.monitoring.models import Measurement

    return (
        Measurement.objects.filter(trajectory__project_id=pk, moment="baseline")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


@pytest.mark.parametrize("failure", ["500", "offline"])
def test_a_failed_score_autosave_shows_a_message_and_a_retry(
    page: Page, login, project_pk, failure
):
    from proeftuin.monitoring.models import Score

    login("professional")
    pk = project_pk(PROJECT)
    mpk = _measurement(pk)
    Score.objects.filter(measurement_id=mpk, item="housing").delete()
    failing = {"on": True}

    def intercept(route: Route) -> None:
        if not failing["on"]:
            route.continue_()
        elif failure == "500":
            route.fulfill(status=500, body="Server Error", content_type="text/html")
        else:
            route.abort("connectionrefused")

    page.route(re.compile(r"/metingen/\d+/scores/$"), intercept)
    page.goto(f"/tel-en-vertel/project/{pk}/metingen/{mpk}/")
    group = page.get_by_role("group", name="Wonen", exact=True)
    group.get_by_role("radio").nth(3).check()
    alert = group.get_by_role("alert")
    expect(alert).to_contain_text(FAILED if failure == "500" else OFFLINE)
    expect(group).to_have_attribute("aria-invalid", "true")
    expect(group.get_by_role("status")).not_to_contain_text("Opgeslagen")
    assert not Score.objects.filter(measurement_id=mpk, item="housing").exists()

    failing["on"] = False
    alert.get_by_role("button", name="Opnieuw proberen").click()
    expect(group.get_by_role("status")).to_have_text(re.compile(r"Opgeslagen om \d\d:\d\d:\d\d"))
    expect(alert).to_be_hidden()
    expect(group).not_to_have_attribute("aria-invalid", "true")
    assert Score.objects.get(measurement_id=mpk, item="housing").value == 4


def test_a_failed_rating_autosave_in_workshop_mode_shows_a_retry(page: Page, login, project_pk):
    from proeftuin.assessments.models import Assessment, Rating

    login("projectleider")
    pk = project_pk(PROJECT)
    Assessment.objects.filter(project_id=pk).delete()
    page.goto(f"/beoordelingen/project/{pk}/")
    page.get_by_label("Kader").select_option(value="four_plus_one")
    page.get_by_role("group", name="Soort scan").get_by_label("Zelfscan").check()
    page.get_by_label("Titel").fill(f"Zelfscan {date.today():%d-%m}")
    page.get_by_role("button", name="Beoordeling starten").click()
    expect(page).to_have_url(re.compile(rf"/beoordelingen/project/{pk}/\d+/$"))

    failing = {"on": True}

    def intercept(route: Route) -> None:
        if failing["on"]:
            route.fulfill(status=500, body="Server Error", content_type="text/html")
        else:
            route.continue_()

    page.route(re.compile(r"/beoordelingen/project/\d+/\d+/"), intercept)
    article = page.locator("#ind-integrated_all_domains")
    article.get_by_role("group", name="Integraal over leefgebieden").get_by_label(
        "redelijk", exact=True
    ).check()
    alert = article.get_by_role("alert")
    expect(alert).to_contain_text(FAILED)
    assert not Rating.objects.filter(assessment__project_id=pk).exists()
    failing["on"] = False
    alert.get_by_role("button", name="Opnieuw proberen").click()
    expect(page.locator("#status-integrated_all_domains")).to_have_text(
        re.compile(r"Opgeslagen om \d\d:\d\d:\d\d")
    )
    assert Rating.objects.filter(assessment__project_id=pk).count() == 1
