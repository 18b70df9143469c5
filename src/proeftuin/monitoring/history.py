"""History rows for rows written in bulk: one ``INSERT … SELECT`` per batch, built from the
historical model's metadata (django-simple-history's ``tracked_fields`` and its own fields).

``bulk_create`` and a COPY skip the history signals, and ``bulk_history_create`` builds a model
instance per row (an import can hold millions of scores). This writes the same rows the signals
would: a copy of every tracked column, plus the date, the type (``+`` or ``~``), the user and a
reason. No column name is spelled out here; a new tracked field is copied without a change.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

BATCH = 500  # ids per statement: well below SQLite's limit on parameters
PG_BATCH = 50_000  # ids per statement on PostgreSQL (one array parameter)


def _columns(model) -> tuple[list[str], list[str], list[str]]:
    """(history columns for the copy, source columns, history columns for the extras)."""
    history = model.history.model
    meta = history._meta
    copied_to, copied_from = [], []
    for field in history.tracked_fields:
        copied_to.append(meta.get_field(field.name).column)
        copied_from.append(field.column)
    extras = [
        meta.get_field(name).column
        for name in ("history_date", "history_type", "history_user", "history_change_reason")
    ]
    return copied_to, copied_from, extras


def write_history(
    model, pks: Sequence[int], *, history_type: str, user=None, reason: str = ""
) -> int:
    """Write one history row per row in ``pks`` (as stored now). Returns how many were written.

    Runs in the caller's transaction: a failure rolls back the rows and their history alike."""
    if not pks:
        return 0
    qn = connection.ops.quote_name
    copied_to, copied_from, extras = _columns(model)
    table = qn(model._meta.db_table)
    target = qn(model.history.model._meta.db_table)
    pk_column = qn(model._meta.pk.column)
    insert_columns = ", ".join(qn(c) for c in [*copied_to, *extras])
    select_columns = ", ".join(qn(c) for c in copied_from)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    written = 0
    extra = [now, history_type, getattr(user, "pk", None), reason[:100]]
    insert = (
        f"INSERT INTO {target} ({insert_columns}) "  # noqa: S608 - names from metadata
        f"SELECT {select_columns}, %s, %s, %s, %s FROM {table} "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter: a statement per 50,000 rows instead of per 500.
            for start in range(0, len(pks), PG_BATCH):
                batch = [int(pk) for pk in pks[start : start + PG_BATCH]]
                cursor.execute(f"{insert}WHERE {pk_column} = ANY(%s)", [*extra, batch])
                written += cursor.rowcount
            return written
        for start in range(0, len(pks), BATCH):
            batch = list(pks[start : start + BATCH])
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"{insert}WHERE {pk_column} IN ({marks})", [*extra, *batch])
            written += cursor.rowcount
    return written


def insert_with_history(
    model,
    columns: Sequence[str],
    select: str,
    params: Sequence,
    *,
    history_type: str = "+",
    user=None,
    reason: str = "",
) -> int:
    """Insert the rows ``select`` gives (in ``columns`` order) into ``model``'s table and write
    their history rows in the same statement (PostgreSQL: ``WITH … INSERT … RETURNING``), so the
    new rows are never looked up again. Returns how many rows were inserted."""
    qn = connection.ops.quote_name
    copied_to, copied_from, extras = _columns(model)
    table = qn(model._meta.db_table)
    target = qn(model.history.model._meta.db_table)
    names = ", ".join(qn(c) for c in columns)
    returned = ", ".join(qn(c) for c in copied_from)
    insert_columns = ", ".join(qn(c) for c in [*copied_to, *extras])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    extra = [now, history_type, getattr(user, "pk", None), reason[:100]]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH new AS (INSERT INTO {table} ({names}) {select} RETURNING {returned}) "  # noqa: S608
            f"INSERT INTO {target} ({insert_columns}) SELECT {returned}, %s, %s, %s, %s FROM new",
            [*params, *extra],
        )
        return cursor.rowcount
