"""Vega-Lite specs: well-formed, fed by the funding maths, and renderable offline to SVG."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from html import escape

import pytest
import vl_convert as vlc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proeftuin.core.charts import PALETTE, SCHEMA, funding_cliff_chart, funding_per_stream_chart
from proeftuin.core.funding import Stream, funding_by_year
from proeftuin.reporting.charts import to_svg

TODAY = date(2026, 1, 1)
STREAMS = [
    Stream("Transformatiefonds", Decimal("240000"), date(2025, 1, 1), date(2026, 12, 31)),
    Stream("Subsidie Sociale Innovatie", Decimal("90000"), date(2025, 7, 1), date(2027, 6, 30)),
    Stream("Reguliere Wmo-begroting", Decimal("50000"), date(2024, 1, 1), None, structural=True),
]
CLIFF_ROWS = [
    {
        "project": "Buurtkamer Vogelbuurt",
        "stream": "Transformatiefonds",
        "funder": "Gemeente Voorbeeldstad",
        "end": "2026-03-31",
        "per_year": 120000.0,
    },
    {
        "project": "Herstelacademie",
        "stream": "Preventieakkoord",
        "funder": "Zorgverzekeraar Zuid",
        "end": "2027-01-15",
        "per_year": 45000.0,
    },
]


def fields_of(encoding: dict) -> set[str]:
    return {
        channel["field"]
        for channel in encoding.values()
        if isinstance(channel, dict) and "field" in channel
    }


def assert_base(spec: dict, title: str) -> None:
    assert spec["$schema"] == SCHEMA
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert spec["title"] == title
    assert spec["description"]  # screen readers get a description of the chart
    assert spec["config"]["range"]["category"] == PALETTE
    json.dumps(spec)  # plain JSON: the browser and vl-convert read the same spec


def test_funding_chart_structure():
    rows = funding_by_year(STREAMS)
    spec = funding_per_stream_chart(rows)
    assert_base(spec, "Financiering per stroom per jaar")
    assert spec["data"] == {"values": rows}
    assert spec["mark"]["type"] == "bar"
    encoding = spec["encoding"]
    assert {"x", "y", "color", "tooltip"} <= set(encoding)
    assert encoding["x"] == {"field": "year", "type": "ordinal", "title": "Jaar"}
    assert encoding["y"]["field"] == "amount"
    assert encoding["y"]["type"] == "quantitative"
    assert encoding["y"]["aggregate"] == "sum"
    assert encoding["color"]["field"] == "stream"
    # every encoded field exists in every data row
    assert fields_of(encoding) <= set(rows[0])
    assert all(set(row) == {"stream", "year", "amount"} for row in rows)
    assert {t["field"] for t in encoding["tooltip"]} <= set(rows[0])


def test_funding_chart_rows_come_from_the_allocation():
    rows = funding_by_year(STREAMS)
    # the open-ended structural stream has no years to spread over
    assert {r["stream"] for r in rows} == {"Transformatiefonds", "Subsidie Sociale Innovatie"}
    per_stream = {}
    for row in rows:
        per_stream[row["stream"]] = per_stream.get(row["stream"], 0) + row["amount"]
    assert per_stream == {"Transformatiefonds": 240000.0, "Subsidie Sociale Innovatie": 90000.0}


def test_funding_chart_labels_are_passed_through():
    spec = funding_per_stream_chart(
        [], title="Funding", year_label="Year", amount_label="Amount (€)", stream_label="Stream"
    )
    assert spec["title"] == "Funding"
    assert spec["encoding"]["x"]["title"] == "Year"
    assert spec["encoding"]["y"]["title"] == "Amount (€)"
    assert spec["encoding"]["color"]["title"] == "Stream"
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Stream", "Year", "Amount (€)"]


def test_cliff_chart_structure():
    spec = funding_cliff_chart(CLIFF_ROWS, TODAY)
    assert_base(spec, "Financieringsklif: incidenteel geld dat de komende 24 maanden stopt")
    assert spec["data"] == {"values": CLIFF_ROWS}
    today_rule, points = spec["layer"]
    assert today_rule["mark"]["type"] == "rule"
    assert today_rule["encoding"]["x"] == {"datum": "2026-01-01", "type": "temporal"}
    assert points["mark"]["type"] == "circle"
    encoding = points["encoding"]
    assert encoding["x"]["field"] == "end" and encoding["x"]["type"] == "temporal"
    assert encoding["y"]["field"] == "project" and encoding["y"]["type"] == "nominal"
    assert encoding["size"]["field"] == "per_year"
    assert fields_of(encoding) <= set(CLIFF_ROWS[0])
    assert {t["field"] for t in encoding["tooltip"]} <= set(CLIFF_ROWS[0])


def test_cliff_chart_labels_can_be_translated():
    spec = funding_cliff_chart(
        CLIFF_ROWS, TODAY, labels={"title": "Funding cliff", "end": "End date", "funder": "Funder"}
    )
    points = spec["layer"][1]["encoding"]
    assert spec["title"] == "Funding cliff"
    assert points["x"]["title"] == "End date"
    assert points["color"]["title"] == "Funder"
    assert points["size"]["title"] == "€ per jaar"  # not overridden: the Dutch default stays
    assert {t["title"] for t in points["tooltip"]} >= {"End date", "Funder", "Project"}


def test_specs_do_not_share_mutable_state():
    """Changing one chart's colours must not change the palette of every later chart."""
    original = list(PALETTE)
    first = funding_per_stream_chart([])
    try:
        first["config"]["range"]["category"].append("#FFFFFF")
        assert funding_per_stream_chart([])["config"]["range"]["category"] == original
        assert funding_cliff_chart([], TODAY)["config"]["range"]["category"] == original
    finally:
        PALETTE[:] = original  # keep other tests safe if the palette was shared after all


