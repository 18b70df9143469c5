"""The effect figures as the app computes them, read from the database (issue 14 item 4).

``bench_effect_report.py`` times the engine over a frame already in memory; this part times what
the screens call, :func:`proeftuin.monitoring.analytics.effect_output` (read the pairs through the
ORM, then the engine and the disclosure core), against two pandas baselines over the *same*
database: pandas over the same maintained pairs (``read_sql`` of the pairs table, then group by
domain), and pandas over the raw measurements (``read_sql`` of the scores with their measurement,
first and last score per trajectory × domain, then group by domain). Like for like is the first
ratio; the second is what a report without the maintained table would cost.

Each database runs in its own process (Django reads its database at start-up)::

    .venv/bin/python bench/effect_from_db.py [--trajectories 10000] [--repeats 5]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python ...

The PostgreSQL run uses a throwaway database ``bench_effect_<pid>`` next to the one named, and
drops it afterwards. Nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_ONE_PROJECT_S = 0.050


def _load(n: int, seed: int) -> tuple[int, object]:
    """One project with ``n`` trajectories, baseline and end scores for every domain, pairs."""
    import numpy as np
    from django.db import transaction

    from proeftuin.accounts.models import Organisation
    from proeftuin.monitoring import services
    from proeftuin.monitoring.models import Measurement, Pair, Participant, Score, Trajectory
    from proeftuin.portfolio.models import Project

    instrument = services.instrument()
    domains = [item.id for item in instrument.items]
    levels = list(instrument.scale.values)
    rng = np.random.default_rng(seed)
    hoods = ["Noord", "Oost", "Zuid", "West", "Centrum"]
    ages = ["18-26", "27-44", "45-66", "67+"]
    with transaction.atomic():
        org = Organisation.objects.create(name="Gemeente Bench", kind="gemeente")
        project = Project.objects.create(
            owner=org, name="Bench", start_date=date(2025, 1, 1), phase="implementatie"
        )
        participants = Participant.objects.bulk_create(
            Participant(
                organisation=org,
                pseudonym=f"B{i:08d}",
                neighbourhood=hoods[i % len(hoods)],
                age_group=ages[i % len(ages)],
            )
            for i in range(n)
        )
        start = date(2025, 1, 6)
        trajectories = Trajectory.objects.bulk_create(
            Trajectory(participant=p, project=project, started_on=start + timedelta(days=i % 300))
            for i, p in enumerate(participants)
        )
        measurements = Measurement.objects.bulk_create(
            Measurement(
                trajectory=t,
                measured_on=t.started_on + timedelta(days=days),
                moment=moment,
                instrument=instrument.id,
            )
            for t in trajectories
            for moment, days in (("baseline", 2), ("end", 200))
        )
        before = rng.integers(levels[0], levels[-1] + 1, size=(n, len(domains)))
        change = rng.integers(-1, 3, size=(n, len(domains)))
        after = np.clip(before + change, levels[0], levels[-1])
        scores, pairs = [], []
        for i, t in enumerate(trajectories):
            first, last = measurements[2 * i], measurements[2 * i + 1]
            for j, domain in enumerate(domains):
                b, a = int(before[i, j]), int(after[i, j])
                scores.append(Score(measurement=first, item=domain, value=b))
                scores.append(Score(measurement=last, item=domain, value=a))
                pairs.append(
                    Pair(
                        project=project,
                        trajectory=t,
                        series=Pair.Series.DOMAIN,
                        instrument=instrument.id,
                        domain=domain,
                        neighbourhood=participants[i].neighbourhood,
                        age_group=participants[i].age_group,
                        period=date(2025, 1, 1),
                        baseline_on=first.measured_on,
                        baseline_score=b,
                        latest_on=last.measured_on,
                        latest_score=a,
                    )
                )
        Score.objects.bulk_create(scores, batch_size=5000)
        Pair.objects.bulk_create(pairs, batch_size=5000)
    return project.pk, instrument


PAIRS_SQL = (
    "SELECT domain, baseline_score, latest_score FROM monitoring_pair "
    "WHERE project_id = %(p)s AND series = 'domain' AND instrument = %(i)s"
)
RAW_SQL = (
    "SELECT t.id AS trajectory_id, m.measured_on, s.item AS domain, s.value "
    "FROM monitoring_score s JOIN monitoring_measurement m ON m.id = s.measurement_id "
    "JOIN monitoring_trajectory t ON t.id = m.trajectory_id "
    "WHERE t.project_id = %(p)s AND m.instrument = %(i)s AND s.value IS NOT NULL"
)


def _summary(frame):
    """n, mean change, SD and the shares improved / stable / worse per domain (pandas)."""
    d = frame["latest_score"] - frame["baseline_score"]
    frame = frame.assign(d=d, up=d > 0, same=d == 0, down=d < 0)
    return frame.groupby("domain").agg(
        n=("d", "size"),
        mean=("d", "mean"),
        sd=("d", "std"),
        up=("up", "mean"),
        same=("same", "mean"),
        down=("down", "mean"),
    )


def _sql(sql: str, vendor: str) -> str:
    """sqlite3 names its parameters ``:p``, psycopg ``%(p)s``."""
    return sql.replace("%(p)s", ":p").replace("%(i)s", ":i") if vendor == "sqlite" else sql


def _pandas_pairs(connection, vendor: str, project_id: int, instrument_id: str):
    import pandas as pd

    frame = pd.read_sql(
        _sql(PAIRS_SQL, vendor), connection, params={"p": project_id, "i": instrument_id}
    )
    return _summary(frame)


def _pandas_raw(connection, vendor: str, project_id: int, instrument_id: str):
    import pandas as pd

    raw = pd.read_sql(
        _sql(RAW_SQL, vendor), connection, params={"p": project_id, "i": instrument_id}
    )
    raw = raw.sort_values(["trajectory_id", "domain", "measured_on"])
    grouped = raw.groupby(["trajectory_id", "domain"])["value"]
    pairs = pd.DataFrame({"baseline_score": grouped.first(), "latest_score": grouped.last()})
    pairs = pairs[grouped.size() >= 2].reset_index()
    return _summary(pairs)


def _timed(fn, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def worker(n: int, repeats: int) -> dict:
    """Runs inside the process whose DATABASE_URL names the database to measure."""
    import warnings

    import django

    # pandas prefers SQLAlchemy; a plain DB-API connection works and is what we want to time.
    warnings.filterwarnings("ignore", message=".*SQLAlchemy.*", category=UserWarning)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from proeftuin.monitoring import analytics

    call_command("migrate", "--noinput", "-v", "0")
    t0 = time.perf_counter()
    project_id, instrument = _load(n, seed=7)
    load_s = time.perf_counter() - t0
    connection.ensure_connection()
    dbapi = connection.connection
    app = lambda: analytics.effect_output([project_id], instrument)  # noqa: E731
    app()  # warm: imports, caches, the database's pages
    app_s = _timed(app, repeats)
    same = _timed(
        lambda: _pandas_pairs(dbapi, connection.vendor, project_id, instrument.id), repeats
    )
    raw = _timed(
        lambda: _pandas_raw(dbapi, connection.vendor, project_id, instrument.id),
        max(1, repeats // 2),
    )
    groups = len(app().total.groups)
    return {
        "vendor": connection.vendor,
        "load_s": load_s,
        "app": app_s,
        "pandas_pairs": same,
        "pandas_raw": raw,
        "groups": groups,
        "domains": len(instrument.items),
    }


def _run(database_url: str, n: int, repeats: int, var_dir: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PROEFTUIN_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "proeftuin.settings.test",
    }
    out = subprocess.run(  # noqa: S603 - this file
        [sys.executable, __file__, "--worker", "--trajectories", str(n), "--repeats", str(repeats)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trajectories", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.trajectories, args.repeats)))
        return 0
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-effect-") as var_dir:
        sqlite = f"sqlite:///{Path(var_dir) / 'bench.sqlite3'}"
        results.append(_run(sqlite, args.trajectories, args.repeats, var_dir))
        pg = os.environ.get("BENCH_POSTGRES_URL")
        if pg:
            import psycopg

            name = f"bench_effect_{os.getpid()}"
            base, _slash, _db = pg.rpartition("/")
            with psycopg.connect(pg, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}")
            try:
                results.append(_run(f"{base}/{name}", args.trajectories, args.repeats, var_dir))
            finally:
                with psycopg.connect(pg, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            print("(set BENCH_POSTGRES_URL to measure PostgreSQL too)")
    print(
        f"\nEffect figures of one project with {args.trajectories:,} trajectories × "
        f"{results[0]['domains']} domains, "
        f"read from the database (median / best of {args.repeats})"
    )
    for r in results:
        app, same, raw = r["app"][0], r["pandas_pairs"][0], r["pandas_raw"][0]
        print(f"\n{r['vendor']} (loading the data took {r['load_s']:.0f} s, {r['groups']} groups)")
        print(
            f"  app: analytics.effect_output      {app * 1000:8.0f} ms (best {r['app'][1] * 1000:.0f})"
        )
        print(
            f"  pandas over the same pairs         {same * 1000:8.0f} ms  ratio {same / app:5.2f}×"
        )
        print(f"  pandas over the raw measurements   {raw * 1000:8.0f} ms  ratio {raw / app:5.2f}×")
        met = "met" if app <= TARGET_ONE_PROJECT_S else "NOT met"
        print(f"  target ≤ {TARGET_ONE_PROJECT_S * 1000:.0f} ms for one project: {met}")
    load_after = os.getloadavg()
    print(
        "\nload average (1/5/15 min): before "
        + " ".join(f"{x:.2f}" for x in load_before)
        + ", after "
        + " ".join(f"{x:.2f}" for x in load_after)
        + f" on {os.cpu_count()} CPUs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
