"""Commit the records of a clean dry run to the database: atomically, and idempotently.

The pure core (:func:`proeftuin.core.intake.dry_run`) parses, validates and pseudonymises; this
module only writes. Natural keys make a re-import of the same file change nothing:

- participant: (organisation, pseudonym);
- trajectory: (participant, project, start); without a start column, the participant's latest
  trajectory in the project (or a new one starting at its first measurement);
- measurement: (trajectory, date, moment); scores per (measurement, domain);
- story: (trajectory, date, text); heavy measure: (trajectory, kind, date).

Everything happens in one ``transaction.atomic``: one failing row rolls the whole import back.
The pairs table is refreshed in the same transaction, so reports include the import at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from proeftuin.common.bulk import insert_rows
from proeftuin.core.instruments import Instrument
from proeftuin.core.intake import ERROR, DryRunResult, IntakeError

from . import services
from .models import (
    AgeGroup,
    HeavyMeasure,
    Measurement,
    Participant,
    Score,
    Story,
    Trajectory,
)

Progress = Callable[[int, str], None]
CHUNK = 500
FLAGS = ("supervision_order", "out_of_home_placement", "eviction")
MEASUREMENT_FIELDS = ("professionals", "organisations", *FLAGS)


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
            errors.append(
                IntakeError(
                    code="phase_required",
                    reason=_("Het meetmoment van deze rij is niet bekend."),
                    action=_(
                        "Koppel een kolom als meetmoment of kies een meetmoment voor het blad."
                    ),
                    **where,
                )
            )
        if record["measured_on"] is None:
            errors.append(
                IntakeError(
                    code="date_required",
                    reason=_("De datum van deze meting ontbreekt."),
                    action=_(
                        "Koppel de kolom met de datum van de meting en vul die in (dd-mm-jjjj)."
                    ),
                    **where,
                )
            )
        start, end = record["trajectory_start"], record["trajectory_end"]
        if start and record["measured_on"] and record["measured_on"] < start:
            errors.append(
                IntakeError(
                    code="measured_before_start",
                    reason=_("De meting ligt vóór de start van het traject."),
                    action=_("Controleer de startdatum van het traject en de datum van de meting."),
                    **where,
                )
            )
        if start and end and end < start:
            errors.append(
                IntakeError(
                    code="end_before_start",
                    reason=_("Het traject eindigt vóór de start."),
                    action=_("Controleer de start- en einddatum van het traject."),
                    **where,
                )
            )
        if len(errors) >= 1000:
            break
    return errors


def all_errors(result: DryRunResult) -> tuple[list[IntakeError], int]:
    """The core's problems plus :func:`app_checks`; and the number of blocking errors."""
    extra = app_checks(result)
    listed = list(result.errors) + extra
    return listed, result.error_count + sum(1 for e in extra if e.severity == ERROR)


def _age_group(record: dict[str, Any]) -> str:
    if record.get("age") is not None:
        return AgeGroup.for_age(int(record["age"]))
    return ""