# rendering ----------------------------------------------------------------------------------


def test_vl_convert_renders_the_funding_chart_with_stream_names():
    spec = funding_per_stream_chart(funding_by_year(STREAMS))
    svg = vlc.vegalite_to_svg(vl_spec=spec)
    assert svg.lstrip().startswith("<svg")
    for text in ("Transformatiefonds", "Subsidie Sociale Innovatie", "Bedrag (€)", "Jaar", "2026"):
        assert text in svg
    assert "Reguliere Wmo-begroting" not in svg


def test_vl_convert_renders_the_cliff_chart_with_projects_and_funders():
    svg = vlc.vegalite_to_svg(vl_spec=funding_cliff_chart(CLIFF_ROWS, TODAY))
    assert svg.lstrip().startswith("<svg")
    for text in ("Buurtkamer Vogelbuurt", "Herstelacademie", "Zorgverzekeraar Zuid", "Einddatum"):
        assert text in svg


def test_to_svg_fixes_the_container_width_without_touching_the_spec():
    spec = funding_per_stream_chart(funding_by_year(STREAMS))
    before = json.dumps(spec, sort_keys=True)
    svg = to_svg(spec, width=500)
    assert json.dumps(spec, sort_keys=True) == before  # the browser keeps its "container" width
    assert spec["width"] == "container"
    assert "Transformatiefonds" in svg
    # 500 px of plot plus axes and legend: wider than the plot, far narrower than 1000 px
    width = int(svg.split('width="', 1)[1].split('"', 1)[0])
    assert 500 <= width < 1000


stream_names = (
    st.text(
        alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéëï-& "),
        min_size=3,
        max_size=12,  # short enough that the legend never truncates a name with "…"
    )
    .map(str.strip)
    .filter(lambda s: len(s) >= 3 and "  " not in s)
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(stream_names, min_size=1, max_size=4, unique=True))
def test_any_stream_names_render_into_the_svg(names):
    streams = [
        Stream(name, Decimal(10000 * (i + 1)), date(2025, 1, 1), date(2026, 6, 30))
        for i, name in enumerate(names)
    ]
    svg = to_svg(funding_per_stream_chart(funding_by_year(streams)))
    for name in names:
        assert escape(name, quote=False) in svg


def test_time_axes_follow_the_interface_language():
    """Month names on a time axis: Dutch by default, English after the toggle."""
    from proeftuin.core.charts import base_spec, localised

    spec = base_spec("Titel", "Omschrijving")
    spec.update(
        width=400,
        data={"values": [{"d": "2026-10-01", "v": 1}, {"d": "2027-03-01", "v": 2}]},
        mark="bar",
        encoding={
            "x": {"field": "d", "type": "temporal", "timeUnit": "yearmonth"},
            "y": {"field": "v", "type": "quantitative"},
        },
    )
    before = repr(spec)

    def labels(language: str) -> list[str]:
        svg = vlc.vegalite_to_svg(vl_spec=localised(spec, language))
        return re.findall(r">([^<]+)</text>", svg)

    assert "mrt 2027" in labels("nl") and "Mar 2027" not in labels("nl")
    assert "Mar 2027" in labels("en-gb") and "1.0" in labels("en-gb")
    assert localised(spec, "tlh")["config"]["locale"]["time"]["shortMonths"][2] == "mrt"
    assert repr(spec) == before  # the caller's spec is not changed


def test_the_cliff_chart_aggregates_before_it_draws():
    """Issue 14: at 1,000 projects the chart keeps the largest projects and sums the rest per
    end month and funder, so its spec does not grow with the portfolio."""
    from proeftuin.core.charts import top_with_rest

    rows = [
        {
            "project": f"P{i:04d}",
            "stream": "Subsidie",
            "funder": "Fonds" if i % 2 else "Gemeente",
            "end": f"2027-{1 + i % 12:02d}-15",
            "per_year": float(i),
        }
        for i in range(1000)
    ]
    drawn = top_with_rest(rows, top=15, rest_label="Overige projecten")
    assert len({r["project"] for r in drawn}) == 16
    assert {r["project"] for r in drawn} >= {f"P{i:04d}" for i in range(985, 1000)}
    assert len(drawn) <= 15 + 12 * 2
    assert sum(r["per_year"] for r in drawn) == pytest.approx(sum(range(1000)))
    rest = [r for r in drawn if r["project"] == "Overige projecten"]
    assert sum(r["stream"] for r in rest) == 985
    # A small portfolio is drawn as it is.
    assert top_with_rest(rows[:10], top=15) == rows[:10]
