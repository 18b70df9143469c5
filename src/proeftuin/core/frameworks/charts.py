"""Vega-Lite specs for assessment profiles. Pure: labels come in, a spec dict goes out.

The profile is a stacked bar per dimension: how many of its indicators got each level of the
framework's scale. *Onbekend* and "not rated yet" are segments of their own (grey, and white with
a dashed outline), so an unknown shows as a visible gap in the bar and never as a zero or as the
lowest level.
"""

from __future__ import annotations

from typing import Any

from proeftuin.core.charts import base_spec

from .model import Framework
from .scoring import FrameworkSummary

Spec = dict[str, Any]

#: Light to dark blue for the ordered levels (colour-blind safe as a single hue).
LEVEL_BLUES = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]
UNKNOWN_GREY = "#8c8c8c"
NOT_RATED_WHITE = "#ffffff"

PROFILE_LABELS = {
    "title": "Profiel per dimensie",
    "description": (
        "Gestapelde staafgrafiek: per dimensie het aantal indicatoren per niveau. Onbekend en "
        "nog niet beoordeeld zijn aparte grijze en witte delen, geen nul."
    ),
    "count": "Aantal indicatoren",
    "dimension": "Dimensie",
    "level": "Oordeel",
    "unknown": "onbekend",
    "not_rated": "nog niet beoordeeld",
}


def level_colours(count: int) -> list[str]:
    """``count`` blues from light to dark, spread over :data:`LEVEL_BLUES`."""
    if count <= 1:
        return LEVEL_BLUES[-2:-1] * count
    last = len(LEVEL_BLUES) - 1
    return [LEVEL_BLUES[round(i * last / (count - 1))] for i in range(count)]


def profile_rows(
    framework: Framework, summary: FrameworkSummary, lang: str = "nl", labels: dict | None = None
) -> list[dict[str, Any]]:
    """One row per dimension × category with a count above zero, in display order."""
    t = {**PROFILE_LABELS, **(labels or {})}
    rows = []
    for d_index, (dimension, dim_summary) in enumerate(
        zip(framework.dimensions, summary.dimensions, strict=True)
    ):
        name = dimension.name.get(lang)
        categories = [
            (level.label.get(lang), "level", dim_summary.counts.get(level.code, 0))
            for level in framework.scale.levels
        ]
        categories.append((t["unknown"], "unknown", dim_summary.unknown))
        categories.append((t["not_rated"], "not_rated", dim_summary.not_rated))
        for c_index, (label, kind, count) in enumerate(categories):
            if count:
                rows.append(
                    {
                        "dimension": name,
                        "dimension_order": d_index,
                        "category": label,
                        "category_order": c_index,
                        "kind": kind,
                        "count": count,
                    }
                )
    return rows


def profile_chart(
    framework: Framework,
    summary: FrameworkSummary,
    *,
    lang: str = "nl",
    labels: dict[str, str] | None = None,
) -> Spec:
    """Stacked horizontal bars: per dimension, the number of indicators per level.

    ``labels`` overrides the Dutch defaults in :data:`PROFILE_LABELS` (the web layer translates).
    """
    t = {**PROFILE_LABELS, **(labels or {})}
    level_labels = [level.label.get(lang) for level in framework.scale.levels]
    domain = [*level_labels, t["unknown"], t["not_rated"]]
    colours = [*level_colours(len(level_labels)), UNKNOWN_GREY, NOT_RATED_WHITE]
    spec = base_spec(t["title"], t["description"])
    spec["height"] = {"step": 34}
    spec.update(
        {
            "data": {"values": profile_rows(framework, summary, lang, t)},
            "mark": {"type": "bar", "stroke": "#333333", "strokeWidth": 0.75, "tooltip": True},
            "encoding": {
                "y": {
                    "field": "dimension",
                    "type": "nominal",
                    "title": None,
                    "sort": [d.name.get(lang) for d in framework.dimensions],
                    "axis": {"labelLimit": 280},
                },
                "x": {
                    "field": "count",
                    "type": "quantitative",
                    "stack": "zero",
                    "title": t["count"],
                    "axis": {"tickMinStep": 1, "format": "d"},
                },
                "color": {
                    "field": "category",
                    "type": "nominal",
                    "title": t["level"],
                    "scale": {"domain": domain, "range": colours},
                    "sort": domain,
                },
                "order": {"field": "category_order", "type": "quantitative"},
                "strokeDash": {
                    "condition": {"test": "datum.kind === 'not_rated'", "value": [3, 2]},
                    "value": [1, 0],
                },
                "tooltip": [
                    {"field": "dimension", "title": t["dimension"]},
                    {"field": "category", "title": t["level"]},
                    {"field": "count", "title": t["count"]},
                ],
            },
        }
    )
    return spec
