"""What the database adds to an import's dry run: checks, the plan a user confirms, display.

The pure core (:func:`proeftuin.core.intake.dry_run`) parses, validates and pseudonymises. This
module adds what needs the database, without writing anything:

- :func:`app_checks`: a date and a moment per measurement;
- :func:`plan`: per measurement, whether it is new, an update or unchanged, and whether it moves
  an existing moment to another date (a corrected baseline date would otherwise create a second
  baseline): the user confirms such a change on the check screen (``--confirm-date-changes`` on
  the command line).

The writing itself is :func:`proeftuin.monitoring.recording.import_records`, the one write path.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from proeftuin.common import intake_text
from proeftuin.common.intake_text import in_both_languages
from proeftuin.core.intake import ERROR, DryRunResult, IntakeError

from .models import Measurement, Participant, Score, Trajectory

CHUNK = 500
FLAGS = ("supervision_order", "out_of_home_placement", "eviction")
MEASUREMENT_FIELDS = ("professionals", "organisations", *FLAGS)
#: Moments a trajectory has once: a second one on another date is almost always a corrected date.
SINGLE_MOMENTS = ("baseline", "end")
NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"


class ImportFailed(Exception):
    """The import could not be committed; nothing was written."""


def app_checks(result: DryRunResult) -> list[IntakeError]:
    """What the database needs beyond the core's checks: a date and a moment per measurement."""
    errors: list[IntakeError] = []
    if result.records.height == 0:
        return errors
    for record in result.records.select(
        "sheet", "row", "phase", "measured_on", "trajectory_start", "trajectory_end"
    ).iter_rows(named=True):
        where = {"file": result.file, "sheet": record["sheet"] or None, "row": record["row"]}
        if record["phase"] is None:
            errors.append(IntakeError(code="phase_required", **where))
        if record["measured_on"] is None:
            errors.append(IntakeError(code="date_required", **where))
        start, end = record["trajectory_start"], record["trajectory_end"]
        if start and record["measured_on"] and record["measured_on"] < start:
            errors.append(IntakeError(code="measured_before_start", **where))
        if start and end and end < start:
            errors.append(IntakeError(code="end_before_start", **where))
        if len(errors) >= 1000:
            break
    return errors


def all_errors(result: DryRunResult) -> tuple[list[IntakeError], int]:
    """The core's problems plus :func:`app_checks`; and the number of blocking errors."""
    extra = app_checks(result)
    listed = list(result.errors) + extra
    return listed, result.error_count + sum(1 for e in extra if e.severity == ERROR)


def errors_for_display(errors: list[IntakeError]) -> list[dict[str, Any]]:
    """Rows for the error table: file, sheet, row, column and the reason and action in the
    active language (see :mod:`proeftuin.common.intake_text`)."""
    return [
        {
            "file": e.file,
            "sheet": e.sheet or "",
            "row": e.row,
            "column": (e.column or "") + (f" ({e.header})" if e.header else ""),
            "code": e.code,
            "reason": intake_text.reason(e),
            "action": intake_text.action(e),
            "severity": e.severity,
            "is_error": e.is_error,
        }
        for e in errors
    ]


def with_file(errors: list[IntakeError], name: str) -> list[IntakeError]:
    return [e if e.file else replace(e, file=name) for e in errors]


# --- the plan: what a commit would do, per measurement ------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One measurement of the file and what committing it would do."""

    sheet: str
    row: int
    measured_on: dt.date | None
    phase: str | None
    status: str  # NEW, UPDATE or UNCHANGED
    moved_from: dt.date | None = None  # an existing moment whose date the file changes


@dataclass
class ImportPlan:
    measurements: list[Planned] = field(default_factory=list)
    #: (trajectory id, new date, moment) → the date of the existing measurement it moves.
    moves: dict[tuple[int, dt.date, str], dt.date] = field(default_factory=dict)
    #: The existing trajectories the file writes to (locked before the import writes).
    trajectory_ids: set[int] = field(default_factory=set)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(p.status for p in self.measurements)
        return {status: found.get(status, 0) for status in (NEW, UPDATE, UNCHANGED)}

    @property
    def date_changes(self) -> list[Planned]:
        return [p for p in self.measurements if p.moved_from is not None]


def trajectory_key(record) -> tuple[str, dt.date | None]:
    """A record's trajectory: the participant and the trajectory start (None: not in the file)."""
    return record["participant_key"], record.get("trajectory_start")


def existing_trajectory(existing: list[Trajectory], start: dt.date | None) -> Trajectory | None:
    """The trajectory a record belongs to: the one with its start, or without a start column the
    participant's latest trajectory in the project (``existing`` is ordered by start)."""
    if start is None:
        return existing[-1] if existing else None
    return next((t for t in existing if t.started_on == start), None)


