"""Scans: completeness, finalising with a reason, reopening with a reason, a whole characteristic
at once, and *onbekend* kept apart from "not rated" (issue 10, "Scans")."""

from __future__ import annotations

import pytest
from integration_support import login

from proeftuin.assessments.models import Assessment, Rating, StatusChange
from proeftuin.assessments.services import get_framework, summary_for

FW = "four_plus_one"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def leader(users):
    return users[("own", "projectleider")]


@pytest.fixture
def scan(own_project, leader) -> Assessment:
    return Assessment.objects.create(
        project=own_project,
        framework_id=FW,
        framework_version="1.0",
        kind=Assessment.Kind.SELF,
        title="Zelfscan",
        organisation=leader.organisation,
        created_by=leader,
    )


def url(scan, tail="") -> str:
    return f"/beoordelingen/project/{scan.project_id}/{scan.pk}/{tail}"


def rate_all(http, scan, value="groot"):
    for dimension in get_framework(FW).dimensions:
        response = http.post(url(scan, f"kenmerk/{dimension.id}/"), {"value": value})
        assert response.status_code == 302


def test_an_empty_scan_cannot_be_finalised_even_with_a_reason(leader, scan):
    http = login(leader)
    response = http.post(url(scan, "afronden/"), {"confirm": "ja", "reason": "omdat het moet"})
    assert response.status_code == 302
    scan.refresh_from_db()
    assert scan.is_open
    page = http.get(url(scan), follow=True).content.decode()
    assert "nog geen enkele indicator beantwoord" in page
    assert not StatusChange.objects.exists()


def test_an_incomplete_scan_asks_for_a_reason_and_shows_it_with_the_result(leader, scan):
    # Finding: a 4+1 scan finalised with 22 of 36 indicators unrated, without a word.
    http = login(leader)
    http.post(url(scan, "kenmerk/effective_approach/"), {"value": "groot"})
    screen = http.get(url(scan)).content.decode()
    assert 'id="finalise-reason"' in screen and "Beantwoord:" in screen
    http.post(url(scan, "afronden/"), {"confirm": "ja"})
    scan.refresh_from_db()
    assert scan.is_open, "below the threshold finalising needs a reason"
    http.post(url(scan, "afronden/"), {"confirm": "ja", "reason": "Alleen kenmerk 1 besproken"})
    scan.refresh_from_db()
    assert scan.is_finalised and scan.finalise_reason == "Alleen kenmerk 1 besproken"
    change = StatusChange.objects.get()
    framework = get_framework(FW)
    first = len(framework.dimensions[0].indicator_ids)
    total = sum(len(d.indicator_ids) for d in framework.dimensions)
    assert (change.action, change.answered, change.total) == ("afgerond", first, total)
    profile = http.get(url(scan, "profiel/")).content.decode()
    assert "Alleen kenmerk 1 besproken" in profile
    assert "Afgerond terwijl de scan onvolledig was" in profile


def test_a_complete_scan_finalises_without_a_reason(leader, scan):
    http = login(leader)
    rate_all(http, scan)
    assert 'id="finalise-reason"' not in http.get(url(scan)).content.decode()
    http.post(url(scan, "afronden/"), {"confirm": "ja"})
    scan.refresh_from_db()
    assert scan.is_finalised and scan.finalise_reason == ""


def test_reopening_takes_a_reason_and_leaves_a_trace(leader, scan):
    http = login(leader)
    rate_all(http, scan)
    http.post(url(scan, "afronden/"), {"confirm": "ja"})
    assert "Beoordeling heropenen" in http.get(url(scan, "profiel/")).content.decode()
    http.post(url(scan, "heropenen/"), {"reason": ""})
    scan.refresh_from_db()
    assert scan.is_finalised, "no reason, no reopening"
    http.post(url(scan, "heropenen/"), {"reason": "Nieuwe gegevens over de coalitie"})
    scan.refresh_from_db()
    assert scan.is_open and scan.finalised_at is None
    assert list(StatusChange.objects.values_list("action", flat=True)) == ["afgerond", "heropend"]
    history = http.get(url(scan, "geschiedenis/")).content.decode()
    assert "Nieuwe gegevens over de coalitie" in history


def test_a_rater_of_another_organisation_cannot_reopen(users, leader, scan):
    login(leader).post(url(scan, "kenmerk/effective_approach/"), {"value": "groot"})
    scan.status = Assessment.Status.FINALISED
    scan.save()
    for user in (users[("own", "financier")], users[("foreign", "projectleider")]):
        response = login(user).post(url(scan, "heropenen/"), {"reason": "ik wil"})
        assert response.status_code in (403, 404)
    scan.refresh_from_db()
    assert scan.is_finalised


def test_a_whole_characteristic_fills_only_own_open_indicators_unless_asked(users, leader, scan):
    colleague = users[("own", "beleidsadviseur")]
    framework = get_framework(FW)
    dimension = framework.dimensions[0]
    first, second = dimension.indicator_ids[0], dimension.indicator_ids[1]
    Rating.objects.create(assessment=scan, indicator_id=first, rater=leader, value="klein")
    Rating.objects.create(assessment=scan, indicator_id=second, rater=colleague, value="klein")
    http = login(leader)
    http.post(url(scan, f"kenmerk/{dimension.id}/"), {"value": "groot", "evidence": "workshop"})
    own = dict(
        Rating.objects.filter(assessment=scan, rater=leader).values_list("indicator_id", "value")
    )
    assert own[first] == "klein", "an earlier own answer stays without overwrite"
    assert set(own) == set(dimension.indicator_ids)
    assert all(v == "groot" for k, v in own.items() if k != first)
    assert Rating.objects.get(rater=colleague).value == "klein", "colleagues are never touched"
    http.post(url(scan, f"kenmerk/{dimension.id}/"), {"value": "groot", "overwrite": "ja"})
    assert Rating.objects.get(rater=leader, indicator_id=first).value == "groot"
    bad = http.post(url(scan, f"kenmerk/{dimension.id}/"), {"value": "heel-groot"}, follow=True)
    assert "Kies een niveau van de schaal" in bad.content.decode()
    assert http.post(url(scan, "kenmerk/bestaat-niet/"), {"value": "groot"}).status_code == 404


def test_onbekend_and_not_rated_stay_apart(leader, scan):
    http = login(leader)
    dimension = get_framework(FW).dimensions[0]
    http.post(url(scan, f"kenmerk/{dimension.id}/"), {"value": "onbekend"})
    summary = summary_for(scan)
    assert summary.unknown == len(dimension.indicator_ids)
    assert summary.rated == 0
    assert summary.not_rated == summary.total - summary.unknown
    assert summary.answered == summary.unknown
    page = http.get(url(scan)).content.decode()
    assert f"onbekend: {summary.unknown}" in page
    assert f"nog niet beoordeeld: {summary.not_rated}" in page


def test_the_matrix_marks_a_scan_finalised_incomplete(users, leader, scan):
    http = login(leader)
    http.post(url(scan, "kenmerk/effective_approach/"), {"value": "groot"})
    http.post(url(scan, "afronden/"), {"confirm": "ja", "reason": "Alleen kenmerk 1"})
    matrix = login(users[("own", "beleidsadviseur")]).get("/beoordelingen/matrix/")
    html = matrix.content.decode()
    assert "onvolledig afgerond" in html and "Alleen kenmerk 1" in html
