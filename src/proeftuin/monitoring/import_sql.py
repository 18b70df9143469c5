"""A merge step of a staged import, set-based, on PostgreSQL (issue 14 item 5).

Called by :func:`.import_writer.write_records` (the one write path of an import) for a merge
step of a staged import on PostgreSQL: every record of the step is about a participant who is
new to the organisation, so every participant, trajectory, measurement and score it writes is
new. The rules are those of :func:`.import_writer.write_records` (the same helpers decide the
participants' attributes, the trajectories and which value wins), but the rows are not built as
model instances:

- participants, trajectories and measurements get their ids from their sequences up front and
  are copied in (``COPY``) with them, marked with the import batch;
- the scores are copied once per measurement into a temporary staging table (the items and
  values as two texts) and expanded by one ``INSERT … SELECT … unnest`` whose ``RETURNING``
  feeds their history rows in the same statement (:func:`.history.insert_with_history`);
- the history rows ("+") of trajectories and measurements are one ``INSERT … SELECT`` each
  (:mod:`.history`), so nothing is read back into Python.

Stories and heavy measures go to the caller's ``deferred`` collector, as in every staged step.
The rows the pairs refresh would read back are handed to the caller as frames instead
(``stats["pair_rows"]``, for :func:`.services.insert_new_pairs`; decision 0028). SQLite keeps
the stepwise path of :mod:`.import_writer`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from proeftuin.common.bulk import copy_model_rows, insert_rows, next_ids
from proeftuin.core.instruments import Instrument

from . import pairs_frames
from .history import insert_with_history, write_history
from .importer import FLAGS, MEASUREMENT_FIELDS, ImportFailed, existing_trajectory, trajectory_key
from .models import Measurement, Participant, Score, Trajectory

REASON = "import"
STAGE = "proeftuin_import_scores"
SEPARATOR = chr(31)  # between the items of a staging row (an item id may hold a comma)


@dataclass
class _Trajectory:
    participant_key: str
    started_on: dt.date
    facts: dict[str, Any] = field(default_factory=dict)
    pk: int | None = None


@dataclass
class _Measurement:
    trajectory: _Trajectory
    measured_on: dt.date
    moment: str
    values: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, int | None] = field(default_factory=dict)
    pk: int | None = None


def write_new(
    project,
    records: list[dict[str, Any]],
    instrument: Instrument,
    *,
    user,
    batch,
    deferred,
    stats: dict[str, Any],
) -> None:
    """Write ``records`` (all about new participants) set-based; fills ``stats`` (the counts and
    ``trajectory_ids``) and ``deferred`` (stories, heavy measures)."""
    from .import_writer import participant_attrs, sortable_key, trajectory_facts

    attrs = participant_attrs(records)
    first_measured, facts = trajectory_facts(records)
    # Trajectories, as import_writer._trajectories resolves them for participants without any.
    by_participant: dict[str, list[_Trajectory]] = defaultdict(list)
    trajectories: dict[tuple, _Trajectory] = {}
    created: list[_Trajectory] = []
    for key in sorted({trajectory_key(r) for r in records}, key=sortable_key):
        existing = by_participant[key[0]]
        start = key[1]
        trajectory = existing_trajectory(existing, start)  # type: ignore[arg-type]
        if start is None:
            start = first_measured.get(key[0]) or dt.date.today()
        if trajectory is None:
            trajectory = _Trajectory(key[0], start)
            existing.append(trajectory)
            created.append(trajectory)
        trajectory.facts.update(facts.get(key, {}))
        trajectories[key] = trajectory
    # Measurements and scores: a later row's value wins, as in write_records.
    item_ids = set(instrument.item_ids)
    measurements: dict[tuple, _Measurement] = {}
    stories: list[tuple[_Trajectory, tuple, dict[str, Any]]] = []
    heavy: set[tuple[int, str, dt.date]] = set()
    heavy_rows: list[tuple[_Trajectory, str, dt.date]] = []
    for record in records:
        if record["measured_on"] is None or record["phase"] is None:
            raise ImportFailed(_("Het bestand bevat fouten."))
        trajectory = trajectories[trajectory_key(record)]
        key = (id(trajectory), record["measured_on"], record["phase"])
        measurement = measurements.get(key)
        if measurement is None:
            measurement = _Measurement(trajectory, record["measured_on"], record["phase"])
            measurements[key] = measurement
        for name in MEASUREMENT_FIELDS:
            value = record.get(name)
            if value is not None:
                measurement.values[name] = value
        for item, value in record["scores"].items():
            if item not in item_ids:
                raise ImportFailed(_("Onbekend leefgebied: %(item)s") % {"item": item})
            measurement.scores[item] = None if value == "onbekend" else int(value)
        if record.get("story"):
            stories.append((trajectory, key, record))
        for flag in FLAGS:
            when = record.get(f"{flag}_on")
            if record.get(flag) and when:
                heavy_rows.append((trajectory, flag, when))

    # Ids up front, then COPY: no model instances, nothing read back.
    keys = list(attrs)
    participant_ids = dict(zip(keys, next_ids(Participant, len(keys)), strict=True))
    participant_columns = (
        "organisation_id",
        "pseudonym",
        "import_batch_id",
        "household_key",
        "neighbourhood",
        "birth_year",
        "age_group",
        "linking_keys",
    )
    defaults = {f: Participant._meta.get_field(f).get_default() for f in participant_columns[3:]}
    participant_rows = []
    stored: dict[str, dict[str, Any]] = {}
    for key in keys:
        values = stored[key] = {**defaults, **attrs[key]}
        participant_rows.append(
            (
                participant_ids[key],
                project.owner_id,
                key,
                batch.pk,
                values["household_key"],
                values["neighbourhood"],
                values["birth_year"],
                values["age_group"],
                _json(values["linking_keys"]),
            )
        )
    copy_model_rows(Participant, participant_columns, participant_rows)
    stats["participants_created"] += len(keys)

    for trajectory, pk in zip(created, next_ids(Trajectory, len(created)), strict=True):
        trajectory.pk = pk
    ended = Trajectory._meta.get_field("end_reason").get_default()
    copy_model_rows(
        Trajectory,
        ("participant_id", "project_id", "started_on", "import_batch_id", "ended_on", "end_reason"),
        [
            (
                t.pk,
                participant_ids[t.participant_key],
                project.pk,
                t.started_on,
                batch.pk,
                t.facts.get("ended_on"),
                t.facts.get("end_reason", ended),
            )
            for t in created
        ],
    )
    trajectory_ids = [t.pk for t in created]
    write_history(Trajectory, trajectory_ids, history_type="+", user=user, reason=REASON)
    stats["trajectories_created"] += len(created)

    new = list(measurements.values())
    for measurement, pk in zip(new, next_ids(Measurement, len(new)), strict=True):
        measurement.pk = pk
    columns = ("trajectory_id", "measured_on", "moment", "instrument", "recorded_by_id")
    columns += ("import_batch_id", *MEASUREMENT_FIELDS)
    blank = {name: Measurement._meta.get_field(name).get_default() for name in MEASUREMENT_FIELDS}
    user_id = getattr(user, "pk", None)
    copy_model_rows(
        Measurement,
        columns,
        [
            (
                m.pk,
                m.trajectory.pk,
                m.measured_on,
                m.moment,
                instrument.id,
                user_id,
                batch.pk,
                *({**blank, **m.values}[name] for name in MEASUREMENT_FIELDS),
            )
            for m in new
        ],
    )
    measurement_ids = [m.pk for m in new]
    write_history(Measurement, measurement_ids, history_type="+", user=user, reason=REASON)
    stats["measurements_created"] += len(new)

    staged = _score_rows(new)
    stats["scores_created"] += _write_scores(staged, user)
    stats["pair_rows"] = _pair_rows(
        project, created, participant_ids, stored, new, staged, instrument, blank
    )
    deferred.stories.extend(
        (t.pk, measurements[key].pk, r["measured_on"], r["story"], bool(r.get("consent")))
        for t, key, r in stories
    )
    heavy.update((t.pk, flag, when) for t, flag, when in heavy_rows)
    deferred.heavy.update(heavy)
    stats["records"] = len(records)
    stats["trajectory_ids"] = sorted(trajectory_ids)


def _score_rows(measurements: list[_Measurement]) -> list[tuple[int, str, str]]:
    """One staging row per measurement with scores: its id, the items joined by the unit
    separator and the values by commas (empty: onbekend).

    Text, split in SQL: psycopg dumps Python lists in Python, which cost more than the rest of
    the step."""
    return [
        (
            m.pk,
            SEPARATOR.join(m.scores),
            ",".join("" if v is None else str(v) for v in m.scores.values()),
        )
        for m in measurements
        if m.scores
    ]


def _write_scores(rows: list[tuple[int, str, str]], user) -> int:
    """The scores of new measurements (rows from :func:`_score_rows`), expanded in the database
    by one statement that writes their history rows too. Returns how many were written."""
    if not rows:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} "
            "(measurement_id bigint, items text, vals text) ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {STAGE}")  # noqa: S608 - a fixed name
    insert_rows(STAGE, ("measurement_id", "items", "vals"), rows)
    return insert_with_history(
        Score,
        ("measurement_id", "item", "value", "updated_at"),
        f"SELECT s.measurement_id, u.item, u.value, %s FROM {STAGE} s "  # noqa: S608
        "CROSS JOIN LATERAL unnest(string_to_array(s.items, chr(31)), "
        "string_to_array(s.vals, ',', '')::integer[]) AS u(item, value)",
        [timezone.now()],
        user=user,
        reason=REASON,
    )


def _pair_rows(project, created, ids, participants, measurements, staged, instrument, blank):
    """What the pairs refresh would read back of this step's rows (frames in the forms of
    :mod:`.pairs_frames`), built from the rows just written instead (decision 0028)."""
    trajectories = pl.DataFrame(
        [
            (
                t.pk,
                project.pk,
                ids[t.participant_key],
                t.started_on,
                participants[t.participant_key]["neighbourhood"],
                participants[t.participant_key]["birth_year"],
                participants[t.participant_key]["age_group"],
            )
            for t in created
        ],
        schema=pairs_frames.TRAJECTORY_ROWS,
        orient="row",
    )
    sessions = pl.DataFrame(
        [
            (
                m.pk,
                m.trajectory.pk,
                m.measured_on,
                m.moment,
                *({**blank, **m.values}[name] for name in MEASUREMENT_FIELDS),
            )
            for m in measurements
        ],
        schema=pairs_frames.SESSION_ROWS,
        orient="row",
    )
    # The scores as the staging rows hold them, split and expanded by polars as SQL does.
    scores = (
        pl.DataFrame(
            staged,
            schema={"measurement_id": pl.Int64, "items": pl.String, "vals": pl.String},
            orient="row",
        )
        .join(
            sessions.select("measurement_id", "trajectory_id", "measured_on", "moment"),
            on="measurement_id",
        )
        .with_columns(
            pl.col("items").str.split(SEPARATOR).alias("item"),
            pl.col("vals").str.split(",").alias("score"),
        )
        .explode("item", "score")
        .select(
            "trajectory_id",
            pl.lit(instrument.id, pl.String).alias("instrument"),
            "item",
            "measured_on",
            pl.when(pl.col("score") == "")
            .then(None)
            .otherwise(pl.col("score"))
            .cast(pl.Int64)
            .alias("score"),
            "measurement_id",
            "moment",
        )
    )
    return trajectories, scores, sessions


def _json(value) -> str | None:
    import json

    return None if value is None else json.dumps(value)
