"""Fast inserts of many plain rows: COPY on PostgreSQL, ``executemany`` elsewhere.

For tables an import fills by the million (scores, pairs): no model instances, no signals, and
inside the caller's transaction, so a failure still rolls everything back.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

BATCH = 5000


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order, values already adapted for the database)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})"  # noqa: S608 - fixed names
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
