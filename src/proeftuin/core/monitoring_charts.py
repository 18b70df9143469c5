"""Vega-Lite specs for Tel en vertel. Pure: rows and labels come in, a spec dict goes out.

- :func:`participant_chart`: one participant's baseline against the latest score per life domain
  (grouped horizontal bars). An unknown score has no bar: a gap, never a zero.
- :func:`effect_chart`: mean change per domain with its 95% confidence interval (point and
  interval), around a zero line.
- :func:`distribution_chart`: the distribution over the levels before and after, per domain
  (100% stacked bars).
- :func:`comparison_chart`: the effect chart for several projects side by side; projects keep
  the order they are given (alphabetical), never an order by score.

Labels default to Dutch; the web layer passes translations.
"""

from __future__ import annotations

from typing import Any

from proeftuin.core.charts import PALETTE, base_spec
from proeftuin.core.numbers import plain_text

Spec = dict[str, Any]

#: Light to dark blue for ordered levels (one hue: readable for colour-blind users).
LEVEL_BLUES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]

PARTICIPANT_LABELS = {
    "title": "Zelfredzaamheid per leefgebied: begin en laatste meting",
    "description": (
        "Staafgrafiek: per leefgebied de score bij de eerste meting en bij de laatste meting, van "
        "1 (acuut probleem) tot 5 (volledig zelfredzaam). Onbekend heeft geen staaf."
    ),
    "domain": "Leefgebied",
    "score": "Score",
    "moment": "Meting",
    "date": "Datum",
}

EFFECT_LABELS = {
    "title": "Gemiddelde verandering per leefgebied, met 95%-betrouwbaarheidsinterval",
    "description": (
        "Per leefgebied de gemiddelde verandering van de eerste naar de laatste meting (punt) met "
        "het 95%-betrouwbaarheidsinterval (lijn). Rechts van nul is vooruitgang. Alleen groepen "
        "met genoeg deelnemers staan erin."
    ),
    "domain": "Leefgebied",
    "change": "Gemiddelde verandering (punten)",
    "low": "Ondergrens",
    "high": "Bovengrens",
    "n": "Aantal paren (n)",
    "project": "Project",
}

DISTRIBUTION_LABELS = {
    "title": "Verdeling over de niveaus, vóór en na",
    "description": (
        "Gestapelde staven: per leefgebied het aandeel deelnemers op elk niveau bij de eerste en "
        "bij de laatste meting."
    ),
    "domain": "Leefgebied",
    "share": "Aandeel",
    "level": "Niveau",
    "when": "Meting",
}


def level_colours(count: int) -> list[str]:
    if count <= 1:
        return LEVEL_BLUES[3:4] * count
    last = len(LEVEL_BLUES) - 1
    return [LEVEL_BLUES[round(i * last / (count - 1))] for i in range(count)]


def participant_chart(
    rows: list[dict[str, Any]],
    *,
    scale_max: int = 5,
    moments: tuple[str, str] = ("Eerste meting", "Laatste meting"),
    labels: dict[str, str] | None = None,
) -> Spec:
    """``rows``: ``{"domain", "order", "moment", "score", "date"}``; no row for unknown scores."""
    t = {**PARTICIPANT_LABELS, **(labels or {})}
    spec = base_spec(t["title"], t["description"])
    spec["height"] = {"step": 12}
    spec.update(
        {
            "data": {"values": rows},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {
                    "field": "domain",
                    "type": "nominal",
                    "title": None,
                    "sort": {"field": "order", "op": "min"},
                },
                "yOffset": {"field": "moment", "type": "nominal", "sort": list(moments)},
                "x": {
                    "field": "score",
                    "type": "quantitative",
                    "title": t["score"],
                    "scale": {"domain": [0, scale_max]},
                    "axis": {"tickMinStep": 1, "format": "d"},
                },
                "color": {
                    "field": "moment",
                    "type": "nominal",
                    "title": t["moment"],
                    "sort": list(moments),
                    "scale": {"domain": list(moments), "range": [PALETTE[1], PALETTE[0]]},
                },
                "tooltip": [
                    {"field": "domain", "title": t["domain"]},
                    {"field": "moment", "title": t["moment"]},
                    {"field": "date", "title": t["date"]},
                    {"field": "score", "title": t["score"]},
                ],
            },
        }
    )
    return spec


TEXT_FIELDS = ("mean", "low", "high")


