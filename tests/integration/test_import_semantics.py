"""What an import does, visible before and after: history for every imported row, a re-import that
reports only real changes, a corrected baseline date that is confirmed (not a second baseline),
and the dry run that says per measurement whether it is new or an update."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from integration_support import login

from proeftuin.core import intake
from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import importer, recording, services
from proeftuin.monitoring.models import AccessLog, ImportFile, Measurement, Score

HEADER = "Cliëntnummer;Datum;Meetmoment;Wonen;Financiën\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True


def _run(project, path: Path, **kwargs):
    instrument = services.instrument(LIFE_DOMAINS)
    mapping = intake.suggest_mapping(path, instrument).mapping
    result = services.dry_run(project, path, mapping, instrument, path.name)
    assert result.ok, result.errors
    return recording.import_records(project, result, instrument, **kwargs)


def _csv(tmp_path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_imported_scores_get_history_rows_and_changes_are_counted(own_project, tmp_path):
    first = _csv(tmp_path, "a.csv", "C1;01-02-2025;0-meting;3;2\nC2;01-02-2025;0-meting;4;4\n")
    stats = _run(own_project, first)
    assert stats["scores_created"] == 4
    assert Score.history.filter(history_type="+").count() == Score.objects.count() == 4
    assert Measurement.history.filter(history_type="+").count() == 2
    # The same file again: nothing changed, nothing updated, no new history.
    again = _run(own_project, first)
    assert (again["measurements_updated"], again["measurements_unchanged"]) == (0, 2)
    assert Score.history.count() == 4
    # One score corrected: one measurement updated, one score history row "~".
    fixed = _csv(tmp_path, "b.csv", "C1;01-02-2025;0-meting;5;2\nC2;01-02-2025;0-meting;4;4\n")
    changed = _run(own_project, fixed)
    assert (changed["measurements_updated"], changed["scores_updated"]) == (1, 1)
    assert list(Score.history.filter(history_type="~").values_list("item", "value")) == [
        ("housing", 5)
    ]
    # The log entry was written with the rows.
    assert AccessLog.objects.filter(action="import").count() == 3


def test_a_corrected_baseline_date_must_be_confirmed(own_project, tmp_path):
    _run(own_project, _csv(tmp_path, "a.csv", "C1;01-02-2025;0-meting;3;2\n"))
    corrected = _csv(tmp_path, "b.csv", "C1;03-02-2025;0-meting;3;2\n")
    with pytest.raises(importer.ImportFailed, match="01-02-2025"):
        _run(own_project, corrected)
    assert Measurement.objects.get().measured_on.isoformat() == "2025-02-01"
    stats = _run(own_project, corrected, confirm_date_changes=True)
    assert stats["measurements_created"] == 0 and stats["measurements_updated"] == 1
    baseline = Measurement.objects.get()  # still one baseline, now on the corrected date
    assert baseline.measured_on.isoformat() == "2025-02-03"
    assert baseline.scores.count() == 2


def test_cli_refuses_a_date_change_without_the_flag(own_project, tmp_path, capsys):
    _run(own_project, _csv(tmp_path, "a.csv", "C1;01-02-2025;0-meting;3;2\n"))
    corrected = _csv(tmp_path, "b.csv", "C1;03-02-2025;0-meting;3;2\n")
    instrument = services.instrument(LIFE_DOMAINS)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(intake.suggest_mapping(corrected, instrument).mapping.to_json())
    with pytest.raises(CommandError, match="--confirm-date-changes"):
        call_command(
            "import_spreadsheet", str(own_project.pk), str(corrected), "--mapping", str(mapping)
        )
    call_command(
        "import_spreadsheet",
        str(own_project.pk),
        str(corrected),
        "--mapping",
        str(mapping),
        "--confirm-date-changes",
    )
    assert Measurement.objects.get().measured_on.isoformat() == "2025-02-03"


def test_the_check_screen_says_new_or_update_and_asks_to_confirm_a_date_change(
    users, own_project, tmp_path
):
    _run(own_project, _csv(tmp_path, "a.csv", "C1;01-02-2025;0-meting;3;2\n"))
    http = login(users[("own", "projectleider")])
    base = f"/tel-en-vertel/project/{own_project.pk}"
    content = (HEADER + "C1;03-02-2025;0-meting;3;2\nC2;01-02-2025;0-meting;4;4\n").encode()
    response = http.post(
        f"{base}/import/",
        {"file": SimpleUploadedFile("b.csv", content, "text/csv"), "instrument": LIFE_DOMAINS},
    )
    import_file = ImportFile.objects.get()
    mapping_page = http.get(response["Location"])
    data = {}
    for sheet in mapping_page.context["sheets"]:
        i = sheet["index"]
        data[f"s{i}-include"] = "on"
        for column in sheet["columns"]:
            data[f"s{i}-c{column['index']}-target"] = column["value"]
    http.post(response["Location"], data)
    check = f"{base}/import/{import_file.pk}/controle/"
    page = http.get(check)
    html = page.content.decode()
    assert page.context["plan_counts"] == {"new": 1, "update": 1, "unchanged": 0}
    assert "01-02-2025" in html and "03-02-2025" in html
    assert 'name="confirm_date_changes"' in html
    # Without the checkbox: refused, nothing written.
    refused = http.post(check, {})
    assert refused.status_code == 200
    assert Measurement.objects.count() == 1
    done = http.post(check, {"confirm_date_changes": "on"})
    assert done.status_code == 302
    assert sorted(Measurement.objects.values_list("measured_on", flat=True))[0].isoformat() == (
        "2025-02-01"
    )
    assert Measurement.objects.filter(measured_on="2025-02-03").count() == 1
    assert Measurement.objects.count() == 2
