"""The PostgreSQL server's floor for a million-row import (issue 14 item 5).

What is the least a set-based merge that keeps the current data model must pay on this server?
This script copies (``COPY``) synthetic rows, in the counts a file of ``--rows`` rows makes, into
tables with the same columns, indexes, unique and check constraints as the import's tables
(``CREATE TABLE … (LIKE monitoring_… INCLUDING ALL)``: participants, trajectories, measurements,
scores, the three history tables and the pairs), all in one transaction, and commits. No
Python builds a model row, no trigger fires, nothing is read back: what is left is the server's
own work (parsing, heap and index inserts, WAL, the commit). A file row is one participant's
measurement with 13 scores, so a million rows are 500,000 participants and trajectories, a
million measurements, 13 million scores with 13 million history rows and 8 million pairs
(16 per trajectory: 13 life domains and 3 burden series).

It runs twice: without foreign keys, and with the same foreign keys as ours (deferred, so they
are checked at the commit, one look-up per referencing row); parents outside the import
(organisation, project, import batch) are one-row tables of their own. It prints the seconds per
table and in all, rows per second and the load average. Nothing asserts on time. Run it by
hand against a throwaway database (never in ``make test``)::

    .venv/bin/python bench/import_floor.py --database postgres://postgres@127.0.0.1:5432/himport_bench_floor [--rows 1000000]

The database is created when missing and the project's migrations are applied to it (to copy
the tables' definitions); the floor tables are dropped afterwards. ``--drop`` drops the whole
database at the end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
import psycopg

ROOT = Path(__file__).resolve().parents[1]
ITEMS = [
    "housing",
    "finances",
    "work_daytime",
    "physical_health",
    "mental_health",
    "addiction",
    "daily_living",
    "social_network",
    "family_relations",
    "parenting",
    "safety",
    "justice",
    "participation",
]
BURDEN = ["professionals", "organisations", "heavy_measures"]
INSTRUMENT = "life_domains_self_reliance"
NOW = "2026-12-07 14:00:00+00"
CHUNK = 1_000_000  # rows generated and written to the CSV at a time (memory stays small)

#: The import's tables, in the order they are written (parents first).
TABLES = [
    "participant",
    "trajectory",
    "historicaltrajectory",
    "measurement",
    "historicalmeasurement",
    "score",
    "historicalscore",
    "pair",
]
#: Foreign keys of ours whose parent is written by the import itself (the rest point at the
#: one-row stand-ins for organisation, project, import batch and user).
IMPORTED = {f"monitoring_{name}" for name in TABLES}


def _as_history(frame: pl.DataFrame, ids: pl.Series) -> pl.DataFrame:
    """The columns simple-history adds to a row's copy: one "+" row per new row."""
    return frame.with_columns(
        history_id=ids,
        history_date=pl.lit(NOW),
        history_change_reason=pl.lit("import"),
        history_type=pl.lit("+"),
    )


def _dates(rng, n: int) -> pl.Series:
    return pl.Series(np.datetime64("2022-01-01") + rng.integers(0, 900, n)).cast(pl.Date)