def with_texts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with ``mean_text``, ``low_text`` and ``high_text`` for the tooltips.

    The tooltips show text the caller rounded with the one formatter
    (``proeftuin.common.numbers``), never a Vega ``format``: d3's ``.2f`` rounds the binary
    value (1.005 → "1.00") and may print "-0.00". A row without a text gets a plain rounding
    here (half away from zero on the decimal value; no minus on a rounded zero)."""
    out = []
    for row in rows:
        row = dict(row)
        for name in TEXT_FIELDS:
            row.setdefault(f"{name}_text", plain_text(row.get(name)))
        out.append(row)
    return out


def _interval_layers(t: dict[str, str], colour: dict[str, Any] | None = None) -> list[Spec]:
    tooltip = [
        {"field": "domain", "title": t["domain"]},
        {"field": "mean_text", "title": t["change"]},
        {"field": "low_text", "title": t["low"]},
        {"field": "high_text", "title": t["high"]},
        {"field": "n", "title": t["n"]},
    ]
    if colour is not None:
        tooltip.insert(0, {"field": "project", "title": t["project"]})
    interval: Spec = {
        "mark": {"type": "rule", "strokeWidth": 2},
        "encoding": {
            "x": {"field": "low", "type": "quantitative", "title": t["change"]},
            "x2": {"field": "high"},
            "tooltip": tooltip,
        },
    }
    point: Spec = {
        "mark": {"type": "point", "filled": True, "size": 70, "tooltip": True},
        "encoding": {
            "x": {"field": "mean", "type": "quantitative", "title": t["change"]},
            "tooltip": tooltip,
        },
    }
    if colour is not None:
        interval["encoding"]["color"] = colour
        point["encoding"]["color"] = colour
    else:
        interval["mark"]["color"] = PALETTE[0]
        point["mark"]["color"] = PALETTE[0]
    zero = {
        # The zero line is decorative: aria off, or Vega gives it an unnamed graphics role.
        "mark": {"type": "rule", "color": "#555", "strokeDash": [4, 4], "aria": False},
        "encoding": {"x": {"datum": 0}},
    }
    return [zero, interval, point]


def effect_chart(rows: list[dict[str, Any]], *, labels: dict[str, str] | None = None) -> Spec:
    """``rows``: ``{"domain", "order", "mean", "low", "high", "n"}`` for shown groups only, with
    ``mean_text`` / ``low_text`` / ``high_text`` from the one formatter (see :func:`with_texts`)."""
    t = {**EFFECT_LABELS, **(labels or {})}
    spec = base_spec(t["title"], t["description"])
    spec["height"] = {"step": 26}
    spec.update(
        {
            "data": {"values": with_texts(rows)},
            "encoding": {
                "y": {
                    "field": "domain",
                    "type": "nominal",
                    "title": None,
                    "sort": {"field": "order", "op": "min"},
                }
            },
            "layer": _interval_layers(t),
        }
    )
    return spec


def comparison_chart(
    rows: list[dict[str, Any]], projects: list[str], *, labels: dict[str, str] | None = None
) -> Spec:
    """Several projects side by side per domain, in the given project order (no ranking)."""
    t = {**EFFECT_LABELS, **(labels or {})}
    spec = base_spec(t["title"], t["description"])
    spec["height"] = {"step": 12}
    rows = with_texts(rows)
    colour = {
        "field": "project",
        "type": "nominal",
        "title": t["project"],
        "sort": projects,
        "scale": {"domain": projects},
    }
    spec.update(
        {
            "data": {"values": rows},
            "encoding": {
                "y": {
                    "field": "domain",
                    "type": "nominal",
                    "title": None,
                    "sort": {"field": "order", "op": "min"},
                },
                "yOffset": {"field": "project", "type": "nominal", "sort": projects},
            },
            "layer": _interval_layers(t, colour),
        }
    )
    return spec


def distribution_chart(
    rows: list[dict[str, Any]],
    level_names: list[str],
    *,
    moments: tuple[str, str] = ("Vóór", "Na"),
    labels: dict[str, str] | None = None,
) -> Spec:
    """``rows``: ``{"domain", "order", "when", "level", "level_order", "count"}``.

    One bar per domain and moment, labelled "domain (before)" / "domain (after)"."""
    t = {**DISTRIBUTION_LABELS, **(labels or {})}
    spec = base_spec(t["title"], t["description"])
    spec["height"] = {"step": 16}
    rank = {moment: i for i, moment in enumerate(moments)}
    values = [
        {
            **row,
            "bar": f"{row['domain']} ({row['when']})",
            "bar_order": 2 * row["order"] + rank.get(row["when"], 0),
        }
        for row in rows
    ]
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {
                    "field": "bar",
                    "type": "nominal",
                    "title": None,
                    "sort": {"field": "bar_order", "op": "min"},
                    "axis": {"labelLimit": 320},
                },
                "x": {
                    "field": "count",
                    "type": "quantitative",
                    "stack": "normalize",
                    "title": t["share"],
                    "axis": {"format": ".0%"},
                },
                "color": {
                    "field": "level",
                    "type": "ordinal",
                    "title": t["level"],
                    "sort": level_names,
                    "scale": {"domain": level_names, "range": level_colours(len(level_names))},
                },
                "order": {"field": "level_order"},
                "tooltip": [
                    {"field": "domain", "title": t["domain"]},
                    {"field": "when", "title": t["when"]},
                    {"field": "level", "title": t["level"]},
                    {"field": "count", "title": "n"},
                ],
            },
        }
    )
    return spec
