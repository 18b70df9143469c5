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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
TARGET_ONE_PROJECT_S = 0.050
TARGET_MUNICIPAL_S = 0.5


PAIRS_SQL = (
    "SELECT project_id, domain, baseline_score, latest_score FROM monitoring_pair "
    "WHERE project_id IN ({p}) AND series = 'domain' AND instrument = %(i)s"
)
RAW_SQL = (
    "SELECT t.project_id, t.id AS trajectory_id, m.measured_on, s.item AS domain, s.value "
    "FROM monitoring_score s JOIN monitoring_measurement m ON m.id = s.measurement_id "
    "JOIN monitoring_trajectory t ON t.id = m.trajectory_id "
    "WHERE t.project_id IN ({p}) AND m.instrument = %(i)s AND s.value IS NOT NULL"
)


def _summary(frame):
    """n, mean change, SD and the shares improved / stable / worse per domain (pandas)."""
    d = frame["latest_score"] - frame["baseline_score"]
    frame = frame.assign(d=d, up=d > 0, same=d == 0, down=d < 0)
    return frame.groupby(["project_id", "domain"]).agg(
        n=("d", "size"),
        mean=("d", "mean"),
        sd=("d", "std"),
        up=("up", "mean"),
        same=("same", "mean"),
        down=("down", "mean"),
    )


def _sql(sql: str, vendor: str, project_ids) -> str:
    """The project ids inlined (integers); sqlite3 names its parameters ``:i``, psycopg
    ``%(i)s``."""
    sql = sql.format(p=", ".join(str(int(p)) for p in project_ids))
    return sql.replace("%(i)s", ":i") if vendor == "sqlite" else sql


def _pandas_pairs(connection, vendor: str, project_ids, instrument_id: str):
    import pandas as pd

    frame = pd.read_sql(
        _sql(PAIRS_SQL, vendor, project_ids), connection, params={"i": instrument_id}
    )
    return _summary(frame)


def _pandas_raw(connection, vendor: str, project_ids, instrument_id: str):
    import pandas as pd

    raw = pd.read_sql(_sql(RAW_SQL, vendor, project_ids), connection, params={"i": instrument_id})
    raw = raw.sort_values(["trajectory_id", "domain", "measured_on"])
    grouped = raw.groupby(["project_id", "trajectory_id", "domain"])["value"]
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


