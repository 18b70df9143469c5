"""Fast loading of participants, trajectories, pairs (and optionally raw scores) for
``effect_from_db.py``: plain ``INSERT`` batches on SQLite, ``COPY`` on PostgreSQL.

The ORM's ``bulk_create`` builds one Python object per row, too slow for 1M trajectories × 13
domains; this writes the same rows (every column the model has, its defaults filled in) straight
into the tables. The data: ``projects`` projects sharing ``trajectories`` trajectories, one
participant each, a baseline and an end score per life domain.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from itertools import repeat

import numpy as np

HOODS = ["Noord", "Oost", "Zuid", "West", "Centrum"]
AGES = ["18-26", "27-44", "45-66", "67+"]
CHUNK = 100_000


def _columns(model, values: dict) -> tuple[list[str], list]:
    """Every concrete column of ``model`` (no id) with ``values`` or the field's default."""
    names, defaults = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        default = field.get_default()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = datetime.now(UTC)
        if field.get_internal_type() == "JSONField":
            default = json.dumps(default)
        defaults.append(values.get(field.column, default))
    return names, defaults


def _write(connection, table: str, columns: list[str], rows) -> None:
    """Rows (tuples in ``columns`` order) into ``table``, in chunks."""
    cols = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)


def _ids(connection, table: str, where: str, params) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY id", params)
        return [r[0] for r in cursor.fetchall()]


ORGANISATION = "Gemeente Bench"


def loaded(n: int, projects: int, *, raw: bool) -> tuple[list[int], object] | None:
    """The project ids and the instrument when a kept database already holds this data (``n``
    trajectories in ``projects`` projects, raw scores if asked), else None (load it)."""
    from proeftuin.accounts.models import Organisation
    from proeftuin.monitoring import services
    from proeftuin.monitoring.models import Measurement, Trajectory
    from proeftuin.portfolio.models import Project

    org = Organisation.objects.filter(name=ORGANISATION).first()
    if org is None:
        return None
    project_ids = list(
        Project.objects.filter(owner=org).order_by("pk").values_list("pk", flat=True)
    )
    trajectories = Trajectory.all_objects.filter(project_id__in=project_ids)
    if len(project_ids) != projects or trajectories.count() != n:
        raise SystemExit(
            f"the kept database holds other data ({len(project_ids)} projects); "
            "name another one or drop it"
        )
    if raw and not Measurement.objects.filter(trajectory__project_id=project_ids[0]).exists():
        raise SystemExit("the kept database was loaded without raw scores: pass --no-raw")
    return project_ids, services.instrument()


