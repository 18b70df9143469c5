"""Seed 003 §2.9 process indicators, and the burden report (professionals, heavy measures)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.monitoring import (
    MIN_THRESHOLD,
    ProcessRow,
    burden_measurements,
    burden_report,
    pairs_from_measurements,
    process_indicators,
    with_period,
)

FIGURES = [f for f in ProcessRow.__dataclass_fields__ if f not in ("key", "period", "suppressed")]
REASONS = ["according_to_plan", "by_agreement", "dropped_out", "moved", None]


def quarter(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@st.composite
def trajectories(draw):
    size = draw(st.integers(min_value=0, max_value=80))
    rows = []
    for i in range(size):
        start = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 500)))
        length = draw(st.one_of(st.none(), st.integers(0, 300)))
        rows.append(
            {
                "trajectory_id": i + 1,
                "team": draw(st.sampled_from(["Noord", "Zuid"])),
                "registered_on": start - timedelta(days=draw(st.integers(0, 40))),
                "started_on": start,
                "ended_on": None if length is None else start + timedelta(days=length),
                "end_reason": None if length is None else draw(st.sampled_from(REASONS)),
                "continues_without_help": None
                if length is None
                else draw(st.sampled_from([True, False, None])),
            }
        )
    schema = {
        "trajectory_id": pl.Int64,
        "team": pl.String,
        "registered_on": pl.Date,
        "started_on": pl.Date,
        "ended_on": pl.Date,
        "end_reason": pl.String,
        "continues_without_help": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


@settings(max_examples=20, deadline=None)
@given(frame=trajectories(), threshold=st.integers(min_value=MIN_THRESHOLD, max_value=8))
def test_inflow_outflow_and_shares_match_a_naive_count(frame, threshold):
    report = process_indicators(frame, by=["team"], threshold=threshold)
    rows = frame.to_dicts()
    inflow = Counter((r["team"], quarter(r["started_on"])) for r in rows)
    ended = [r for r in rows if r["ended_on"] is not None]
    outflow = Counter((r["team"], quarter(r["ended_on"])) for r in ended)
    seen = set()
    for row in report.rows:
        key = (row.key["team"], row.period)
        seen.add(key)
        assert row.period == quarter(row.period)
        for figure, count in (("inflow", inflow[key]), ("outflow", outflow[key])):
            assert getattr(row, figure) == (count if count >= threshold else None)
        out = [r for r in ended if (r["team"], quarter(r["ended_on"])) == key]
        known = [r for r in out if r["end_reason"] is not None]
        if len(known) >= threshold:
            planned = [r for r in known if r["end_reason"] in ("according_to_plan", "by_agreement")]
            assert row.share_closed_as_planned == pytest.approx(len(planned) / len(known))
            assert row.n_reason_known == len(known)
        else:
            assert row.share_closed_as_planned is None and row.n_reason_known is None
        answered = [r for r in out if r["continues_without_help"] is not None]
        if len(answered) >= threshold:
            yes = sum(r["continues_without_help"] for r in answered)
            assert row.share_without_help == pytest.approx(yes / len(answered))
        else:
            assert row.share_without_help is None
        if len(out) >= threshold:
            durations = [(r["ended_on"] - r["started_on"]).days for r in out]
            assert row.mean_duration_days == pytest.approx(sum(durations) / len(durations))
        else:
            assert row.mean_duration_days is None and row.median_duration_days is None
        assert row.share_referred is None  # no referral column given
    assert set(inflow) | set(outflow) <= seen


def test_a_small_team_shows_no_figure_at_all():
    frame = pl.DataFrame(
        {
            "team": ["Klein"] * 3,
            "started_on": [date(2024, 1, 5)] * 3,
            "ended_on": [date(2024, 2, 1)] * 3,
            "end_reason": ["according_to_plan"] * 3,
        }
    )
    (row,) = process_indicators(frame, by=["team"]).rows
    assert row.suppressed
    assert all(getattr(row, f) is None for f in FIGURES)


def test_periods_span_start_to_end_and_can_be_months_or_years():
    frame = pl.DataFrame(
        {
            "started_on": [date(2024, 1, 5)] * 12,
            "ended_on": [date(2024, 3, 20)] * 12,
            "end_reason": ["by_agreement"] * 12,
            "referred": [True] * 3 + [False] * 9,
        }
    )
    months = process_indicators(frame, by=[], every="month").rows
    assert [r.period for r in months] == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    assert [r.inflow for r in months] == [12, None, None]
    assert [r.outflow for r in months] == [None, None, 12]
    assert months[2].share_referred == 0.25 and months[2].share_closed_as_planned == 1.0
    years = process_indicators(
        frame, by=[], every="year", start=date(2023, 6, 1), end=date(2025, 1, 1)
    ).rows
    assert [r.period for r in years] == [date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)]
    assert years[1].inflow == years[1].outflow == 12
    later = process_indicators(frame, by=[], start=date(2024, 2, 10)).rows
    assert [r.period for r in later] == [date(2024, 1, 1)]
    assert process_indicators(frame, by=[], start=date(2024, 5, 1)).rows == ()


def test_bad_trajectories_are_refused():
    base = {"started_on": [date(2024, 5, 1)], "ended_on": [date(2024, 4, 1)]}
    with pytest.raises(ValueError, match="before"):
        process_indicators(pl.DataFrame(base), by=[])
    with pytest.raises(ValueError, match="every"):
        process_indicators(pl.DataFrame(base), by=[], every="week")
    with pytest.raises(ValueError):
        process_indicators(pl.DataFrame(base), by=[], threshold=3)
    with pytest.raises(ValueError, match="missing"):
        process_indicators(pl.DataFrame(base), by=["team"])


def test_with_period_adds_the_cohort():
    frame = with_period(pl.DataFrame({"started_on": [date(2024, 5, 17)]}), "started_on")
    assert frame["period"].to_list() == [date(2024, 4, 1)]


def test_burden_report_counts_a_decrease_as_improvement():
    sessions = pl.DataFrame(
        {
            "trajectory_id": [t for t in range(1, 13) for _ in range(2)],
            "measured_on": [date(2024, 1, 1), date(2024, 6, 1)] * 12,
            "professionals": [6, 2] * 10 + [3, 4] * 2,
            "heavy_measures": [1, 0] * 6 + [0, 0] * 6,
            "organisations": [None, None] * 12,
        },
        schema_overrides={"organisations": pl.Int64},
    )
    measurements = burden_measurements(sessions)
    trajectories = pl.DataFrame({"trajectory_id": range(1, 13), "project_id": [1] * 12})
    pairs = pairs_from_measurements(measurements, trajectories)
    report = burden_report(pairs)
    groups = {g.key["domain"]: g for g in report.groups}
    professionals = groups["professionals"]
    assert professionals.n == 12
    assert professionals.mean_before == pytest.approx((60 + 6) / 12)
    assert professionals.mean_change == pytest.approx((-40 + 2) / 12)
    assert professionals.share_improved == pytest.approx(10 / 12)
    assert professionals.share_worse == pytest.approx(2 / 12)
    heavy = groups["heavy_measures"]
    assert heavy.share_any_before == 0.5 and heavy.share_any_after == 0.0
    organisations = groups["organisations"]
    assert organisations.suppressed and organisations.n is None


def test_no_trajectory_has_ended_yet():
    """Rows without any end date arrive with an untyped end column; still a report, no crash."""
    rows = [
        {"team": "Noord", "started_on": date(2024, 1, 10) + timedelta(days=i), "ended_on": None}
        for i in range(12)
    ]
    report = process_indicators(rows, by=("team",), threshold=10)
    assert [row.inflow for row in report.rows] == [12]
    assert all(row.outflow is None for row in report.rows)  # 0 is below the threshold
