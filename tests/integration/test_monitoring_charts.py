"""The Tel en vertel chart specs (proeftuin.core.monitoring_charts): valid Vega-Lite that renders,
unknown scores as gaps, and projects in the order given (never by score)."""

from __future__ import annotations

from proeftuin.core import monitoring_charts as mc
from proeftuin.reporting.charts import to_svg


def test_participant_chart_leaves_unknown_scores_out():
    rows = [
        {"domain": "Wonen", "order": 0, "moment": "Eerste meting", "score": 2, "date": ""},
        {"domain": "Wonen", "order": 0, "moment": "Laatste meting", "score": 4, "date": ""},
        # Financiën: unknown at the latest measurement, so no row, no bar.
        {"domain": "Financiën", "order": 1, "moment": "Eerste meting", "score": 3, "date": ""},
    ]
    spec = mc.participant_chart(rows)
    assert spec["data"]["values"] == rows
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 5]
    svg = to_svg(spec)
    assert "Financiën" in svg and "Wonen" in svg


def test_participant_chart_keeps_the_instrument_order_when_a_score_is_missing():
    """A domain with one bar (the other unknown) keeps its place: sorted by the smallest order,
    not by a sum that a missing row would change."""
    rows = []
    for order, domain in enumerate(["Wonen", "Financiën", "Werk", "Gezondheid"]):
        rows.append({"domain": domain, "order": order, "moment": "Eerste meting", "score": 2})
        if domain != "Gezondheid":
            rows.append({"domain": domain, "order": order, "moment": "Laatste meting", "score": 3})
    svg = to_svg(mc.participant_chart(rows))
    positions = [svg.index(f">{d}<") for d in ["Wonen", "Financiën", "Werk", "Gezondheid"]]
    assert positions == sorted(positions)


def test_effect_chart_has_interval_point_and_a_decorative_zero_line():
    rows = [{"domain": "Wonen", "order": 0, "mean": 0.4, "low": 0.1, "high": 0.7, "n": 12}]
    spec = mc.effect_chart(rows)
    zero, interval, point = spec["layer"]
    assert zero["mark"]["aria"] is False
    assert interval["encoding"]["x2"] == {"field": "high"}
    assert point["mark"]["type"] == "point"
    assert "<svg" in to_svg(spec)


def test_comparison_chart_keeps_the_given_project_order():
    projects = ["Aardig project", "Middel project", "Zeer goed project"]
    rows = [
        {
            "project": p,
            "domain": "Wonen",
            "order": 0,
            "mean": m,
            "low": m - 1,
            "high": m + 1,
            "n": 10,
        }
        for p, m in zip(projects, (1.0, 2.0, 4.0), strict=True)
    ]
    spec = mc.comparison_chart(rows, projects)
    assert spec["encoding"]["yOffset"]["sort"] == projects
    colour = spec["layer"][2]["encoding"]["color"]
    assert colour["sort"] == projects and colour["scale"]["domain"] == projects
    assert "<svg" in to_svg(spec)


def test_distribution_chart_stacks_shares_per_level():
    levels = ["1 Acuut", "2 Zorgen", "3 Kwetsbaar"]
    rows = [
        {"domain": "Wonen", "order": 0, "when": w, "level": lv, "level_order": i, "count": c}
        for w, counts in (("Vóór", (5, 3, 2)), ("Na", (1, 4, 5)))
        for i, (lv, c) in enumerate(zip(levels, counts, strict=True))
    ]
    spec = mc.distribution_chart(rows, levels)
    assert spec["encoding"]["x"]["stack"] == "normalize"
    assert spec["encoding"]["color"]["scale"]["range"] == mc.level_colours(3)
    assert "<svg" in to_svg(spec)
