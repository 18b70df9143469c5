"""Vega-Lite specs for the indicative MKBA: tornado, NPV distribution, who invests / who benefits.

Plain dicts built on :func:`proeftuin.core.charts.base_spec`, so the browser renders them and the
report turns the same spec into SVG. Labels come in as arguments (Dutch defaults here, the web
layer passes translations), so the core stays free of Django. Every chart has a table beside it
in the templates; an *onbekend* value is a gap in a chart, never a zero bar.

Vega-Lite has no Sankey diagram. "Who invests → who benefits" (004 §2.2.1, the Effectenarena's
key question) is drawn as two stacked columns, investments on the left and benefits on the right,
one colour per party: the same party's share of each column shows at a glance who pays for whose
gain. The balance per party is a diverging bar (pays to the left, gains to the right).
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
        "Twee gestapelde kolommen: links wat elke partij investeert, rechts wat elke partij aan "
        "baten ontvangt (contante waarden). Baten met een onbekende prijs ontbreken. De bedragen "
        "staan in de tabel bij de grafiek."
    ),
    "column": "",
    "invests": "Investeert",
    "benefits": "Profiteert",
    "amount": "Contante waarde (€)",
    "party": "Partij",
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
    """Two stacked columns, "invests" and "benefits", one colour per party (Sankey alternative)."""
    t = _labels(FLOW_LABELS, labels)
    rows = []
    for order, party in enumerate(appraisal.parties):
        if party.pays > 0:
            rows.append(
                {"column": t["invests"], "party": party.party, "amount": party.pays, "o": order}
            )
        if party.gains > 0:
            rows.append(
                {"column": t["benefits"], "party": party.party, "amount": party.gains, "o": order}
            )
    if not rows:
        return None
    spec = base_spec(t["title"], t["description"])
    spec["height"] = 320
    spec.update(
        {
            "data": {"values": rows},
            "mark": {"type": "bar", "tooltip": True, "stroke": "#fff", "strokeWidth": 1},
            "encoding": {
                "x": {
                    "field": "column",
                    "type": "nominal",
                    "title": t["column"] or None,
                    "sort": [t["invests"], t["benefits"]],
                    "axis": {"labelAngle": 0, "labelFontSize": 13},
                },
                "y": {
                    "field": "amount",
                    "type": "quantitative",
                    "aggregate": "sum",
                    "title": t["amount"],
                    "axis": {"format": MONEY},
                },
                "color": {"field": "party", "type": "nominal", "title": t["party"]},
                "order": {"field": "o", "type": "quantitative"},
                "tooltip": [
                    {"field": "party", "title": t["party"]},
                    {"field": "column", "title": t["column"] or " "},
                    {"field": "amount", "title": t["amount"], "format": MONEY, "aggregate": "sum"},
                ],
            },
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
