"""Importing a project leader's own spreadsheet: upload, suggested mapping, dry run, background
commit; atomic, idempotent, privacy-preserving, and never a server error on bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from integration_support import login
from test_monitoring_builders import HX, messy_workbook

from proeftuin.core import intake
from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import importer, jobs, recording, services
from proeftuin.monitoring.models import (
    ImportFile,
    Job,
    MappingTemplate,
    Measurement,
    Pair,
    Participant,
    Score,
    Story,
    Trajectory,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True


@pytest.fixture
def leader(users):
    return login(users[("own", "projectleider")])


def imports_dir() -> Path:
    return jobs.imports_dir()


def upload(http, project, name: str, content: bytes, template=None, previous=None):
    data = {
        "file": SimpleUploadedFile(name, content, content_type=XLSX),
        "instrument": LIFE_DOMAINS,
    }
    if template is not None:
        data["template"] = template.pk
    if previous is not None:
        data["previous"] = previous.pk
    return http.post(f"/tel-en-vertel/project/{project.pk}/import/", data)


def browser_mapping(response, fixes: dict[str, str] | None = None, **extra) -> dict:
    """What the mapping form posts when the user accepts the shown values, with ``fixes``
    (header ending → target) applied as a user would correct them."""
    data = dict(extra)
    for sheet in response.context["sheets"]:
        i = sheet["index"]
        if sheet["sheet"].include:
            data[f"s{i}-include"] = "on"
        data[f"s{i}-phase"] = sheet["sheet"].phase or ""
        for column in sheet["columns"]:
            j = column["index"]
            value = column["value"]
            for ending, target in (fixes or {}).items():
                if column["c"].header.endswith(ending):
                    value = target
            data[f"s{i}-c{j}-target"] = value
            data[f"s{i}-c{j}-phase"] = column["c"].phase or ""
    return data


def nothing_written():
    return not (
        Participant.objects.exists()
        or Trajectory.objects.exists()
        or Measurement.objects.exists()
        or Score.objects.exists()
        or Pair.objects.exists()
    )


# --- the messy workbook, as a new user would do it -----------------------------------------------------


def test_messy_workbook_imports_after_suggested_mapping_and_fixing_the_error(leader, own_project):
    base = f"/tel-en-vertel/project/{own_project.pk}"
    response = upload(leader, own_project, "monitor wijkteam.xlsx", messy_workbook())
    import_file = ImportFile.objects.get()
    assert response["Location"] == f"{base}/import/{import_file.pk}/koppeling/"
    stored = imports_dir() / import_file.stored_name
    assert stored.exists() and "monitor" not in import_file.stored_name  # a random name

    # The suggestion: the merged group row gives each score column its measurement moment.
    mapping_page = leader.get(response["Location"])
    assert mapping_page.status_code == 200
    columns = {
        c["c"].header: (c["value"], c["c"].phase)
        for s in mapping_page.context["sheets"]
        for c in s["columns"]
    }
    assert columns["Deelnemer / Cliëntnummer"][0] == "client_number"
    assert columns["0-meting / Wonen"] == ("score:housing", "baseline")
    assert columns["Eindmeting / Financiën"] == ("score:finances", "end")
    assert columns["0-meting / Aantal hulpverleners"] == ("professionals", "baseline")
    sheets = {s["sheet"].name: s["sheet"].include for s in mapping_page.context["sheets"]}
    assert sheets == {"Deelnemers 2025": True, "Toelichting": False}

    # The user checks the suggestion, makes sure Wijk and Reden einde are right, saves a template.
    fixes = {"/ Wijk": "neighbourhood", "/ Reden einde": "end_reason"}
    confirmed = leader.post(
        response["Location"],
        browser_mapping(mapping_page, fixes, template_name="Monitor wijkteam"),
    )
    assert confirmed["Location"] == f"{base}/import/{import_file.pk}/controle/"
    template = MappingTemplate.objects.get(project=own_project, name="Monitor wijkteam")

    # The dry run lists the bad score by file, sheet, row and column, and writes nothing.
    check = leader.get(confirmed["Location"])
    assert check.status_code == 200
    assert not check.context["ok"] and check.context["error_count"] == 1
    error = check.context["errors"][0]
    assert (error["file"], error["sheet"], error["row"]) == (
        "monitor wijkteam.xlsx",
        "Deelnemers 2025",
        10,
    )
    assert error["column"].startswith("L") and "7" in error["reason"]
    assert "Deelnemers 2025" in check.content.decode()
    assert nothing_written()
    refused = leader.post(confirmed["Location"])
    assert refused.status_code == 200 and nothing_written() and not Job.objects.exists()

    # The user fixes the cell and uploads again, this time with the saved template.
    response = upload(
        leader, own_project, "monitor wijkteam.xlsx", messy_workbook(bad_score=False), template
    )
    second = ImportFile.objects.latest("pk")
    mapping_page = leader.get(response["Location"])
    assert mapping_page.context["from_template"]
    leader.post(response["Location"], browser_mapping(mapping_page))
    check = leader.get(f"{base}/import/{second.pk}/controle/")
    assert check.context["ok"], check.context["errors"]
    assert (check.context["participant_count"], check.context["measurement_count"]) == (12, 24)
    assert nothing_written()  # still only a dry run
    started = leader.post(f"{base}/import/{second.pk}/controle/")
    job = Job.objects.get()
    assert started["Location"] == f"{base}/taken/{job.pk}/"
    job_page = leader.get(started["Location"])
    assert job.status == "done" and "Import voltooid" in job_page.content.decode()

    # What arrived: dd-mm-jjjj dates, decimal commas, onbekend, the neighbourhoods, the reason.
    assert Participant.objects.count() == 12 and Measurement.objects.count() == 24
    assert set(Participant.objects.values_list("neighbourhood", flat=True)) == {"Oost", "Centrum"}
    assert Trajectory.objects.filter(end_reason="according_to_plan").count() == 4
    first = Measurement.objects.get(trajectory__started_on=date(2025, 1, 1), moment="baseline")
    assert first.measured_on == date(2025, 1, 1) and first.professionals == 4
    assert dict(first.scores.values_list("item", "value")) == {
        "housing": 2,
        "finances": 2,
        "mental_health": 3,
    }
    end = Measurement.objects.get(trajectory=first.trajectory, moment="end")
    assert end.measured_on == date(2025, 6, 1)
    assert dict(end.scores.values_list("item", "value"))["mental_health"] is None  # onbekend
    # The upload is gone, the pairs are there, and the tab shows the figures.
    assert not list(imports_dir().iterdir())
    tab = leader.get(f"{base}/")
    housing = next(r["g"] for r in tab.context["effect_rows"] if r["key"] == "housing")
    assert housing.n == 12 and housing.mean_change == pytest.approx(2.0)


def test_a_corrected_file_reuses_the_confirmed_mapping(leader, own_project):
    """Fix the cell, upload again from the check page: no need to map every column again."""
    base = f"/tel-en-vertel/project/{own_project.pk}"
    response = upload(leader, own_project, "monitor.xlsx", messy_workbook())
    first = ImportFile.objects.get()
    mapping_page = leader.get(response["Location"])
    fixes = {"/ Wijk": "neighbourhood", "/ Reden einde": "end_reason"}
    leader.post(response["Location"], browser_mapping(mapping_page, fixes))
    first.refresh_from_db()
    check = leader.get(f"{base}/import/{first.pk}/controle/").content.decode()
    assert f"/import/?vorige={first.pk}" in check

    page = leader.get(f"{base}/import/?vorige={first.pk}").content.decode()
    assert "verbeterde versie van monitor.xlsx" in page
    response = upload(
        leader, own_project, "monitor.xlsx", messy_workbook(bad_score=False), previous=first
    )
    second = ImportFile.objects.latest("pk")
    assert second.pk != first.pk and second.mapping == first.mapping
    mapping_page = leader.get(response["Location"])
    leader.post(response["Location"], browser_mapping(mapping_page))
    assert leader.get(f"{base}/import/{second.pk}/controle/").context["ok"]


def test_reimporting_the_same_file_creates_no_duplicates(own_project, tmp_path):
    path = tmp_path / "monitor.xlsx"
    path.write_bytes(messy_workbook(bad_score=False))
    instrument = services.instrument(LIFE_DOMAINS)
    mapping = intake.suggest_mapping(path, instrument).mapping

    def run():
        result = intake.dry_run(
            path,
            mapping,
            instrument,
            secret=services.pseudonym_secret(),
            scope=services.scope_for(own_project.owner_id),
        )
        return recording.import_records(own_project, result, instrument)

    first = run()
    counts = [m.objects.count() for m in (Participant, Trajectory, Measurement, Score, Pair)]
    second = run()
    assert [
        m.objects.count() for m in (Participant, Trajectory, Measurement, Score, Pair)
    ] == counts
    assert first["measurements_created"] == 24 and second["measurements_created"] == 0
    # Nothing in the file differs from what is stored: nothing is reported as updated.
    assert second["measurements_updated"] == 0 and second["measurements_unchanged"] == 24
    assert second["participants_created"] == 0 and second["scores_updated"] == 0


# --- atomic: one failing row rolls everything back --------------------------------------------------


def _checked(project, tmp_path):
    path = tmp_path / "monitor.xlsx"
    path.write_bytes(messy_workbook(bad_score=False))
    instrument = services.instrument(LIFE_DOMAINS)
    result = intake.dry_run(
        path,
        intake.suggest_mapping(path, instrument).mapping,
        instrument,
        secret=services.pseudonym_secret(),
        scope=services.scope_for(project.owner_id),
    )
    assert result.ok
    return result, instrument


@pytest.mark.parametrize("failure", ["unknown domain", "database constraint"])
def test_commit_is_atomic(own_project, tmp_path, monkeypatch, failure):
    result, instrument = _checked(own_project, tmp_path)
    original = result.iter_records

    def broken():
        for index, record in enumerate(original()):
            if index == 17:  # well after the first rows were written
                if failure == "unknown domain":
                    record["scores"] = {"no_such_domain": 3}
                else:
                    record["professionals"] = -1  # CHECK (professionals >= 0) in the database
            yield record

    # The import reads the records as a sequence (made per merge step): the broken one is in it.
    monkeypatch.setattr(result, "record_sequence", lambda: list(broken()))
    expected = importer.ImportFailed if failure == "unknown domain" else IntegrityError
    with pytest.raises(expected):
        recording.import_records(own_project, result, instrument)
    assert nothing_written()


def test_a_failing_job_reports_and_writes_nothing(leader, own_project):
    base = f"/tel-en-vertel/project/{own_project.pk}"
    response = upload(leader, own_project, "monitor.xlsx", messy_workbook(bad_score=False))
    mapping_page = leader.get(response["Location"])
    leader.post(response["Location"], browser_mapping(mapping_page))
    import_file = ImportFile.objects.get()
    # The file changes on disk between the check and the commit: the job checks again.
    (imports_dir() / import_file.stored_name).write_bytes(messy_workbook(bad_score=True))
    import_file.status = "mapped"
    import_file.save()
    jobs.start_import(import_file, None)
    job = Job.objects.get()
    assert job.status == "failed" and "7" in job.message
    assert nothing_written()
    assert not (imports_dir() / import_file.stored_name).exists()
    page = leader.get(f"{base}/taken/{job.pk}/").content.decode()
    assert "er is niets opgeslagen" in page


# --- privacy: BSN and name columns ------------------------------------------------------------------------


BSN_CSV = (
    "Cliëntnummer;BSN;Naam;Datum;Meetmoment;Wonen\n"
    "C1;111222333;Jan Jansen;01-02-2025;0-meting;3\n"
    "C2;123456782;Fatma Yilmaz;01-02-2025;0-meting;2\n"
    "C3;111222333;Piet de Boer;03-02-2025;0-meting;4\n"
).encode()


@pytest.mark.parametrize("choice", ["drop", "hash"])
def test_bsn_and_name_columns_are_refused_unless_dropped_or_hashed(leader, own_project, choice):
    base = f"/tel-en-vertel/project/{own_project.pk}"
    response = upload(leader, own_project, "clienten.csv", BSN_CSV)
    mapping_page = leader.get(response["Location"])
    flagged = {
        c["c"].header: c["sensitive"] for s in mapping_page.context["sheets"] for c in s["columns"]
    }
    assert flagged["BSN"] == "bsn" and flagged["Naam"] == "name"
    assert "Jan Jansen" not in mapping_page.content.decode()  # samples of sensitive columns hidden
    import_file = ImportFile.objects.get()
    leader.post(response["Location"], browser_mapping(mapping_page))
    check = leader.get(f"{base}/import/{import_file.pk}/controle/")
    reasons = " ".join(e["reason"] for e in check.context["errors"])
    assert not check.context["ok"] and "BSN" in reasons and "namen" in reasons
    assert nothing_written()
    # Mapped to drop (or hash) they are accepted, and neither value is stored anywhere.
    fixes = {"BSN": choice, "Naam": "drop"}
    leader.post(f"{base}/import/{import_file.pk}/koppeling/", browser_mapping(mapping_page, fixes))
    check = leader.get(f"{base}/import/{import_file.pk}/controle/")
    assert check.context["ok"], check.context["errors"]
    leader.post(f"{base}/import/{import_file.pk}/controle/")
    assert Job.objects.get().status == "done"
    assert Participant.objects.count() == 3
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith("monitoring_"):
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
                dump = repr(cursor.fetchall())
                for secret in ("111222333", "123456782", "Jan Jansen", "Yilmaz", "C1"):
                    assert secret not in dump, (table, secret)
    # "hash" stores a keyed hash (HMAC under the installation's secret, its own scope), so two
    # participants with the same BSN can be linked without the BSN; "drop" stores nothing.
    stored = [p.linking_keys for p in Participant.objects.order_by("pk")]
    if choice == "drop":
        assert stored == [{}, {}, {}]
    else:
        expected = services.linking_key_for(own_project.owner_id, "bsn", "111222333")
        assert [keys.get("bsn") for keys in stored].count(expected) == 2
        assert len({keys["bsn"] for keys in stored}) == 2


# --- the dry run lists every error and writes nothing -------------------------------------------------------


def test_dry_run_lists_every_error_and_writes_nothing(leader, own_project):
    content = (
        "Cliëntnummer;Datum;Meetmoment;Wonen;Financiën\n"
        "C1;01-02-2025;0-meting;3;2\n"
        "C2;31-02-2025;0-meting;3;2\n"
        "C3;01-02-2099;0-meting;3;2\n"
        "C4;01-02-2025;0-meting;8;2\n"
        "C5;01-02-2025;0-meting;drie;2\n"
        "C6;01-02-2025;0-meting;=1+1;2\n"
        "C1;01-02-2025;0-meting;3;2\n"
    ).encode()
    base = f"/tel-en-vertel/project/{own_project.pk}"
    response = upload(leader, own_project, "fouten.csv", content)
    mapping_page = leader.get(response["Location"])
    leader.post(response["Location"], browser_mapping(mapping_page))
    check = leader.get(f"{base}/import/{ImportFile.objects.get().pk}/controle/")
    errors = check.context["errors"]
    assert {e["row"] for e in errors} >= {3, 4, 5, 6, 7, 8}
    assert all(e["file"] == "fouten.csv" and e["reason"] for e in errors)
    page = check.content.decode()
    assert "Wat te doen" in page and "=1+1" not in page.replace("&#x27;", "'").split("<tbody>")[0]
    assert nothing_written()


# --- upload handling -----------------------------------------------------------------------------------------


def test_upload_refuses_wrong_types_and_large_files(leader, own_project, monkeypatch):
    response = upload(leader, own_project, "notities.txt", b"hallo")
    assert response.status_code == 200 and response.context["form"].errors["file"]
    monkeypatch.setattr("proeftuin.monitoring.forms.MAX_UPLOAD_BYTES", 10)
    response = upload(leader, own_project, "groot.csv", b"x" * 11)
    assert "25 MB" in response.context["form"].errors["file"][0]
    assert not ImportFile.objects.exists()


def test_a_disguised_or_broken_file_gets_a_clear_error_not_a_server_error(leader, own_project):
    response = upload(leader, own_project, "monitor.xlsx", b"PK\x03\x04 dit is geen werkmap")
    page = leader.get(response["Location"])
    assert page.status_code == 200
    assert page.context["file_errors"]
    assert 'role="alert"' in page.content.decode()


def test_cancel_deletes_the_upload(leader, own_project):
    response = upload(leader, own_project, "monitor.xlsx", messy_workbook())
    import_file = ImportFile.objects.get()
    stored = imports_dir() / import_file.stored_name
    assert stored.exists()
    leader.post(f"/tel-en-vertel/project/{own_project.pk}/import/{import_file.pk}/annuleren/")
    assert not stored.exists()
    import_file.refresh_from_db()
    assert import_file.status == "cancelled"
    assert leader.get(response["Location"]).status_code == 302  # the mapping step is closed


# --- the background job and its progress page -------------------------------------------------------------


def test_progress_page_polls_until_done(leader, own_project):
    base = f"/tel-en-vertel/project/{own_project.pk}"
    job = Job.objects.create(project=own_project, status="running", progress=40, message="Bezig")
    partial = leader.get(f"{base}/taken/{job.pk}/", **HX).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert '<progress id="job-progress" max="100" value="40">' in partial
    assert '<label for="job-progress"' in partial and 'aria-live="polite"' in partial
    job.status, job.progress = "done", 100
    job.save()
    partial = leader.get(f"{base}/taken/{job.pk}/", **HX).content.decode()
    assert "hx-trigger" not in partial and 'value="100"' in partial


@pytest.mark.django_db(transaction=True)
def test_the_import_is_queued_and_the_worker_runs_it(users, own_project, settings, tmp_path):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.PROEFTUIN_JOBS_INLINE = False
    settings.VAR_DIR = tmp_path
    http = login(users[("own", "projectleider")])
    response = upload(http, own_project, "monitor.xlsx", messy_workbook(bad_score=False))
    mapping_page = http.get(response["Location"])
    http.post(response["Location"], browser_mapping(mapping_page))
    import_file = ImportFile.objects.get()
    http.post(f"/tel-en-vertel/project/{own_project.pk}/import/{import_file.pk}/controle/")
    job = Job.objects.get()
    # The request only queued it: a task row in the database, nothing imported yet.
    assert job.status == "queued" and Measurement.objects.count() == 0
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"]["job_id"] == job.pk
    call_command("worker", "--batch", "--interval", "0")
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert job.result["records"] == 24 and Measurement.objects.count() == 24
    assert job.started_at and job.finished_at
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    # The worker logs in the context of the request that started it (not as the command line).
    from proeftuin.monitoring.models import AccessLog

    entry = AccessLog.objects.get(action="import")
    assert entry.ip == "127.0.0.1" and entry.session and entry.role == "projectleider"


# --- the CLI ---------------------------------------------------------------------------------------------------


def test_cli_import_with_a_progress_bar(own_project, tmp_path, capsys):
    from proeftuin import cli

    good = tmp_path / "monitor.xlsx"
    good.write_bytes(messy_workbook(bad_score=False))
    bad = tmp_path / "fout.xlsx"
    bad.write_bytes(messy_workbook())
    mapping = tmp_path / "koppeling.json"
    assert cli.main(["import", str(own_project.pk), str(good), "--suggest", str(mapping)]) == 0
    assert json.loads(mapping.read_text())["instrument"] == LIFE_DOMAINS
    # A file with an error: every problem on stderr, exit code 1, nothing written.
    assert cli.main(["import", own_project.name, str(bad), "--mapping", str(mapping)]) == 1
    err = capsys.readouterr().err
    assert "rij 10" in err and "kolom L" in err and "niets geïmporteerd" in err
    assert nothing_written()
    # The clean file, saving the mapping as a template; then again by template name.
    args = ["import", own_project.name, str(good), "--mapping", str(mapping)]
    assert cli.main([*args, "--save-template", "Wijkteam"]) == 0
    captured = capsys.readouterr()
    assert "Geïmporteerd" in captured.out and "%" in captured.err  # the tqdm bar
    assert Measurement.objects.count() == 24
    call_command("import_spreadsheet", str(own_project.pk), str(good), "--mapping", "Wijkteam")
    assert Measurement.objects.count() == 24
    # Both committed imports are in the access log, under the operating-system account.
    from proeftuin.monitoring.models import AccessLog

    logged = AccessLog.objects.filter(action=AccessLog.Action.IMPORT, project=own_project)
    assert logged.count() == 2
    assert all(e.username.startswith("cli:") and "monitor.xlsx" in e.detail for e in logged)
    with pytest.raises(CommandError):
        call_command("import_spreadsheet", str(own_project.pk), str(good), "--mapping", "Onbekend")
    assert not Story.objects.exists()
