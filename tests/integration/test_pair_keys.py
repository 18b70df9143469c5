"""Decision 0029: the pair's ``project`` and ``import_batch`` keep no database constraint.

They are copied from the pair's trajectory, and every path that deletes a project, discards an
import batch, deletes a trajectory or erases a participant must still take the pairs along
(Django's collector or the purge), since the database no longer refuses an orphan. Each test
counts the pairs whose trajectory, project or batch is gone, by SQL, after the path ran.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from proeftuin.core import intake
from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import recording, services, staged_import
from proeftuin.monitoring.models import ImportBatch, Pair, Participant, Trajectory
from proeftuin.portfolio.models import Project

HEADER = "Cliëntnummer;Datum;Meetmoment;Wonen;Financiën\n"

ORPHANS = """
    SELECT
      (SELECT COUNT(*) FROM monitoring_pair p WHERE NOT EXISTS
         (SELECT 1 FROM monitoring_trajectory t WHERE t.id = p.trajectory_id)),
      (SELECT COUNT(*) FROM monitoring_pair p WHERE NOT EXISTS
         (SELECT 1 FROM portfolio_project r WHERE r.id = p.project_id)),
      (SELECT COUNT(*) FROM monitoring_pair p WHERE p.import_batch_id IS NOT NULL AND NOT EXISTS
         (SELECT 1 FROM monitoring_importbatch b WHERE b.id = p.import_batch_id)),
      (SELECT COUNT(*) FROM monitoring_pair p WHERE NOT EXISTS
         (SELECT 1 FROM monitoring_participant q WHERE q.id = p.participant_id))
"""


def _orphans() -> tuple[int, int, int, int]:
    """Pairs without their trajectory, project, batch or participant."""
    with connection.cursor() as cursor:
        cursor.execute(ORPHANS)
        return tuple(cursor.fetchone())


@pytest.fixture(autouse=True)
def small_steps(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True
    settings.PROEFTUIN_IMPORT_MERGE_ROWS = 6


def _file(tmp_path, first: int, people: int, name: str) -> Path:
    rows = []
    for i in range(first, first + people):
        rows.append(f"C{i};03-02-2025;0-meting;{1 + i % 5};{1 + i % 4}")
        rows.append(f"C{i};03-08-2025;eindmeting;{1 + (i + 1) % 5};{1 + (i + 2) % 4}")
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _import(project, path: Path):
    instrument = services.instrument(LIFE_DOMAINS)
    mapping = intake.suggest_mapping(path, instrument).mapping
    result = services.dry_run(project, path, mapping, instrument, path.name)
    assert result.ok, result.errors
    return recording.import_records(project, result, instrument)


class Killed(BaseException):
    """The process ends between two merge steps; nobody cleans up."""


def _half_import(project, path: Path, monkeypatch) -> ImportBatch:
    """An import stopped after its first merge step: its pairs are stored, not published."""

    def die(batch, merged):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(staged_import, "after_merge_step", die)
        patch.setattr(staged_import, "discard", lambda batch_id: None)
        with pytest.raises(Killed):
            _import(project, path)
    return ImportBatch.objects.exclude(state=ImportBatch.State.PUBLISHED).get()


@pytest.fixture
def imported(own_project, foreign_project, tmp_path, monkeypatch):
    """Two projects with published imports (their pairs carry the batch) and an unfinished one."""
    _import(own_project, _file(tmp_path, 0, 8, "eerste.csv"))
    _import(foreign_project, _file(tmp_path, 0, 4, "elders.csv"))
    batch = _half_import(own_project, _file(tmp_path, 100, 12, "half.csv"), monkeypatch)
    assert Pair.all_objects.filter(import_batch=batch).exists()
    assert (
        Pair.all_objects.filter(project=own_project, import_batch__isnull=False)
        .exclude(import_batch=batch)
        .exists()
    )
    assert _orphans() == (0, 0, 0, 0)
    return batch


def test_deleting_a_project_leaves_no_pair_behind(imported, own_project, foreign_project):
    elsewhere = Pair.all_objects.filter(project=foreign_project).count()
    own_project.delete()
    assert _orphans() == (0, 0, 0, 0)
    assert Pair.all_objects.count() == elsewhere > 0


def test_deleting_projects_by_a_queryset_leaves_no_pair_behind(imported, own_project):
    Project.objects.filter(pk=own_project.pk).delete()
    assert _orphans() == (0, 0, 0, 0)
    assert not Pair.all_objects.filter(project_id=own_project.pk).exists()


def test_discarding_a_batch_leaves_no_pair_behind(imported, own_project):
    published = Pair.objects.filter(project=own_project).count()
    staged_import.discard(imported.pk)
    assert _orphans() == (0, 0, 0, 0)
    assert not Pair.all_objects.filter(import_batch=imported).exists()
    assert Pair.objects.filter(project=own_project).count() == published > 0


def test_deleting_a_trajectory_leaves_no_pair_behind(imported, own_project):
    trajectory = Trajectory.objects.filter(project=own_project).first()
    assert trajectory.pairs.exists()
    trajectory.delete()
    Trajectory.all_objects.filter(import_batch=imported).delete()
    assert _orphans() == (0, 0, 0, 0)


def test_erasing_a_participant_leaves_no_pair_behind(imported, own_project, foreign_project):
    person = Participant.objects.filter(trajectories__project=own_project).first()
    pk = person.pk
    assert Pair.all_objects.filter(participant_id=pk).exists()
    services.erase_participant(own_project, person)  # the data part of the erasure
    assert _orphans() == (0, 0, 0, 0)
    assert not Pair.all_objects.filter(participant_id=pk).exists()
