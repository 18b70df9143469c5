# ruff: noqa: S608 - every name in this SQL is a constant of this module, never input
"""The triggers that keep the derived cell tables (:mod:`.pair_cell_models`) true, and their upkeep.

Why triggers (decision 0030): pairs are written by the pairs refresh, by an import's ``COPY``,
deleted by the collector's cascades (a project, a trajectory, an erasure), by a discarded
import's raw ``DELETE`` and by tests' fixtures. A trigger is the one place that sees all of them,
in the writer's own transaction, so the counts can never drift from the pairs.

- **PostgreSQL**: one trigger per statement with its transition tables: a statement's changed
  pairs are grouped and *appended* as ``+n``/``-n`` rows. No writer updates a shared row, so 25
  people saving scores in one project never wait on, or deadlock over, the same cell. A cell is
  the sum of its rows; :func:`compact` folds the rows of a cell into one (the worker does it
  every few minutes; a read is right without it).
- **SQLite**: one trigger per row updates the cell in place (one writer at a time, so no
  contention), inserting it the first time.
- **Trajectories per person**: an upsert per person (PostgreSQL: per statement, in id order),
  so two transactions adding a trajectory for the same person take turns on that row.

A table rebuilt by a migration on SQLite loses its triggers: :func:`missing_triggers` is checked
by a system check and a test, and :func:`install` (idempotent) puts them back.
"""

from __future__ import annotations

from django.db import connection, transaction

PAIRS = "monitoring_pair"
TRAJECTORIES = "monitoring_trajectory"
COUNTS = "monitoring_participanttrajectories"

CELLS = "monitoring_paircell"
#: The key columns of a cell, in the cells table.
CELL_KEYS = (
    "project_id",
    "series",
    "instrument",
    "domain",
    "dimension",
    "value",
    "baseline_score",
    "latest_score",
    "import_batch_id",
)
NULLABLE = {"value", "baseline_score", "latest_score", "import_batch_id"}
#: The breakdowns a pair is counted under ("": the total), the pair column that holds its value.
DIMENSIONS = ("", "neighbourhood", "age_group", "period")


def value_sql(dimension: str, row: str, vendor: str) -> str:
    """The cell's ``value`` for a pair row (``row``: a table alias or NEW/OLD): the pair's
    value in that dimension as text (a period as ISO text, missing as null)."""
    if not dimension:
        return "''"
    column = f"{row}.{dimension}" if row else dimension
    if dimension == "period":
        if vendor == "postgresql":
            return f"to_char({column}, 'YYYY-MM-DD')"
        # Stored as ISO text already; the cast drops the declared type, which would make Django's
        # date converter turn every value of a compound query's column into a date (or None).
        return f"CAST({column} AS TEXT)"
    return column


def _projection(dimension: str, row: str, vendor: str) -> list[str]:
    """The key columns of the cell of ``row`` in ``dimension``, as expressions."""
    prefix = f"{row}." if row else ""
    exprs = []
    for key in CELL_KEYS:
        if key == "dimension":
            exprs.append(f"'{dimension}'")
        elif key == "value":
            exprs.append(value_sql(dimension, row, vendor))
        else:
            exprs.append(f"{prefix}{key}")
    return exprs


def _unpivoted(source: str, vendor: str, extra: str = "") -> str:
    """Every pair of ``source`` once per dimension, with the cell's key columns (and ``extra``)."""
    return " UNION ALL ".join(
        "SELECT "
        + ", ".join(
            f"{e} AS {k}" for e, k in zip(_projection(d, "", vendor), CELL_KEYS, strict=True)
        )
        + extra
        + f" FROM {source}"
        for d in DIMENSIONS
    )


_TRIGGERS = (
    "pair_cells_insert",
    "pair_cells_delete",
    "pair_cells_update",
    "trajectory_counts_insert",
    "trajectory_counts_delete",
    "trajectory_counts_update",
)
#: What :func:`install` creates per database (SQLite: also the cells' unique index).
TRIGGERS = {"sqlite": ("pair_cell_unique", *_TRIGGERS), "postgresql": _TRIGGERS}


# --- SQLite: a row trigger updates the cell in place -------------------------------------------


