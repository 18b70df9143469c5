"""The access log (issue 8, item 4): every participant-level URL logs who, organisation, role,
what, a subject key that survives erasure, IP and hashed session; the log is append-only and
hash-chained; purging keeps it verifiable; concurrent writers keep one chain."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.urls import URLPattern
from django.utils import timezone
from integration_support import login
from test_monitoring_builders import HX, add_trajectory, messy_workbook

from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import audit, case_recording, recording, services, urls
from proeftuin.monitoring.audit_models import AppendOnly
from proeftuin.monitoring.models import AccessLog, CaseEvent, ImportFile, Participant

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True


def _recipes(project, trajectory, import_file):
    """One request per participant-level URL name: (method, path, data, extra headers)."""
    base = f"/tel-en-vertel/project/{project.pk}"
    m = trajectory.measurements.order_by("measured_on").first()
    last = trajectory.measurements.order_by("measured_on").last()
    p = trajectory.participant_id
    t = trajectory.pk
    imp = f"{base}/import/{import_file.pk}"
    link, _token = recording.create_self_report_link(m, days=5, language="nl")
    event = case_recording.add_case_event(
        CaseEvent(lane="actual", service="Schuldhulp", started_on=trajectory.started_on),
        trajectory,
    )
    return {
        "rows_export": [("get", f"{base}/gegevens.csv", {}, {})],
        "participants": [
            ("get", f"{base}/deelnemers/", {}, {}),
            ("get", f"{base}/deelnemers/", {"client_number": "ONBEKEND-1"}, {}),
        ],
        "participant_new": [
            ("get", f"{base}/deelnemers/nieuw/", {}, {}),
            (
                "post",
                f"{base}/deelnemers/nieuw/",
                {"client_number": "NIEUW-7", "started_on": "2025-03-01"},
                {},
            ),
        ],
        "participant": [("get", f"{base}/deelnemers/{p}/", {}, {})],
        "trajectory_edit": [("get", f"{base}/trajecten/{t}/bewerken/", {}, {})],
        "measurement_new": [("get", f"{base}/trajecten/{t}/meting/nieuw/", {}, {})],
        "trajectory_add": [
            ("get", f"{base}/trajecten/{t}/verhaal/nieuw/", {}, {}),
            ("get", f"{base}/trajecten/{t}/zwaar-middel/nieuw/", {}, {}),
            ("get", f"{base}/trajecten/{t}/interventie/nieuw/", {}, {}),
        ],
        "entry": [("get", f"{base}/metingen/{m.pk}/", {}, {})],
        "scores": [("post", f"{base}/metingen/{m.pk}/scores/", {"score-housing": "3"}, HX)],
        "details": [("post", f"{base}/metingen/{m.pk}/gegevens/", {"professionals": "2"}, HX)],
        "case": [("get", f"{base}/trajecten/{t}/casusverloop/", {}, {})],
        "case_event_add": [
            (
                "post",
                f"{base}/trajecten/{t}/casusverloop/stap/",
                {"lane": "actual", "service": "Coach", "started_on": "2025-02-01", "units": "1"},
                {},
            )
        ],
        "case_reference": [
            (
                "post",
                f"{base}/trajecten/{t}/casusverloop/referentie/",
                {"reference": "crisis_path"},
                {},
            )
        ],
        "case_event_delete": [
            ("post", f"{base}/trajecten/{t}/casusverloop/stap/{event.pk}/verwijderen/", {}, {})
        ],
        "self_report": [("get", f"{base}/metingen/{m.pk}/zelfrapportage/", {}, {})],
        "self_report_link": [("post", f"{base}/metingen/{m.pk}/zelfrapportage/link/", {}, {})],
        "self_report_revoke": [
            ("post", f"{base}/metingen/{m.pk}/zelfrapportage/link/{link.pk}/intrekken/", {}, {})
        ],
        "self_report_agreed": [
            ("post", f"{base}/metingen/{m.pk}/zelfrapportage/afspraak/", {"score-housing": "3"}, {})
        ],
        "import": [("get", f"{base}/import/", {}, {})],
        "import_mapping": [("get", f"{imp}/koppeling/", {}, {})],
        "import_check": [("get", f"{imp}/controle/", {}, {})],
        "import_cancel": [("post", f"{imp}/annuleren/", {}, {})],
        "measurement_delete": [("post", f"{base}/metingen/{last.pk}/verwijderen/", {}, {})],
        "participant_erase": [
            ("post", f"{base}/deelnemers/{p}/wissen/", {"confirm": trajectory.participant.code}, {})
        ],
    }


def test_every_participant_level_url_logs_a_full_entry(users, own_project):
    trajectory = add_trajectory(own_project, {"housing": 2}, {"housing": 4})
    pseudonym = trajectory.participant.pseudonym
    user = users[("own", "projectleider")]
    http = login(user, REMOTE_ADDR="192.0.2.7")
    http.post(
        f"/tel-en-vertel/project/{own_project.pk}/import/",
        {
            "file": SimpleUploadedFile("monitor.xlsx", messy_workbook(), content_type=XLSX),
            "instrument": LIFE_DOMAINS,
        },
    )
    import_file = ImportFile.objects.get()
    recipes = _recipes(own_project, trajectory, import_file)
    names = {p.name for p in urls.urlpatterns if isinstance(p, URLPattern)}
    # A new URL must be walked here or declared non-participant in urls.py.
    assert names - set(recipes) - urls.NOT_PARTICIPANT_LEVEL == set()
    assert set(recipes) & urls.NOT_PARTICIPANT_LEVEL == set()
    session = audit.session_key_hash(http.session.session_key)
    # Walk in the order of the recipes (erasure last).
    for name, requests in recipes.items():
        for method, path, data, headers in requests:
            before = AccessLog.objects.count()
            response = getattr(http, method)(path, data, **headers)
            assert response.status_code < 400, (name, path, response.status_code)
            entries = list(AccessLog.objects.order_by("seq")[before:])
            assert entries, f"{name}: {method.upper()} {path} wrote no access-log entry"
            for entry in entries:
                assert entry.username == user.username
                assert entry.organisation == own_project.owner.name
                assert entry.organisation_key == str(own_project.owner_id)
                assert entry.role == "projectleider"
                assert entry.project_key == str(own_project.pk)
                assert entry.ip == "192.0.2.7"
                assert entry.session == session and len(session) == 32
                assert entry.operation == ("read" if method == "get" else "write")
    # The participant-level pages name their subject by key; erasure leaves the key in place.
    key = audit.subject_key(pseudonym)
    assert key != pseudonym and pseudonym not in key
    subject_actions = set(AccessLog.objects.filter(subject=key).values_list("action", flat=True))
    assert {
        "participant",
        "trajectory",
        "trajectory_add",
        "measurement",
        "measurement_new",
        "scores",
        "details",
        "measurement_delete",
        "erase",
        "self_report_view",
        "self_report_link",
        "agreed",
        "case_view",
        "case",
    } <= subject_actions
    assert not Participant.objects.filter(pseudonym=pseudonym).exists()
    assert AccessLog.objects.filter(subject=key).count() >= 9
    # Nothing in the log holds the pseudonym itself.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AccessLog._meta.db_table}")  # noqa: S608
        assert pseudonym not in repr(cursor.fetchall())
    assert audit.verify() is None


def test_a_lookup_and_the_new_participant_post_are_logged_found_or_not(users, own_project):
    trajectory = add_trajectory(own_project, {"housing": 2}, client="KNOWN-1")
    http = login(users[("own", "professional")])
    base = f"/tel-en-vertel/project/{own_project.pk}/deelnemers/"
    # A client number never goes in the URL: a GET does not search.
    assert http.get(base, {"client_number": "KNOWN-1"}).status_code == 200
    assert not AccessLog.objects.filter(action="participant_lookup").exists()
    assert http.post(base, {"client_number": "KNOWN-1"}).status_code == 302
    entry = AccessLog.objects.get(action="participant_lookup")
    assert entry.operation == "read"
    assert entry.subject == audit.subject_key(trajectory.participant.pseudonym)
    assert entry.detail == "gevonden"
    http.post(f"{base}nieuw/", {"client_number": "KNOWN-1", "started_on": "2025-05-01"})
    entry = AccessLog.objects.get(action="participant_new")
    assert entry.subject == audit.subject_key(trajectory.participant.pseudonym)
    assert entry.detail == "bestaande deelnemer" and entry.operation == "write"


def test_refused_requests_log_nothing(users, own_project):
    trajectory = add_trajectory(own_project, {"housing": 2})
    foreign = login(users[("foreign", "professional")])
    path = f"/tel-en-vertel/project/{own_project.pk}/trajecten/{trajectory.pk}/bewerken/"
    assert foreign.get(path).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_log_is_append_only(users, own_project):
    services.log_access(None, AccessLog.Action.PARTICIPANT_LIST, own_project)
    entry = AccessLog.objects.get()
    entry.detail = "anders"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AccessLog.objects.filter(pk=entry.pk).update(detail="anders")
    with pytest.raises(AppendOnly):
        AccessLog.objects.all().delete()
    # Deleting the project only unlinks the convenience key; the chain holds.
    own_project.delete()
    assert AccessLog.objects.get().project_key != ""
    assert audit.verify() is None


def test_outside_a_request_the_log_names_the_command_line(own_project):
    services.log_access(None, AccessLog.Action.EXPORT_PARTICIPANT, own_project, detail="x")
    entry = AccessLog.objects.get()
    assert entry.ip == "cli" and entry.username.startswith("cli:")
    assert entry.organisation_key == str(own_project.owner_id)


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("attack", ["change", "remove_middle", "remove_last"])
def test_verify_reports_the_first_broken_link(own_project, attack):
    for n in range(5):
        services.log_access(None, AccessLog.Action.PARTICIPANT_LIST, own_project, detail=str(n))
    out = StringIO()
    call_command("verify_access_log", stdout=out)
    assert "5" in out.getvalue()
    table = AccessLog._meta.db_table
    if attack == "change":
        _tamper(f"UPDATE {table} SET detail = %s WHERE seq = 3", ["vervalst"])  # noqa: S608
        expected = "3"
    elif attack == "remove_middle":
        _tamper(f"DELETE FROM {table} WHERE seq = 2", [])  # noqa: S608
        expected = "2"
    else:
        _tamper(f"DELETE FROM {table} WHERE seq = 5", [])  # noqa: S608
        expected = "5"
    with pytest.raises(CommandError) as raised:
        call_command("verify_access_log", stdout=StringIO())
    assert f"volgnummer {expected}" in str(raised.value)


def test_purge_keeps_the_chain_verifiable(own_project, settings):
    settings.PROEFTUIN_ACCESS_LOG_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=40)
    for n in range(3):
        AccessLog.objects.create(
            username="oud", action=AccessLog.Action.PARTICIPANT, at=old, detail=str(n)
        )
    services.log_access(None, AccessLog.Action.PARTICIPANT_LIST, own_project)
    call_command("purge_access_log", stdout=StringIO())
    assert list(AccessLog.objects.order_by("seq").values_list("action", flat=True)) == [
        "participant_list",
        "purge",
    ]
    assert audit.verify() is None
    call_command("verify_access_log", stdout=StringIO())


def test_access_log_for_organisation_is_scoped(users, own_project, foreign_project):
    login(users[("own", "professional")]).get(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/"
    )
    login(users[("foreign", "professional")]).get(
        f"/tel-en-vertel/project/{foreign_project.pk}/deelnemers/"
    )
    own = audit.access_log_for_organisation(own_project.owner)
    assert [e.username for e in own] == [users[("own", "professional")].username]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(own_org):
    errors: list[Exception] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                services.log_access(None, AccessLog.Action.PARTICIPANT_LIST, detail=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert list(AccessLog.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 41)
    )
    assert audit.verify() is None


def test_the_proeftuin_command_verifies_and_reports_a_break(own_project, capsys):
    from proeftuin import cli

    services.log_access(None, AccessLog.Action.PARTICIPANT_LIST, own_project)
    assert cli.main(["accesslog", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    _tamper(f"UPDATE {AccessLog._meta.db_table} SET username = %s", ["iemand"])  # noqa: S608
    assert cli.main(["accesslog", "verify"]) == 1
    assert "volgnummer 1" in capsys.readouterr().err
    assert cli.main(["accesslog", "purge", "--days", "3650"]) == 0


WRITER = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "proeftuin.settings.test"
django.setup()
from proeftuin.monitoring import services
from proeftuin.monitoring.models import AccessLog
for i in range(15):
    services.log_access(None, AccessLog.Action.PARTICIPANT_LIST, detail=f"{sys.argv[1]}-{i}")
"""


