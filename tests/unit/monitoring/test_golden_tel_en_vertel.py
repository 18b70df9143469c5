"""Golden test: the worked example of docs/method/tel-en-vertel.md, computed by hand there, read
from its YAML block and recomputed by the core (pairs by definition, the paired figures at 90%
and 95%, rounding to 5, withheld distributions and secondary suppression)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
import yaml
from django.template import Context, Template
from django.utils import translation

from proeftuin.common import numbers
from proeftuin.core.monitoring import disclosure, pairs_by_definition

DOC = Path(__file__).resolve().parents[3] / "docs" / "method" / "tel-en-vertel.md"
DAY0 = date(2025, 1, 6)


def golden() -> dict:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- golden:tel-en-vertel -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, f"{DOC} has no golden YAML block"
    return yaml.safe_load(match.group(1))


def reports(data: dict, definition: str, confidence: float):
    rows = []
    for person in data["persons"]:
        for moment, day in data["days"].items():
            if moment in person:
                rows.append(
                    {
                        "measurement_id": len(rows) + 1,
                        "trajectory_id": person["id"],
                        "domain": "wonen",
                        "measured_on": DAY0 + timedelta(days=day),
                        "moment": moment,
                        "score": person[moment],
                    }
                )
    trajectories = pl.DataFrame(
        {
            "trajectory_id": [p["id"] for p in data["persons"]],
            "participant_id": [p["id"] for p in data["persons"]],
            "neighbourhood": [p["hood"] for p in data["persons"]],
        }
    )
    pairs = pairs_by_definition(pl.DataFrame(rows), trajectories, definition)
    settings = data["settings"]
    total, splits = disclosure.protected_effect_reports(
        pairs,
        ("domain",),
        ("neighbourhood",),
        threshold=settings["threshold"],
        levels=settings["levels"],
        confidence=confidence,
    )
    (group,) = total.groups
    return group, splits["neighbourhood"].groups


def test_worked_example_matches_the_hand_calculation():
    data = golden()
    want = data["expected"]
    g, hoods = reports(data, data["settings"]["definition"], data["settings"]["confidence"])
    assert g.n == want["n"] and g.n_unpaired == want["n_unpaired"]
    for name in ("mean_before", "mean_after", "mean_change", "effect_size"):
        assert getattr(g, name) == pytest.approx(want[name], abs=5e-5), name
    assert g.sd_change == pytest.approx(want["sd_change"], abs=5e-7)
    assert g.se_change == pytest.approx(want["se_change"], abs=5e-7)
    assert (g.ci_low, g.ci_high) == pytest.approx(want["ci90"], abs=5e-5)
    for name, share in want["shares"].items():
        assert getattr(g, f"share_{name}") == pytest.approx(share), name
    assert g.rounded
    assert (g.before is not None) is want["distributions_published"]
    assert (g.after is not None) is want["distributions_published"]
    hidden = sorted(h.key["neighbourhood"] for h in hoods if h.suppressed)
    assert hidden == want["hidden_neighbourhoods"]


def test_the_95_percent_interval_of_the_screen():
    data = golden()
    g, _hoods = reports(data, data["settings"]["definition"], 0.95)
    assert (g.ci_low, g.ci_high) == pytest.approx(data["expected"]["ci95"], abs=5e-5)


def test_the_published_texts_come_from_the_one_formatter():
    data = golden()
    shown = data["expected"]["shown_text"]
    g, _hoods = reports(data, data["settings"]["definition"], data["settings"]["confidence"])
    template = Template("{% load monitoring_tags %}{% interval low high %}")
    with translation.override("nl"):
        assert numbers.signed_text(g.mean_change) == shown["mean_change"]
        assert numbers.decimal_text(g.effect_size) == shown["effect_size"]
        assert template.render(Context({"low": g.ci_low, "high": g.ci_high})) == shown["ci90"]


def test_first_to_latest_pairs_the_interim_measurements_too():
    data = golden()
    want = data["expected"]["first_latest"]
    g, hoods = reports(data, "first_latest", data["settings"]["confidence"])
    assert g.n == want["n"]
    assert g.mean_change == pytest.approx(want["mean_change"], abs=5e-5)
    shown = sorted(h.key["neighbourhood"] for h in hoods if not h.suppressed)
    assert shown == want["shown_neighbourhoods"]
