"""Benchmark: the municipal effect report over maintained pairs against pandas over raw data.

Issue 4 (performance, target 1): the full municipal effect report (all projects × life domains:
n, mean change, 95 % CI and the shares improved / stable / worse) over 1,000,000 trajectories ×
13 domains × 2 measurements (26M measurements) in at most 0.5 s warm, and at least 20× faster
than a straightforward pandas implementation over the raw measurements, measured side by side
in this run. Run it with::

    .venv/bin/python bench/bench_effect_report.py [--trajectories 1000000] [--repeats 7]

The engine reads the maintained pairs table (one row per trajectory × domain with baseline and
latest score), which the application keeps current on every change. Its report also computes
the effect size and the before/after distributions, and builds the result objects. pandas
starts from the raw measurements, as a report without a maintained table would. The run checks
that both give the same figures, and that after new measurements arrive an incremental update
of the pairs gives exactly the report of a full rebuild (no stale results).

The in-memory part needs no Django. Nothing here asserts on timing; it prints the figures, the targets and
whether they are met. pandas and SciPy are needed for the comparison only.

The engine figures above leave the database out. The run therefore starts with the app's own
path (issue 14): ``analytics.effect_output`` for one project of ``--db-trajectories`` (10,000)
trajectories, summed by one ``GROUP BY`` query in SQLite, and in PostgreSQL when
``BENCH_POSTGRES_URL`` is set, with pandas over the same pairs and pandas over the raw
measurements from the same database as the baselines, their ratios and the load average
(``bench/effect_from_db.py``; ``--db-only`` runs just that part, ``--db-trajectories 0`` skips
it). The municipal report from the database over 1M trajectories is
``effect_from_db.py --trajectories 1000000 --projects 1000``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import generate_measurements as gen  # noqa: E402

from proeftuin.core.monitoring import (  # noqa: E402
    burden_measurements,
    burden_report,
    effect_report,
    pairs_from_measurements,
    process_indicators,
    refresh_pairs,
)

TARGET_SECONDS = 0.5
TARGET_SPEEDUP = 20.0
THRESHOLD = 10
ATTRIBUTES = ("project_id", "neighbourhood", "age_group", "period")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeats: int = 1):
    """Best wall time of ``repeats`` calls, and the last result."""
    best, result = math.inf, None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def pandas_report(measurements, trajectories, threshold: int = THRESHOLD):
    """The straightforward pandas report: pair up the raw measurements, then aggregate."""
    import pandas as pd
    from scipy import stats

    known = measurements.dropna(subset=["score"])
    known = known.sort_values(["trajectory_id", "domain", "measured_on", "measurement_id"])
    paired = (
        known.groupby(["trajectory_id", "domain"])["score"]
        .agg(baseline="first", latest="last", scores="count")
        .reset_index()
    )
    paired = paired[paired["scores"] >= 2]
    paired = paired.merge(trajectories, on="trajectory_id")
    paired["change"] = paired["latest"] - paired["baseline"]
    paired["improved"] = paired["change"] > 0
    paired["worse"] = paired["change"] < 0
    out = (
        paired.groupby(["project_id", "domain"])
        .agg(
            n=("change", "size"),
            mean_change=("change", "mean"),
            sd_change=("change", "std"),
            share_improved=("improved", "mean"),
            share_worse=("worse", "mean"),
        )
        .reset_index()
    )
    out["share_stable"] = 1.0 - out["share_improved"] - out["share_worse"]
    se = out["sd_change"] / np.sqrt(out["n"])
    crit = stats.t.ppf(0.975, out["n"] - 1)
    out["ci_low"] = out["mean_change"] - crit * se
    out["ci_high"] = out["mean_change"] + crit * se
    figures = ["mean_change", "sd_change", "share_improved", "share_worse", "share_stable"]
    small = out["n"] < threshold
    out.loc[small, [*figures, "ci_low", "ci_high"]] = np.nan
    out["n"] = out["n"].astype("Int64")
    out.loc[small, "n"] = pd.NA
    return out


def compare(report, reference) -> tuple[int, float]:
    """Groups compared and the largest absolute difference; raises when they disagree."""
    import pandas as pd

    ours = {(g.key["project_id"], g.key["domain"]): g for g in report.groups}
    theirs = reference.set_index(["project_id", "domain"])
    worst = 0.0
    compared = 0
    for (project, domain), row in theirs.iterrows():
        group = ours[(int(project), int(domain))]
        if group.suppressed:
            if not pd.isna(row["n"]):
                raise AssertionError(f"pandas shows a group the engine suppresses: {project}")
            continue
        if group.n != int(row["n"]):
            raise AssertionError(f"n differs for project {project}, domain {domain}")
        for name in ("mean_change", "ci_low", "ci_high", "share_improved", "share_worse"):
            worst = max(worst, abs(getattr(group, name) - float(row[name])))
        compared += 1
    if worst > 1e-9:
        raise AssertionError(f"engine and pandas differ by {worst}")
    return compared, worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7, help="engine runs (best counts)")
    parser.add_argument("--pandas-repeats", type=int, default=2, help="pandas runs (best counts)")
    parser.add_argument("--fresh", type=int, default=1000, help="trajectories with new data")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument(
        "--db-trajectories",
        type=int,
        default=10_000,
        help="trajectories for the app's own path from the database (0: skip it)",
    )
    parser.add_argument("--db-only", action="store_true", help="only the database part")
    args = parser.parse_args(argv)
    if args.db_trajectories:
        # Issue 14: what the screens call, read from SQLite and PostgreSQL, against pandas over
        # the same pairs and over the raw measurements (see effect_from_db.py).
        import effect_from_db

        effect_from_db.main(["--trajectories", str(args.db_trajectories)])
    if args.db_only:
        return 0

    print(
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    seconds, data = timed(lambda: gen.generate(args.trajectories))
    print(
        f"generated {args.trajectories:,} trajectories × {gen.DOMAINS} domains × 2 = "
        f"{data.n_measurements:,} measurements in {seconds:.1f} s"
    )
    measurements = gen.measurements_frame(data.measurements)
    trajectories = gen.trajectories_frame(data)
    attributes = trajectories.select("trajectory_id", *ATTRIBUTES)

    seconds, pairs = timed(lambda: pairs_from_measurements(measurements, attributes))
    print(f"pairs table, full rebuild: {pairs.height:,} pairs in {seconds:.2f} s")
    print(f"peak memory after data and pairs: {peak_mb():,.0f} MB")

    # Target 1: the engine over the maintained pairs, warm.
    def report():
        return effect_report(pairs, ("project_id", "domain"), threshold=THRESHOLD)

    report()  # warm-up
    engine_s, result = timed(report, args.repeats)
    suppressed = sum(g.suppressed for g in result.groups)
    print(
        f"\nengine: municipal effect report, {len(result.groups):,} project × domain groups "
        f"({suppressed} suppressed), best of {args.repeats}: {engine_s * 1000:.0f} ms"
    )
    extras = {
        "by neighbourhood × domain": lambda: effect_report(pairs, ("neighbourhood", "domain")),
        "by age group × period × domain": lambda: effect_report(
            pairs, ("age_group", "period", "domain")
        ),
    }
    sessions = gen.sessions_frame(data)
    burden_pairs = pairs_from_measurements(
        burden_measurements(sessions, ("professionals", "heavy_measures")), attributes
    )
    extras["burden (professionals, heavy measures) by project"] = lambda: burden_report(
        burden_pairs
    )
    process_input = trajectories.select(
        "neighbourhood", "started_on", "ended_on", "end_reason", "continues_without_help"
    )
    extras["process indicators by neighbourhood × quarter"] = lambda: process_indicators(
        process_input, ("neighbourhood",)
    )
    for label, fn in extras.items():
        fn()
        seconds, _ = timed(fn, 2)
        print(f"  also: {label}: {seconds * 1000:.0f} ms")
    print(f"peak memory after the engine: {peak_mb():,.0f} MB")

    # Freshness: new measurements arrive after the report was computed.
    rng = np.random.default_rng(11)
    changed = rng.choice(data.trajectories["trajectory_id"], size=args.fresh, replace=False)
    new_rows = gen.measurements_frame(gen.follow_up(data, changed))
    all_measurements = pl.concat([measurements, new_rows])
    # What the application reads from its database for the changed trajectories (not timed).
    affected = all_measurements.filter(pl.col("trajectory_id").is_in(pl.Series(changed).implode()))
    refresh_s, fresh_pairs = timed(
        lambda: refresh_pairs(pairs, affected, attributes, changed.tolist())
    )
    fresh_report_s, fresh_report = timed(
        lambda: effect_report(fresh_pairs, ("project_id", "domain"), threshold=THRESHOLD)
    )
    rebuild_s, rebuilt = timed(lambda: pairs_from_measurements(all_measurements, attributes))
    same = fresh_report == effect_report(rebuilt, ("project_id", "domain"), threshold=THRESHOLD)
    moved = fresh_report != result
    print(
        f"\nfreshness: {args.fresh:,} trajectories get a new end measurement; incremental "
        f"pairs update {refresh_s * 1000:.0f} ms, report {fresh_report_s * 1000:.0f} ms; full "
        f"rebuild {rebuild_s:.2f} s. Report after update equals full rebuild: "
        f"{'yes' if same else 'NO'}; report changed: {'yes' if moved else 'no'}"
    )

    pandas_s = math.nan
    if not args.skip_pandas:
        try:
            import pandas  # noqa: F401
        except ImportError:
            print("\npandas is not installed: `pip install pandas` to run the comparison")
        else:
            raw, trajectory_projects = gen.pandas_frames(data)
            pandas_s, reference = timed(
                lambda: pandas_report(raw, trajectory_projects), args.pandas_repeats
            )
            compared, worst = compare(result, reference)
            print(
                f"\npandas over the raw measurements, best of {args.pandas_repeats}: "
                f"{pandas_s:.2f} s; same n, mean, CI and shares in all {compared:,} shown groups "
                f"(largest difference {worst:.1e})"
            )
            print(f"peak memory after pandas: {peak_mb():,.0f} MB")

    ratio = pandas_s / engine_s
    print(
        "\nTarget 1: municipal effect report (all projects × domains: n, mean change, CI, shares)"
    )
    print(
        f"  engine {engine_s * 1000:.0f} ms (target ≤ {TARGET_SECONDS * 1000:.0f} ms): "
        f"{'met' if engine_s <= TARGET_SECONDS else 'NOT met'}"
    )
    if not math.isnan(ratio):
        print(
            f"  pandas {pandas_s:.2f} s; ratio {ratio:.0f}× (target ≥ {TARGET_SPEEDUP:.0f}×): "
            f"{'met' if ratio >= TARGET_SPEEDUP else 'NOT met'}"
        )
    print(f"  peak memory (whole run): {peak_mb():,.0f} MB")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} (other processes share the CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
