"""A large import in short steps that the user still sees all at once (issue 9 item 4, issue 14
item 5; docs/decisions/0023-staged-import.md).

1. **Merge** the file's *new* participants (and with them their trajectories, measurements,
   scores, history rows and pairs) in short transactions of about
   ``PROEFTUIN_IMPORT_MERGE_ROWS`` rows each. Every row is marked with the import's
   :class:`.import_batch.ImportBatch`, so no one else sees it yet; between two steps other users
   get the SQLite write lock.
2. **Publish** in one small transaction: the records about participants that already exist
   (updates, new measurements on known trajectories, confirmed date corrections), the stories
   and heavy measures, the pairs of the known trajectories, the access-log entry, and the flip of
   the batch to *published*, which makes every merged row visible at once.
3. On any failure the batch is **discarded**: marked failed and its rows deleted in short steps.
   A process that died mid-merge leaves its batch invisible; :func:`discard_stale` (run at the
   start of every import and by the worker's recovery) removes it, and the import is run again.

Called only by :func:`.recording.import_records` (the one write path).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proeftuin.core.instruments import Instrument

from . import import_writer, importer, services
from .import_batch import ImportBatch, including, merge_rows
from .models import (
    HeavyMeasure,
    Intervention,
    Measurement,
    Pair,
    Participant,
    Score,
    Story,
    Trajectory,
)

CHUNK = 500
STEP_PAUSE = 0.1  # seconds between two merge steps on SQLite (see run)
Progress = Callable[[int, str], None]
#: Called after each committed merge step (batch, rows merged so far); tests stop an import here.
after_merge_step: Callable[[ImportBatch, int], None] | None = None


def split(project, records: Sequence[dict[str, Any]]) -> tuple[list[list[int]], list[int]]:
    """(chunks of positions of the records about new participants, positions of the records
    about participants already known).

    A participant's records stay in one chunk, so each step writes whole trajectories. Only
    positions are held: the records are made per step (:func:`_at`), so a file of a million
    rows is never a million dicts at once (issue 14 item 5)."""
    values = importer.field_values(records, "participant_key")
    keys = sorted(set(values))
    known: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        known.update(
            Participant.objects.filter(
                organisation_id=project.owner_id, pseudonym__in=keys[start : start + CHUNK]
            ).values_list("pseudonym", flat=True)
        )
    by_participant: dict[str, list[int]] = {}
    later: list[int] = []
    for position, key in enumerate(values):
        if key in known:
            later.append(position)
        else:
            by_participant.setdefault(key, []).append(position)
    size = merge_rows()
    chunks: list[list[int]] = []
    current: list[int] = []
    for group in by_participant.values():
        if current and len(current) + len(group) > size:
            chunks.append(current)
            current = []
        current.extend(group)
    if current:
        chunks.append(current)
    return chunks, later


def _at(records: Sequence[dict[str, Any]], positions: list[int]) -> list[dict[str, Any]]:
    """The records at ``positions``, made now when ``records`` makes them on demand.

    The publishing step takes the rows about participants already known all at once, so a file
    of only known people still holds all its records as dicts there (the merge steps before it
    hold one step's)."""
    take = getattr(records, "take", None)
    return take(positions) if take is not None else [records[i] for i in positions]


def run(
    project,
    records: Sequence[dict[str, Any]],
    instrument: Instrument,
    planned: importer.ImportPlan,
    *,
    user,
    log: Callable[[dict[str, int]], None],
    progress: Progress | None = None,
    source: str = "",
) -> dict[str, int]:
    """Merge, then publish; on any failure discard the batch and re-raise. Returns the counts."""
    report = progress or (lambda _p, _m: None)
    discard_stale()
    chunks, later = split(project, records)
    batch = ImportBatch.start(project, source)
    stats: dict[str, Any] = dict.fromkeys(import_writer.STATS, 0)
    deferred = import_writer.Deferred()
    try:
        merged = 0
        total = max(len(records), 1)
        for positions in chunks:
            chunk = _at(records, positions)
            merged += len(chunk)
            _merge(project, chunk, instrument, planned, user, batch, deferred, stats, merged)
            del chunk
            report(int(85 * merged / total), _("Metingen vastleggen"))
            if connection.vendor == "sqlite":
                # Let a waiting writer in: its busy handler polls in short sleeps, and the next
                # step would otherwise take the lock again before it looks.
                time.sleep(STEP_PAUSE)
            if after_merge_step is not None:
                after_merge_step(batch, merged)
        report(85, _("Publiceren"))
        stats["records"] = len(records)
        _publish(
            project, _at(records, later), instrument, planned, user, batch, deferred, stats, log
        )
    except BaseException:
        discard(batch.pk)
        raise
    return stats


def _merge(project, chunk, instrument, planned, user, batch, deferred, stats, merged) -> None:
    """One short transaction: the chunk's rows, their history and pairs, marked with the batch,
    and the batch's heartbeat."""
    with transaction.atomic(), including(batch.pk):
        ImportBatch.objects.filter(pk=batch.pk).update(
            rows_merged=merged, heartbeat_at=timezone.now()
        )
        written = import_writer.write_records(
            project, chunk, instrument, planned, user=user, batch=batch, deferred=deferred
        )
        ids, rows = written.pop("trajectory_ids"), written.pop("pair_rows", None)
        if rows is None:
            services.refresh_pairs(ids, batch_id=batch.pk)
        else:  # PostgreSQL's set-based step: the pairs of the rows it has just written
            services.insert_new_pairs(*rows, batch_id=batch.pk)
        _add(stats, written)


def _publish(project, later, instrument, planned, user, batch, deferred, stats, log) -> None:
    """The one transaction after which the whole import is visible (and before which none is)."""
    with transaction.atomic(), including(batch.pk):
        state = (
            ImportBatch.objects.select_for_update()
            .filter(pk=batch.pk)
            .values_list("state", flat=True)
            .first()
        )
        if state != ImportBatch.State.MERGING:
            raise importer.ImportFailed(_("De import is afgebroken. Er is niets opgeslagen."))
        if later:
            services.lock_trajectories(planned.trajectory_ids)
            written = import_writer.write_records(project, later, instrument, planned, user=user)
            services.refresh_pairs(written.pop("trajectory_ids"))
            _add(stats, written)
        import_writer.write_stories(deferred.stories, user, stats)
        import_writer.write_heavy(deferred.heavy, user, stats)
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.PUBLISHED, finished_at=timezone.now()
        )
        log(stats)


