"""A save without its version token is stale, everywhere: two stale saves, one wins, the other is
told. A POST that leaves out ``edit_version`` (or ``was-<domain>`` on the entry screen) must never
overwrite a colleague's committed save."""

from __future__ import annotations

import pytest
from integration_support import form_data, login
from test_monitoring_builders import HX, add_trajectory

from proeftuin.monitoring.models import Score
from proeftuin.portfolio.models import CoalitionMember, Goal, Project

STALE = "Iemand anders heeft dit intussen gewijzigd"


@pytest.fixture
def adviser(users):
    return login(users[("own", "beleidsadviseur")])


@pytest.fixture
def leader(users):
    return login(users[("own", "projectleider")])


def _edit_url(project: Project, kind: str) -> tuple[str, object, str, str]:
    """(url, the row, a text field, its current value) for one editable portfolio object."""
    if kind == "project":
        return f"/projecten/{project.pk}/bewerken/", project, "name", project.name
    if kind == "financiering":
        row = project.funding_streams.get()
        field = "label"
    elif kind == "doelen":
        row = Goal.objects.filter(project=project).get()
        field = "text"
    else:
        row = CoalitionMember.objects.filter(project=project).get()
        field = "contact_person"
    return f"/projecten/{project.pk}/{kind}/{row.pk}/bewerken/", row, field, getattr(row, field)


@pytest.mark.parametrize("kind", ["project", "financiering", "doelen", "coalitie"])
def test_a_save_without_edit_version_is_refused_as_stale(adviser, leader, own_project, kind):
    url, row, field, _before = _edit_url(own_project, kind)
    extra = {"change_reason": "Bijgesteld"} if kind == "doelen" else {}
    first = form_data(adviser.get(url), **{field: "Versie van de adviseur"}, **extra)
    second = form_data(leader.get(url), **{field: "Versie zonder versie"}, **extra)
    second.pop("edit_version", None)
    assert adviser.post(url, first).status_code == 302
    response = leader.post(url, second)
    assert response.status_code == 200
    assert STALE in response.content.decode()
    row.refresh_from_db()
    assert getattr(row, field) == "Versie van de adviseur"


def test_trajectory_and_measurement_details_without_edit_version_are_stale(users, own_project):
    t = add_trajectory(own_project, {})
    m = t.measurements.get()
    http = login(users[("own", "professional")])
    base = f"/tel-en-vertel/project/{own_project.pk}"
    response = http.post(
        f"{base}/trajecten/{t.pk}/bewerken/",
        {
            "started_on": t.started_on.isoformat(),
            "ended_on": "2025-06-20",
            "end_reason": "according_to_plan",
            "continues_without_help": "true",
            "referred": "unknown",
        },
    )
    assert response.status_code == 200
    assert STALE in response.content.decode()
    t.refresh_from_db()
    assert t.ended_on is None
    details = http.post(
        f"{base}/metingen/{m.pk}/gegevens/",
        {"measured_on": m.measured_on.isoformat(), "moment": "baseline", "professionals": "9"},
        **HX,
    )
    assert "Niet opgeslagen" in details.content.decode()
    m.refresh_from_db()
    assert m.professionals != 9


def test_a_score_without_was_is_refused_after_a_colleagues_save(users, own_project):
    t = add_trajectory(own_project, {})
    m = t.measurements.get()
    url = f"/tel-en-vertel/project/{own_project.pk}/metingen/{m.pk}/scores/"
    colleague = login(users[("own", "professional")])
    other = login(users[("own", "projectleider")])
    assert (
        "Opgeslagen om"
        in colleague.post(url, {"score-housing": "5", "was-housing": ""}, **HX).content.decode()
    )
    late = other.post(url, {"score-housing": "1"}, **HX)
    assert "Niet opgeslagen" in late.content.decode()
    assert Score.objects.get(measurement=m, item="housing").value == 5


def test_every_versioned_model_refuses_a_save_of_an_existing_row_without_a_version(own_project):
    """The rule lives in ``VersionedModel.save_checked``, which every versioned form uses."""
    from proeftuin.common.versioning import StaleEdit

    own_project.name = "Zonder versie"
    with pytest.raises(StaleEdit):
        own_project.save_checked(None)
    own_project.refresh_from_db()
    assert own_project.name != "Zonder versie"
    own_project.name = "Met versie"
    own_project.save_checked(own_project.version)
    own_project.refresh_from_db()
    assert own_project.name == "Met versie"


def test_two_stale_trajectory_edits_one_wins_the_other_is_told(users, own_project):
    t = add_trajectory(own_project, {})
    base = f"/tel-en-vertel/project/{own_project.pk}/trajecten/{t.pk}/bewerken/"
    first, second = login(users[("own", "professional")]), login(users[("own", "projectleider")])

    def data(reason: str) -> dict:
        return {
            "started_on": t.started_on.isoformat(),
            "ended_on": "2025-06-20",
            "end_reason": reason,
            "continues_without_help": "true",
            "referred": "unknown",
            "edit_version": str(t.version),
        }

    assert first.post(base, data("according_to_plan")).status_code == 302
    told = second.post(base, data("dropped_out"))
    assert told.status_code == 200 and STALE in told.content.decode()
    t.refresh_from_db()
    assert t.end_reason == "according_to_plan"
