"""Finding (issue 9 item 4, issue 14 item 5): a large import held the write lock for its whole
transaction, so on SQLite another user's save or login waited or failed.

An import is now merged in short transactions under an unpublished import batch and published in
one small last step (docs/decisions/0023-staged-import.md). These tests check what the user sees:
nothing of the import until it is published, everything after; a run stopped between two merge
steps leaves nothing visible and is discarded before the next try; a re-import still reports
nothing updated. The concurrent writer on a SQLite file database is in
``tests/ops/test_import_beside_writers.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from proeftuin.core import intake
from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import recording, services, staged_import
from proeftuin.monitoring.models import (
    AccessLog,
    HeavyMeasure,
    ImportBatch,
    Measurement,
    Pair,
    Participant,
    Score,
    Story,
    Trajectory,
)

HEADER = "Cliëntnummer;Datum;Meetmoment;Wonen;Financiën;Huisuitzetting;Verhaal;Toestemming\n"
PEOPLE = 30  # two measurements each: 60 rows, in steps of 10 rows


@pytest.fixture(autouse=True)
def small_steps(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True
    settings.PROEFTUIN_IMPORT_MERGE_ROWS = 10


def _file(tmp_path, people: int = PEOPLE, name: str = "groot.csv", shift: int = 0) -> Path:
    rows = []
    for i in range(people):
        story = "Het gaat beter met ons" if i % 7 == 0 else ""
        rows.append(
            f"C{i};03-02-2025;0-meting;{1 + i % 5};{1 + i % 4};{'ja' if i % 6 else 'nee'};;"
        )
        rows.append(
            f"C{i};03-08-2025;eindmeting;{1 + (i + 1 + shift) % 5};{1 + (i + 2) % 4};nee;"
            f"{story};{'ja' if story else ''}"
        )
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _run(project, path: Path, **kwargs):
    instrument = services.instrument(LIFE_DOMAINS)
    mapping = intake.suggest_mapping(path, instrument).mapping
    result = services.dry_run(project, path, mapping, instrument, path.name)
    assert result.ok, result.errors
    return recording.import_records(project, result, instrument, **kwargs)


def _visible() -> dict[str, int]:
    """What every screen, report and export reads (the default managers)."""
    return {
        "participants": Participant.objects.count(),
        "trajectories": Trajectory.objects.count(),
        "measurements": Measurement.objects.count(),
        "pairs": Pair.objects.count(),
        "stories": Story.objects.count(),
        "heavy": HeavyMeasure.objects.count(),
        "log": AccessLog.objects.filter(action=AccessLog.Action.IMPORT).count(),
    }


def _stored() -> dict[str, int]:
    """What is physically in the tables, visible or not."""
    return {
        "participants": Participant.all_objects.count(),
        "trajectories": Trajectory.all_objects.count(),
        "measurements": Measurement.all_objects.count(),
        "scores": Score.objects.count(),
        "pairs": Pair.all_objects.count(),
        "score_history": Score.history.count(),
        "measurement_history": Measurement.history.count(),
    }


NOTHING = {
    "participants": 0,
    "trajectories": 0,
    "measurements": 0,
    "pairs": 0,
    "stories": 0,
    "heavy": 0,
    "log": 0,
}


def test_a_large_import_is_merged_in_steps_and_appears_only_when_published(
    own_project, tmp_path, monkeypatch
):
    seen: list[tuple[int, dict, dict]] = []
    monkeypatch.setattr(
        staged_import,
        "after_merge_step",
        lambda batch, merged: seen.append((merged, _visible(), _stored())),
    )
    stats = _run(own_project, _file(tmp_path))
    # Six committed steps of ten rows; during all of them nothing was visible, though stored.
    assert [merged for merged, _v, _s in seen] == [10, 20, 30, 40, 50, 60]
    assert all(visible == NOTHING for _m, visible, _s in seen)
    assert [s["measurements"] for _m, _v, s in seen] == [10, 20, 30, 40, 50, 60]
    after = _visible()
    assert after["participants"] == after["trajectories"] == PEOPLE
    assert after["measurements"] == 2 * PEOPLE and after["log"] == 1
    assert after["stories"] == stats["stories_created"] == 5
    assert after["heavy"] == 0  # "ja" without a date records no heavy measure
    assert after["pairs"] == Pair.all_objects.count() > 0
    # The one write path: every row with its history, the pairs as a screen save would make them.
    assert Score.history.filter(history_type="+").count() == Score.objects.count() == 4 * PEOPLE
    assert Measurement.history.filter(history_type="+").count() == 2 * PEOPLE
    assert Trajectory.history.filter(history_type="+").count() == PEOPLE
    pairs = sorted(Pair.objects.values_list("trajectory_id", "domain", "latest_score"))
    services.refresh_project_pairs(own_project)
    assert sorted(Pair.objects.values_list("trajectory_id", "domain", "latest_score")) == pairs
    assert ImportBatch.objects.get().state == ImportBatch.State.PUBLISHED
    assert stats["measurements_created"] == 2 * PEOPLE and stats["records"] == 2 * PEOPLE


class Killed(BaseException):
    """The process ends between two merge steps (a deploy, ``kill -9``): no cleanup runs."""


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_an_import_killed_between_merge_steps_leaves_nothing_and_is_discarded(
    own_project, tmp_path, monkeypatch
):
    path = _file(tmp_path)

    def die(batch, merged):
        if merged == 30:
            raise Killed

    monkeypatch.setattr(staged_import, "after_merge_step", die)
    monkeypatch.setattr(staged_import, "discard", lambda batch_id: None)  # nobody cleans up
    with pytest.raises(Killed):
        _run(own_project, path)
    assert _visible() == NOTHING
    assert _stored()["measurements"] == 30  # three steps committed, but none of it visible
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.MERGING and batch.rows_merged == 30

    # The process is gone: the next import (or the worker's recovery) discards its batch.
    ImportBatch.objects.filter(pk=batch.pk).update(pid=_dead_pid())
    monkeypatch.undo()
    assert staged_import.discard_stale() == [batch.pk]
    assert set(_stored().values()) == {0}
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED and batch.finished_at is not None

    # Run again: everything once; and again: nothing updated.
    stats = _run(own_project, path)
    assert stats["measurements_created"] == 2 * PEOPLE
    assert _visible()["measurements"] == 2 * PEOPLE
    again = _run(own_project, path)
    assert (again["measurements_created"], again["measurements_updated"]) == (0, 0)
    assert again["measurements_unchanged"] == 2 * PEOPLE
    assert Score.history.count() == 4 * PEOPLE  # no history for what did not change


def test_a_failure_while_merging_is_rolled_back_at_once(own_project, tmp_path, monkeypatch):
    def fail(batch, merged):
        if merged == 20:
            raise RuntimeError("disk full")

    monkeypatch.setattr(staged_import, "after_merge_step", fail)
    with pytest.raises(RuntimeError):
        _run(own_project, _file(tmp_path))
    assert _visible() == NOTHING
    assert set(_stored().values()) == {0}
    assert ImportBatch.objects.get().state == ImportBatch.State.FAILED


def test_a_batch_of_a_live_process_is_left_alone(own_project, tmp_path, monkeypatch):
    """Two imports at once: the second does not discard the first one's unfinished batch."""
    batch = ImportBatch.start(own_project, "elders.csv")
    assert staged_import.discard_stale() == []
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.MERGING