def _add(stats: dict[str, Any], written: dict[str, Any]) -> None:
    for name in import_writer.STATS:
        stats[name] += written.get(name, 0)


# --- discarding ------------------------------------------------------------------------------------


def discard(batch_id: int) -> None:
    """Mark the batch failed and delete its rows in short steps (none was ever visible)."""
    ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.MERGING).update(
        state=ImportBatch.State.FAILED
    )
    _purge(batch_id)


def discard_stale() -> list[int]:
    """Discard batches whose process is gone (or silent for ``PROEFTUIN_IMPORT_STALE_HOURS``).

    Returns their ids. Run before every import and by the worker's recovery, so a retry after a
    crash starts from a clean state."""
    hours = getattr(settings, "PROEFTUIN_IMPORT_STALE_HOURS", 6)
    silent_since = timezone.now() - timedelta(hours=hours)
    gone = []
    for batch in ImportBatch.objects.filter(finished_at__isnull=True).exclude(
        state=ImportBatch.State.PUBLISHED
    ):
        if batch.owner_alive() and batch.heartbeat_at > silent_since:
            continue
        discard(batch.pk)
        gone.append(batch.pk)
    return gone


def _ids(queryset, limit: int = CHUNK) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:limit])


def _steps(queryset) -> Iterator[list[int]]:
    while ids := _ids(queryset):
        yield ids


def _purge(batch_id: int) -> None:
    for ids in _steps(Trajectory.all_objects.filter(import_batch_id=batch_id)):
        with transaction.atomic():
            _purge_measurements(_ids(Measurement.all_objects.filter(trajectory_id__in=ids), None))
            for model in (Pair, Story, HeavyMeasure, Intervention):
                model._base_manager.filter(trajectory_id__in=ids)._raw_delete("default")
            Trajectory.history.model.objects.filter(id__in=ids)._raw_delete("default")
            Trajectory.all_objects.filter(pk__in=ids)._raw_delete("default")
    for ids in _steps(Measurement.all_objects.filter(import_batch_id=batch_id)):
        with transaction.atomic():
            _purge_measurements(ids)
    for ids in _steps(Participant.all_objects.filter(import_batch_id=batch_id)):
        with transaction.atomic():
            # Someone may have given a merged participant a trajectory meanwhile: keep those.
            kept = set(
                Trajectory.all_objects.filter(participant_id__in=ids).values_list(
                    "participant_id", flat=True
                )
            )
            Participant.all_objects.filter(pk__in=kept).update(import_batch=None)
            Participant.all_objects.filter(pk__in=set(ids) - kept)._raw_delete("default")
    ImportBatch.objects.filter(pk=batch_id).update(finished_at=timezone.now())


def _purge_measurements(ids: list[int]) -> None:
    if not ids:
        return
    Score.history.model.objects.filter(measurement_id__in=ids)._raw_delete("default")
    Score.objects.filter(measurement_id__in=ids)._raw_delete("default")
    Story.objects.filter(measurement_id__in=ids).update(measurement=None)
    Measurement.history.model.objects.filter(id__in=ids)._raw_delete("default")
    Measurement.all_objects.filter(pk__in=ids)._raw_delete("default")
