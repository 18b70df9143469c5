"""Vega-Lite specs for the indicative MKBA: tornado, NPV distribution, who invests / who benefits.

Plain dicts built on :func:`proeftuin.core.charts.base_spec`, so the browser renders them and the
report turns the same spec into SVG. Labels come in as arguments (Dutch defaults here, the web
layer passes translations), so the core stays free of Django. Every chart has a table beside it
in the templates; an *onbekend* value is a gap in a chart, never a zero bar.

"Who invests → who benefits" (004 §2.2.1, the Effectenarena's key question) is a Sankey diagram
built from layered Vega-Lite marks (Vega-Lite has no Sankey mark): the investing parties as
stacked nodes on the left, the benefiting parties on the right, on one euro scale, and a ribbon
from every investor to every beneficiary. A chain says who pays and who gains, not which euro
buys which gain, so each investor's money is spread over the beneficiaries in proportion to
their benefits (and each benefit over the investors in proportion to their investment); the
description says so. A ribbon narrows or widens when benefits are smaller or larger than costs.
The balance per party is a diverging bar (pays to the left, gains to the right).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from proeftuin.core.charts import base_spec
from proeftuin.core.valuation.appraisal import Appraisal
from proeftuin.core.valuation.sensitivity import Tornado

Spec = dict[str, Any]

MONEY = ",.0f"

TORNADO_LABELS = {
    "title": "Gevoeligheid: welke aanname bepaalt het saldo?",
    "description": (
        "Tornadodiagram: per aanname de netto contante waarde als die aanname op haar lage en op "
        "haar hoge waarde staat en de rest op de waarschijnlijke waarde. De cijfers staan in de "
        "tabel bij de grafiek."
    ),
    "npv": "Netto contante waarde (€)",
    "parameter": "Aanname",
    "side": "Aanname op",
    "low": "lage waarde",
    "high": "hoge waarde",
    "value": "Waarde van de aanname",
}

HISTOGRAM_LABELS = {
    "title": "Onzekerheid: verdeling van de netto contante waarde",
    "description": (
        "Histogram van de netto contante waarde over alle Monte-Carlotrekkingen; links van nul "
        "verdient het project zich niet terug. De percentielen staan in de tabel bij de grafiek."
    ),
    "npv": "Netto contante waarde (€)",
    "count": "Aantal trekkingen",
    "sign": "Saldo",
    "positive": "positief",
    "negative": "negatief of nul",
}

FLOW_LABELS = {
    "title": "Wie investeert, wie profiteert",
    "description": (
        "Sankeydiagram: links de partijen die investeren, rechts de partijen die baten ontvangen "
        "(contante waarden, op één schaal). Elk lint loopt van een investeerder naar een "
        "begunstigde; het geld van een investeerder is naar rato van de baten over de "
        "begunstigden verdeeld. Baten met een onbekende prijs ontbreken. De bedragen staan in de "
        "tabel bij de grafiek."
    ),
    "column": "",
    "invests": "Investeert",
    "benefits": "Profiteert",
    "amount": "Contante waarde (€)",
    "party": "Partij",
    "flow": "Van → naar (naar rato)",
}

BALANCE_LABELS = {
    "title": "Saldo per partij: wie betaalt, wie wint",
    "description": (
        "Per partij wat zij betaalt (links van nul) en wat zij aan baten ontvangt (rechts van "
        "nul), als contante waarden. Baten met een onbekende prijs ontbreken. De bedragen staan in "
        "de tabel bij de grafiek."
    ),
    "amount": "Contante waarde (€)",
    "party": "Partij",
    "kind": "",
    "pays": "betaalt",
    "gains": "ontvangt",
}


def _labels(defaults: Mapping[str, str], given: Mapping[str, str] | None) -> dict[str, str]:
    return {**defaults, **(given or {})}


def _zero_rule() -> Spec:
    """A dashed line at zero; decorative (aria off: otherwise an unnamed graphics symbol)."""
    return {
        "mark": {"type": "rule", "color": "#333", "strokeDash": [4, 3], "aria": False},
        "encoding": {"x": {"datum": 0, "type": "quantitative"}},
    }


def tornado_chart(
    tornado: Tornado,
    *,
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    limit: int = 12,
) -> Spec | None:
    """Horizontal bars from the base NPV to the NPV at each assumption's low and high value.

    ``names`` maps a parameter key (``effect:<id>:size``) to a readable name. ``None`` when no
    assumption has a range (nothing swings).
    """
    t = _labels(TORNADO_LABELS, labels)
    bars = tornado.bars[:limit]
    if not bars:
        return None
    rows = []
    for rank, bar in enumerate(bars):
        name = (names or {}).get(bar.key, bar.label)
        for side, value, npv in (
            (t["low"], bar.low, bar.npv_at_low),
            (t["high"], bar.high, bar.npv_at_high),
        ):
            rows.append(
                {
                    "parameter": name,
                    "rank": rank,
                    "side": side,
                    "value": value,
                    "from": tornado.base_npv,
                    "to": npv,
                }
            )
    spec = base_spec(t["title"], t["description"])
    spec["height"] = {"step": 26}
    spec.update(
        {
            "data": {"values": rows},
            "layer": [
                {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "y": {
                            "field": "parameter",
                            "type": "nominal",
                            "title": None,
                            "sort": {"field": "rank", "op": "min", "order": "ascending"},
                            "axis": {"labelLimit": 260},
                        },
                        "x": {
                            "field": "from",
                            "type": "quantitative",
                            "title": t["npv"],
                            "axis": {"format": MONEY},
                        },
                        "x2": {"field": "to"},
                        "color": {
                            "field": "side",
                            "type": "nominal",
                            "title": t["side"],
                            "scale": {"domain": [t["low"], t["high"]]},
                        },
                        "tooltip": [
                            {"field": "parameter", "title": t["parameter"]},
                            {"field": "side", "title": t["side"]},
                            {"field": "value", "title": t["value"], "format": ",.4~f"},
                            {"field": "to", "title": t["npv"], "format": MONEY},
                        ],
                    },
                },
                {
                    "mark": {"type": "rule", "color": "#000", "aria": False},
                    "encoding": {"x": {"datum": tornado.base_npv, "type": "quantitative"}},
                },
                _zero_rule(),
            ],
        }
    )
    return spec


def histogram_bins(npv: np.ndarray, bins: int = 40) -> list[dict[str, float]]:
    """Equal-width bins with zero on an edge, so no bar straddles "pays back" and "does not".

    Returns ``[{"start", "end", "count", "share"}]``; empty bins at the ends are dropped.
    """
    values = np.asarray(npv, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return []
    low, high = float(values.min()), float(values.max())
    if high == low:
        width = max(abs(low) * 0.01, 1.0)
        return [
            {
                "start": low - width / 2,
                "end": low + width / 2,
                "count": int(values.size),
                "share": 1.0,
            }
        ]
    width = (high - low) / bins
    first = math.floor(low / width)
    last = math.ceil(high / width)
    edges = np.arange(first, last + 1, dtype=float) * width
    if edges[-1] < high:
        edges = np.append(edges, edges[-1] + width)
    counts, _ = np.histogram(values, edges)
    rows = [
        {
            "start": float(edges[i]),
            "end": float(edges[i + 1]),
            "count": int(counts[i]),
            "share": float(counts[i] / values.size),
        }
        for i in range(counts.size)
    ]
    while rows and rows[0]["count"] == 0:
        rows.pop(0)
    while rows and rows[-1]["count"] == 0:
        rows.pop()
    return rows


def npv_histogram_chart(
    npv: np.ndarray, *, labels: Mapping[str, str] | None = None, bins: int = 40
) -> Spec | None:
    """The Monte Carlo NPV distribution as a histogram, bars coloured by sign, a line at zero."""
    t = _labels(HISTOGRAM_LABELS, labels)
    rows = histogram_bins(npv, bins)
    if not rows:
        return None
    for row in rows:
        row["sign"] = t["positive"] if row["start"] >= 0 else t["negative"]
    spec = base_spec(t["title"], t["description"])
    spec.update(
        {
            "data": {"values": rows},
            "layer": [
                {
                    "mark": {"type": "bar", "tooltip": True, "binSpacing": 0},
                    "encoding": {
                        "x": {
                            "field": "start",
                            "type": "quantitative",
                            "title": t["npv"],
                            "axis": {"format": MONEY},
                        },
                        "x2": {"field": "end"},
                        "y": {"field": "count", "type": "quantitative", "title": t["count"]},
                        "y2": {"datum": 0},
                        "color": {
                            "field": "sign",
                            "type": "nominal",
                            "title": t["sign"],
                            "scale": {
                                "domain": [t["negative"], t["positive"]],
                                "range": ["#D55E00", "#0072B2"],
                            },
                        },
                        "tooltip": [
                            {"field": "start", "title": t["npv"], "format": MONEY},
                            {"field": "end", "title": "–", "format": MONEY},
                            {"field": "count", "title": t["count"]},
                        ],
                    },
                },
                _zero_rule(),
            ],
        }
    )
    return spec


def invest_benefit_chart(
    appraisal: Appraisal, *, labels: Mapping[str, str] | None = None
) -> Spec | None:
    """A Sankey diagram: investing parties → benefiting parties (see the module docstring)."""
    t = _labels(FLOW_LABELS, labels)
    investors = [(p.party, p.pays) for p in appraisal.parties if p.pays > 0]
    beneficiaries = [(p.party, p.gains) for p in appraisal.parties if p.gains > 0]
    if not investors and not beneficiaries:
        return None
    total_in = sum(a for _p, a in investors)
    total_out = sum(a for _p, a in beneficiaries)
    top = max(total_in, total_out)
    gap = top * 0.03
    node_width, rows = 0.07, []

    def stack(items: list[tuple[str, float]], side: str, x: float) -> dict[str, float]:
        starts, y = {}, 0.0
        for party, amount in items:
            rows.append(
                {
                    "kind": "node",
                    "party": party,
                    "x": x,
                    "x2": x + node_width,
                    "y": y,
                    "y2": y + amount,
                    "amount": amount,
                    "side": side,
                    "label_x": x - 0.01 if x == 0 else x + node_width + 0.01,
                }
            )
            starts[party] = y
            y += amount + gap
        return starts

    left = stack(investors, t["invests"], 0.0)
    right = stack(beneficiaries, t["benefits"], 1.0 - node_width)
    if investors and beneficiaries:
        offset_in = dict(left)
        offset_out = dict(right)
        for link, ((src, pays), (dst, gains)) in enumerate(
            (i, b) for i in investors for b in beneficiaries
        ):
            width_in = pays * gains / total_out  # this investor's money, spread by benefit
            width_out = gains * pays / total_in  # this benefit, spread by investment
            a0, b0 = offset_in[src], offset_out[dst]
            offset_in[src] += width_in
            offset_out[dst] += width_out
            for step in range(17):
                f = step / 16
                smooth = f * f * (3 - 2 * f)
                rows.append(
                    {
                        "kind": "link",
                        "link": link,
                        "party": src,
                        "flow": f"{src} → {dst}",
                        "x": node_width + f * (1 - 2 * node_width),
                        "y": a0 + (b0 - a0) * smooth,
                        "y2": a0 + width_in + (b0 + width_out - a0 - width_in) * smooth,
                        "amount": width_in,
                    }
                )
    spec = base_spec(t["title"], t["description"])
    spec["height"] = 340
    x_scale = {"domain": [-0.45, 1.45], "nice": False}
    y_scale = {"domain": [0, top + gap * max(len(investors), len(beneficiaries))], "nice": False}
    hidden = {"axis": None, "scale": x_scale}
    spec.update(
        {
            "data": {"values": rows},
            "layer": [
                {
                    "transform": [{"filter": "datum.kind === 'link'"}],
                    "mark": {"type": "area", "opacity": 0.45, "tooltip": True},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", **hidden},
                        "y": {
                            "field": "y",
                            "type": "quantitative",
                            "scale": y_scale,
                            "title": t["amount"],
                            "axis": {"format": MONEY, "grid": False},
                        },
                        "y2": {"field": "y2"},
                        "detail": {"field": "link", "type": "nominal"},
                        "color": {"field": "party", "type": "nominal", "title": t["party"]},
                        "tooltip": [
                            {"field": "flow", "title": t["flow"]},
                            {"field": "amount", "title": t["amount"], "format": MONEY},
                        ],
                    },
                },
                {
                    "transform": [{"filter": "datum.kind === 'node'"}],
                    "mark": {"type": "rect", "stroke": "#fff", "strokeWidth": 1, "tooltip": True},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", **hidden},
                        "x2": {"field": "x2"},
                        "y": {"field": "y", "type": "quantitative", "scale": y_scale},
                        "y2": {"field": "y2"},
                        "color": {"field": "party", "type": "nominal", "title": t["party"]},
                        "tooltip": [
                            {"field": "party", "title": t["party"]},
                            {"field": "side", "title": t["column"] or " "},
                            {"field": "amount", "title": t["amount"], "format": MONEY},
                        ],
                    },
                },
                *(
                    {
                        "transform": [
                            {"filter": f"datum.kind === 'node' && datum.x {test}"},
                            {"calculate": "(datum.y + datum.y2) / 2", "as": "mid"},
                        ],
                        "mark": {"type": "text", "fontSize": 11, "limit": 150, "align": align},
                        "encoding": {
                            "x": {"field": "label_x", "type": "quantitative", **hidden},
                            "y": {"field": "mid", "type": "quantitative", "scale": y_scale},
                            "text": {"field": "party"},
                        },
                    }
                    for test, align in (("=== 0", "right"), ("> 0", "left"))
                ),
                {
                    "data": {
                        "values": [
                            {"x": node_width / 2, "text": t["invests"]},
                            {"x": 1 - node_width / 2, "text": t["benefits"]},
                        ]
                    },
                    "mark": {"type": "text", "fontWeight": "bold", "fontSize": 13, "dy": -12},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", **hidden},
                        "y": {"datum": y_scale["domain"][1], "type": "quantitative"},
                        "text": {"field": "text"},
                    },
                },
            ],
        }
    )
    return spec


def party_balance_chart(
    appraisal: Appraisal, *, labels: Mapping[str, str] | None = None
) -> Spec | None:
    """Diverging bars per party: what it pays (negative) and what it gains (positive)."""
    t = _labels(BALANCE_LABELS, labels)
    rows = []
    for party in appraisal.parties:
        if party.pays:
            rows.append({"party": party.party, "kind": t["pays"], "amount": -party.pays})
        if party.gains:
            rows.append({"party": party.party, "kind": t["gains"], "amount": party.gains})
    if not rows:
        return None
    spec = base_spec(t["title"], t["description"])
    spec["height"] = {"step": 28}
    spec.update(
        {
            "data": {"values": rows},
            "layer": [
                {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "y": {
                            "field": "party",
                            "type": "nominal",
                            "title": None,
                            "axis": {"labelLimit": 220},
                        },
                        "x": {
                            "field": "amount",
                            "type": "quantitative",
                            "title": t["amount"],
                            "axis": {"format": MONEY},
                        },
                        "color": {
                            "field": "kind",
                            "type": "nominal",
                            "title": t["kind"] or None,
                            "scale": {
                                "domain": [t["pays"], t["gains"]],
                                "range": ["#D55E00", "#009E73"],
                            },
                        },
                        "tooltip": [
                            {"field": "party", "title": t["party"]},
                            {"field": "kind", "title": " "},
                            {"field": "amount", "title": t["amount"], "format": MONEY},
                        ],
                    },
                },
                _zero_rule(),
            ],
        }
    )
    return spec