def _drop_wide_indexes(connection, table: str) -> list[str]:
    """PostgreSQL: drop ``table``'s indexes that are no constraint and return their definitions
    (built again after the load: one sort instead of 13M inserts into a wide index)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def owners(n: int, projects: int, repeat_share: float) -> list[int]:
    """Which participant (an index below the number of participants) each of ``n``
    trajectories belongs to: the last ``repeat_share`` of them are second trajectories of
    earlier participants, so those people have several (the effect figures read their pairs
    again). Never two trajectories of one person in one project on one start day."""
    repeats = int(n * repeat_share)
    people = n - repeats
    owner = list(range(people))
    for i in range(people, n):
        j = (i * 7919) % people
        while j % projects == i % projects and j % 300 == i % 300:
            j = (j + 1) % people
        owner.append(j)
    return owner


def load(
    n: int, projects: int, seed: int, *, raw: bool, repeat_share: float = 0.0
) -> tuple[list[int], object]:
    """Load the data; returns the project ids and the instrument."""
    from django.db import connection, transaction

    from proeftuin.accounts.models import Organisation
    from proeftuin.monitoring import services
    from proeftuin.monitoring.models import Measurement, Pair, Participant, Score, Trajectory
    from proeftuin.portfolio.models import Project

    instrument = services.instrument()
    domains = [item.id for item in instrument.items]
    levels = list(instrument.scale.values)
    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    start = date(2025, 1, 6)
    if connection.vendor == "sqlite":
        # A throwaway database: no fsync, and a page cache big enough for the wide pair index.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")
    with transaction.atomic():
        org = Organisation.objects.create(name=ORGANISATION, kind="gemeente")
        project_ids = [
            Project.objects.create(
                owner=org, name=f"Bench {p}", start_date=date(2025, 1, 1), phase="implementatie"
            ).pk
            for p in range(projects)
        ]
        names, defaults = _columns(Participant, {"organisation_id": org.pk, "created_at": now})
        at = {c: i for i, c in enumerate(names)}

        owner = owners(n, projects, repeat_share)

        def participants():
            for i in range(max(owner) + 1 if owner else 0):
                row = list(defaults)
                row[at["pseudonym"]] = f"B{i:08d}"
                row[at["neighbourhood"]] = HOODS[i % len(HOODS)]
                row[at["age_group"]] = AGES[i % len(AGES)]
                yield tuple(row)

        _write(connection, Participant._meta.db_table, names, participants())
        people = _ids(connection, Participant._meta.db_table, "organisation_id = %s", [org.pk])
        names, defaults = _columns(Trajectory, {"created_at": now, "version": 1})
        at = {c: i for i, c in enumerate(names)}

        def trajectories():
            for i in range(n):
                row = list(defaults)
                row[at["participant_id"]] = people[owner[i]]
                row[at["project_id"]] = project_ids[i % projects]
                row[at["started_on"]] = start + timedelta(days=i % 300)
                yield tuple(row)

        _write(connection, Trajectory._meta.db_table, names, trajectories())
        marks = ", ".join(["%s"] * projects)
        tids = _ids(connection, Trajectory._meta.db_table, f"project_id IN ({marks})", project_ids)
        names, defaults = _columns(Pair, {"series": "domain", "instrument": instrument.id})
        at = {c: i for i, c in enumerate(names)}
        width = len(domains)

        day = [start + timedelta(days=d) for d in range(300)]
        quarter = [date(2025, 1 + 3 * (d // 91 % 4), 1) for d in range(300)]
        project_of = np.array(project_ids, dtype=np.int64)
        trajectory_of = np.array(tids, dtype=np.int64)
        participant_of = np.array([people[o] for o in owner], dtype=np.int64)

        def pairs():
            """Column lists per chunk, zipped into rows (no per-row Python work but the zip)."""
            for first in range(0, n, CHUNK):
                count = min(CHUNK, n - first)
                index = np.arange(first, first + count)
                before = rng.integers(levels[0], levels[-1] + 1, size=(count, width))
                after = np.clip(before + rng.integers(-1, 3, size=(count, width)), 1, levels[-1])
                each = np.repeat(index, width)
                days = (each % 300).tolist()
                columns = dict(enumerate(repeat(v) for v in defaults))
                columns[at["project_id"]] = project_of[each % projects].tolist()
                columns[at["trajectory_id"]] = trajectory_of[each].tolist()
                columns[at["participant_id"]] = participant_of[each].tolist()
                columns[at["domain"]] = domains * count
                columns[at["neighbourhood"]] = [HOODS[i % len(HOODS)] for i in each.tolist()]
                columns[at["age_group"]] = [AGES[i % len(AGES)] for i in each.tolist()]
                columns[at["period"]] = [quarter[d] for d in days]
                columns[at["baseline_on"]] = [day[d] + timedelta(days=2) for d in days]
                columns[at["baseline_score"]] = before.ravel().tolist()
                columns[at["latest_on"]] = [day[d] + timedelta(days=200) for d in days]
                columns[at["latest_score"]] = after.ravel().tolist()
                yield from zip(*(columns[i] for i in range(len(names))), strict=False)

        indexes = _drop_wide_indexes(connection, Pair._meta.db_table)
        _write(connection, Pair._meta.db_table, names, pairs())
        with connection.cursor() as cursor:
            if indexes:
                # The deferred foreign-key checks first (an index cannot be built with them
                # pending), then the index in one sort.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET maintenance_work_mem = '1GB'")
            for definition in indexes:
                cursor.execute(definition)
        if raw:
            _raw_scores(connection, instrument, tids, n, start, Measurement, Score)
    return project_ids, instrument


def _raw_scores(connection, instrument, tids, n, start, measurement_model, score_model) -> None:
    """The measurements and scores behind the pairs (for pandas over the raw measurements)."""
    from proeftuin.monitoring.models import Pair

    names, defaults = _columns(measurement_model, {"instrument": instrument.id, "version": 1})
    at = {c: i for i, c in enumerate(names)}

    def measurements():
        for i, t in enumerate(tids):
            for moment, days in (("baseline", 2), ("end", 200)):
                row = list(defaults)
                row[at["trajectory_id"]] = t
                row[at["measured_on"]] = start + timedelta(days=i % 300 + days)
                row[at["moment"]] = moment
                yield tuple(row)

    _write(connection, measurement_model._meta.db_table, names, measurements())
    table = measurement_model._meta.db_table
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * min(len(tids), 1))
        cursor.execute(
            f"SELECT id, trajectory_id, moment FROM {table} WHERE trajectory_id >= {marks}",
            [min(tids)],
        )
        ids = {(t, m): pk for pk, t, m in cursor.fetchall()}
        cursor.execute(
            f"SELECT trajectory_id, domain, baseline_score, latest_score FROM "
            f"{Pair._meta.db_table} WHERE trajectory_id >= %s",
            [min(tids)],
        )
        pairs = cursor.fetchall()
    names, defaults = _columns(score_model, {})
    at = {c: i for i, c in enumerate(names)}

    def scores():
        for t, domain, b, a in pairs:
            for moment, value in (("baseline", b), ("end", a)):
                row = list(defaults)
                row[at["measurement_id"]] = ids[(t, moment)]
                row[at["item"]] = domain
                row[at["value"]] = value
                yield tuple(row)

    _write(connection, score_model._meta.db_table, names, scores())