def test_a_follow_up_file_updates_known_participants_when_it_publishes(
    own_project, tmp_path, monkeypatch
):
    """Known participants' records are written in the publishing step: an end measurement with
    a changed score appears together with the new participants of the same file."""
    _run(own_project, _file(tmp_path, people=10, name="eerste.csv"))
    seen: list[dict] = []
    monkeypatch.setattr(staged_import, "after_merge_step", lambda b, m: seen.append(_visible()))
    stats = _run(own_project, _file(tmp_path, people=25, name="tweede.csv", shift=1))
    assert seen and all(v["participants"] == 10 and v["measurements"] == 20 for v in seen)
    assert stats["participants_created"] == 15
    assert stats["measurements_created"] == 30
    assert stats["measurements_updated"] == 10  # the end measurements' housing score changed
    assert stats["measurements_unchanged"] == 10
    assert Measurement.objects.count() == 50
    assert Score.history.filter(history_type="~").count() == 10
    pairs = sorted(Pair.objects.values_list("trajectory_id", "domain", "latest_score"))
    services.refresh_project_pairs(own_project)
    assert sorted(Pair.objects.values_list("trajectory_id", "domain", "latest_score")) == pairs


def test_a_project_with_imports_can_be_deleted(own_project, tmp_path, monkeypatch):
    """The batch goes with its project; an unfinished one's participants are only unmarked."""
    _run(own_project, _file(tmp_path, people=5, name="klaar.csv"))

    def die(batch, merged):
        raise Killed

    monkeypatch.setattr(staged_import, "after_merge_step", die)
    monkeypatch.setattr(staged_import, "discard", lambda batch_id: None)
    with pytest.raises(Killed):
        _run(own_project, _file(tmp_path, people=15, name="half.csv"))
    assert Participant.objects.count() == 5 < Participant.all_objects.count()
    own_project.delete()
    assert ImportBatch.objects.count() == 0
    assert Trajectory.all_objects.count() == Measurement.all_objects.count() == 0
    assert Pair.all_objects.count() == 0
    assert not Participant.all_objects.filter(import_batch__isnull=False).exists()
