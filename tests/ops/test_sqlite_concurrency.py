"""Finding: SQLite under 25 users gave 500 "database is locked" on concurrent saves.

A save reads, then writes, in one transaction. In SQLite's default (deferred) mode two such
transactions both take a read lock, and the one that upgrades second is refused at once with
"database is locked" (waiting could deadlock, so the busy timeout does not apply). The settings
now start every transaction with ``BEGIN IMMEDIATE`` in WAL mode, so writers queue on the busy
timeout instead. This test runs 25 threads against a file database with the project's settings.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

ALIAS = "concurrency"
THREADS = 25
SAVES = 8


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A fresh file database outside the test database, with the project's SQLite options."""
    django_db_blocker.unblock()
    default = connections["default"].settings_dict
    if default["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only: PostgreSQL has row locks")
    connections.settings[ALIAS] = {**default, "NAME": str(tmp_path / "c.sqlite3")}
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("CREATE TABLE tally (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        cursor.execute("CREATE TABLE saves (id INTEGER PRIMARY KEY, who INTEGER NOT NULL)")
        cursor.execute("INSERT INTO tally (id, n) VALUES (1, 0)")
    yield ALIAS
    for conn in connections.all(initialized_only=True):
        if conn.alias == ALIAS:
            conn.close()
    connections.settings.pop(ALIAS, None)
    django_db_blocker.restore()


def test_the_settings_use_wal_immediate_and_a_busy_timeout():
    options = connections["default"].settings_dict["OPTIONS"]
    if connections["default"].vendor != "sqlite":
        pytest.skip("SQLite only")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]


def test_25_concurrent_read_then_write_saves_all_succeed(file_database):
    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def user(who: int) -> None:
        try:
            start.wait()
            for _ in range(SAVES):
                with (
                    transaction.atomic(using=file_database),
                    connections[file_database].cursor() as cursor,
                ):
                    cursor.execute("SELECT n FROM tally WHERE id = 1")
                    (n,) = cursor.fetchone()
                    cursor.execute("INSERT INTO saves (who) VALUES (%s)", [who])
                    cursor.execute("UPDATE tally SET n = %s WHERE id = 1", [n + 1])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections[file_database].close()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with connections[file_database].cursor() as cursor:
        cursor.execute("SELECT n FROM tally WHERE id = 1")
        assert cursor.fetchone()[0] == THREADS * SAVES  # no lost update
        cursor.execute("SELECT COUNT(*) FROM saves")
        assert cursor.fetchone()[0] == THREADS * SAVES
