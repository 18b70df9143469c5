"""Small builders and Hypothesis strategies for the monitoring tests."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import strategies as st

DAY0 = date(2024, 1, 1)


def pairs_frame(rows: list[tuple]) -> pl.DataFrame:
    """Pairs from (project_id, domain, baseline, latest) tuples; None is an unknown score."""
    return pl.DataFrame(
        {
            "trajectory_id": list(range(1, len(rows) + 1)),
            "project_id": [r[0] for r in rows],
            "domain": [r[1] for r in rows],
            "baseline_score": [r[2] for r in rows],
            "latest_score": [r[3] for r in rows],
        },
        schema_overrides={"baseline_score": pl.Int64, "latest_score": pl.Int64},
    )


def measurements_frame(rows: list[tuple]) -> pl.DataFrame:
    """Measurements from (measurement_id, trajectory_id, domain, day offset, score) tuples."""
    return pl.DataFrame(
        {
            "measurement_id": [r[0] for r in rows],
            "trajectory_id": [r[1] for r in rows],
            "domain": [r[2] for r in rows],
            "measured_on": [DAY0 + timedelta(days=r[3]) for r in rows],
            "score": [r[4] for r in rows],
        },
        schema={
            "measurement_id": pl.Int64,
            "trajectory_id": pl.Int64,
            "domain": pl.Int64,
            "measured_on": pl.Date,
            "score": pl.Int64,
        },
    )


def trajectories_frame(ids, projects: int = 3) -> pl.DataFrame:
    ids = sorted(set(ids))
    return pl.DataFrame(
        {
            "trajectory_id": ids,
            "project_id": [i % projects + 1 for i in ids],
            "neighbourhood": [("Noord", "Zuid", None)[i % 3] for i in ids],
        },
        schema={"trajectory_id": pl.Int64, "project_id": pl.Int64, "neighbourhood": pl.String},
    )


levels = st.integers(min_value=1, max_value=5)
maybe_level = st.one_of(st.none(), levels)


@st.composite
def grouped_scores(draw, min_size: int = 5, max_size: int = 40, max_groups: int = 4):
    """Complete pairs in a few (project, domain) groups: list of (project, domain, b, l)."""
    groups = draw(st.integers(min_value=1, max_value=max_groups))
    rows = []
    for g in range(groups):
        size = draw(st.integers(min_value=min_size, max_value=max_size))
        pairs = draw(st.lists(st.tuples(levels, levels), min_size=size, max_size=size))
        rows += [(g % 2 + 1, g // 2 + 1, b, a) for b, a in pairs]
    return rows


@st.composite
def measurement_rows(draw, trajectories: int = 8, domains: int = 3, max_size: int = 60):
    """Raw measurements with unknown scores, ties on a date and out-of-order rows."""
    size = draw(st.integers(min_value=0, max_value=max_size))
    rows = []
    for i in range(size):
        rows.append(
            (
                i + 1,
                draw(st.integers(min_value=1, max_value=trajectories)),
                draw(st.integers(min_value=1, max_value=domains)),
                draw(st.integers(min_value=0, max_value=20)),
                draw(maybe_level),
            )
        )
    order = draw(st.permutations(range(size)))
    return [rows[i] for i in order]