def frames(table: str, rows: int, rng) -> list[pl.DataFrame]:
    """The synthetic rows of ``table`` for a file of ``rows`` rows, in chunks."""
    people = rows // 2
    counts = {
        "participant": people,
        "trajectory": people,
        "historicaltrajectory": people,
        "measurement": rows,
        "historicalmeasurement": rows,
        "score": rows * len(ITEMS),
        "historicalscore": rows * len(ITEMS),
        "pair": people * (len(ITEMS) + len(BURDEN)),
    }
    total = counts[table]
    out = []
    for start in range(0, total, CHUNK):
        n = min(CHUNK, total - start)
        ids = pl.Series(np.arange(start + 1, start + n + 1, dtype=np.int64))
        if table == "participant":
            frame = pl.DataFrame(
                {
                    "id": ids,
                    "pseudonym": pl.Series(
                        [f"{x:064x}" for x in rng.integers(0, 2**62, n, dtype=np.int64)]
                    ),
                    "household_key": "",
                    "neighbourhood": "Noord",
                    "birth_year": pl.Series(rng.integers(1940, 2010, n)),
                    "age_group": "30-49",
                    "created_at": NOW,
                    "organisation_id": 1,
                    "linking_keys": "{}",
                    "import_batch_id": 1,
                }
            )
        elif table in ("trajectory", "historicaltrajectory"):
            frame = pl.DataFrame(
                {
                    "id": ids,
                    "started_on": _dates(rng, n),
                    "end_reason": "",
                    "created_at": NOW,
                    "participant_id": ids,
                    "project_id": 1,
                }
            )
            if table == "trajectory":
                frame = frame.with_columns(version=0, import_batch_id=1)
            else:
                frame = _as_history(frame, ids)
        elif table in ("measurement", "historicalmeasurement"):
            frame = pl.DataFrame(
                {
                    "id": ids,
                    "measured_on": _dates(rng, n),
                    "moment": (ids % 2).replace_strict({1: "baseline", 0: "end"}),
                    "instrument": INSTRUMENT,
                    "professionals": pl.Series(rng.integers(0, 27, n)),
                    "created_at": NOW,
                    "trajectory_id": (ids + 1) // 2,
                }
            )
            if table == "measurement":
                frame = frame.with_columns(version=0, updated_at=pl.lit(NOW), import_batch_id=1)
            else:
                frame = _as_history(frame, ids)
        elif table in ("score", "historicalscore"):
            index = ids - 1
            frame = pl.DataFrame(
                {
                    "id": ids,
                    "item": (index % len(ITEMS)).replace_strict(dict(enumerate(ITEMS))),
                    "value": pl.Series(rng.integers(1, 6, n)),
                    "measurement_id": index // len(ITEMS) + 1,
                }
            )
            if table == "score":
                frame = frame.with_columns(updated_at=pl.lit(NOW))
            else:
                frame = _as_history(frame, ids)
        else:  # pair
            index = ids - 1
            per = len(ITEMS) + len(BURDEN)
            slot = index % per
            trajectory = index // per + 1
            frame = pl.DataFrame(
                {
                    "id": ids,
                    "series": (slot < len(ITEMS)).replace_strict({True: "domain", False: "burden"}),
                    "instrument": INSTRUMENT,
                    "domain": slot.replace_strict(dict(enumerate(ITEMS + BURDEN))),
                    "neighbourhood": "Noord",
                    "age_group": "30-49",
                    "period": _dates(rng, n),
                    "baseline_on": _dates(rng, n),
                    "baseline_score": pl.Series(rng.integers(1, 6, n)),
                    "latest_on": _dates(rng, n),
                    "latest_score": pl.Series(rng.integers(1, 6, n)),
                    "project_id": 1,
                    "trajectory_id": trajectory,
                    "import_batch_id": 1,
                    "participant_id": trajectory,
                }
            )
        out.append(frame)
    return out


def write_csv(table: str, rows: int, directory: Path, rng) -> tuple[Path, list[str], int]:
    path = directory / f"{table}.csv"
    count, columns = 0, []
    with path.open("wb") as handle:
        for frame in frames(table, rows, rng):
            columns = frame.columns
            frame.write_csv(handle, include_header=False)
            count += frame.height
    return path, columns, count


def migrate(url: str) -> None:
    """Create the database if missing and apply the project's migrations (for the definitions)."""
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('monitoring_pair')").fetchone()[0]:
            return
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "proeftuin.settings.dev"}
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True, cwd=ROOT / "src"
    )


