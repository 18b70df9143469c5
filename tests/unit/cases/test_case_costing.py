"""Case timeline (issue 13, item 1): costs per lane, the cumulative line, the sum over cases
with n and an interval, the reference templates and the chart."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.cases import costing
from proeftuin.core.cases.charts import case_timeline_chart
from proeftuin.core.cases.costing import Event, Lane
from proeftuin.core.cases.references import ReferenceLoadError, load_references, parse_reference

D0 = date(2025, 1, 1)

events = st.builds(
    Event,
    lane=st.sampled_from(list(Lane)),
    service=st.sampled_from(["a", "b", "c"]),
    start=st.integers(0, 700).map(lambda d: D0 + timedelta(days=d)),
    end=st.none(),
    units=st.floats(0.5, 50, allow_nan=False),
    unit_cost=st.one_of(st.none(), st.floats(0, 10_000, allow_nan=False)),
)


def test_an_unknown_price_leaves_the_lane_without_a_total():
    known = Event(Lane.ACTUAL, "a", D0, None, 2, 100)
    unknown = Event(Lane.REFERENCE, "b", D0, None, 1, None)
    totals = costing.case_totals([known, unknown])
    assert totals.actual == 200 and totals.reference is None and totals.saving is None
    assert totals.unknown_prices == 1
    full = costing.case_totals([known, Event(Lane.REFERENCE, "b", D0, None, 3, 150)])
    assert full.saving == 250


@given(st.lists(events, max_size=12))
def test_cumulative_never_decreases_and_ends_at_the_known_total(case):
    rows = costing.cumulative(case)
    for lane in Lane:
        values = [r["cumulative"] for r in rows if r["lane"] == lane.value]
        lane_events = [e for e in case if e.lane == lane]
        if not lane_events:
            assert values == []
            continue
        assert values[0] == 0
        assert all(b >= a for a, b in zip(values, values[1:], strict=False))
        known = sum(e.cost for e in lane_events if e.cost is not None)
        assert math.isclose(values[-1], known, rel_tol=1e-9, abs_tol=1e-6)
        gaps = [r["gap"] for r in rows if r["lane"] == lane.value]
        assert gaps[-1] == any(e.cost is None for e in lane_events)


@given(st.lists(st.one_of(st.none(), st.floats(-1e5, 1e5, allow_nan=False)), max_size=40))
def test_summary_counts_complete_cases_and_suppresses_small_groups(savings):
    summary = costing.summarise(savings, threshold=5, confidence=0.9)
    complete = [s for s in savings if s is not None]
    assert summary.n == len(complete)
    assert summary.incomplete == len(savings) - len(complete)
    if len(complete) < 5:
        assert summary.mean is None and summary.total is None
    else:
        assert math.isclose(summary.mean, sum(complete) / len(complete), abs_tol=1e-6)
        assert summary.low <= summary.mean + 1e-6 and summary.mean <= summary.high + 1e-6


def test_summary_interval_matches_a_hand_computation():
    summary = costing.summarise([100.0, 200.0, 300.0], threshold=1, confidence=0.9)
    # mean 200, sd 100, se 57.735, t(0.95, 2) = 2.919986
    assert summary.mean == 200
    assert summary.low == pytest.approx(200 - 2.919986 * 57.73503, rel=1e-5)
    assert summary.total == 600


def test_the_shipped_reference_cites_its_sources_and_names_prices():
    reference = load_references()["crisis_path"]
    assert len(reference.steps) >= 3
    for step in reference.steps:
        assert step.assumption["nl"] and step.assumption["en"]
        assert step.cites and step.price_key
    begin, end = reference.steps[1].dates(D0)
    assert begin == D0 + timedelta(days=180) and end == begin + timedelta(days=360)


def test_a_reference_citing_an_undeclared_source_is_refused():
    data = {
        "id": "x",
        "version": "1",
        "name": {"nl": "x", "en": "x"},
        "description": {"nl": "x", "en": "x"},
        "sources": [{"code": "002", "file": "f", "title": "t"}],
        "steps": [
            {
                "id": "s",
                "service": {"nl": "s", "en": "s"},
                "start_month": 0,
                "units": 1,
                "unit": {"nl": "u", "en": "u"},
                "assumption": {"nl": "a", "en": "a"},
                "cites": ["004 §2.3"],
            }
        ],
    }
    with pytest.raises(ReferenceLoadError, match="source"):
        parse_reference(data)
    data["steps"][0]["cites"] = ["002 somewhere"]
    data["steps"][0]["unit_cost"] = 100  # an unsourced euro figure is not allowed
    with pytest.raises(ReferenceLoadError):
        parse_reference(data)


def test_chart_has_two_timelines_above_the_cumulative_cost():
    labels = {
        k: k
        for k in (
            [
                "title",
                "description",
                "actual",
                "reference",
                "date",
                "service",
                "start",
                "cost",
                "cumulative",
                "lane",
            ]
        )
    }
    spec = case_timeline_chart(
        [
            Event(Lane.ACTUAL, "a", D0, D0 + timedelta(days=30), 1, 10),
            Event(Lane.REFERENCE, "b", D0, None, 1, None),
        ],
        labels,
    )
    titles = [part["title"] for part in spec["vconcat"]]
    assert titles == ["actual", "reference", "cumulative"]
    line = spec["vconcat"][2]["data"]["values"]
    assert [r["gap"] for r in line if r["lane"] == "reference"] == [False, True]
