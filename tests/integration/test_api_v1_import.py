"""API v1 import of monitoring rows: the screen's intake (upload → check → job → status)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from integration_support import login

from proeftuin.api import tokens
from proeftuin.monitoring.models import AccessLog, ImportFile, Measurement

GOOD = (
    "Cliëntnummer;Datum;Meetmoment;Wonen;Financiën\n"
    "C1;01-02-2025;0-meting;3;2\n"
    "C2;03-02-2025;0-meting;4;2\n"
).encode()
BAD = ("Cliëntnummer;Datum;Meetmoment;Wonen\nC1;31-02-2025;0-meting;3\n").encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True


def upload(http, project, name: str, content: bytes):
    return http.post(
        f"/api/v1/projecten/{project.pk}/imports",
        {"bestand": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_upload_confirm_and_poll_the_job(users, own_project):
    http = login(users[("own", "projectleider")])
    created = upload(http, own_project, "metingen.csv", GOOD)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "uploaded" and body["bestandsnaam"] == "metingen.csv"
    assert http.get(created["Location"]).json()["id"] == body["id"]
    confirmed = http.post(f"{created['Location']}/bevestiging", {}, content_type="application/json")
    assert confirmed.status_code == 202, confirmed.content
    job = http.get(confirmed["Location"]).json()
    assert job["klaar"] is True and job["status"] == "done"
    assert Measurement.objects.filter(trajectory__project=own_project).count() >= 2
    # Logged as the screen's steps are.
    actions = set(AccessLog.objects.filter(project=own_project).values_list("action", flat=True))
    assert {AccessLog.Action.IMPORT_UPLOAD, AccessLog.Action.IMPORT_CHECK} <= actions
    # Confirming twice is a conflict, not a second import.
    again = http.post(f"{created['Location']}/bevestiging", {}, content_type="application/json")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"


def test_errors_are_a_problem_naming_row_and_column_and_nothing_is_written(users, own_project):
    http = login(users[("own", "projectleider")])
    created = upload(http, own_project, "fout.csv", BAD)
    response = http.post(f"{created['Location']}/bevestiging", {}, content_type="application/json")
    assert response.status_code == 400
    names = [p["name"] for p in response.json()["invalidParams"]]
    assert any("rij 2" in n for n in names), names
    assert not Measurement.objects.filter(trajectory__project=own_project, scores__value=3).exists()
    assert ImportFile.objects.get().status == "mapped"


def test_wrong_file_type_is_400_and_roles_without_monitor_get_403(users, own_project):
    leader = login(users[("own", "projectleider")])
    response = upload(leader, own_project, "notities.txt", b"hallo")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "bestand"
    adviser = login(users[("own", "beleidsadviseur")])
    assert upload(adviser, own_project, "metingen.csv", GOOD).status_code == 403


def test_no_token_can_import(users, own_project):
    """A token's role never exceeds the beheerder's, who has no monitor capability."""
    _token, secret = tokens.issue(
        users[("own", "beheerder")],
        name="x",
        role="beleidsadviseur",
        scopes=["tel-en-vertel:schrijven"],
        days=1,
    )
    from django.test import Client

    http = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert upload(http, own_project, "metingen.csv", GOOD).status_code == 403


def test_foreign_import_is_404(users, own_project, foreign_project):
    foreign = login(users[("foreign", "projectleider")])
    created = upload(foreign, foreign_project, "metingen.csv", GOOD)
    assert created.status_code == 201
    own = login(users[("own", "projectleider")])
    pk = created.json()["id"]
    assert own.get(f"/api/v1/projecten/{own_project.pk}/imports/{pk}").status_code == 404
    assert own.get(f"/api/v1/projecten/{foreign_project.pk}/imports/{pk}").status_code == 404


def test_upload_with_a_mapping_template_uses_its_mapping(users, own_project):
    from proeftuin.core.instruments import LIFE_DOMAINS
    from proeftuin.monitoring.models import MappingTemplate

    http = login(users[("own", "projectleider")])
    first = upload(http, own_project, "metingen.csv", GOOD)
    suggested = ImportFile.objects.get(pk=first.json()["id"]).suggestion["mapping"]
    template = MappingTemplate.objects.create(
        project=own_project, name="Standaard", instrument=LIFE_DOMAINS, mapping=suggested
    )
    response = http.post(
        f"/api/v1/projecten/{own_project.pk}/imports",
        {
            "bestand": SimpleUploadedFile("tweede.csv", GOOD, content_type="text/csv"),
            "sjabloon": template.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert ImportFile.objects.get(pk=response.json()["id"]).mapping == suggested
    other = http.post(
        f"/api/v1/projecten/{own_project.pk}/imports",
        {"bestand": SimpleUploadedFile("derde.csv", GOOD), "sjabloon": 999999},
    )
    assert other.status_code == 400
    assert other.json()["invalidParams"][0]["name"] == "sjabloon"