def test_processes_writing_to_one_sqlite_file_keep_one_chain(tmp_path):
    """Separate processes on a file database: SQLite's write lock (taken by the head UPDATE)
    serialises the appends; no in-process lock is involved."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "PROEFTUIN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "proeftuin.settings.test",
    }
    manage = [sys.executable, "-m", "django"]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(n)], env=env) for n in range(3)]
    assert [w.wait(timeout=300) for w in writers] == [0, 0, 0]
    result = subprocess.run(
        [*manage, "verify_access_log"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "volgnummer 1 t/m 45" in result.stdout


def test_production_never_uses_the_development_log_key(tmp_path):
    from test_security import run_django

    shell = "from django.conf import settings; print(settings.PROEFTUIN_ACCESS_LOG_KEY)"
    env = {"DJANGO_SECRET_KEY": "x" * 64, "PROEFTUIN_VAR_DIR": str(tmp_path)}
    derived = run_django("shell", "-c", shell, **env)
    assert derived.returncode == 0, derived.stderr
    key = derived.stdout.strip().splitlines()[-1]
    assert "dev-only" not in key and len(key) == 64
    short = run_django("shell", "-c", shell, PROEFTUIN_ACCESS_LOG_KEY="kort", **env)
    assert short.returncode != 0 and "PROEFTUIN_ACCESS_LOG_KEY" in short.stderr


@pytest.mark.parametrize("by", [None, "user"])
def test_an_erasure_outside_a_request_is_logged_by_its_subject_key(users, own_project, by):
    """A command, a job or a script erases without a request: the participant row is gone by
    the time the entry is written, so the entry keeps the subject key and no link (as the
    request path does), instead of failing on the deleted row."""
    trajectory = add_trajectory(own_project, {"Wonen": 2}, {"Wonen": 4})
    person = trajectory.participant
    expected = audit.subject_key(person.pseudonym)
    actor = users[("own", "projectleider")] if by == "user" else None
    recording.erase_participant(own_project, person, by=actor)
    assert not Participant.objects.filter(pk=person.pk).exists()
    entry = AccessLog.objects.get(action=AccessLog.Action.ERASE)
    assert entry.subject == expected and entry.participant_id is None
    assert entry.operation == AccessLog.Operation.WRITE
    assert audit.verify() is None


def test_an_erasure_keeps_the_link_to_a_participant_an_unpublished_import_marks(own_project):
    """The participant stays (a trajectory in another project) but is marked by an import
    still merging, which the default manager hides: the entry must still link to them."""
    from integration_support import make_project

    from proeftuin.monitoring.models import ImportBatch, Trajectory

    other = make_project(own_project.owner, "Een tweede proeftuin")
    trajectory = add_trajectory(own_project, {"Wonen": 2}, {"Wonen": 4})
    person = trajectory.participant
    Trajectory.objects.create(participant=person, project=other, started_on=trajectory.started_on)
    batch = ImportBatch.objects.create(project=other)  # merging: not published
    Participant.all_objects.filter(pk=person.pk).update(import_batch=batch)
    recording.erase_participant(own_project, person)
    entry = AccessLog.objects.get(action=AccessLog.Action.ERASE)
    assert entry.participant_id == person.pk
    assert entry.subject == audit.subject_key(person.pseudonym)