#: SQLite: one row per cell, so a pair's four cells are one upsert (a unique index on the key,
#: missing values made comparable). Not a model constraint: PostgreSQL appends rows per cell.
SQLITE_UNIQUE = "pair_cell_unique"
_SQLITE_KEY = (
    "project_id, series, instrument, dimension, domain, IFNULL(value, ''), "
    "IFNULL(baseline_score, -1), IFNULL(latest_score, -1), IFNULL(import_batch_id, 0)"
)


def _sqlite_change(row: str, sign: str) -> str:
    """Add ``sign``1 to the four cells of ``row`` (NEW or OLD): one upsert."""
    cells = " UNION ALL ".join(
        "SELECT " + ", ".join(_projection(d, row, "sqlite")) + f", {sign}1" for d in DIMENSIONS
    )
    # "WHERE true": SQLite's parser needs it between a SELECT and ON CONFLICT.
    return (
        f"INSERT INTO {CELLS} ({', '.join(CELL_KEYS)}, pairs) SELECT * FROM ({cells}) WHERE true "
        f"ON CONFLICT ({_SQLITE_KEY}) DO UPDATE SET pairs = pairs + excluded.pairs;"
    )


def _sqlite_count(row: str, sign: str) -> str:
    if sign == "-":
        return (
            f"UPDATE {COUNTS} SET trajectories = trajectories - 1 "
            f"WHERE participant_id = {row}.participant_id;"
        )
    return (
        f"INSERT INTO {COUNTS} (participant_id, trajectories) VALUES ({row}.participant_id, 1) "
        "ON CONFLICT (participant_id) DO UPDATE SET trajectories = trajectories + 1;"
    )


def _sqlite_statements() -> list[str]:
    return [
        f"CREATE UNIQUE INDEX IF NOT EXISTS {SQLITE_UNIQUE} ON {CELLS} ({_SQLITE_KEY})",
        f"CREATE TRIGGER IF NOT EXISTS pair_cells_insert AFTER INSERT ON {PAIRS} "
        f"BEGIN {_sqlite_change('NEW', '+')} END",
        f"CREATE TRIGGER IF NOT EXISTS pair_cells_delete AFTER DELETE ON {PAIRS} "
        f"BEGIN {_sqlite_change('OLD', '-')} END",
        f"CREATE TRIGGER IF NOT EXISTS pair_cells_update AFTER UPDATE ON {PAIRS} "
        f"BEGIN {_sqlite_change('OLD', '-')} {_sqlite_change('NEW', '+')} END",
        f"CREATE TRIGGER IF NOT EXISTS trajectory_counts_insert AFTER INSERT ON {TRAJECTORIES} "
        f"BEGIN {_sqlite_count('NEW', '+')} END",
        f"CREATE TRIGGER IF NOT EXISTS trajectory_counts_delete AFTER DELETE ON {TRAJECTORIES} "
        f"BEGIN {_sqlite_count('OLD', '-')} END",
        f"CREATE TRIGGER IF NOT EXISTS trajectory_counts_update "
        f"AFTER UPDATE OF participant_id ON {TRAJECTORIES} "
        f"WHEN OLD.participant_id IS NOT NEW.participant_id "
        f"BEGIN {_sqlite_count('OLD', '-')} {_sqlite_count('NEW', '+')} END",
    ]


# --- PostgreSQL: a statement trigger appends the statement's changes ---------------------------


def _pg_cells(*sources: tuple[str, int]) -> str:
    """Append the statement's changes, grouped per cell, to the cells."""
    changes = " UNION ALL ".join(
        _unpivoted(source, "postgresql", f", {sign} AS n") for source, sign in sources
    )
    names = ", ".join(CELL_KEYS)
    return (
        f"INSERT INTO {CELLS} ({names}, pairs) SELECT {names}, SUM(n) FROM ({changes}) changed "
        f"GROUP BY {names} HAVING SUM(n) <> 0;"
    )


def _pg_counts(*sources: tuple[str, int]) -> str:
    changes = " UNION ALL ".join(
        f"SELECT participant_id, {sign} AS n FROM {src}" for src, sign in sources
    )
    # In id order, so two statements over the same persons take their rows in the same order.
    return (
        f"INSERT INTO {COUNTS} AS c (participant_id, trajectories) "
        f"SELECT participant_id, SUM(n) FROM ({changes}) changed "
        f"GROUP BY participant_id HAVING SUM(n) <> 0 ORDER BY participant_id "
        f"ON CONFLICT (participant_id) DO UPDATE SET trajectories = c.trajectories + EXCLUDED.trajectories;"
    )


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NULL; END $$"
    )


