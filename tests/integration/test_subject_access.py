"""A data-subject access request: ``export_participant`` gives one participant's data and who
accessed it, logs itself, and still finds the log entries after an erasure."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from integration_support import login
from test_monitoring_builders import add_trajectory

from proeftuin.monitoring.models import AccessLog, Story


def _export(project, number, fmt="json") -> str:
    out = StringIO()
    call_command(
        "export_participant",
        "--project",
        str(project.pk),
        "--client-number",
        number,
        "--format",
        fmt,
        stdout=out,
    )
    return out.getvalue()


def test_export_participant_holds_their_data_and_who_saw_it(users, own_project):
    trajectory = add_trajectory(own_project, {"housing": 2}, {"housing": 4}, client="DSAR-1")
    Story.objects.create(trajectory=trajectory, told_on=trajectory.started_on, text="Rust.")
    other = add_trajectory(own_project, {"housing": 1}, client="ANDER-2")
    viewer = users[("own", "professional")]
    login(viewer).get(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{trajectory.participant_id}/"
    )
    data = json.loads(_export(own_project, " dsar-1 "))
    assert data["deelnemer"]["code"] == trajectory.participant.code
    [t] = data["trajecten"]
    assert [m["scores"] for m in t["metingen"]] == [{"housing": 2}, {"housing": 4}]
    assert t["verhalen"][0]["tekst"] == "Rust."
    assert [e["gebruiker"] for e in data["inzagelogboek"]] == [viewer.username]
    dump = json.dumps(data)
    assert trajectory.participant.pseudonym not in dump
    assert other.participant.code not in dump
    entry = AccessLog.objects.get(action="export_participant")
    assert entry.ip == "cli" and entry.subject and entry.operation == "read"
    csv = _export(own_project, "DSAR-1", "csv")
    assert "score housing;4" in csv and "inzagelogboek" in csv


def test_after_erasure_the_log_still_answers(users, own_project):
    trajectory = add_trajectory(own_project, {"housing": 2}, client="DSAR-2")
    http = login(users[("own", "projectleider")])
    base = f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{trajectory.participant_id}"
    http.get(f"{base}/")
    http.post(f"{base}/wissen/", {"confirm": trajectory.participant.code})
    data = json.loads(_export(own_project, "DSAR-2"))
    assert data["deelnemer"] is None and data["trajecten"] == []
    actions = [e["handeling"] for e in data["inzagelogboek"]]
    assert "Deelnemer bekeken" in actions and "Deelnemer gewist" in actions


def test_a_bsn_or_an_unknown_number_is_refused(own_project):
    with pytest.raises(CommandError, match="BSN"):
        _export(own_project, "111.222.333")
    with pytest.raises(CommandError, match="Geen deelnemer"):
        _export(own_project, "ONBEKEND-9")
