"""Fast inserts of many plain rows: COPY on PostgreSQL, ``executemany`` elsewhere.

For tables an import fills by the million (scores, pairs): no model instances, no signals, and
inside the caller's transaction, so a failure still rolls everything back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

BATCH = 5000


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order, values already adapted for the database)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The raw cursor bypasses Django's error translation: a constraint is still an
            # IntegrityError to the caller.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})"  # noqa: S608 - fixed names
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def insert_instances(model, objs: Sequence, key: Sequence[str]) -> None:
    """Insert new, unsaved model instances as plain rows and give them their ids.

    For the rows a staged import creates by the hundred thousand: ``bulk_create`` prepares every
    value through the field API, which cost about 40 % of a merge step. Values are adapted once
    per column type here; ``auto_now``/``auto_now_add`` columns get the current time. No signals
    (the caller writes history with :func:`proeftuin.monitoring.history.write_history`). The ids
    are read back by ``key``, a unique set of columns whose first one is used to select."""
    if not objs:
        return
    from django.db import models

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            adapters.append(lambda _v, now=now: now)
        elif isinstance(f, models.JSONField):
            adapters.append(lambda v, f=f: None if v is None else json.dumps(v, cls=f.encoder))
        elif isinstance(f, models.DateTimeField):
            adapters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        else:
            adapters.append(None)
    rows = []
    for obj in objs:
        row = []
        for f, adapt in zip(fields, adapters, strict=True):
            value = getattr(obj, f.attname)
            if value is None and f.is_relation and f.is_cached(obj):
                related = f.get_cached_value(obj)
                value = related.pk if related is not None else None
                setattr(obj, f.attname, value)
            row.append(adapt(value) if adapt is not None else value)
        rows.append(tuple(row))
    insert_rows(model._meta.db_table, [f.column for f in fields], rows)
    scope = key[0]
    wanted = sorted({getattr(obj, scope) for obj in objs})
    ids: dict[tuple, int] = {}
    for start in range(0, len(wanted), 500):
        for pk, *values in model._base_manager.filter(
            **{f"{scope}__in": wanted[start : start + 500]}
        ).values_list("pk", *key):
            ids[tuple(values)] = pk
    for obj in objs:
        obj.pk = ids[tuple(getattr(obj, name) for name in key)]
        obj._state.adding = False
        obj._state.db = connection.alias


# --- PostgreSQL: ids ahead, COPY in and out ---------------------------------------------------------


def next_ids(model, count: int) -> list[int]:
    """``count`` new primary keys from the table's sequence (PostgreSQL), so rows can be copied
    in with their ids and nothing has to be read back."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def constant_columns(model, given: Sequence[str]) -> tuple[list[str], tuple]:
    """The columns of ``model`` not in ``given`` (attnames, the primary key excluded), with the
    value a new row gets: the field default, the current time for ``auto_now(_add)``."""
    now = timezone.now()
    columns, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_default()
        columns.append(f.column)
        values.append(value)
    return columns, tuple(values)


def copy_model_rows(model, given: Sequence[str], rows: Sequence[Sequence]) -> None:
    """COPY new rows into ``model``'s table (PostgreSQL): each row holds the primary key and the
    ``given`` attnames in order (values as psycopg adapts them); every other column gets its
    default (:func:`constant_columns`)."""
    if not rows:
        return
    meta = model._meta
    rest, constants = constant_columns(model, given)
    columns = [meta.pk.column, *(meta.get_field(_field_name(model, a)).column for a in given)]
    insert_rows(meta.db_table, [*columns, *rest], [(*row, *constants) for row in rows])


def _field_name(model, attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.name
    raise LookupError(attname)


def read_frame(queryset, schema: dict):
    """A ``values_list`` queryset as a polars frame with ``schema`` (names in the queryset's
    order). On PostgreSQL the rows come by ``COPY … TO STDOUT`` as CSV, never as Python tuples
    (a pairs refresh reads millions of scores); elsewhere through the cursor. Booleans arrive as
    ``t``/``f`` strings from the CSV, so ask for them as ``pl.String`` and convert."""
    import polars as pl

    if connection.vendor != "postgresql":
        return pl.DataFrame(list(queryset), schema=schema, orient="row")
    import psycopg

    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    literal = psycopg.ClientCursor(connection.connection).mogrify(sql, params)
    buffer = bytearray()
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY ({literal}) TO STDOUT (FORMAT csv)") as copy,
    ):
        for block in copy:
            buffer += block
    if not buffer:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(bytes(buffer), has_header=False, new_columns=list(schema), schema=schema)


def copy_frame(table: str, frame) -> None:
    """COPY a polars frame into ``table`` (its column names are the table's), PostgreSQL."""
    if frame.height == 0:
        return
    import io

    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in frame.columns)
    data = io.BytesIO()
    frame.write_csv(data, include_header=False, null_value="\\N")
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(
            f"COPY {qn(table)} ({names}) FROM STDIN (FORMAT csv, NULL '\\N')"
        ) as copy,
    ):
        copy.write(data.getvalue())
