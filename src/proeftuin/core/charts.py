"""Vega-Lite specifications for the portfolio charts.

Specs are plain dicts: the browser renders them interactively, and the report renders the same spec
to SVG (``proeftuin.reporting.charts``). Labels are passed in so the core stays language-neutral.
"""

from __future__ import annotations

from datetime import date
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# Colour-blind-safe palette (Okabe–Ito), readable on white at WCAG AA for marks.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

Spec = dict[str, Any]

DUTCH_NUMBERS = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}
ENGLISH_NUMBERS = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]}
# d3 time-format locales: month and day names on time axes follow the interface language.
DUTCH_TIME = {
    "dateTime": "%a %e %B %Y %H:%M:%S",
    "date": "%d-%m-%Y",
    "time": "%H:%M:%S",
    "periods": ["", ""],
    "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
    "months": [
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ],
    "shortMonths": [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"
    ],
}  # fmt: skip
ENGLISH_TIME = {
    "dateTime": "%a %e %B %Y %H:%M:%S",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
    "months": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "shortMonths": [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    ],
}  # fmt: skip
CHART_LOCALES = {
    "nl": {"number": DUTCH_NUMBERS, "time": DUTCH_TIME},
    "en": {"number": ENGLISH_NUMBERS, "time": ENGLISH_TIME},
}


def localised(spec: Spec, language: str) -> Spec:
    """The spec with numbers, months and days in ``language`` (Dutch for anything unknown).

    A shallow copy: only ``config`` is replaced, the caller's spec stays as it was.
    """
    locale = CHART_LOCALES.get((language or "nl")[:2], CHART_LOCALES["nl"])
    return {**spec, "config": {**spec.get("config", {}), "locale": locale}}


def base_spec(title: str, description: str) -> Spec:
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": description,
        "width": "container",
        "height": 260,
        "config": {
            "font": "Arial, Helvetica, sans-serif",
            "range": {"category": list(PALETTE)},  # a copy: specs may be changed
            "axis": {"labelFontSize": 12, "titleFontSize": 12},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            # Dutch number format (240.000 rather than 240,000), as in the tables beside the charts.
            "locale": CHART_LOCALES["nl"],
        },
    }


def funding_per_stream_chart(
    rows: list[dict[str, Any]],
    *,
    title: str = "Financiering per stroom per jaar",
    year_label: str = "Jaar",
    amount_label: str = "Bedrag (€)",
    stream_label: str = "Stroom",
) -> Spec:
    """Stacked bars: money per calendar year, one colour per funding stream."""
    spec = base_spec(title, "Gestapelde staafgrafiek van de financiering per jaar, per stroom.")
    spec.update(
        {
            "data": {"values": rows},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": year_label},
                "y": {
                    "field": "amount",
                    "type": "quantitative",
                    "title": amount_label,
                    "aggregate": "sum",
                    "axis": {"format": ",.0f"},
                },
                "color": {"field": "stream", "type": "nominal", "title": stream_label},
                "tooltip": [
                    {"field": "stream", "title": stream_label},
                    {"field": "year", "title": year_label},
                    {
                        "field": "amount",
                        "title": amount_label,
                        "format": ",.0f",
                        "aggregate": "sum",
                    },
                ],
            },
        }
    )
    return spec


CLIFF_LABELS = {
    "title": "Financieringsklif: incidenteel geld dat de komende 24 maanden stopt",
    "description": "Per project de einddatum van incidentele financiering, met het bedrag per jaar.",
    "end": "Einddatum",
    "per_year": "€ per jaar",
    "funder": "Financier",
    "project": "Project",
    "stream": "Stroom",
}


def funding_cliff_chart(
    rows: list[dict[str, Any]], today: date, *, labels: dict[str, str] | None = None
) -> Spec:
    """A timeline: each ending stream as a point at its end date, sized by money a year.

    ``labels`` overrides the Dutch defaults in :data:`CLIFF_LABELS` (the web layer translates).
    """
    t = {**CLIFF_LABELS, **(labels or {})}
    spec = base_spec(t["title"], t["description"])
    spec["height"] = {"step": 22}
    spec.update(
        {
            "data": {"values": rows},
            "layer": [
                {
                    # The "today" line is decorative: without aria off, Vega gives it an
                    # unnamed graphics-symbol role (axe: svg-img-alt, serious).
                    "mark": {"type": "rule", "color": "#555", "strokeDash": [4, 4], "aria": False},
                    "encoding": {"x": {"datum": today.isoformat(), "type": "temporal"}},
                },
                {
                    "mark": {"type": "circle", "opacity": 0.8, "tooltip": True},
                    "encoding": {
                        "x": {"field": "end", "type": "temporal", "title": t["end"]},
                        "y": {
                            "field": "project",
                            "type": "nominal",
                            "title": None,
                            "sort": {"field": "end"},
                        },
                        "size": {
                            "field": "per_year",
                            "type": "quantitative",
                            "title": t["per_year"],
                            "legend": {"format": ",.0f"},
                        },
                        "color": {"field": "funder", "type": "nominal", "title": t["funder"]},
                        "tooltip": [
                            {"field": "project", "title": t["project"]},
                            {"field": "stream", "title": t["stream"]},
                            {"field": "funder", "title": t["funder"]},
                            {"field": "end", "type": "temporal", "title": t["end"]},
                            {"field": "per_year", "title": t["per_year"], "format": ",.0f"},
                        ],
                    },
                },
            ],
        }
    )
    return spec


def top_with_rest(
    rows: list[dict[str, Any]], *, top: int = 15, rest_label: str = "Overige projecten"
) -> list[dict[str, Any]]:
    """Aggregate cliff timeline rows before they are drawn, so a spec stays small at any size.

    The ``top`` projects with the most money a year ending keep a row per stream; the streams
    of all other projects are summed per end month and funder into rows named ``rest_label``
    (with ``stream`` the number of streams, an int), so the chart has at most ``top`` + 1 lines.
    """
    per_project: dict[str, float] = {}
    for row in rows:
        per_project[row["project"]] = per_project.get(row["project"], 0.0) + row["per_year"]
    if len(per_project) <= top:
        return rows
    kept = set(sorted(per_project, key=lambda p: (-per_project[p], p))[:top])
    result = [row for row in rows if row["project"] in kept]
    rest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if row["project"] in kept:
            continue
        month = row["end"][:7] + "-01"
        bucket = rest.setdefault(
            (month, row["funder"]),
            {"project": rest_label, "stream": 0, "funder": row["funder"], "end": month},
        )
        bucket["stream"] += 1
        bucket["per_year"] = round(bucket.get("per_year", 0.0) + row["per_year"], 2)
    result.extend(bucket for _key, bucket in sorted(rest.items()))
    return result
