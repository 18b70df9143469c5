"""Synthetic monitoring data for the Tel en vertel benchmark (issue 4, performance).

Default size: 1,000,000 trajectories × 13 life domains × 2 measurements = 26,000,000 scores,
plus the trajectory attributes (project, neighbourhood, age group, cohort, end and end reason)
and two measurement sessions per trajectory with the number of professionals and heavy
measures. Everything is drawn with vectorised NumPy from one seed, so a run is reproducible and
takes a few seconds. Run it on its own to write Parquet files::

    .venv/bin/python bench/generate_measurements.py --out var/bench [--trajectories 1000000]

Scores are levels 1..5 (self-reliance per life domain); about 2 % of baseline and 4 % of
follow-up scores are unknown (*onbekend*: ``0`` in the NumPy arrays, null in the frames). A few
projects are deliberately tiny, so small-cell suppression has something to do.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DOMAINS = 13
PROJECTS = 300
NEIGHBOURHOODS = 40
AGE_GROUPS = 6
TINY_PROJECT_SIZES = (3, 5, 7, 9, 12, 20)
END_REASONS = ("according_to_plan", "by_agreement", "dropped_out", "moved", "other")
FIRST_START = np.datetime64("2021-01-01")
START_DAYS = 1550  # starts until about the end of March 2025
TODAY = np.datetime64("2025-09-30")
SEED = 20240601
BLOCK = 1 << 15  # trajectories per drawing step


@dataclass(frozen=True)
class Synthetic:
    """Column arrays: ``trajectories`` (one row per trajectory), ``measurements`` (one row per
    score, in two blocks: all baselines, then all follow-ups) and ``sessions`` (counts per
    measurement moment). Dates are ``datetime64[D]``; ``NaT`` is an open end."""

    trajectories: dict[str, np.ndarray]
    measurements: dict[str, np.ndarray]
    sessions: dict[str, np.ndarray]

    @property
    def n_measurements(self) -> int:
        return len(self.measurements["score"])


def _quarter_start(days: np.ndarray) -> np.ndarray:
    months = days.astype("datetime64[M]").astype(np.int64)
    return (months - months % 3).astype("datetime64[M]").astype("datetime64[D]")


def _project_of(rng: np.random.Generator, trajectories: int, projects: int) -> np.ndarray:
    tiny = [s for s in TINY_PROJECT_SIZES if s * 10 < trajectories][: max(projects - 1, 0)]
    regular = projects - len(tiny)
    weights = rng.lognormal(0.0, 1.0, regular)
    weights /= weights.sum()
    project = rng.choice(regular, size=trajectories - sum(tiny), p=weights) + 1
    extra = np.repeat(np.arange(regular + 1, projects + 1), tiny)
    out = np.concatenate([project, extra]).astype(np.int32)
    rng.shuffle(out)
    return out


def generate(
    trajectories: int = 1_000_000,
    domains: int = DOMAINS,
    projects: int = PROJECTS,
    seed: int = SEED,
) -> Synthetic:
    """Draw the synthetic data set (see the module docstring)."""
    rng = np.random.default_rng(seed)
    t = trajectories
    trajectory_id = np.arange(1, t + 1, dtype=np.int32)
    project = _project_of(rng, t, projects)
    neighbourhood = rng.integers(1, NEIGHBOURHOODS + 1, t, dtype=np.int16)
    age_group = rng.integers(0, AGE_GROUPS, t, dtype=np.int8)
    started = FIRST_START + rng.integers(0, START_DAYS, t).astype("timedelta64[D]")
    duration = np.minimum(rng.lognormal(5.3, 0.5, t), 900).astype(np.int64)
    ended = started + duration.astype("timedelta64[D]")
    running = ended > TODAY
    ended[running] = np.datetime64("NaT")
    reason = rng.choice(len(END_REASONS), size=t, p=[0.55, 0.15, 0.15, 0.1, 0.05]).astype(np.int8)
    reason[running] = -1
    without_help = (rng.random(t) < 0.6).astype(np.int8)  # 1 yes, 0 no, -1 unknown / running
    without_help[rng.random(t) < 0.2] = -1
    without_help[running] = -1

    # Scores: baseline levels skewed low, change = project × domain effect + noise. Drawn in
    # blocks of trajectories into preallocated columns, so temporaries stay small.
    n = t * domains
    effect = rng.normal(0.35, 0.25, (projects + 1, domains)).astype(np.float32)
    base_p = np.cumsum([0.15, 0.3, 0.3, 0.15])
    measurements = {
        "measurement_id": np.arange(1, 2 * n + 1, dtype=np.int64),
        "trajectory_id": np.empty(2 * n, dtype=np.int32),
        "domain": np.empty(2 * n, dtype=np.int8),
        "measured_on": np.empty(2 * n, dtype="datetime64[D]"),
        "score": np.empty(2 * n, dtype=np.int8),
    }
    day_of = measurements["measured_on"].view(np.int64)
    domain_codes = np.arange(1, domains + 1, dtype=np.int8)
    start_days = started.astype(np.int64)
    for lo in range(0, t, BLOCK):
        hi = min(lo + BLOCK, t)
        size = (hi - lo) * domains
        rows = slice(lo * domains, hi * domains)
        follow = slice(n + lo * domains, n + hi * domains)
        ids = np.repeat(trajectory_id[lo:hi], domains)
        dom = np.tile(domain_codes, hi - lo)
        baseline = (np.searchsorted(base_p, rng.random(size, dtype=np.float32)) + 1).astype(np.int8)
        noise = rng.standard_normal(size, dtype=np.float32) * np.float32(0.9)
        noise += effect[np.repeat(project[lo:hi], domains), dom - 1]
        latest = np.clip(baseline + np.rint(noise), 1, 5).astype(np.int8)
        baseline[rng.random(size, dtype=np.float32) < 0.02] = 0
        latest[rng.random(size, dtype=np.float32) < 0.04] = 0
        base_day = np.repeat(start_days[lo:hi], domains) + rng.integers(0, 15, size)
        for part, score, when in (
            (rows, baseline, base_day),
            (follow, latest, base_day + rng.integers(60, 400, size)),
        ):
            measurements["trajectory_id"][part] = ids
            measurements["domain"][part] = dom
            measurements["score"][part] = score
            day_of[part] = when

    first_session = started + rng.integers(0, 15, t).astype("timedelta64[D]")
    second_session = first_session + rng.integers(60, 400, t).astype("timedelta64[D]")
    professionals_before = rng.poisson(3.0, t).astype(np.int16)
    professionals_after = np.maximum(professionals_before - rng.poisson(1.0, t), 0).astype(np.int16)
    heavy_before = rng.binomial(2, 0.12, t).astype(np.int16)
    heavy_after = np.maximum(heavy_before - rng.binomial(1, 0.3, t), 0).astype(np.int16)
    sessions = {
        "measurement_id": np.arange(1, 2 * t + 1, dtype=np.int64),
        "trajectory_id": np.concatenate([trajectory_id, trajectory_id]),
        "measured_on": np.concatenate([first_session, second_session]),
        "professionals": np.concatenate([professionals_before, professionals_after]),
        "heavy_measures": np.concatenate([heavy_before, heavy_after]),
    }
    trajectories_columns = {
        "trajectory_id": trajectory_id,
        "project_id": project,
        "neighbourhood": neighbourhood,
        "age_group": age_group,
        "period": _quarter_start(started),
        "started_on": started,
        "ended_on": ended,
        "end_reason": reason,
        "continues_without_help": without_help,
    }
    return Synthetic(trajectories_columns, measurements, sessions)


def follow_up(data: Synthetic, trajectory_ids: np.ndarray, seed: int = 7) -> dict[str, np.ndarray]:
    """A new end measurement on every domain of the given trajectories (for freshness checks)."""
    rng = np.random.default_rng(seed)
    domains = int(data.measurements["domain"].max())
    n = len(trajectory_ids) * domains
    first_id = int(data.measurements["measurement_id"].max()) + 1
    return {
        "measurement_id": np.arange(first_id, first_id + n, dtype=np.int64),
        "trajectory_id": np.repeat(trajectory_ids.astype(np.int32), domains),
        "domain": np.tile(np.arange(1, domains + 1, dtype=np.int8), len(trajectory_ids)),
        "measured_on": np.full(n, TODAY + np.timedelta64(1, "D")),
        "score": rng.integers(1, 6, n).astype(np.int8),
    }


# --- frames ------------------------------------------------------------------------------------


def measurements_frame(columns: dict[str, np.ndarray]):
    """The measurements as a Polars frame (score 0 becomes null, dates become Date)."""
    import polars as pl

    frame = pl.DataFrame(
        {k: (v.astype("datetime64[D]") if v.dtype.kind == "M" else v) for k, v in columns.items()}
    )
    return frame.with_columns(pl.when(pl.col("score") > 0).then(pl.col("score")).alias("score"))


def trajectories_frame(data: Synthetic, attributes: tuple[str, ...] | None = None):
    """The trajectories as a Polars frame, with end reason and answers as text / booleans."""
    import polars as pl

    cols = data.trajectories
    names = attributes or tuple(cols)
    frame = pl.DataFrame({k: cols[k] for k in ("trajectory_id", *names) if k != "trajectory_id"})
    frame = pl.DataFrame({"trajectory_id": cols["trajectory_id"]}).hstack(frame)
    fixes = []
    if "end_reason" in frame.columns:
        labels = dict(enumerate(END_REASONS))
        fixes.append(
            pl.col("end_reason").replace_strict(labels, default=None, return_dtype=pl.String)
        )
    if "continues_without_help" in frame.columns:
        fixes.append(
            pl.when(pl.col("continues_without_help") >= 0)
            .then(pl.col("continues_without_help") == 1)
            .alias("continues_without_help")
        )
    return frame.with_columns(fixes) if fixes else frame


def sessions_frame(data: Synthetic):
    import polars as pl

    return pl.DataFrame(data.sessions)


def pandas_frames(data: Synthetic):
    """Raw measurements and trajectories as pandas frames (score NaN when unknown)."""
    import pandas as pd

    m = data.measurements
    score = m["score"].astype(np.float64)
    score[score == 0] = np.nan
    measurements = pd.DataFrame(
        {
            "measurement_id": m["measurement_id"],
            "trajectory_id": m["trajectory_id"],
            "domain": m["domain"],
            "measured_on": m["measured_on"],
            "score": score,
        }
    )
    trajectories = pd.DataFrame(
        {
            "trajectory_id": data.trajectories["trajectory_id"],
            "project_id": data.trajectories["project_id"],
        }
    )
    return measurements, trajectories


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=Path("var/bench"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = generate(args.trajectories, seed=args.seed)
    drawn = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    measurements_frame(data.measurements).write_parquet(args.out / "measurements.parquet")
    trajectories_frame(data).write_parquet(args.out / "trajectories.parquet")
    sessions_frame(data).write_parquet(args.out / "sessions.parquet")
    total = time.perf_counter() - started
    print(
        f"{args.trajectories:,} trajectories, {data.n_measurements:,} measurements: "
        f"drawn in {drawn:.1f} s, written to {args.out} in {total:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
