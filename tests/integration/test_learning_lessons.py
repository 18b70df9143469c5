"""Lessons, the end evaluation and the starting catalogue (issue 12, item 2)."""

from __future__ import annotations

import pytest
from integration_support import login

from proeftuin.assessments.models import Assessment
from proeftuin.learning.models import CloseOut, Lesson

LESSON = {
    "kind": "werkte",
    "title": "Eén vast aanspreekpunt per gezin",
    "text": "Gezinnen vertelden hun verhaal maar één keer.",
    "theme": "jeugd_gezin",
    "phase": "implementatie",
    "factor": "succesfactor",
    "characteristic": "effective_approach",
    "evidence_kind": "cijfer",
    "evidence_text": "8 van de 10 gezinnen hadden één plan.",
}


def scan_of(project, user) -> Assessment:
    return Assessment.objects.create(
        project=project,
        framework_id="four_plus_one",
        framework_version="1.0",
        kind="zelf",
        title="Zelfscan voorjaar",
        organisation=project.owner,
        created_by=user,
    )


@pytest.mark.django_db
def test_project_leader_records_a_lesson_with_tags_and_evidence(users, own_project):
    http = login(users[("own", "projectleider")])
    response = http.post(f"/leren/project/{own_project.pk}/lessen/nieuw/", LESSON)
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.project, lesson.characteristic, lesson.factor) == (
        own_project,
        "effective_approach",
        "succesfactor",
    )
    page = http.get(f"/leren/project/{own_project.pk}/").content.decode()
    assert "Eén vast aanspreekpunt per gezin" in page
    assert "8 van de 10 gezinnen" in page


@pytest.mark.django_db
def test_evidence_must_be_given_for_its_kind(users, own_project):
    http = login(users[("own", "projectleider")])
    for data in (
        {**LESSON, "evidence_text": ""},
        {**LESSON, "evidence_kind": "scan", "evidence_text": ""},
    ):
        response = http.post(f"/leren/project/{own_project.pk}/lessen/nieuw/", data)
        assert response.status_code == 200
    assert not Lesson.objects.exists()


@pytest.mark.django_db
def test_a_scan_of_another_project_cannot_be_the_evidence(users, own_project, foreign_project):
    foreign_scan = scan_of(foreign_project, users[("foreign", "projectleider")])
    own_scan = scan_of(own_project, users[("own", "projectleider")])
    http = login(users[("own", "projectleider")])
    data = {**LESSON, "evidence_kind": "scan", "evidence_assessment": foreign_scan.pk}
    response = http.post(f"/leren/project/{own_project.pk}/lessen/nieuw/", data)
    assert response.status_code == 200
    assert not Lesson.objects.exists()
    data["evidence_assessment"] = own_scan.pk
    assert http.post(f"/leren/project/{own_project.pk}/lessen/nieuw/", data).status_code == 302
    assert Lesson.objects.get().evidence_assessment == own_scan


@pytest.mark.django_db
def test_lessons_pass_the_identifier_guard(users, own_project):
    http = login(users[("own", "projectleider")])
    data = {**LESSON, "text": "Mevrouw de Vries, Dorpsstraat 12, was blij."}
    response = http.post(f"/leren/project/{own_project.pk}/lessen/nieuw/", data)
    assert response.status_code == 200
    assert not Lesson.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["professional", "financier", "onderzoeker"])
def test_roles_without_edit_cannot_record(users, own_project, role):
    http = login(users[(("own"), role)])
    assert http.post(f"/leren/project/{own_project.pk}/lessen/nieuw/", LESSON).status_code == 403
    assert http.get(f"/leren/project/{own_project.pk}/").status_code == 200


@pytest.mark.django_db
def test_end_evaluation_asks_the_4_plus_1_questions_and_keeps_one_per_project(users, own_project):
    http = login(users[("own", "beleidsadviseur")])
    page = http.get(f"/leren/project/{own_project.pk}/eindevaluatie/").content.decode()
    for question in ("Werkte de aanpak", "Wat heeft u gemeten", "Wie steunden", "Wie trokken"):
        assert question in page
    data = {
        "reason": "gestopt",
        "outcome": "gestopt",
        "q_effective_approach": "Deels.",
        "q_sustainability": "Geen structureel geld gevonden.",
    }
    assert http.post(f"/leren/project/{own_project.pk}/eindevaluatie/", data).status_code == 302
    data["outcome"] = "voortgezet"
    data["edit_version"] = CloseOut.objects.get().version  # a change names what it changes
    assert http.post(f"/leren/project/{own_project.pk}/eindevaluatie/", data).status_code == 302
    close_out = CloseOut.objects.get()
    assert close_out.outcome == "voortgezet"
    assert close_out.answers["sustainability"] == "Geen structureel geld gevonden."
    tab = http.get(f"/leren/project/{own_project.pk}/").content.decode()
    assert "Geen structureel geld gevonden." in tab
    report = http.get(f"/rapporten/project/{own_project.pk}.html").content.decode()
    assert "Geen structureel geld gevonden." in report


@pytest.mark.django_db
def test_end_evaluation_refuses_identifiers(users, own_project):
    http = login(users[("own", "beleidsadviseur")])
    data = {"reason": "afgerond", "outcome": "onbekend", "q_measuring": "BSN 111222333"}
    response = http.post(f"/leren/project/{own_project.pk}/eindevaluatie/", data)
    assert response.status_code == 200
    assert not CloseOut.objects.exists()


@pytest.mark.django_db
def test_foreign_project_tab_is_404(users, foreign_project):
    http = login(users[("own", "beheerder")])
    response = http.get(f"/leren/project/{foreign_project.pk}/")
    assert response.status_code == 404
    assert foreign_project.name.encode() not in response.content


@pytest.mark.django_db
def test_catalogue_lists_the_learning_points_with_sources_and_filters(users):
    http = login(users[("own", "financier")])
    page = http.get("/leren/lessen/catalogus/").content.decode()
    assert page.count("bron: 001 §3.4") == 11
    assert page.count("bron: 001 §4.2") == 17
    filtered = http.get("/leren/lessen/catalogus/?kenmerk=sustainability").content.decode()
    assert "bron: 001 §3.4" not in filtered
    assert "004 §5.1" in filtered


@pytest.mark.django_db
def test_a_scan_as_evidence_links_to_its_profile(users, own_project):
    scan = scan_of(own_project, users[("own", "projectleider")])
    http = login(users[("own", "projectleider")])
    data = {**LESSON, "evidence_kind": "scan", "evidence_assessment": scan.pk}
    assert http.post(f"/leren/project/{own_project.pk}/lessen/nieuw/", data).status_code == 302
    page = http.get(f"/leren/project/{own_project.pk}/").content.decode()
    assert f"/beoordelingen/project/{own_project.pk}/{scan.pk}/profiel/" in page
