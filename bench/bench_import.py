"""Benchmark: importing 1,000,000 CSV rows with full validation (issue 4, Target 2).

Target: at most 20 s and at most 2 GB peak memory for a dry run of a 1M-row CSV (500,000
participants × a baseline and an end measurement, 13 life domains, professionals, heavy measures,
neighbourhood, birth year). For comparison the same file is validated by a straightforward
csv-module loop, one row at a time in Python, in the same run. Run it with::

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--baseline-rows 200000]

The baseline loop may run on fewer rows (``--baseline-rows``); its time is scaled linearly to the
full row count, and the script says so. The dry run needs no Django. Nothing here asserts on
timing; it prints the figures and whether they meet the targets. Peak memory is the process's
peak resident set size (``ru_maxrss``) measured right after the dry run, before the baseline runs.

Then, in another fresh process, the first ``--commit-rows`` rows (default 50,000) are imported
for real into a new SQLite database through Django (dry run and commit), and the commit's rate
and its projection for the whole file are printed: the write is reported, not hidden
(docs/decisions/0009-import-write-path.md). The import is staged (docs/decisions/0023-staged-import.md): the
benchmark prints its end-to-end time, rows per second and peak memory, the number and the
longest of its merge steps and its publishing step, and how another user fared meanwhile: a
thread saving one score every 50 ms through the one write path, with its longest wait (on
SQLite, how long the import held the write lock at most). ``--commit-database`` (repeatable)
measures PostgreSQL too; the machine's load average is printed at the end. To measure the whole
file: ``--rows 1000000 --commit-rows 1000000``. With ``BENCH_IMPORT_PROFILE=1`` the commit child
prints a cProfile of the import (to stderr).

After the dry run the child also holds the records as the import does (the frame, and one merge
step's dicts at a time) and prints that peak; ``BENCH_IMPORT_RECORDS=list`` holds them all as
dicts instead, as the import did before (issue 14 item 5).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hmac
import io
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from proeftuin.core.instruments import LIFE_DOMAINS, load_instruments  # noqa: E402
from proeftuin.core.intake import dry_run, suggest_mapping  # noqa: E402

TARGET_SECONDS = 20.0
TARGET_PEAK_GB = 2.0
SECRET = b"benchmark-secret-32-bytes-long!!"
TODAY = dt.date(2025, 6, 1)

WIJKEN = ["Noord", "Oost", "Zuid", "West", "Centrum", "Haagse Beemden", "Princenhage", "Ginneken"]


def generate_csv(path: Path, rows: int, items: list[tuple[str, str]], seed: int = 4) -> int:
    """Write a Dutch-style CSV (``;``, dd-mm-jjjj dates, UTF-8 with BOM) and return its size."""
    rng = np.random.default_rng(seed)
    participants = (rows + 1) // 2
    start = np.datetime64("2022-01-01") + rng.integers(0, 600, participants)
    end = start + rng.integers(90, 450, participants)
    dates = np.empty(participants * 2, dtype="datetime64[D]")
    dates[0::2], dates[1::2] = start, end

    def digits(low: int, high: int) -> pl.Series:
        return pl.Series(rng.integers(low, high, rows)).cast(pl.String)

    def yes_no(p: float) -> pl.Series:
        return pl.Series(rng.random(rows) < p).replace_strict({True: "ja", False: "nee"})

    columns: dict[str, pl.Series] = {
        "Cliëntnummer": pl.Series(np.arange(rows) // 2 + 100_000).cast(pl.String),
        "Datum": pl.Series(dates[:rows]).dt.strftime("%d-%m-%Y"),
        "Fase": pl.Series(np.arange(rows) % 2).replace_strict({0: "0-meting", 1: "eindmeting"}),
    }
    for _item_id, name in items:
        columns[name] = digits(1, 6)
    columns["Aantal hulpverleners"] = digits(0, 27)
    columns["Wijk"] = pl.Series(rng.integers(0, len(WIJKEN), rows)).replace_strict(
        dict(enumerate(WIJKEN))
    )
    columns["OTS"] = yes_no(0.05)
    columns["Uithuisplaatsing"] = yes_no(0.03)
    columns["Huisuitzetting"] = yes_no(0.02)
    columns["Geboortejaar"] = digits(1940, 2010)
    frame = pl.DataFrame({name: series.alias(name) for name, series in columns.items()})
    with path.open("wb") as handle:
        handle.write(b"\xef\xbb\xbf")
        frame.write_csv(handle, separator=";")
    return path.stat().st_size


def measure_dry_run(path: Path) -> dict[str, float]:
    """Run the dry run in this (fresh) process and report time and peak memory as JSON."""
    instrument = load_instruments(environ={})[LIFE_DOMAINS]
    with path.open("rb") as handle:
        head = io.BytesIO(handle.read(64 * 1024))
    mapping = suggest_mapping(head, instrument, filename=path.name).mapping
    before = peak_rss_gb()
    t0 = time.perf_counter()
    result = dry_run(path, mapping, instrument, secret=SECRET, today=TODAY)
    seconds = time.perf_counter() - t0
    peak = peak_rss_gb()
    # What the import then holds: before issue 14 item 5's third point every record as a dict
    # (``list(result.iter_records())``); now the frame, and one merge step's dicts at a time.
    held = os.environ.get("BENCH_IMPORT_RECORDS", "steps")
    if held == "list":
        records = list(result.iter_records())
    else:
        records = result.record_sequence()
        step = records.take(range(min(len(records), 50_000)))
        del step
    records_seconds = time.perf_counter() - t0 - seconds
    return {
        "seconds": seconds,
        "peak_gb": peak,
        "records_held": held,
        "records_peak_gb": peak_rss_gb(),
        "records_seconds": records_seconds,
        "before_gb": before,
        "records": result.records.height,
        "errors": result.error_count,
        "rows_read": result.rows_read,
        "first_errors": [str(e) for e in result.errors[:5]],
    }


# --- the straightforward baseline -----------------------------------------------------------------

_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_PHASES = {"0-meting": "baseline", "tussenmeting": "interim", "eindmeting": "end"}
_BOOL = {"ja": True, "nee": False, "": None}


def naive_import(
    path: Path, n_rows: int, items: list[tuple[str, str]], today: dt.date
) -> tuple[int, int]:
    """csv.reader plus per-cell Python validation and HMAC; returns (records, errors)."""
    errors = 0
    records = []
    seen: set[tuple[str, str, dt.date]] = set()
    keys: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        index = {name: i for i, name in enumerate(header)}
        for count, row in enumerate(reader):
            if count >= n_rows:
                break
            row = [cell.strip() for cell in row]
            client = row[index["Cliëntnummer"]]
            if not client:
                errors += 1
                continue
            match = _DATE.match(row[index["Datum"]])
            try:
                day, month, year = (int(g) for g in match.groups())  # type: ignore[union-attr]
                when = dt.date(year if year > 99 else 2000 + year, month, day)
            except (AttributeError, ValueError):
                errors += 1
                continue
            if when > today:
                errors += 1
            phase = _PHASES.get(row[index["Fase"]].lower())
            if phase is None:
                errors += 1
            scores = {}
            for item_id, name in items:
                text = row[index[name]].replace(",", ".")
                if not text:
                    continue
                try:
                    value = float(text)
                except ValueError:
                    errors += 1
                    continue
                if value != int(value) or not 1 <= value <= 5:
                    errors += 1
                scores[item_id] = int(value)
            try:
                professionals = int(row[index["Aantal hulpverleners"]] or 0)
            except ValueError:
                errors += 1
                professionals = None
            flags = [
                _BOOL.get(row[index[k]].lower())
                for k in ("OTS", "Uithuisplaatsing", "Huisuitzetting")
            ]
            key = keys.get(client)
            if key is None:
                key = hmac.digest(SECRET, ("\x1f" + client.upper()).encode(), "sha256").hex()
                keys[client] = key
            natural = (key, phase or "", when)
            if natural in seen:
                errors += 1
            seen.add(natural)
            records.append(
                {
                    "participant_key": key,
                    "phase": phase,
                    "measured_on": when,
                    "scores": scores,
                    "professionals": professionals,
                    "flags": flags,
                    "neighbourhood": row[index["Wijk"]],
                    "birth_year": int(row[index["Geboortejaar"]]),
                }
            )
    return len(records), errors


def measure_commit(path: Path, database_url: str, writer: bool = True) -> dict[str, float]:
    """Child process: dry run and commit ``path`` into a fresh, empty database through Django.

    ``sqlite`` means a new SQLite file beside the CSV; a PostgreSQL URL gets a throwaway
    ``test_…`` database on that server (Django's test-database machinery), dropped afterwards.
    With ``writer``, a second thread keeps saving one score of another project through the one
    write path while the import runs (another user at work), and the longest time one of its
    saves took is reported: on SQLite that is how long the import kept the write lock at most.
    The longest merge step and the publishing step are timed too (docs/decisions/0023-staged-import.md).
    """
    import os
    import threading

    postgres = database_url.startswith("postgres")
    os.environ["DATABASE_URL"] = (
        database_url if postgres else f"sqlite:///{path.with_suffix('.sqlite3')}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proeftuin.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from proeftuin.accounts.models import Organisation
    from proeftuin.monitoring import recording, services, staged_import
    from proeftuin.monitoring.models import Measurement, Moment
    from proeftuin.portfolio.models import Project

    original = connection.settings_dict["NAME"]
    if postgres:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    steps: list[float] = []
    publish: list[float] = []
    merge, publish_step = staged_import._merge, staged_import._publish

    def timed_merge(*args, **kwargs):
        t = time.perf_counter()
        merge(*args, **kwargs)
        steps.append(time.perf_counter() - t)

    def timed_publish(*args, **kwargs):
        t = time.perf_counter()
        publish_step(*args, **kwargs)
        publish.append(time.perf_counter() - t)

    staged_import._merge, staged_import._publish = timed_merge, timed_publish
    out: dict[str, float] = {"writes": 0, "write_errors": 0, "longest_wait": 0.0}
    try:
        owner = Organisation.objects.create(name="Gemeente Bench", kind="gemeente")

        def project(name: str) -> Project:
            return Project.objects.create(
                owner=owner,
                name=name,
                start_date=dt.date(2022, 1, 1),
                end_date=dt.date(2026, 1, 1),
            )

        bench, other = project("Bench"), project("Ander werk")
        instrument = services.instrument(None)
        _p, trajectory = recording.register_participant(
            other, "b" * 64, {}, {"started_on": dt.date(2022, 1, 1)}, by=None
        )
        measurement = recording.create_measurement(
            Measurement(
                trajectory=trajectory,
                measured_on=dt.date(2022, 1, 2),
                moment=Moment.BASELINE,
                instrument=instrument.id,
            ),
            by=None,
        )
        done = threading.Event()

        def other_user() -> None:
            shown, value = "", 1
            try:
                while not done.is_set():
                    value = 1 + value % 5
                    t = time.perf_counter()
                    try:
                        recording.record_scores(
                            measurement, {"housing": value}, expected={"housing": shown}, by=None
                        )
                        shown = str(value)
                        out["writes"] += 1
                    except Exception:  # noqa: BLE001 - counted: the benchmark reports them
                        out["write_errors"] += 1
                    out["longest_wait"] = max(out["longest_wait"], time.perf_counter() - t)
                    done.wait(0.05)
            finally:
                connection.close()

        thread = threading.Thread(target=other_user)
        t0 = time.perf_counter()
        mapping = suggest_mapping(path, instrument, filename=path.name).mapping
        result = services.dry_run(bench, path, mapping, instrument, path.name)
        t1 = time.perf_counter()
        if writer:
            thread.start()
        profiler = None
        if os.environ.get("BENCH_IMPORT_PROFILE"):
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        stats = recording.import_records(bench, result, instrument)
        t2 = time.perf_counter()
        if profiler is not None:
            import pstats

            profiler.disable()
            report = pstats.Stats(profiler, stream=sys.stderr)
            report.sort_stats("cumulative").print_stats(60)
        done.set()
        if writer:
            thread.join()
    finally:
        if postgres:
            connection.creation.destroy_test_db(original, verbosity=0)
    return {
        **out,
        "dry_run": t1 - t0,
        "commit": t2 - t1,
        "records": stats["records"],
        "peak_gb": peak_rss_gb(),
        "steps": len(steps),
        "longest_step": max(steps, default=0.0),
        "publish": publish[0] if publish else 0.0,
    }


def peak_rss_gb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * (1 if platform.system() == "Darwin" else 1024) / 1024**3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=None, help="default: all rows")
    parser.add_argument("--keep", type=Path, default=None, help="write the CSV here and keep it")
    parser.add_argument(
        "--commit-rows",
        type=int,
        default=50_000,
        help="rows written to a fresh SQLite database to measure the commit (0: skip)",
    )
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--commit-database",
        action="append",
        default=None,
        help="where to measure the commit: 'sqlite' (default) and/or a PostgreSQL URL; "
        "BENCH_POSTGRES_URL in the environment adds that server",
    )
    parser.add_argument("--measure-commit", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--measure-database", default="sqlite", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:  # the child process: only the dry run
        print(json.dumps(measure_dry_run(args.measure)))
        return
    if args.measure_commit is not None:  # the child process: dry run and commit
        print(json.dumps(measure_commit(args.measure_commit, args.measure_database)))
        return

    instrument = load_instruments(environ={})[LIFE_DOMAINS]
    items = [(item.id, item.name.nl) for item in instrument.items]
    print(f"Python {platform.python_version()}, polars {pl.__version__}, {platform.machine()}")

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "import.csv"
        t0 = time.perf_counter()
        size = generate_csv(path, args.rows, items)
        print(
            f"generated {args.rows:,} rows, {size / 1024**2:.0f} MB in {time.perf_counter() - t0:.1f} s"
        )

        # The dry run runs in a fresh process, so its peak memory is its own.
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(child.stdout.strip().splitlines()[-1])
        seconds, peak = measured["seconds"], measured["peak_gb"]
        print(
            f"dry_run: {measured['records']:,} records, {measured['errors']} errors, "
            f"{measured['rows_read']:,} rows read"
        )
        for line in measured["first_errors"]:
            print("   ", line)

        baseline_rows = args.baseline_rows or args.rows
        t0 = time.perf_counter()
        naive_records, naive_errors = naive_import(path, baseline_rows, items, TODAY)
        naive_seconds = time.perf_counter() - t0
        scaled = naive_seconds * args.rows / baseline_rows
        note = (
            "" if baseline_rows == args.rows else f" (measured on {baseline_rows:,} rows, scaled)"
        )

        databases = args.commit_database or ["sqlite"]
        if os.environ.get("BENCH_POSTGRES_URL") and not args.commit_database:
            databases.append(os.environ["BENCH_POSTGRES_URL"])
        commits: list[tuple[str, dict]] = []
        if args.commit_rows:
            small = Path(tmp) / "commit.csv"
            with path.open("rb") as source, small.open("wb") as target:
                for index, line in enumerate(source):
                    if index > args.commit_rows:
                        break
                    target.write(line)
            for database in databases:
                child = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--measure-commit",
                        str(small),
                        "--measure-database",
                        database,
                    ],
                    stdout=subprocess.PIPE,
                    stderr=None if os.environ.get("BENCH_IMPORT_PROFILE") else subprocess.PIPE,
                    text=True,
                    check=True,
                )
                name = "PostgreSQL" if database.startswith("postgres") else "SQLite"
                commits.append((name, json.loads(child.stdout.strip().splitlines()[-1])))

    print()
    print(f"Target 2: import {args.rows:,} CSV rows with full validation")
    print(f"  dry_run            {seconds:8.2f} s   {args.rows / seconds:12,.0f} rows/s")
    print(f"  csv-module loop    {scaled:8.2f} s   {args.rows / scaled:12,.0f} rows/s{note}")
    print(f"  ratio (loop / dry_run)  {scaled / seconds:6.1f}x")
    print(
        f"  peak RSS (dry run) {peak:8.2f} GB  (after start-up, before the dry run: {measured['before_gb']:.2f} GB)"
    )
    print(
        f"  target ≤ {TARGET_SECONDS:.0f} s: {'MET' if seconds <= TARGET_SECONDS else 'NOT MET'}; "
        f"peak ≤ {TARGET_PEAK_GB:.0f} GB: {'MET' if peak <= TARGET_PEAK_GB else 'NOT MET'}"
    )
    print(
        f"  peak RSS with the import's records ({measured['records_held']}) "
        f"{measured['records_peak_gb']:8.2f} GB  (making them {measured['records_seconds']:.1f} s;"
        " BENCH_IMPORT_RECORDS=list: all as dicts, as before)"
    )
    print(f"  (baseline loop: {naive_records:,} records, {naive_errors} errors)")
    for name, committed in commits:
        n = committed["records"]
        rate = n / committed["commit"]
        end_to_end = committed["dry_run"] + committed["commit"]
        print()
        print(f"Writing to the database ({name}, {n:,} rows = {13 * n:,} scores, with history)")
        print(
            f"  commit             {committed['commit']:8.2f} s   {rate:12,.0f} rows/s "
            f"(dry run of the same file {committed['dry_run']:.2f} s)"
        )
        print(
            f"  end to end         {end_to_end:8.2f} s   {n / end_to_end:12,.0f} rows/s; "
            f"peak RSS {committed['peak_gb']:.2f} GB (target ≤ {TARGET_PEAK_GB:.0f} GB)"
        )
        print(
            f"  staged: {committed['steps']} merge steps, longest {committed['longest_step']:.2f} s;"
            f" publish {committed['publish']:.2f} s"
        )
        print(
            f"  another user meanwhile: {committed['writes']:,.0f} saves, "
            f"{committed['write_errors']:,.0f} errors, longest wait {committed['longest_wait']:.2f} s"
        )
        projected = args.rows / rate
        verdict = "within" if projected <= TARGET_SECONDS else "not within"
        print(
            f"  projected for {args.rows:,} rows: {projected:,.0f} s, {verdict} the 20 s of "
            "Target 2 (measured above on the validated dry run; see docs/decisions/0009)."
        )
    load = os.getloadavg()
    print()
    print(
        f"Machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} (1 / 5 / 15 min) at the end of the run"
    )


if __name__ == "__main__":
    main()
