"""The writes of an import, called only by :func:`.recording.import_records` (inside its
transaction). Natural keys make a re-import of the same file change nothing:

- participant: (organisation, pseudonym);
- trajectory: (participant, project, start); without a start column, the participant's latest
  trajectory in the project (or a new one starting at its first measurement);
- measurement: (trajectory, date, moment), or an existing moment whose date the user confirmed
  as corrected (:func:`.importer.plan`); scores per (measurement, domain);
- story: (trajectory, date, text); heavy measure: (trajectory, kind, date).

New and changed measurements, trajectories and scores get their history rows ("+" and "~") in
bulk (:func:`.history.write_history`); a value equal to the stored one is not written, so an
identical re-import reports nothing updated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from proeftuin.common.bulk import insert_instances, insert_rows
from proeftuin.core.instruments import Instrument

from . import import_sql
from .history import write_history
from .importer import (
    FLAGS,
    MEASUREMENT_FIELDS,
    ImportFailed,
    ImportPlan,
    existing_trajectory,
    trajectory_key,
)
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


@dataclass
class Deferred:
    """What a staged import writes only when it publishes (tables without a batch mark)."""

    stories: list[tuple[int, int, dt.date, str, bool]] = field(default_factory=list)
    heavy: set[tuple[int, str, dt.date]] = field(default_factory=set)


CHUNK = 500
REASON = "import"
STATS = (
    "participants_created",
    "trajectories_created",
    "measurements_created",
    "measurements_updated",
    "measurements_unchanged",
    "scores_created",
    "scores_updated",
    "stories_created",
    "heavy_measures_created",
)


def write_records(
    project,
    records: list[dict[str, Any]],
    instrument: Instrument,
    planned: ImportPlan,
    *,
    user=None,
    progress: Progress | None = None,
    batch=None,
    deferred: Deferred | None = None,
) -> dict[str, int]:
    """Write ``records`` (must run inside the caller's transaction); returns the counts.

    Returns the trajectory ids touched under ``"trajectory_ids"`` for the pairs refresh. A staged
    import passes its ``batch`` (new rows are marked with it, so they stay invisible until it is
    published) and a ``deferred`` collector: stories and heavy measures are then not written
    here but kept for the publishing transaction (their tables carry no batch mark)."""
    report = progress or (lambda _p, _m: None)
    stats: dict[str, Any] = dict.fromkeys(STATS, 0)
    if batch is not None and deferred is not None and connection.vendor == "postgresql":
        # A merge step: every record is about a new participant. Set-based, by COPY.
        import_sql.write_new(
            project, records, instrument, user=user, batch=batch, deferred=deferred, stats=stats
        )
        return stats
    total = max(len(records), 1)
    participants = _participants(project, records, stats, batch)
    report(10, _("Deelnemers vastgelegd"))
    trajectories = _trajectories(project, records, participants, stats, user, batch)
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
        if record["measured_on"] is None or record["phase"] is None:
            raise ImportFailed(_("Het bestand bevat fouten."))
        trajectory = trajectories[trajectory_key(record)]
        key = (trajectory.pk, record["measured_on"], record["phase"])
        measurement = by_key.get(key)
        if measurement is None:
            measurement = existing.get(key)
            moved_from = planned.moves.get(key)
            if measurement is None and moved_from is not None:
                # A confirmed date correction: the existing moment gets the file's date.
                measurement = existing[(trajectory.pk, moved_from, record["phase"])]
                measurement.measured_on = record["measured_on"]
                changed[measurement.pk] = measurement
            if measurement is None:
                measurement = Measurement(
                    trajectory=trajectory,
                    measured_on=record["measured_on"],
                    moment=record["phase"],
                    instrument=instrument.id,
                    recorded_by=user,
                    import_batch=batch,
                )
                new.append(measurement)
            by_key[key] = measurement
        if measurement.instrument != instrument.id:
            raise ImportFailed(
                _(
                    "Blad '%(sheet)s', rij %(row)s: deze meting staat al in Proeftuin met een "
                    "ander instrument."
                )
                % {"sheet": record["sheet"], "row": record["row"]}
            )
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
    _create(Measurement, new, ("trajectory_id", "measured_on", "moment"), batch)
    write_history(Measurement, [m.pk for m in new], history_type="+", user=user, reason=REASON)
    stats["measurements_created"] = len(new)
    if changed:
        bulk_update_with_history(
            list(changed.values()),
            Measurement,
            ["measured_on", *MEASUREMENT_FIELDS],
            batch_size=CHUNK,
            default_user=user,
            default_change_reason=REASON,
        )
    report(65, _("Metingen vastgelegd"))
    score_rows = [(by_key[key], item, value) for key, item, value in score_keys]
    stories = [
        (t.pk, by_key[key].pk, r["measured_on"], r["story"], bool(r.get("consent")))
        for key, t, r in story_rows
    ]
    if deferred is not None:
        deferred.stories.extend(stories)
        deferred.heavy.update(heavy_rows)
    else:
        write_stories(stories, user, stats)
        write_heavy(heavy_rows, user, stats)
    rescored = _write_scores(score_rows, stats, user)
    report(80, _("Scores vastgelegd"))
    created = {m.pk for m in new}
    existing_written = {m.pk for m in by_key.values()} - created
    updated = existing_written & (set(changed) | rescored)
    stats["measurements_updated"] = len(updated)
    stats["measurements_unchanged"] = len(existing_written - updated)
    stats["records"] = len(records)
    stats["trajectory_ids"] = sorted({t.pk for t in trajectories.values()})
    return stats


def _create(model, objs: list, key: tuple[str, ...], batch) -> None:
    """New rows: plain inserts in a staged import's merge (many rows, see
    :func:`.bulk.insert_instances`), ``bulk_create`` otherwise."""
    if batch is not None:
        insert_instances(model, objs, key)
    else:
        model.objects.bulk_create(objs, batch_size=CHUNK)


def _age_group(record: dict[str, Any]) -> str:
    if record.get("age") is not None:
        return AgeGroup.for_age(int(record["age"]))
    return ""


def participant_attrs(records) -> dict[str, dict[str, Any]]:
    """Per participant key, the attributes the file gives (a later row wins; linking keys
    are merged)."""
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
        hashed = {
            name.removeprefix("hashed__"): value
            for name, value in record.items()
            if name.startswith("hashed__") and value
        }
        if hashed:
            current.setdefault("linking_keys", {}).update(hashed)
    return attrs


def _participants(project, records, stats, batch=None) -> dict[str, Participant]:
    attrs = participant_attrs(records)
    keys = list(attrs)
    found: dict[str, Participant] = {}
    for start in range(0, len(keys), CHUNK):
        for p in Participant.objects.filter(
            organisation_id=project.owner_id, pseudonym__in=keys[start : start + CHUNK]
        ):
            found[p.pseudonym] = p
    new = [
        Participant(
            organisation_id=project.owner_id, pseudonym=key, import_batch=batch, **attrs[key]
        )
        for key in keys
        if key not in found
    ]
    _create(Participant, new, ("pseudonym", "organisation_id"), batch)
    stats["participants_created"] += len(new)
    changed = []
    for key, participant in found.items():
        values = dict(attrs[key])
        if "linking_keys" in values:
            values["linking_keys"] = {**participant.linking_keys, **values["linking_keys"]}
        if any(getattr(participant, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(participant, k, v)
            changed.append(participant)
    if changed:
        Participant.objects.bulk_update(
            changed,
            ["household_key", "neighbourhood", "birth_year", "age_group", "linking_keys"],
            batch_size=CHUNK,
        )
    # Re-read the created rows for their ids.
    for start in range(0, len(keys), CHUNK):
        for p in Participant.objects.filter(
            organisation_id=project.owner_id, pseudonym__in=keys[start : start + CHUNK]
        ):
            found[p.pseudonym] = p
    return found


def sortable_key(key: tuple[str, dt.date | None]) -> tuple[str, dt.date]:
    return key[0], key[1] or dt.date.min


def trajectory_facts(records) -> tuple[dict[str, dt.date], dict[tuple, dict[str, Any]]]:
    """(first measurement date per participant without a start column, end date and reason
    per trajectory key)."""
    first_measured: dict[str, dt.date] = {}
    facts: dict[tuple, dict[str, Any]] = defaultdict(dict)
    for record in records:
        key = trajectory_key(record)
        if key[1] is None and record.get("measured_on"):
            when = record["measured_on"]
            first_measured[key[0]] = min(first_measured.get(key[0], when), when)
        if record.get("trajectory_end"):
            facts[key]["ended_on"] = record["trajectory_end"]
        if record.get("end_reason"):
            facts[key]["end_reason"] = record["end_reason"]
    return first_measured, facts


def _trajectories(
    project, records, participants, stats, user, batch=None
) -> dict[tuple, Trajectory]:
    by_participant: dict[int, list[Trajectory]] = defaultdict(list)
    ids = [p.pk for p in participants.values()]
    for start in range(0, len(ids), CHUNK):
        for t in Trajectory.objects.filter(
            project=project, participant_id__in=ids[start : start + CHUNK]
        ).order_by("started_on"):
            by_participant[t.participant_id].append(t)
    first_measured, facts = trajectory_facts(records)
    result: dict[tuple, Trajectory] = {}
    new: list[Trajectory] = []
    changed: dict[int, Trajectory] = {}
    for key in sorted({trajectory_key(r) for r in records}, key=sortable_key):
        participant = participants[key[0]]
        existing = by_participant.get(participant.pk, [])
        start = key[1]
        trajectory = existing_trajectory(existing, start)
        if start is None:
            start = first_measured.get(key[0]) or dt.date.today()
        if trajectory is None:
            trajectory = Trajectory(
                participant=participant, project=project, started_on=start, import_batch=batch
            )
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
    _create(Trajectory, new, ("participant_id", "project_id", "started_on"), batch)
    write_history(Trajectory, [t.pk for t in new], history_type="+", user=user, reason=REASON)
    if changed:
        bulk_update_with_history(
            list(changed.values()),
            Trajectory,
            ["ended_on", "end_reason"],
            batch_size=CHUNK,
            default_user=user,
            default_change_reason=REASON,
        )
    return result


def write_stories(rows: list[tuple[int, int, dt.date, str, bool]], user, stats) -> None:
    """Stories (trajectory, measurement, date, text, consent) by (trajectory, date, text): a
    story already there is not added again."""
    trajectory_ids = sorted({row[0] for row in rows})
    seen: set[tuple[int, dt.date, str]] = set()
    for start in range(0, len(trajectory_ids), CHUNK):
        seen.update(
            Story.objects.filter(
                trajectory_id__in=trajectory_ids[start : start + CHUNK]
            ).values_list("trajectory_id", "told_on", "text")
        )
    new = []
    for trajectory_id, measurement_id, told_on, text, consent in rows:
        natural = (trajectory_id, told_on, text)
        if natural in seen:
            continue
        seen.add(natural)
        new.append(
            Story(
                trajectory_id=trajectory_id,
                told_on=told_on,
                text=text,
                consent=consent,
                measurement_id=measurement_id,
                recorded_by=user,
            )
        )
    Story.objects.bulk_create(new, batch_size=CHUNK)
    stats["stories_created"] += len(new)


def write_heavy(rows: set[tuple[int, str, dt.date]], user, stats) -> None:
    """Heavy measures (trajectory, kind, date) not yet recorded."""
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


def _write_scores(rows, stats, user) -> set[int]:
    """Scores per (measurement, domain): new ones inserted, changed ones updated, equal ones left
    alone; each written score gets a history row. Returns the measurements whose scores changed."""
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
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    insert_rows(
        Score._meta.db_table,
        ("measurement_id", "item", "value", "updated_at"),
        [(m, item, value, now) for (m, item), value in new.items()],
    )
    write_history(Score, _score_ids(new), history_type="+", user=user, reason=REASON)
    if changed:
        Score.objects.bulk_update(list(changed.values()), ["value"], batch_size=1000)
        write_history(Score, sorted(changed), history_type="~", user=user, reason=REASON)
    stats["scores_created"] += len(new)
    stats["scores_updated"] += len(changed)
    return {m for m, _item in new} | {s.measurement_id for s in changed.values()}


def _score_ids(keys) -> list[int]:
    """The ids of the scores just inserted (a COPY returns none), found by their natural key."""
    wanted = set(keys)
    measurement_ids = sorted({m for m, _item in wanted})
    ids = []
    for start in range(0, len(measurement_ids), CHUNK):
        for pk, measurement_id, item in Score.objects.filter(
            measurement_id__in=measurement_ids[start : start + CHUNK]
        ).values_list("pk", "measurement_id", "item"):
            if (measurement_id, item) in wanted:
                ids.append(pk)
    return ids