def _pg_trigger(name: str, event: str, table: str, referencing: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _postgresql_statements() -> list[str]:
    new, old = ("new_rows", 1), ("old_rows", -1)
    both = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    return [
        _pg_function("pair_cells_insert", _pg_cells(new)),
        _pg_function("pair_cells_delete", _pg_cells(old)),
        _pg_function("pair_cells_update", _pg_cells(old, new)),
        _pg_function("trajectory_counts_insert", _pg_counts(new)),
        _pg_function("trajectory_counts_delete", _pg_counts(old)),
        _pg_function("trajectory_counts_update", _pg_counts(old, new)),
        *_pg_trigger("pair_cells_insert", "INSERT", PAIRS, "NEW TABLE AS new_rows"),
        *_pg_trigger("pair_cells_delete", "DELETE", PAIRS, "OLD TABLE AS old_rows"),
        *_pg_trigger("pair_cells_update", "UPDATE", PAIRS, both),
        *_pg_trigger("trajectory_counts_insert", "INSERT", TRAJECTORIES, "NEW TABLE AS new_rows"),
        *_pg_trigger("trajectory_counts_delete", "DELETE", TRAJECTORIES, "OLD TABLE AS old_rows"),
        *_pg_trigger("trajectory_counts_update", "UPDATE", TRAJECTORIES, both),
    ]


# --- installing, checking, rebuilding, compacting -----------------------------------------------


def install(using=None) -> None:
    """Create (or re-create) the triggers; idempotent."""
    conn = using or connection
    statements = _postgresql_statements() if conn.vendor == "postgresql" else _sqlite_statements()
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(using=None) -> None:
    conn = using or connection
    with conn.cursor() as cursor:
        for name in TRIGGERS[conn.vendor]:
            table = PAIRS if name.startswith("pair_") else TRAJECTORIES
            if conn.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            elif name == SQLITE_UNIQUE:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def missing_triggers(using=None) -> list[str]:
    """The triggers (and SQLite's unique cell index) that should be there and are not (a table
    rebuilt on SQLite loses them)."""
    conn = using or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                "(%s::regclass, %s::regclass)",
                [PAIRS, TRAJECTORIES],
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')")
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in TRIGGERS[conn.vendor] if name not in present]


def _fill_sql(vendor: str) -> str:
    names = ", ".join(CELL_KEYS)
    return (
        f"INSERT INTO {CELLS} ({names}, pairs) SELECT {names}, COUNT(*) "
        f"FROM ({_unpivoted(PAIRS, vendor)}) unpivoted GROUP BY {names}"
    )


def _counts_sql() -> str:
    return (
        f"INSERT INTO {COUNTS} (participant_id, trajectories) "
        f"SELECT participant_id, COUNT(*) FROM {TRAJECTORIES} GROUP BY participant_id"
    )


def rebuild(using=None) -> None:
    """Recount every cell and every person's trajectories from the pairs and trajectories.

    The migration's backfill, and the repair if the counts were ever wrong. On PostgreSQL the
    tables are locked against writers meanwhile (a writer's statement trigger would otherwise
    append its change to counts that already hold it), and the cells against compaction."""
    conn = using or connection
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {PAIRS}, {TRAJECTORIES} IN SHARE MODE")
            # And no compaction meanwhile: its sums, committed after this snapshot, would
            # survive the delete below and be counted twice (readers still read).
            cursor.execute(f"LOCK TABLE {CELLS}, {COUNTS} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {CELLS}")
        cursor.execute(_fill_sql(conn.vendor))
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(_counts_sql())


def differences(using=None) -> dict[str, int]:
    """Per derived table, how many cells differ from a recount (0 everywhere: all is well).
    Each table is compared in one statement, so with one snapshot."""
    conn = using or connection
    found = {}
    with conn.cursor() as cursor:
        unpivoted = f"({_unpivoted(PAIRS, conn.vendor)}) unpivoted"
        found[CELLS] = _count_differences(cursor, CELLS, CELL_KEYS, "pairs", unpivoted)
        found[COUNTS] = _count_differences(
            cursor, COUNTS, ("participant_id",), "trajectories", TRAJECTORIES
        )
    return found