def worker(
    n: int, projects: int, repeats: int, raw: bool, pandas: bool = True, repeat_share: float = 0.0
) -> dict:
    """Runs inside the process whose DATABASE_URL names the database to measure."""
    import warnings

    import django

    # pandas prefers SQLAlchemy; a plain DB-API connection works and is what we want to time.
    warnings.filterwarnings("ignore", message=".*SQLAlchemy.*", category=UserWarning)
    django.setup()
    import effect_db_load
    from django.core.management import call_command
    from django.db import connection

    from proeftuin.monitoring import analytics

    call_command("migrate", "--noinput", "-v", "0")
    t0 = time.perf_counter()
    loaded = effect_db_load.loaded(n, projects, raw=raw)
    if loaded is None:
        project_ids, instrument = effect_db_load.load(
            n, projects, seed=7, raw=raw, repeat_share=repeat_share
        )
        load_s = time.perf_counter() - t0
        with connection.cursor() as cursor:
            # VACUUM too (PostgreSQL): it sets the visibility map an index-only scan needs.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    else:
        project_ids, instrument = loaded  # a kept database with this data: reused as it is
        load_s = None
    connection.ensure_connection()
    dbapi = connection.connection
    if projects == 1:
        label = "analytics.effect_output (domain + 3 breakdowns)"
        app = lambda: analytics.effect_output(project_ids, instrument).total  # noqa: E731
    else:
        label = "analytics.effects(by=project_id)"
        app = lambda: analytics.effects(project_ids, instrument, by=("project_id",))  # noqa: E731
    app()  # warm: imports, caches, the database's pages
    app_s = _timed(app, repeats)
    previous_s = None
    if projects == 1:
        # The path before issue 14 item 1, in the same run: every pair through the ORM into a
        # frame, then the engine and the same gate (its figures must be equal).
        from proeftuin.core.monitoring import disclosure
        from proeftuin.monitoring import services
        from proeftuin.monitoring.models import Pair

        def previous():
            frame = analytics.pairs_frame(project_ids, Pair.Series.DOMAIN, instrument.id)
            return disclosure.protected_effect_reports(
                frame,
                ("domain",),
                analytics.DIMENSIONS,
                threshold=services.threshold(),
                levels=instrument.scale.values,
            )[0]

        if previous() != app():
            raise AssertionError("the database sums and the pairs in memory disagree")
        previous_s = _timed(previous, repeats)
    same = (
        _timed(
            lambda: _pandas_pairs(dbapi, connection.vendor, project_ids, instrument.id),
            max(1, repeats // 2),
        )
        if pandas
        else None
    )
    raw_s = (
        _timed(
            lambda: _pandas_raw(dbapi, connection.vendor, project_ids, instrument.id),
            max(1, repeats // 2),
        )
        if raw
        else None
    )
    # What the app's path cannot go below on this machine (issue 14 item 1): the test for
    # persons with several trajectories alone, counting the very pairs the GROUP BY reads (the
    # same filter, no grouping), and a bare COUNT(*) over the whole pair table.
    from proeftuin.monitoring import pair_sums
    from proeftuin.monitoring.models import Pair

    def bare_count():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {Pair._meta.db_table}")  # noqa: S608
            return cursor.fetchone()

    floor = {
        "several": _timed(lambda: pair_sums.several_trajectories(project_ids).exists(), repeats),
        "count_visible": _timed(
            lambda: pair_sums._visible_pairs(
                project_ids, Pair.Series.DOMAIN, instrument.id
            ).count(),
            repeats,
        ),
        "count_all": _timed(bare_count, repeats),
    }
    groups = len(app().groups)
    return {
        "vendor": connection.vendor,
        "label": label,
        "load_s": load_s,
        "app": app_s,
        "previous": previous_s,
        "pandas_pairs": same,
        "floor": floor,
        "pandas_raw": raw_s,
        "groups": groups,
        "domains": len(instrument.items),
    }


def _run(database_url: str, args, var_dir: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PROEFTUIN_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "proeftuin.settings.test",
    }
    out = subprocess.run(  # noqa: S603 - this file
        [
            sys.executable,
            __file__,
            "--worker",
            "--trajectories",
            str(args.trajectories),
            "--projects",
            str(args.projects),
            "--repeats",
            str(args.repeats),
            *(["--no-raw"] if args.no_raw else []),
            *(["--no-pandas"] if args.no_pandas else []),
            "--repeat-share",
            str(args.repeat_share),
        ],
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
    parser.add_argument("--projects", type=int, default=1, help="projects sharing them")
    parser.add_argument(
        "--no-raw", action="store_true", help="skip pandas over the raw measurements"
    )
    parser.add_argument(
        "--no-pandas", action="store_true", help="skip pandas over the same pairs too"
    )
    parser.add_argument(
        "--keep-database",
        metavar="NAME",
        help="keep the loaded data and reuse it when present: the PostgreSQL database NAME next "
        "to BENCH_POSTGRES_URL's, and the SQLite file NAME.sqlite3 in the current directory "
        "(a 1M load is paid once); without it, throwaway databases",
    )
    parser.add_argument(
        "--only", choices=("sqlite", "postgresql"), help="measure one database only"
    )
    parser.add_argument(
        "--repeat-share",
        type=float,
        default=0.0,
        help="share of the trajectories that are a person's second (default 0: one each); "
        "a kept database is reused with the share it was loaded with",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = worker(
            args.trajectories,
            args.projects,
            args.repeats,
            not args.no_raw,
            not args.no_pandas,
            args.repeat_share,
        )
        print(json.dumps(result))
        return 0
    load_before = os.getloadavg()
    results = []
    keep = args.keep_database
    if keep and not keep.replace("_", "").isalnum():
        parser.error("--keep-database: letters, digits and _ only")
    with tempfile.TemporaryDirectory(prefix="bench-effect-") as var_dir:
        if args.only != "postgresql":
            where = Path(f"{keep}.sqlite3").resolve() if keep else Path(var_dir) / "bench.sqlite3"
            results.append(_run(f"sqlite:///{where}", args, var_dir))
        pg = os.environ.get("BENCH_POSTGRES_URL")
        if pg and args.only != "sqlite":
            import psycopg

            name = keep or f"bench_effect_{os.getpid()}"
            base, _slash, _db = pg.rpartition("/")
            with psycopg.connect(pg, autocommit=True) as admin:
                exists = admin.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    admin.execute(f"CREATE DATABASE {name}")
            try:
                results.append(_run(f"{base}/{name}", args, var_dir))
            finally:
                if not keep:
                    with psycopg.connect(pg, autocommit=True) as admin:
                        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        elif args.only != "sqlite":
            print("(set BENCH_POSTGRES_URL to measure PostgreSQL too)")
    print(
        f"\nEffect figures over {args.trajectories:,} trajectories in {args.projects:,} "
        f"project(s) × {results[0]['domains']} domains, {args.repeat_share:.0%} of them a "
        "person's second, "
        f"read from the database (median / best of {args.repeats})"
    )
    target = TARGET_ONE_PROJECT_S if args.projects == 1 else TARGET_MUNICIPAL_S
    for r in results:
        app = r["app"][0]
        loading = (
            "a kept database, reused"
            if r["load_s"] is None
            else f"loading the data took {r['load_s']:.0f} s"
        )
        print(f"\n{r['vendor']} ({loading}, {r['groups']} groups)")
        print(f"  app: {r['label']:44} {app * 1000:8.0f} ms (best {r['app'][1] * 1000:.0f})")
        if r.get("previous"):
            before = r["previous"][0]
            print(
                f"  before: every pair through the ORM {'':13} {before * 1000:8.0f} ms  "
                f"ratio {before / app:5.2f}×"
            )
        if r["pandas_pairs"]:
            same = r["pandas_pairs"][0]
            print(
                f"  pandas over the same pairs {'':22} {same * 1000:8.0f} ms  "
                f"ratio {same / app:5.2f}×"
            )
        else:
            print("  pandas over the same pairs: not run (--no-pandas)")
        if r["pandas_raw"]:
            raw = r["pandas_raw"][0]
            print(
                f"  pandas over the raw measurements {'':16} {raw * 1000:8.0f} ms  ratio {raw / app:5.2f}×"
            )
        else:
            print("  pandas over the raw measurements: not run (--no-raw)")
        floor = r["floor"]
        for key, text in (
            ("several", "of which: anyone with several trajectories?"),
            ("count_visible", "floor: COUNT(*) of the same pairs, no grouping"),
            ("count_all", "floor: bare COUNT(*) of the whole pair table"),
        ):
            print(f"  {text:50} {floor[key][0] * 1000:8.0f} ms (best {floor[key][1] * 1000:.0f})")
        met = "met" if app <= target else "NOT met"
        print(f"  target ≤ {target * 1000:.0f} ms: {met}")
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
