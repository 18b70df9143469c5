"""The Sankey of who invests and who benefits: ribbons that add up to the nodes, and it renders."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

import pytest
import vl_convert as vlc
from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.valuation.charts import invest_benefit_chart

amounts = st.one_of(st.just(0.0), st.floats(min_value=1, max_value=5e6))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(amounts, amounts), min_size=1, max_size=6))
def test_ribbons_add_up_to_what_each_party_pays_and_gains(money):
    parties = [
        SimpleNamespace(party=f"Partij {i}", pays=pays, gains=gains)
        for i, (pays, gains) in enumerate(money)
    ]
    spec = invest_benefit_chart(SimpleNamespace(parties=parties))
    if not any(p.pays > 0 or p.gains > 0 for p in parties):
        assert spec is None
        return
    rows = spec["data"]["values"]
    nodes = {(r["side"], r["party"]): r["amount"] for r in rows if r["kind"] == "node"}
    ends: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        if row["kind"] == "link":
            ends[row["link"]].append(row)
    paid, gained = defaultdict(float), defaultdict(float)
    for points in ends.values():
        first, last = points[0], points[-1]
        source, target = first["flow"].split(" → ")
        paid[source] += first["y2"] - first["y"]
        gained[target] += last["y2"] - last["y"]
    # Widths are differences of positions on a scale up to the larger total: compare within
    # the rounding of that scale.
    scale = max(sum(p.pays for p in parties), sum(p.gains for p in parties))
    if any(p.pays > 0 for p in parties) and any(p.gains > 0 for p in parties):
        for p in parties:
            if p.pays > 0:
                assert paid[p.party] == pytest.approx(p.pays, rel=1e-9, abs=1e-12 * scale)
                assert nodes[("Investeert", p.party)] == p.pays
            if p.gains > 0:
                assert gained[p.party] == pytest.approx(p.gains, rel=1e-9, abs=1e-12 * scale)
                assert nodes[("Profiteert", p.party)] == p.gains
    else:
        assert not ends  # nothing flows when only one side has money


def test_the_sankey_renders_offline_with_every_party_named():
    parties = [
        SimpleNamespace(party="Gemeente Voorbeeldstad", pays=300_000, gains=120_000),
        SimpleNamespace(party="Fonds Sociale Vernieuwing", pays=60_000, gains=0),
        SimpleNamespace(party="Zorgverzekeraar Zuid", pays=0, gains=250_000),
    ]
    spec = invest_benefit_chart(SimpleNamespace(parties=parties))
    svg = vlc.vegalite_to_svg(vl_spec={**spec, "width": 600})
    for name in ("Gemeente Voorbeeldstad", "Fonds Sociale Vernieuwing", "Zorgverzekeraar Zuid"):
        assert name in svg
    assert "Sankeydiagram" in spec["description"]
