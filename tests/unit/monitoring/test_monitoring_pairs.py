"""The maintained pairs table: derivation rules, and incremental updates equal a full rebuild."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from monitoring_builders import DAY0, measurement_rows, measurements_frame, trajectories_frame

from proeftuin.core.monitoring import (
    effect_report,
    pairs_from_measurements,
    records,
    refresh_pairs,
    upsert_pairs,
)

SORT = ["trajectory_id", "domain"]


def naive_pairs(rows):
    """Reference: per (trajectory, domain) the first and last known score by (date, id)."""
    cells = defaultdict(list)
    for mid, trajectory, domain, day, score in rows:
        cells[(trajectory, domain)].append((day, mid, score))
    out = {}
    for key, items in cells.items():
        known = sorted(i for i in items if i[2] is not None)
        first = known[0] if known else None
        last = known[-1] if len(known) > 1 else None
        out[key] = (
            first and (DAY0 + timedelta(days=first[0]), first[2]),
            last and (DAY0 + timedelta(days=last[0]), last[2]),
        )
    return out


@settings(max_examples=40, deadline=None)
@given(rows=measurement_rows())
def test_pairs_follow_the_rules(rows):
    measurements = measurements_frame(rows)
    trajectories = trajectories_frame(range(1, 9))
    pairs = pairs_from_measurements(measurements, trajectories)
    expected = naive_pairs(rows)
    assert pairs.height == len(expected)
    assert pairs.select(SORT).rows() == sorted(expected)
    for row in records(pairs):
        first, last = expected[(row["trajectory_id"], row["domain"])]
        assert (row["baseline_on"], row["baseline_score"]) == (first or (None, None))
        assert (row["latest_on"], row["latest_score"]) == (last or (None, None))
        assert row["project_id"] == row["trajectory_id"] % 3 + 1


def test_ties_on_a_date_go_by_measurement_id_then_row_order():
    rows = [(7, 1, 1, 0, 2), (3, 1, 1, 0, 4), (5, 1, 1, 0, 1)]
    pairs = pairs_from_measurements(measurements_frame(rows), trajectories_frame([1]))
    assert records(pairs)[0]["baseline_score"] == 4  # id 3
    assert records(pairs)[0]["latest_score"] == 2  # id 7
    no_ids = measurements_frame(rows).drop("measurement_id")
    pairs = pairs_from_measurements(no_ids, trajectories_frame([1]))
    assert (records(pairs)[0]["baseline_score"], records(pairs)[0]["latest_score"]) == (2, 1)


def test_an_unknown_score_is_skipped_not_read_as_zero():
    rows = [(1, 1, 1, 0, None), (2, 1, 1, 5, 2), (3, 1, 1, 9, None), (4, 1, 1, 12, 4)]
    (row,) = records(pairs_from_measurements(measurements_frame(rows), trajectories_frame([1])))
    assert (row["baseline_score"], row["latest_score"]) == (2, 4)
    assert (row["baseline_on"], row["latest_on"]) == (date(2024, 1, 6), date(2024, 1, 13))


def test_string_domains_sparse_ids_and_datetimes():
    measurements = pl.DataFrame(
        {
            "trajectory_id": [10**12, 10**12, 5, 5],
            "domain": ["wonen", "wonen", "financiën", "wonen"],
            "measured_on": pl.Series(
                [date(2024, 1, 1), date(2024, 3, 1), date(2024, 1, 1), date(2024, 2, 1)]
            ).cast(pl.Datetime),
            "score": pl.Series([1, 3, 2, 5], dtype=pl.Int8),
        }
    )
    trajectories = pl.DataFrame({"trajectory_id": [5, 10**12], "project_id": [1, 2]})
    pairs = pairs_from_measurements(measurements, trajectories)
    assert pairs.rows() == [
        (5, "financiën", 1, date(2024, 1, 1), 2, None, None),
        (5, "wonen", 1, date(2024, 2, 1), 5, None, None),
        (10**12, "wonen", 2, date(2024, 1, 1), 1, date(2024, 3, 1), 3),
    ]
    assert pairs["baseline_score"].dtype == pl.Int8


def test_bad_measurements_are_refused():
    good = measurements_frame([(1, 1, 1, 0, 3)])
    with pytest.raises(ValueError, match="not given"):
        pairs_from_measurements(good, trajectories_frame([2]))
    with pytest.raises(ValueError, match="unique"):
        pairs_from_measurements(good, pl.DataFrame({"trajectory_id": [1, 1]}))
    with pytest.raises(ValueError, match="integer"):
        pairs_from_measurements(
            good.with_columns(pl.col("score").cast(pl.Float64)), trajectories_frame([1])
        )
    with pytest.raises(ValueError, match="date"):
        pairs_from_measurements(
            good.with_columns(pl.col("measured_on").cast(pl.String)), trajectories_frame([1])
        )
    with pytest.raises(ValueError, match="missing column"):
        pairs_from_measurements(good.drop("score"), trajectories_frame([1]))
    with pytest.raises(ValueError, match="clash"):
        pairs_from_measurements(good, trajectories_frame([1]).with_columns(latest_score=1))


def test_no_measurements_give_an_empty_table_with_the_columns():
    pairs = pairs_from_measurements(measurements_frame([]), trajectories_frame([1]))
    assert pairs.height == 0
    assert pairs.columns == [
        "trajectory_id",
        "domain",
        "project_id",
        "neighbourhood",
        "baseline_on",
        "baseline_score",
        "latest_on",
        "latest_score",
    ]


def _sorted(frame):
    return frame.sort(SORT)


@settings(max_examples=25, deadline=None)
@given(
    initial=measurement_rows(trajectories=10, max_size=80),
    later=measurement_rows(trajectories=12, max_size=40),
    deleted=st.sets(st.integers(min_value=1, max_value=80), max_size=10),
)
def test_incremental_update_equals_a_full_rebuild(initial, later, deleted):
    trajectories = trajectories_frame(range(1, 13))
    before = measurements_frame(initial)
    pairs = pairs_from_measurements(before, trajectories)
    report_before = effect_report(pairs, threshold=5)

    # New measurements arrive (ids after the existing ones; some for new trajectories), and
    # some old ones are deleted.
    shifted = [(mid + 1000, t, d, day + 5, s) for mid, t, d, day, s in later]
    kept = [row for row in initial if row[0] not in deleted]
    after = measurements_frame(kept + shifted)
    changed = {row[1] for row in shifted} | {row[1] for row in initial if row[0] in deleted}

    incremental = refresh_pairs(pairs, after, trajectories, changed)
    full = pairs_from_measurements(after, trajectories)
    assert _sorted(incremental).equals(_sorted(full))
    assert effect_report(incremental, threshold=5) == effect_report(full, threshold=5)
    if not changed:
        assert effect_report(incremental, threshold=5) == report_before


def test_upsert_replaces_all_rows_of_the_trajectories():
    trajectories = trajectories_frame([1, 2])
    rows = [(1, 1, 1, 0, 2), (2, 1, 1, 9, 4), (3, 1, 2, 0, 1), (4, 2, 1, 0, 3)]
    pairs = pairs_from_measurements(measurements_frame(rows), trajectories)
    # Trajectory 1 loses domain 2 entirely and gets a new latest score on domain 1.
    fresh = pairs_from_measurements(
        measurements_frame([(1, 1, 1, 0, 2), (2, 1, 1, 9, 4), (5, 1, 1, 20, 5)]), trajectories
    )
    updated = _sorted(upsert_pairs(pairs, fresh, [1]))
    assert updated.select("trajectory_id", "domain", "latest_score").rows() == [
        (1, 1, 5),
        (2, 1, None),
    ]
    with pytest.raises(ValueError, match="outside"):
        upsert_pairs(pairs, fresh, [2])
    emptied = upsert_pairs(pairs, fresh.clear(), [1])
    assert emptied["trajectory_id"].to_list() == [2]