def _existing_trajectories(project, keys: list[str]) -> dict[str, list[Trajectory]]:
    ids: dict[int, str] = {}
    for start in range(0, len(keys), CHUNK):
        for pk, pseudonym in Participant.objects.filter(
            organisation_id=project.owner_id, pseudonym__in=keys[start : start + CHUNK]
        ).values_list("pk", "pseudonym"):
            ids[pk] = pseudonym
    found: dict[str, list[Trajectory]] = defaultdict(list)
    participant_ids = list(ids)
    for start in range(0, len(participant_ids), CHUNK):
        for t in Trajectory.objects.filter(
            project=project, participant_id__in=participant_ids[start : start + CHUNK]
        ).order_by("started_on", "pk"):
            found[ids[t.participant_id]].append(t)
    return found


def field_values(records: Sequence[dict[str, Any]], name: str) -> list[Any]:
    """``record.get(name)`` of every record; from the frame's column when the records are the
    dry run's :class:`~proeftuin.core.intake.pipeline.Records` (no dict made)."""
    frame = getattr(records, "frame", None)
    if frame is not None and name in frame.columns:
        return records.column(name)
    return [record.get(name) for record in records]


def plan(project, records: Sequence[dict[str, Any]]) -> ImportPlan:
    """What committing ``records`` would do, per measurement; reads, never writes."""
    keys = sorted({key for key in field_values(records, "participant_key") if key})
    by_participant = _existing_trajectories(project, keys)
    trajectory_ids = [t.pk for ts in by_participant.values() for t in ts]
    measurements: dict[tuple[int, dt.date, str], Measurement] = {}
    for start in range(0, len(trajectory_ids), CHUNK):
        for m in Measurement.objects.filter(
            trajectory_id__in=trajectory_ids[start : start + CHUNK]
        ):
            measurements[(m.trajectory_id, m.measured_on, m.moment)] = m
    scores: dict[tuple[int, str], int | None] = {}
    measurement_ids = [m.pk for m in measurements.values()]
    for start in range(0, len(measurement_ids), CHUNK):
        for measurement_id, item, value in Score.objects.filter(
            measurement_id__in=measurement_ids[start : start + CHUNK]
        ).values_list("measurement_id", "item", "value"):
            scores[(measurement_id, item)] = value
    # The records may be made on demand (``Records``): hold the trajectories, not the records.
    trajectories: list[Trajectory | None] = [None] * len(records)
    in_file: set[tuple[int, dt.date, str]] = set()
    if by_participant:
        for index, record in enumerate(records):
            key = trajectory_key(record)
            trajectory = existing_trajectory(by_participant.get(key[0], []), key[1])
            trajectories[index] = trajectory
            if trajectory is not None:
                in_file.add((trajectory.pk, record["measured_on"], record["phase"]))
    result = ImportPlan(trajectory_ids={t.pk for t in trajectories if t is not None})
    for record, trajectory in zip(records, trajectories, strict=True):
        when, phase = record["measured_on"], record["phase"]
        status, moved_from, current = NEW, None, None
        if trajectory is not None:
            current = measurements.get((trajectory.pk, when, phase))
            if current is None and phase in SINGLE_MOMENTS and when is not None:
                others = [
                    m
                    for (t, d, p), m in measurements.items()
                    if t == trajectory.pk and p == phase and (t, d, p) not in in_file
                ]
                if len(others) == 1:
                    current, moved_from = others[0], others[0].measured_on
                    result.moves[(trajectory.pk, when, phase)] = moved_from
        if current is not None:
            status = UPDATE if moved_from or _differs(current, record, scores) else UNCHANGED
        result.measurements.append(
            Planned(record["sheet"] or "", record["row"], when, phase, status, moved_from)
        )
    return result


def _score_value(value) -> int | None:
    return None if value == "onbekend" else int(value)


def _differs(measurement: Measurement, record, scores: dict[tuple[int, str], int | None]) -> bool:
    for name in MEASUREMENT_FIELDS:
        value = record.get(name)
        if value is not None and getattr(measurement, name) != value:
            return True
    for item, value in record["scores"].items():
        key = (measurement.pk, item)
        if key not in scores or scores[key] != _score_value(value):
            return True
    return False


def date_change_errors(result: DryRunResult, changes: list[Planned]) -> list[IntakeError]:
    """One error per date change that was not confirmed: the user decides, not the importer."""
    return [
        IntakeError(
            code="moment_date_changed",
            params={
                "moment": in_both_languages(
                    dict(Measurement._meta.get_field("moment").choices).get(p.phase, p.phase)
                ),
                "old": f"{p.moved_from:%d-%m-%Y}",
                "new": f"{p.measured_on:%d-%m-%Y}",
            },
            file=result.file,
            sheet=p.sheet or None,
            row=p.row,
        )
        for p in changes
    ]