def _count_differences(cursor, table: str, keys: tuple[str, ...], value: str, source: str) -> int:
    names = ", ".join(keys)
    # A full outer join made of two grouped halves, so it runs on SQLite too.
    cursor.execute(
        f"SELECT COUNT(*) FROM (SELECT {names}, SUM(v) AS v FROM ("
        f"SELECT {names}, {value} AS v FROM {table} UNION ALL "
        f"SELECT {names}, -COUNT(*) AS v FROM {source} GROUP BY {names}"
        f") both_sides GROUP BY {names} HAVING SUM(v) <> 0) differing"
    )
    return cursor.fetchone()[0]


def compact(project_ids=None, using=None) -> int:
    """Fold each cell's rows into one and drop cells and persons counted zero; returns the rows
    removed. Safe beside writers: on PostgreSQL one statement deletes the rows it sees and
    inserts their sums, and rows appended meanwhile are left for the next time."""
    conn = using or connection
    removed = 0
    scope = ""
    params: list = []
    if project_ids is not None:
        ids = sorted({int(i) for i in project_ids})
        if not ids:
            return 0
        scope = f" WHERE project_id IN ({', '.join(['%s'] * len(ids))})"
        params = ids
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        for table, keys in ((CELLS, CELL_KEYS),):
            names = ", ".join(keys)
            if conn.vendor == "postgresql":
                cursor.execute(
                    f"WITH gone AS (DELETE FROM {table}{scope} RETURNING {names}, pairs), "
                    f"kept AS (INSERT INTO {table} ({names}, pairs) SELECT {names}, SUM(pairs) "
                    f"FROM gone GROUP BY {names} HAVING SUM(pairs) <> 0 RETURNING 1) "
                    f"SELECT (SELECT COUNT(*) FROM gone) - (SELECT COUNT(*) FROM kept)",
                    params,
                )
                removed += cursor.fetchone()[0]
            else:
                zero = " AND pairs = 0" if scope else " WHERE pairs = 0"
                cursor.execute(f"DELETE FROM {table}{scope}{zero}", params)
                removed += cursor.rowcount
        cursor.execute(f"DELETE FROM {COUNTS} WHERE trajectories = 0")
        removed += cursor.rowcount
    return removed


def compact_recent(after_id: int, using=None) -> int:
    """Compact the projects that gained cell rows with an id above ``after_id`` (the worker's
    watermark; 0 the first time: every project) and return the new watermark. A row a slower
    transaction commits below the watermark is compacted with its project's next change; the
    sums are right either way."""
    conn = using or connection
    with conn.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM monitoring_paircell")
        top = cursor.fetchone()[0] or 0
        projects: set[int] = set()
        cursor.execute(f"SELECT DISTINCT project_id FROM {CELLS} WHERE id > %s", [after_id])
        projects.update(row[0] for row in cursor.fetchall())
    if projects:
        compact(projects, using=conn)
        with conn.cursor() as cursor:
            cursor.execute("SELECT MAX(id) FROM monitoring_paircell")
            top = cursor.fetchone()[0] or 0
    return max(top, after_id)


MIGRATION = ("monitoring", "0018_pair_cells_kept_by_triggers")


def check_triggers(app_configs=None, databases=None, **kwargs):
    """System check (database): the triggers exist wherever their migration has run. A table
    that a later migration rebuilds on SQLite loses its triggers, and the figures would then go
    stale without a sound."""
    from django.core.checks import Error
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    errors = []
    for alias in databases or ():
        conn = connections[alias]
        recorder = MigrationRecorder(conn)
        # A fresh database (``migrate`` runs this check first) has no triggers yet, rightly.
        if not recorder.has_table():
            continue
        if not recorder.migration_qs.filter(app=MIGRATION[0], name=MIGRATION[1]).exists():
            continue
        missing = missing_triggers(conn)
        if missing:
            errors.append(
                Error(
                    f"The triggers that keep the effect figures' cells are missing: {missing}.",
                    hint="Run: proeftuin manage pair_cells --rebuild (see decision 0030).",
                    id="monitoring.E030",
                )
            )
    return errors


def reinstall_after_migrate(sender, using="default", **kwargs) -> None:
    """``post_migrate``: put the triggers back if a migration rebuilt a table on SQLite (which
    drops its triggers); idempotent, and nothing before their own migration has run."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    conn = connections[using]
    recorder = MigrationRecorder(conn)
    if not recorder.has_table():
        return
    applied = recorder.migration_qs.filter(app=MIGRATION[0], name=MIGRATION[1]).exists()
    if applied and missing_triggers(conn):
        install(conn)