def commit(
    project,
    result: DryRunResult,
    instrument: Instrument,
    *,
    user=None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the dry run's records. Raises :class:`ImportFailed` (and writes nothing) on errors."""
    report = progress or (lambda _p, _m: None)
    errors, count = all_errors(result)
    if count:
        first = next((e for e in errors if e.severity == ERROR), None)
        raise ImportFailed(str(first) if first else _("Het bestand bevat fouten."))
    records = list(result.iter_records())
    stats: defaultdict[str, int] = defaultdict(int)
    for key in (
        "participants_created",
        "trajectories_created",
        "measurements_created",
        "measurements_updated",
        "scores_created",
        "scores_updated",
        "stories_created",
        "heavy_measures_created",
    ):
        stats[key] = 0
    total = max(len(records), 1)
    with transaction.atomic():
        participants = _participants(project, records, stats)
        report(10, _("Deelnemers vastgelegd"))
        trajectories = _trajectories(project, records, participants, stats, user)
        report(20, _("Trajecten vastgelegd"))
        existing = {
            (m.trajectory_id, m.measured_on, m.moment): m
            for m in Measurement.objects.filter(trajectory__in=list(trajectories.values()))
        }
        by_key: dict[tuple, Measurement] = {}
        new: list[Measurement] = []
        changed: dict[int, Measurement] = {}
        score_keys: list[tuple[tuple, str, int | None]] = []
        story_rows: list[tuple[tuple, Trajectory, dict[str, Any]]] = []
        heavy_rows: set[tuple[int, str, dt.date]] = set()
        item_ids = set(instrument.item_ids)
        for index, record in enumerate(records):
            trajectory = trajectories[_trajectory_key(record)]
            key = (trajectory.pk, record["measured_on"], record["phase"])
            measurement = by_key.get(key)
            if measurement is None:
                measurement = existing.get(key)
                if measurement is None:
                    measurement = Measurement(
                        trajectory=trajectory,
                        measured_on=record["measured_on"],
                        moment=record["phase"],
                        instrument=instrument.id,
                        recorded_by=user,
                    )
                    new.append(measurement)
                    stats["measurements_created"] += 1
                else:
                    stats["measurements_updated"] += 1
                by_key[key] = measurement
            if measurement.instrument != instrument.id:
                raise ImportFailed(
                    _(
                        "Blad '%(sheet)s', rij %(row)s: deze meting staat al in Proeftuin met een "
                        "ander instrument."
                    )
                    % {"sheet": record["sheet"], "row": record["row"]}
                )
            if record["measured_on"] is None or record["phase"] is None:
                raise ImportFailed(_("Het bestand bevat fouten."))
            for name in MEASUREMENT_FIELDS:
                value = record.get(name)
                if value is not None and getattr(measurement, name) != value:
                    setattr(measurement, name, value)
                    if measurement.pk:
                        changed[measurement.pk] = measurement
            for item, value in record["scores"].items():
                if item not in item_ids:
                    raise ImportFailed(_("Onbekend leefgebied: %(item)s") % {"item": item})
                score_keys.append((key, item, None if value == "onbekend" else int(value)))
            if record.get("story"):
                story_rows.append((key, trajectory, record))
            for flag in FLAGS:
                when = record.get(f"{flag}_on")
                if record.get(flag) and when:
                    heavy_rows.add((trajectory.pk, flag, when))
            if index % 500 == 0:
                report(20 + int(40 * index / total), _("Metingen vastleggen"))
        _insert_new(Measurement, new, user=user)
        if changed:
            bulk_update_with_history(
                list(changed.values()),
                Measurement,
                list(MEASUREMENT_FIELDS),
                batch_size=CHUNK,
                default_user=user,
            )
        report(65, _("Metingen vastgelegd"))
        score_rows = [(by_key[key], item, value) for key, item, value in score_keys]
        _write_stories(story_rows, by_key, user, stats)
        _write_heavy(heavy_rows, user, stats)
        _write_scores(score_rows, stats)
        report(80, _("Scores vastgelegd"))
        services.refresh_pairs({t.pk for t in trajectories.values()})
        report(95, _("Analyses bijgewerkt"))
    stats["records"] = len(records)
    return dict(stats)


def _participants(project, records, stats) -> dict[str, Participant]:
    attrs: dict[str, dict[str, Any]] = {}
    for record in records:
        current = attrs.setdefault(record["participant_key"], {})
        if record.get("household_key"):
            current["household_key"] = record["household_key"]
        if record.get("neighbourhood"):
            current["neighbourhood"] = str(record["neighbourhood"]).strip()[:100]
        if record.get("birth_year"):
            current["birth_year"] = int(record["birth_year"])
            current["age_group"] = ""
        elif record.get("age") is not None and "birth_year" not in current:
            current["age_group"] = _age_group(record)
    keys = list(attrs)
    found: dict[str, Participant] = {}
    for start in range(0, len(keys), CHUNK):
        for p in Participant.objects.filter(
            organisation_id=project.owner_id, pseudonym__in=keys[start : start + CHUNK]
        ):
            found[p.pseudonym] = p
    new = [
        Participant(organisation_id=project.owner_id, pseudonym=key, **attrs[key])
        for key in keys
        if key not in found
    ]
    Participant.objects.bulk_create(new, batch_size=CHUNK)
    stats["participants_created"] += len(new)
    changed = []
    for key, participant in found.items():
        values = attrs[key]
        if any(getattr(participant, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(participant, k, v)
            changed.append(participant)
    if changed:
        Participant.objects.bulk_update(
            changed, ["household_key", "neighbourhood", "birth_year", "age_group"], batch_size=CHUNK
        )
    # Re-read the created rows for their ids.
    for start in range(0, len(keys), CHUNK):
        for p in Participant.objects.filter(
            organisation_id=project.owner_id, pseudonym__in=keys[start : start + CHUNK]
        ):
            found[p.pseudonym] = p
    return found


def _trajectory_key(record) -> tuple[str, dt.date | None]:
    return record["participant_key"], record.get("trajectory_start")


def _sortable(key: tuple[str, dt.date | None]) -> tuple[str, dt.date]:
    return key[0], key[1] or dt.date.min


def _trajectories(project, records, participants, stats, user) -> dict[tuple, Trajectory]:
    by_participant: dict[int, list[Trajectory]] = defaultdict(list)
    ids = [p.pk for p in participants.values()]
    for start in range(0, len(ids), CHUNK):
        for t in Trajectory.objects.filter(
            project=project, participant_id__in=ids[start : start + CHUNK]
        ).order_by("started_on"):
            by_participant[t.participant_id].append(t)
    first_measured: dict[str, dt.date] = {}
    facts: dict[tuple, dict[str, Any]] = defaultdict(dict)
    for record in records:
        key = _trajectory_key(record)
        if key[1] is None and record.get("measured_on"):
            when = record["measured_on"]
            first_measured[key[0]] = min(first_measured.get(key[0], when), when)
        if record.get("trajectory_end"):
            facts[key]["ended_on"] = record["trajectory_end"]
        if record.get("end_reason"):
            facts[key]["end_reason"] = record["end_reason"]
    result: dict[tuple, Trajectory] = {}
    new: list[Trajectory] = []
    changed: dict[int, Trajectory] = {}
    for key in sorted({_trajectory_key(r) for r in records}, key=_sortable):
        participant = participants[key[0]]
        existing = by_participant.get(participant.pk, [])
        start = key[1]
        trajectory = None
        if start is None:
            trajectory = existing[-1] if existing else None
            start = first_measured.get(key[0]) or dt.date.today()
        else:
            trajectory = next((t for t in existing if t.started_on == start), None)
        if trajectory is None:
            trajectory = Trajectory(participant=participant, project=project, started_on=start)
            stats["trajectories_created"] += 1
            new.append(trajectory)
            by_participant[participant.pk].append(trajectory)
        update = facts.get(key, {})
        if update and any(getattr(trajectory, k) != v for k, v in update.items()):
            for k, v in update.items():
                setattr(trajectory, k, v)
            if trajectory.pk:
                changed[trajectory.pk] = trajectory
        result[key] = trajectory
    _insert_new(Trajectory, new, user=user)
    if changed:
        bulk_update_with_history(
            list(changed.values()),
            Trajectory,
            ["ended_on", "end_reason"],
            batch_size=CHUNK,
            default_user=user,
        )
    return result


_HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}
INSERT_BATCH = 500


def _insert_new(model, objs: list, *, user=None, reason: str = "import") -> None:
    """Insert new rows with one multi-row INSERT … RETURNING per batch, and write their history
    rows ("+", by ``user``) with one INSERT … SELECT: the same rows ``bulk_create_with_history``
    would write, without its per-object cost (an import can hold a million measurements).
    Each object gets its ``pk``. Databases without RETURNING fall back to Django's way."""
    if not objs:
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        bulk_create_with_history(objs, model, batch_size=CHUNK, default_user=user)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    history = model.history.model
    copied = [f.column for f in history._meta.concrete_fields if f.name not in _HISTORY_OWN]
    copied_sql = ", ".join(qn(c) for c in copied)
    extra = ", ".join(
        qn(c) for c in ("history_date", "history_change_reason", "history_type", "history_user_id")
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(objs), INSERT_BATCH):
            batch = objs[start : start + INSERT_BATCH]
            params: list[Any] = []
            for obj in batch:
                for f in fields:
                    params.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
            marks = ", ".join([row_marks] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {marks} RETURNING {qn('id')}",  # noqa: S608 - fixed names
                params,
            )
            ids = [row[0] for row in cursor.fetchall()]
            for obj, pk in zip(batch, ids, strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
            id_marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"INSERT INTO {qn(history._meta.db_table)} ({copied_sql}, {extra}) "  # noqa: S608
                f"SELECT {copied_sql}, %s, %s, '+', %s FROM {table} WHERE {qn('id')} IN ({id_marks})",
                [now, reason, getattr(user, "pk", None), *ids],
            )


def _write_stories(rows, by_key, user, stats) -> None:
    """Stories by (trajectory, date, text): a story already there is not added again."""
    trajectory_ids = sorted({trajectory.pk for _key, trajectory, _record in rows})
    seen: set[tuple[int, dt.date, str]] = set()
    for start in range(0, len(trajectory_ids), CHUNK):
        seen.update(
            Story.objects.filter(
                trajectory_id__in=trajectory_ids[start : start + CHUNK]
            ).values_list("trajectory_id", "told_on", "text")
        )
    new = []
    for key, trajectory, record in rows:
        natural = (trajectory.pk, record["measured_on"], record["story"])
        if natural in seen:
            continue
        seen.add(natural)
        new.append(
            Story(
                trajectory=trajectory,
                told_on=record["measured_on"],
                text=record["story"],
                consent=bool(record.get("consent")),
                measurement=by_key[key],
                recorded_by=user,
            )
        )
    Story.objects.bulk_create(new, batch_size=CHUNK)
    stats["stories_created"] += len(new)


def _write_heavy(rows: set[tuple[int, str, dt.date]], user, stats) -> None:
    trajectory_ids = sorted({t for t, _kind, _when in rows})
    seen: set[tuple[int, str, dt.date]] = set()
    for start in range(0, len(trajectory_ids), CHUNK):
        seen.update(
            HeavyMeasure.objects.filter(
                trajectory_id__in=trajectory_ids[start : start + CHUNK]
            ).values_list("trajectory_id", "kind", "occurred_on")
        )
    new = [
        HeavyMeasure(trajectory_id=t, kind=kind, occurred_on=when, recorded_by=user)
        for t, kind, when in sorted(rows - seen)
    ]
    HeavyMeasure.objects.bulk_create(new, batch_size=CHUNK)
    stats["heavy_measures_created"] += len(new)


def _write_scores(rows, stats) -> None:
    """Scores per (measurement, domain): new ones inserted, changed ones updated, no duplicates."""
    measurement_ids = sorted({m.pk for m, _i, _v in rows})
    existing: dict[tuple[int, str], tuple[int, int | None]] = {}
    for start in range(0, len(measurement_ids), CHUNK):
        for pk, measurement_id, item, value in Score.objects.filter(
            measurement_id__in=measurement_ids[start : start + CHUNK]
        ).values_list("pk", "measurement_id", "item", "value"):
            existing[(measurement_id, item)] = (pk, value)
    # New scores stay plain tuples: a file can hold millions, and model instances cost time.
    new: dict[tuple[int, str], int | None] = {}
    changed: dict[int, Score] = {}
    for measurement, item, value in rows:
        key = (measurement.pk, item)
        if key in existing:
            pk, current = existing[key]
            if current != value:
                changed[pk] = Score(pk=pk, measurement_id=measurement.pk, item=item, value=value)
                existing[key] = (pk, value)
        else:
            new[key] = value
    _insert_scores([(m, item, value) for (m, item), value in new.items()])
    if changed:
        Score.objects.bulk_update(list(changed.values()), ["value"], batch_size=1000)
    stats["scores_created"] += len(new)
    stats["scores_updated"] += len(changed)


def _insert_scores(scores: list[tuple[int, str, int | None]]) -> None:
    """A plain INSERT (COPY on PostgreSQL) of (measurement id, item, value): a file can hold
    millions of scores (the measurement's own history records the import)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    insert_rows(
        Score._meta.db_table,
        ("measurement_id", "item", "value", "updated_at"),
        [(m, item, value, now) for m, item, value in scores],
    )


def errors_for_display(errors: list[IntakeError]) -> list[dict[str, Any]]:
    """Rows for the error table: file, sheet, row, column and the Dutch reason and action."""
    return [
        {
            "file": e.file,
            "sheet": e.sheet or "",
            "row": e.row,
            "column": (e.column or "") + (f" ({e.header})" if e.header else ""),
            "reason": e.reason,
            "action": e.action,
            "severity": e.severity,
            "is_error": e.is_error,
        }
        for e in errors
    ]


def with_file(errors: list[IntakeError], name: str) -> list[IntakeError]:
    return [e if e.file else replace(e, file=name) for e in errors]
