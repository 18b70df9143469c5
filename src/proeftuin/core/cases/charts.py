"""The case-timeline chart: the two timelines one above the other, then the cumulative cost.

Labels come in from the caller so the core stays language-neutral. Unknown costs are gaps: the
cumulative line carries a marker where a price is missing, never a silent zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from proeftuin.core.charts import base_spec

from .costing import Event, Lane, cumulative

WIDTH = 560
ONE_OFF_DAYS = 10  # how wide a one-off event (no end) is drawn


def _bars(events: Sequence[Event], lane: Lane, labels: Mapping[str, str]) -> list[dict]:
    rows = []
    for e in events:
        if e.lane != lane:
            continue
        end = e.end or e.start + timedelta(days=ONE_OFF_DAYS)
        rows.append(
            {
                "lane": labels[lane.value],
                "service": e.service,
                "start": e.start.isoformat(),
                "end": end.isoformat(),
                "cost": e.cost,
            }
        )
    return rows


def _timeline(rows: list[dict], title: str, colour: str, labels: Mapping[str, str]) -> dict:
    return {
        "title": title,
        "width": WIDTH,
        "height": {"step": 22},
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True, "color": colour, "cornerRadius": 2},
        "encoding": {
            "y": {"field": "service", "type": "nominal", "title": None, "sort": None},
            "x": {"field": "start", "type": "temporal", "title": labels["date"]},
            "x2": {"field": "end"},
            "tooltip": [
                {"field": "service", "title": labels["service"]},
                {"field": "start", "type": "temporal", "title": labels["start"]},
                {"field": "cost", "title": labels["cost"], "format": ",.0f"},
            ],
        },
    }


def case_timeline_chart(events: Sequence[Event], labels: Mapping[str, str]) -> dict:
    """``labels``: title, description, actual, reference, date, service, start, cost,
    cumulative, lane."""
    spec = base_spec(labels["title"], labels["description"])
    spec.pop("width", None)
    spec.pop("height", None)
    cumulative_rows = [
        {
            "lane": labels[row["lane"]],
            "date": row["date"].isoformat(),
            "cumulative": row["cumulative"],
            "gap": row["gap"],
        }
        for row in cumulative(events)
    ]
    parts = []
    for lane, colour in ((Lane.ACTUAL, "#0072B2"), (Lane.REFERENCE, "#D55E00")):
        rows = _bars(events, lane, labels)
        if rows:
            parts.append(_timeline(rows, labels[lane.value], colour, labels))
    parts.append(
        {
            "title": labels["cumulative"],
            "width": WIDTH,
            "height": 180,
            "data": {"values": cumulative_rows},
            "mark": {"type": "line", "point": True, "interpolate": "step-after", "tooltip": True},
            "encoding": {
                "x": {"field": "date", "type": "temporal", "title": labels["date"]},
                "y": {
                    "field": "cumulative",
                    "type": "quantitative",
                    "title": labels["cost"],
                    "axis": {"format": ",.0f"},
                },
                "color": {
                    "field": "lane",
                    "type": "nominal",
                    "title": labels["lane"],
                    "scale": {
                        "domain": [labels["actual"], labels["reference"]],
                        "range": ["#0072B2", "#D55E00"],
                    },
                },
                "strokeDash": {"field": "gap", "type": "nominal", "legend": None},
                "tooltip": [
                    {"field": "lane", "title": labels["lane"]},
                    {"field": "date", "type": "temporal", "title": labels["date"]},
                    {"field": "cumulative", "title": labels["cost"], "format": ",.0f"},
                ],
            },
        }
    )
    spec.update({"vconcat": parts, "resolve": {"scale": {"x": "shared"}}})
    return spec