def create_tables(conn, foreign_keys: bool) -> None:
    for parent in ("organisation", "project", "importbatch", "user"):
        conn.execute(f"CREATE TABLE floor_{parent} (id bigint PRIMARY KEY)")
        conn.execute(f"INSERT INTO floor_{parent} VALUES (1)")
    for name in TABLES:
        conn.execute(f"CREATE TABLE floor_{name} (LIKE monitoring_{name} INCLUDING ALL)")
    if not foreign_keys:
        return
    parents = {
        "accounts_organisation": "floor_organisation",
        "portfolio_project": "floor_project",
        "monitoring_importbatch": "floor_importbatch",
        "accounts_user": "floor_user",
    }
    for name in TABLES:
        keys = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid), confrelid::regclass::text FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f'",
            [f"monitoring_{name}"],
        ).fetchall()
        for constraint, definition, parent in keys:
            target = (
                parent.replace("monitoring_", "floor_") if parent in IMPORTED else parents[parent]
            )
            definition = definition.replace(f"REFERENCES {parent}(", f"REFERENCES {target}(")
            conn.execute(f'ALTER TABLE floor_{name} ADD CONSTRAINT "f_{constraint}" {definition}')


def drop_tables(conn) -> None:
    for name in [*reversed(TABLES), "organisation", "project", "importbatch", "user"]:
        conn.execute(f"DROP TABLE IF EXISTS floor_{name} CASCADE")


def run(url: str, files: dict[str, tuple[Path, list[str], int]], foreign_keys: bool) -> dict:
    with psycopg.connect(url, autocommit=True) as conn:
        drop_tables(conn)
        create_tables(conn, foreign_keys)
    timings: dict[str, float] = {}
    try:
        with psycopg.connect(url) as conn:  # one transaction, as a merge step
            for name in TABLES:
                path, columns, _count = files[name]
                t0 = time.perf_counter()
                with (
                    conn.cursor() as cursor,
                    cursor.copy(
                        f"COPY floor_{name} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
                    ) as copy,
                    path.open("rb") as handle,
                ):
                    while block := handle.read(1 << 20):
                        copy.write(block)
                timings[name] = time.perf_counter() - t0
            t0 = time.perf_counter()
            conn.commit()
            timings["commit"] = time.perf_counter() - t0
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            drop_tables(conn)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a throwaway PostgreSQL database URL")
    parser.add_argument("--rows", type=int, default=1_000_000, help="file rows (default 1M)")
    parser.add_argument("--only", choices=["without", "with"], default=None)
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    name = args.database.rsplit("/", 1)[1]
    if name in ("postgres", "test", "template0", "template1"):
        parser.error("use a throwaway database")
    migrate(args.database)
    rng = np.random.default_rng(14)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        files = {table: write_csv(table, args.rows, Path(tmp), rng) for table in TABLES}
        total_rows = sum(count for _p, _c, count in files.values())
        print(
            f"{args.rows:,} file rows: {total_rows:,} table rows generated in "
            f"{time.perf_counter() - t0:.1f} s (not counted)"
        )
        modes = [("without", False), ("with", True)]
        for label, foreign_keys in modes:
            if args.only and args.only != label:
                continue
            load = os.getloadavg()[0]
            timings = run(args.database, files, foreign_keys)
            total = sum(timings.values())
            print()
            print(
                f"{label} foreign keys (load at start {load:.1f}, at end {os.getloadavg()[0]:.1f})"
            )
            for table in [*TABLES, "commit"]:
                seconds = timings[table]
                count = files[table][2] if table in files else 0
                rate = f"{count / seconds:12,.0f} rows/s" if count else ""
                print(f"  {table:22} {count:>12,} rows {seconds:8.1f} s {rate}")
            print(
                f"  {'in all':22} {total_rows:>12,} rows {total:8.1f} s "
                f"{total_rows / total:12,.0f} table rows/s, {args.rows / total:,.0f} file rows/s"
            )
    if args.drop:
        with psycopg.connect(args.database.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
    load = os.getloadavg()
    print(
        f"\nMachine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )


if __name__ == "__main__":
    main()
