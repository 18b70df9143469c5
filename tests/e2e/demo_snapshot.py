"""A copy of the generated demo database, taken once per test session and put back before each test.

Live-server tests run transactionally: the database is emptied after every test, and generating
Gemeente Voorbeeldstad again costs about a minute on a loaded machine. So the first test generates
it and the database is copied as it is then; the next tests get that copy back:

- SQLite in memory: SQLite's backup API, both ways.
- PostgreSQL: each table's rows are COPYed to memory (binary format, generated columns left out,
  since PostgreSQL computes them). Restoring truncates every table and COPYs the rows back in one
  transaction (Django's foreign keys are deferrable, so the order of the tables does not matter),
  then sets every sequence where it was, so new rows get the same ids as after generating.

Every table is copied, including the content types and permissions that Django's flush makes again
after each test with new ids: the copy keeps the ids the demo's rows point at.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

# pytest-django's own bookkeeping: the migrations stay as they are.
SKIP_TABLES = frozenset({"django_migrations"})


def supported(connection) -> bool:
    """Whether this database can be snapshotted (else the demo is generated for every test)."""
    if connection.vendor == "sqlite":
        return connection.is_in_memory_db()
    return connection.vendor == "postgresql"


def take(connection):
    """A snapshot of the whole database as it is now (the caller has committed)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return SqliteSnapshot.take(connection)
    return PostgresSnapshot.take(connection)


@dataclass
class SqliteSnapshot:
    copy: sqlite3.Connection

    @classmethod
    def take(cls, connection) -> SqliteSnapshot:
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return cls(copy)

    def restore(self, connection) -> None:
        connection.ensure_connection()
        self.copy.backup(connection.connection)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class PostgresSnapshot:
    # table -> (column list as SQL, COPY data in binary format)
    tables: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # qualified sequence name -> (last value or None when never used, start value)
    sequences: dict[str, tuple[int | None, int]] = field(default_factory=dict)

    @classmethod
    def take(cls, connection) -> PostgresSnapshot:
        snapshot = cls()
        with connection.cursor() as cursor:
            names = connection.introspection.table_names(cursor, include_views=False)
            for table in names:
                if table in SKIP_TABLES:
                    continue
                cursor.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                    "AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
                    [_quote(table)],
                )
                columns = ", ".join(_quote(row[0]) for row in cursor.fetchall())
                sql = f"COPY {_quote(table)} ({columns}) TO STDOUT (FORMAT binary)"
                with cursor.cursor.copy(sql) as copy:
                    data = b"".join(bytes(chunk) for chunk in copy)
                snapshot.tables[table] = (columns, data)
            cursor.execute(
                "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value "
                "FROM pg_sequences WHERE schemaname = ANY (current_schemas(false))"
            )
            snapshot.sequences = {name: (last, start) for name, last, start in cursor.fetchall()}
        return snapshot

    def restore(self, connection) -> None:
        from django.db import transaction

        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            # The rows go back as they were, derived tables included: no trigger may add to
            # them (the pairs' COPY would count every pair into the cells a second time).
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("TRUNCATE " + ", ".join(_quote(t) for t in self.tables))
            for table, (columns, data) in self.tables.items():
                sql = f"COPY {_quote(table)} ({columns}) FROM STDIN (FORMAT binary)"
                with cursor.cursor.copy(sql) as copy:
                    copy.write(data)
            for name, (last, start) in self.sequences.items():
                if last is None:  # never used: the next value is the start value
                    cursor.execute("SELECT setval(%s::regclass, %s, false)", [name, start])
                else:
                    cursor.execute("SELECT setval(%s::regclass, %s, true)", [name, last])
