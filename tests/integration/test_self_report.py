"""Self-report (issue 13, item 3): a one-time link per measurement, no account, the participant's
own rating beside the professional's, the agreed rating, single use, expiry, rate limit, no data
on a dead link, the access log, and erasure."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from integration_support import login
from test_monitoring_builders import add_trajectory

from proeftuin.core import selfreport as rules
from proeftuin.monitoring import recording
from proeftuin.monitoring.models import AccessLog, Rating, SelfReportLink


@pytest.fixture
def measurement(own_project):
    trajectory = add_trajectory(own_project, {"housing": 2, "finances": 4, "social_network": None})
    return trajectory.measurements.order_by("measured_on").first()


def _base(measurement) -> str:
    return f"/tel-en-vertel/project/{measurement.trajectory.project_id}/metingen/{measurement.pk}"


def _make_link(http, measurement, **data) -> str:
    response = http.post(_base(measurement) + "/zelfrapportage/link/", data)
    assert response.status_code == 200
    url = response.context["new_link"]["url"]
    assert "data:image/svg+xml" in response.content.decode()  # the QR code
    return url.split("testserver", 1)[1]


def test_professional_makes_a_link_that_is_stored_only_as_a_digest(users, measurement):
    http = login(users[("own", "professional")])
    path = _make_link(http, measurement, days="3")
    token = path.rstrip("/").rsplit("/", 1)[1]
    link = SelfReportLink.objects.get()
    assert link.token_digest == rules.token_digest(token)
    assert token not in repr(list(SelfReportLink.objects.values()))
    assert timedelta(days=2, hours=23) < link.expires_at - timezone.now() <= timedelta(days=3)
    # The page after the redirect no longer shows it.
    page = http.get(_base(measurement) + "/zelfrapportage/").content.decode()
    assert token not in page
    assert AccessLog.objects.filter(action="self_report_link", operation="write").exists()


def test_participant_fills_in_without_account_and_professional_sees_the_difference(
    users, measurement
):
    professional = login(users[("own", "professional")])
    path = _make_link(professional, measurement)
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Weet ik niet" in html
    # Nothing about the participant: no code, no project, no professional's score.
    participant = measurement.trajectory.participant
    assert participant.code not in html
    assert measurement.trajectory.project.name not in html
    assert 'value="2" checked' not in html
    response = anonymous.post(
        path,
        {
            "score-housing": "4",
            "score-finances": "4",
            "score-social_network": "onbekend",
            "support-housing": ["network", "bogus", "own_strength"],
        },
    )
    assert response.status_code == 200
    assert "Bedankt" in response.content.decode()
    own = {r.item: r for r in Rating.objects.filter(kind="self")}
    assert own["housing"].value == 4 and own["social_network"].value is None
    assert own["housing"].support == ["own_strength", "network"]
    entry = AccessLog.objects.get(action="self_report")
    assert entry.username == recording.SELF_REPORT_ACTOR
    assert entry.operation == "write" and entry.subject
    # The professional sees where the two differ.
    page = professional.get(_base(measurement) + "/zelfrapportage/")
    rows = {r["item"]: r for r in page.context["rows"]}
    assert rows["housing"]["agreement"] == "different" and rows["housing"]["gap"] == 2
    assert rows["finances"]["agreement"] == "same"
    assert rows["social_network"]["agreement"] == "unknown"
    assert 'data-agreement="different"' in page.content.decode()
    # ... and records the agreed rating, which is stored beside the other two.
    response = professional.post(
        _base(measurement) + "/zelfrapportage/afspraak/",
        {"score-housing": "3", "support-housing": ["professional"]},
    )
    assert response.status_code == 302
    agreed = Rating.objects.get(kind="agreed", item="housing")
    assert agreed.value == 3 and agreed.support == ["professional"]
    assert measurement.scores.get(item="housing").value == 2
    assert Rating.objects.get(kind="self", item="housing").value == 4
    assert AccessLog.objects.filter(action="agreed").exists()


def test_a_used_link_gives_a_clear_page_and_no_data(users, measurement):
    path = _make_link(login(users[("own", "professional")]), measurement)
    anonymous = Client()
    assert anonymous.post(path, {"score-housing": "5"}).status_code == 200
    again = anonymous.get(path)
    assert again.status_code == 410
    html = again.content.decode()
    assert "al gebruikt" in html
    assert "score-housing" not in html and "Wonen" not in html
    # A second submission changes nothing.
    assert anonymous.post(path, {"score-housing": "1"}).status_code == 410
    assert Rating.objects.get(kind="self", item="housing").value == 5


def test_an_expired_link_gives_a_clear_page_and_no_data(users, measurement):
    path = _make_link(login(users[("own", "professional")]), measurement)
    SelfReportLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(path)
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert "score-housing" not in response.content.decode()
    assert Client().post(path, {"score-housing": "5"}).status_code == 410
    assert not Rating.objects.exists()


def test_a_revoked_link_no_longer_works(users, measurement):
    http = login(users[("own", "professional")])
    path = _make_link(http, measurement)
    link = SelfReportLink.objects.get()
    revoke = http.post(_base(measurement) + f"/zelfrapportage/link/{link.pk}/intrekken/")
    assert revoke.status_code == 302
    response = Client().get(path)
    assert response.status_code == 410 and "ingetrokken" in response.content.decode()


def test_wrong_links_are_rate_limited(measurement):
    """Unknown tokens count against a generous budget per address."""
    anonymous = Client(REMOTE_ADDR="198.51.100.9")
    for n in range(rules.MAX_UNKNOWN_PER_CLIENT):
        assert anonymous.get(f"/tel-en-vertel/zelf/{'x' * 20}{n}/").status_code == 404
    assert anonymous.get(f"/tel-en-vertel/zelf/{'x' * 30}/").status_code == 429
    # Another address is not affected.
    assert Client(REMOTE_ADDR="198.51.100.10").get("/tel-en-vertel/zelf/abc/").status_code == 404


def test_valid_links_keep_working_behind_a_shared_address(users, measurement):
    """A shared NAT: many wrong links from one address do not block the valid ones from it."""
    professional = login(users[("own", "professional")])
    path = _make_link(professional, measurement)
    nat = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(rules.MAX_UNKNOWN_PER_CLIENT + 5):
        nat.get(f"/tel-en-vertel/zelf/{'y' * 20}{n}/")
    assert nat.get(f"/tel-en-vertel/zelf/{'y' * 30}/").status_code == 429
    assert nat.get(path).status_code == 200


def test_attempts_at_a_dead_link_count_against_that_link_only(users, measurement):
    professional = login(users[("own", "professional")])
    dead = _make_link(professional, measurement)
    SelfReportLink.objects.update(revoked=True)
    alive = _make_link(professional, measurement)
    nat = Client(REMOTE_ADDR="203.0.113.8")
    for _n in range(rules.MAX_TOKEN_FAILURES):
        assert nat.get(dead).status_code == 410
    assert nat.get(dead).status_code == 429
    assert nat.get(alive).status_code == 200


@pytest.mark.parametrize("days", ["0", "15", "30", "-1", "veel"])
def test_validity_out_of_range_is_refused_with_a_message(users, measurement, days):
    http = login(users[("own", "professional")])
    response = http.post(_base(measurement) + "/zelfrapportage/link/", {"days": days})
    assert response.status_code == 400
    assert "new_link" not in response.context
    assert "tussen 1 en 14 dagen" in response.content.decode()
    assert not SelfReportLink.objects.exists()


def test_a_link_opened_too_often_locks(users, measurement):
    path = _make_link(login(users[("own", "professional")]), measurement)
    SelfReportLink.objects.update(opens=rules.MAX_OPENS)
    response = Client().get(path)
    assert response.status_code == 410 and "te vaak geopend" in response.content.decode()
    # The opening that reached the limit showed the form: its answers are still taken, once.
    assert Client().post(path, {"score-housing": "3"}).status_code == 200
    assert Rating.objects.get(kind="self", item="housing").value == 3
    assert Client().post(path, {"score-housing": "1"}).status_code == 410


def test_an_empty_submission_is_refused_and_keeps_the_link(users, measurement):
    path = _make_link(login(users[("own", "professional")]), measurement)
    response = Client().post(path, {})
    assert response.status_code == 200 and response.context["error"]
    assert SelfReportLink.objects.get().used_at is None


def test_the_link_language_sets_the_page_language(users, measurement):
    path = _make_link(login(users[("own", "professional")]), measurement, language="en")
    html = Client().get(path).content.decode()
    assert "How are you doing?" in html and "Housing" in html


def test_professional_pages_are_closed_to_other_tenants_and_roles(
    users, measurement, foreign_project
):
    foreign = login(users[("foreign", "professional")])
    assert foreign.get(_base(measurement) + "/zelfrapportage/").status_code == 404
    policy = login(users[("own", "beleidsadviseur")])
    assert policy.get(_base(measurement) + "/zelfrapportage/").status_code == 403
    assert policy.post(_base(measurement) + "/zelfrapportage/link/").status_code == 403
    assert not SelfReportLink.objects.exists()


def test_erasure_removes_the_ratings_and_their_history(users, measurement, own_project):
    http = login(users[("own", "professional")])
    path = _make_link(http, measurement)
    Client().post(path, {"score-housing": "4"})
    assert Rating.history.model.objects.exists()
    participant = measurement.trajectory.participant
    erase = http.post(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{participant.pk}/wissen/",
        {"confirm": participant.code},
    )
    assert erase.status_code == 302
    assert not Rating.objects.exists()
    assert not Rating.history.model.objects.exists()
    assert not SelfReportLink.objects.exists()


def test_instrument_without_split_asks_no_split(users, measurement, monkeypatch):
    path = _make_link(login(users[("own", "professional")]), measurement)
    html = Client().get(path).content.decode()
    assert re.search(r'name="support-housing"', html)
    measurement.__class__.objects.filter(pk=measurement.pk).update(
        instrument="quality_of_life_check"
    )
    html = Client().get(path).content.decode()
    assert "support-" not in html


def test_the_subject_access_export_holds_the_own_and_agreed_scores(users, own_project):
    from io import StringIO

    from django.core.management import call_command

    trajectory = add_trajectory(own_project, {"housing": 2}, client="ZELF-1")
    measurement = trajectory.measurements.get()
    http = login(users[("own", "professional")])
    Client().post(
        _make_link(http, measurement), {"score-housing": "4", "support-housing": "network"}
    )
    http.post(_base(measurement) + "/zelfrapportage/afspraak/", {"score-housing": "onbekend"})
    out = StringIO()
    args = ["--project", str(own_project.pk), "--client-number", "ZELF-1", "--format", "csv"]
    call_command("export_participant", *args, stdout=out)
    csv = out.getvalue()
    assert "eigen score housing;4 (network)" in csv
    assert "afgesproken score housing;onbekend" in csv
    # The participant's own submission is in the access log the export shows.
    assert f"Zelfrapportage ingevuld door de deelnemer;{recording.SELF_REPORT_ACTOR}" in csv


def test_the_demo_has_self_reports_with_differences_and_agreed_scores(db):
    from proeftuin.demo.generator import generate
    from proeftuin.monitoring import selfreport_demo

    generate(projects=15, seed=2026)
    own = Rating.objects.filter(kind="self")
    assert own.values("measurement").distinct().count() == selfreport_demo.HOW_MANY
    assert Rating.objects.filter(kind="agreed").exists()
    assert SelfReportLink.objects.filter(used_at__isnull=False).count() == selfreport_demo.HOW_MANY
    assert AccessLog.objects.filter(action="self_report").count() == selfreport_demo.HOW_MANY
    assert own.filter(value__isnull=True).exists()  # weet ik niet is an answer


def test_one_self_report_per_measurement_a_new_link_ends_the_old_one(users, measurement):
    """Black-box finding: two links for one measurement, both used, the second overwrote the
    first answer although the thank-you page says nobody can change it."""
    http = login(users[("own", "professional")])
    first = _make_link(http, measurement)
    second = _make_link(http, measurement)
    assert Client().post(first, {"score-housing": "2"}).status_code == 410  # ended by the new one
    assert Client().post(second, {"score-housing": "2"}).status_code == 200
    third = _make_link(http, measurement)
    assert Client().post(third, {"score-housing": "5"}).status_code == 410
    assert Rating.objects.get(kind="self", item="housing").value == 2


def test_a_dead_english_link_says_why_in_english(users, measurement):
    path = _make_link(login(users[("own", "professional")]), measurement, language="en")
    SelfReportLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(path)
    html = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in html and 'lang="en"' in html
    assert "verlopen" not in html


def test_a_used_english_link_says_so_in_english_after_the_last_submission(users, measurement):
    path = _make_link(login(users[("own", "professional")]), measurement, language="en")
    anonymous = Client()
    assert anonymous.post(path, {"score-housing": "5"}).status_code == 200
    html = anonymous.post(path, {"score-housing": "1"}).content.decode()
    assert "already been used" in html and "al gebruikt" not in html


def test_the_rate_limit_and_unknown_link_pages_speak_both_languages(measurement):
    """The link is unknown (or not even looked up), so its language is too: both languages,
    and the page reveals nothing about whether a link exists."""
    anonymous = Client(REMOTE_ADDR="198.51.100.11")
    unknown = anonymous.get(f"/tel-en-vertel/zelf/{'y' * 22}/").content.decode()
    assert "Deze link bestaat niet" in unknown and "This link does not exist" in unknown
    for n in range(rules.MAX_UNKNOWN_PER_CLIENT):
        anonymous.get(f"/tel-en-vertel/zelf/{'y' * 20}{n:03d}/")
    limited = anonymous.get(f"/tel-en-vertel/zelf/{'y' * 30}/")
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "te veel verkeerde links" in html and "Too many wrong links" in html
