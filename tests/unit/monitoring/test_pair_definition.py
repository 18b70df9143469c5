"""Pair definitions (issue 10, item 2): baseline → end by moment, or first → latest known."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.monitoring import (
    DEFAULT_PAIR_DEFINITION,
    PairDefinition,
    burden_measurements,
    pairs_by_definition,
    records,
)

DAY0 = date(2025, 1, 1)
MOMENTS = ("baseline", "interim", "end")


def frame(rows):
    """Measurements from (measurement_id, trajectory_id, domain, day, moment, score) tuples."""
    return pl.DataFrame(
        {
            "measurement_id": [r[0] for r in rows],
            "trajectory_id": [r[1] for r in rows],
            "domain": [r[2] for r in rows],
            "measured_on": [DAY0 + timedelta(days=r[3]) for r in rows],
            "moment": [r[4] for r in rows],
            "score": [r[5] for r in rows],
        },
        schema={
            "measurement_id": pl.Int64,
            "trajectory_id": pl.Int64,
            "domain": pl.String,
            "measured_on": pl.Date,
            "moment": pl.String,
            "score": pl.Int64,
        },
    )


def trajectories(ids):
    ids = sorted(set(ids))
    return pl.DataFrame(
        {"trajectory_id": ids, "project_id": [7] * len(ids)},
        schema={"trajectory_id": pl.Int64, "project_id": pl.Int64},
    )


def test_the_default_is_baseline_to_end():
    assert DEFAULT_PAIR_DEFINITION is PairDefinition.BASELINE_END


def test_an_interim_measurement_is_never_an_endpoint_under_baseline_end():
    rows = [
        # 1: baseline, interim, end → baseline against end (not the interim)
        (1, 1, "a", 0, "baseline", 2),
        (2, 1, "a", 30, "interim", 4),
        (3, 1, "a", 60, "end", 3),
        # 2: interim and end only → no pair (first → latest would start at the interim)
        (4, 2, "a", 10, "interim", 1),
        (5, 2, "a", 70, "end", 4),
        # 3: baseline and interim only → no pair (first → latest would end at the interim)
        (6, 3, "a", 0, "baseline", 2),
        (7, 3, "a", 40, "interim", 5),
    ]
    m, t = frame(rows), trajectories([1, 2, 3])
    new = {r["trajectory_id"]: r for r in records(pairs_by_definition(m, t, "baseline_end"))}
    old = {r["trajectory_id"]: r for r in records(pairs_by_definition(m, t, "first_latest"))}
    assert (new[1]["baseline_score"], new[1]["latest_score"]) == (2, 3)
    assert new[2]["baseline_score"] is None and new[2]["latest_score"] is None
    assert new[3]["baseline_score"] == 2 and new[3]["latest_score"] is None
    assert (old[2]["baseline_score"], old[2]["latest_score"]) == (1, 4)
    assert (old[3]["baseline_score"], old[3]["latest_score"]) == (2, 5)
    assert new[1]["project_id"] == 7


def test_baseline_end_needs_the_moment():
    m = frame([(1, 1, "a", 0, "baseline", 2)]).drop("moment")
    with pytest.raises(ValueError, match="moment"):
        pairs_by_definition(m, trajectories([1]), PairDefinition.BASELINE_END)


def test_unknown_definition_is_refused():
    with pytest.raises(ValueError):
        pairs_by_definition(frame([(1, 1, "a", 0, "end", 2)]), trajectories([1]), "middle")


def test_burden_sessions_keep_their_moment():
    sessions = pl.DataFrame(
        {
            "trajectory_id": [1, 1],
            "measured_on": [DAY0, DAY0 + timedelta(days=9)],
            "moment": ["baseline", "interim"],
            "professionals": [3, 1],
        }
    )
    long = burden_measurements(sessions, ["professionals"])
    pairs = records(pairs_by_definition(long, trajectories([1]), "baseline_end"))
    assert pairs[0]["baseline_score"] == 3 and pairs[0]["latest_score"] is None


measurement = st.tuples(
    st.integers(1, 6),  # trajectory
    st.sampled_from(["a", "b"]),  # domain
    st.integers(0, 400),  # day
    st.sampled_from(MOMENTS),
    st.one_of(st.none(), st.integers(0, 10)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(measurement, min_size=1, max_size=60))
def test_under_baseline_end_no_pair_endpoint_is_an_interim_moment(raw):
    rows = [(i + 1, *r) for i, r in enumerate(raw)]
    cells: dict[tuple, list] = defaultdict(list)
    for mid, trajectory, domain, day, moment, score in rows:
        cells[(trajectory, domain)].append((DAY0 + timedelta(days=day), mid, moment, score))
    pairs = pairs_by_definition(frame(rows), trajectories(r[1] for r in rows), "baseline_end")
    assert pairs.height == len(cells)
    for row in records(pairs):
        items = cells[(row["trajectory_id"], row["domain"])]
        base = sorted(i for i in items if i[2] == "baseline" and i[3] is not None)
        end = sorted(i for i in items if i[2] == "end" and i[3] is not None)
        if not (base and end):
            assert row["latest_score"] is None and row["latest_on"] is None
        else:
            # The start is the earliest known baseline score, the end the latest known end score:
            # measurements at those moments, never at an interim one.
            assert (row["baseline_on"], row["baseline_score"]) == (base[0][0], base[0][3])
            assert (row["latest_on"], row["latest_score"]) == (end[-1][0], end[-1][3])
        if row["baseline_score"] is not None:
            assert (row["baseline_on"], "baseline", row["baseline_score"]) in {
                (i[0], i[2], i[3]) for i in items
            }
