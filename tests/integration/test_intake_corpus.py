"""The hostile-file corpus through the web upload and the command line (issue 9).

Before: 18 bit-flipped ODS/ZIP files gave HTTP 500 and a CLI traceback; a 2 kB XLSX aborted
the process. Now every file gives a 200 page with a Dutch message naming the file (or the
upload form's own message), the command line exits non-zero with a clean message, and nothing
is imported. The suggestion is computed once per upload and stored on the ImportFile.
"""

from __future__ import annotations

import json
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from hostile_files import corpus, xlsx_normal
from integration_support import login

from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import importing, services
from proeftuin.monitoring.models import ImportFile, Measurement, Participant, Score

CORPUS = list(corpus(flipped=6))
#: Damaged by chance in a harmless place, or readable after all: they may reach the mapping form.
MAY_BE_READ = ("bitflip-", "csv-als-xlsx", "xlsx-als-csv", "utf16")
MAPPING = {
    "instrument": LIFE_DOMAINS,
    "sheets": [
        {
            "name": "Blad1",
            "phase": "baseline",
            "columns": [
                {"header": "Cliëntnummer", "target": "client_number"},
                {"header": "Wonen", "target": "score", "item": "housing"},
            ],
        }
    ],
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True
    settings.PROEFTUIN_INTAKE_ISOLATE = True


def nothing_imported() -> bool:
    return not (
        Participant.objects.exists() or Measurement.objects.exists() or Score.objects.exists()
    )


def test_every_hostile_file_gets_a_page_with_a_message_never_a_500(users, own_project):
    http = login(users[("own", "projectleider")], raise_request_exception=False)
    base = f"/tel-en-vertel/project/{own_project.pk}/import/"
    for name, data in CORPUS:
        response = http.post(
            base,
            {"file": SimpleUploadedFile(name, data), "instrument": LIFE_DOMAINS},
            follow=True,
        )
        assert response.status_code == 200, name
        page = response.content.decode()
        if response.redirect_chain:  # the upload was stored: the mapping page shows the refusal
            errors = response.context["file_errors"]
            if not name.startswith(MAY_BE_READ):
                assert errors, name
            if errors:
                assert name in page, name
                assert all(e["file"] == name for e in errors), name
        else:  # the upload form refused it (wrong extension, empty)
            assert response.context["form"].errors, name
        assert "Traceback" not in page
    assert nothing_imported()


def test_the_check_page_of_a_refused_file_is_a_page_too(users, own_project):
    http = login(users[("own", "projectleider")], raise_request_exception=False)
    base = f"/tel-en-vertel/project/{own_project.pk}/import/"
    name, data = "een-cel-op-XFD1048576.xlsx", dict(CORPUS)["een-cel-op-XFD1048576.xlsx"]
    http.post(base, {"file": SimpleUploadedFile(name, data), "instrument": LIFE_DOMAINS})
    import_file = ImportFile.objects.get()
    # Force the dry run on the file with a mapping, as a template would.
    import_file.mapping = MAPPING
    import_file.status = ImportFile.Status.MAPPED
    import_file.save()
    response = http.get(f"{base}{import_file.pk}/controle/")
    assert response.status_code == 200
    assert "kolom XFD" in response.content.decode()
    response = http.post(f"{base}{import_file.pk}/controle/")
    assert response.status_code in (200, 302)
    assert nothing_imported()


def test_the_suggestion_is_computed_once_per_upload(users, own_project, monkeypatch):
    http = login(users[("own", "projectleider")])
    base = f"/tel-en-vertel/project/{own_project.pk}/import/"
    calls = []
    original = services.suggest
    monkeypatch.setattr(services, "suggest", lambda *a, **k: calls.append(a) or original(*a, **k))
    response = http.post(
        base, {"file": SimpleUploadedFile("goed.xlsx", xlsx_normal()), "instrument": LIFE_DOMAINS}
    )
    import_file = ImportFile.objects.get()
    assert import_file.suggestion["mapping"]["sheets"][0]["name"] == "Blad1"
    for _ in range(3):
        page = http.get(response["Location"])
        assert page.status_code == 200
    assert len(calls) == 1
    columns = [c for s in page.context["sheets"] for c in s["columns"]]
    assert [c["c"].header for c in columns[:2]] == ["Cliëntnummer", "Wonen"]
    assert columns[1]["samples"] == ["3", "3", "3"]  # read back from beside the upload


def test_stored_suggestion_round_trips():
    from proeftuin.core.intake import safe_suggest_mapping

    instrument = services.instrument(LIFE_DOMAINS)
    for data, name in ((xlsx_normal(), "goed.xlsx"), (b"", "leeg.csv")):
        suggestion = safe_suggest_mapping(data, instrument, filename=name, isolate=False)
        stored = json.loads(json.dumps(importing.suggestion_to_dict(suggestion, instrument.id)))
        assert all(p["sample"] == [] for p in stored["previews"])  # raw values stay out
        samples = json.loads(json.dumps([p.sample for p in suggestion.previews]))
        again = importing.suggestion_from_dict(stored, samples)
        assert again.mapping == suggestion.mapping
        assert again.previews == suggestion.previews
        assert again.errors == suggestion.errors


# --- the command line --------------------------------------------------------------------------


def run_cli(*args: str) -> int:
    """``proeftuin manage import_spreadsheet …`` as a shell would see it: the exit code.

    Django's ``run_from_argv`` prints a ``CommandError`` as one line and exits 1; any other
    exception would be a traceback, and escapes here so the test fails. (``run_from_argv`` itself
    closes the database connections, which the test database on PostgreSQL cannot have.)
    """
    try:
        call_command("import_spreadsheet", *args)
    except CommandError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return 1
    return 0


CLI_FILES = [
    "een-cel-op-XFD1048576.xlsx",
    "herhaalde-rijen-en-kolommen.ods",
    "puntkomma-regel.csv",
    "zipbom.xlsx",
    "alleen-pk.xlsx",
    "afgekapt-1.zip",
    "bitflip-2.zip",
    "afgekapt-0.ods",
    "leeg.csv",
    "nul-bytes.csv",
    "pdf.xlsx",
]


@pytest.mark.parametrize("name", CLI_FILES)
def test_cli_gives_a_clean_message_and_a_non_zero_exit(name, own_project, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(dict(CORPUS)[name])
    code = run_cli(str(own_project.pk), str(path), "--mapping", json.dumps(MAPPING), "--dry-run")
    err = capsys.readouterr().err
    assert code != 0
    assert "Traceback" not in err
    assert name in err and "CommandError" in err
    code = run_cli(str(own_project.pk), str(path), "--suggest", str(tmp_path / "m.json"))
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err and name in err
    assert not (tmp_path / "m.json").exists()
    assert nothing_imported()
