"""One formatter everywhere (issue 10, item 2): screen, PDF, exports, chart tooltips and the API
round the same way, through ``proeftuin.common.numbers``.

The data set is chosen so that cutting off and binary rounding both go wrong: 40 persons, all at
level 2 at the baseline; at the end 10 stay at 2, 15 go to 3 and 15 to 4. The mean change is
45 / 40 = 1.125 and the mean at the end 3.125: exactly halfway, so truncation and Python's
``round``/``"%.2f"`` (half to even) give "1,12" and "3,12", the one formatter "1,13" and "3,13".
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from integration_support import login
from test_monitoring_builders import add_trajectory
from test_report_cli import pdf_text

from proeftuin.monitoring import releases


@pytest.fixture
def halfway(own_project):
    for after in [2] * 10 + [3] * 15 + [4] * 15:
        add_trajectory(own_project, {"housing": 2}, {"housing": after})
    return own_project


def test_the_trap_is_real():
    assert f"{1.125:.2f}" == "1.12" and round(3.125, 2) == 3.12


def test_the_screen_rounds_halfway_up(users, halfway):
    http = login(users[("own", "projectleider")])
    html = http.get(f"/tel-en-vertel/project/{halfway.pk}/").content.decode()
    assert "+1,13" in html and "3,13" in html
    assert "1,12" not in html and "3,12" not in html


def test_the_chart_tooltips_carry_the_formatted_text(users, halfway):
    from proeftuin.monitoring import analytics, charts, services

    output = analytics.effect_output([halfway.pk], services.instrument())
    rows = analytics.effect_rows(analytics.shown_groups(output.total), services.instrument())
    spec = charts.effect_chart(rows, analytics.pairing("baseline_end"))
    values = spec["data"]["values"]
    housing = next(v for v in values if v["mean"] == pytest.approx(1.125))
    assert housing["mean_text"] == "+1,13"
    tooltips = json.dumps(spec["layer"])
    assert '"format"' not in tooltips  # no d3 rounding of the binary value
    assert "mean_text" in tooltips


def test_the_api_gives_raw_numbers_and_rounded_display_texts(users, halfway):
    http = login(users[("own", "projectleider")])
    data = http.get(f"/api/tel-en-vertel/projecten/{halfway.pk}/effecten/").json()
    housing = next(g for g in data["groups"] if g["domain"] == "housing")
    assert housing["mean_change"] == 1.125
    assert housing["display"]["mean_change"] == "+1,13"
    assert housing["display"]["mean_after"] == "3,13"
    assert housing["display"]["share_improved"] == "75%"


def test_the_exports_keep_raw_numbers_in_numeric_cells(users, halfway):
    from openpyxl import load_workbook

    http = login(users[("own", "projectleider")])
    base = f"/tel-en-vertel/project/{halfway.pk}"
    text = b"".join(http.get(base + "/export.csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = next(r for r in rows if "n zonder paar" in r)
    housing = next(r for r in rows if len(r) > 2 and r[1] == "Wonen" and r[0] == "Project")
    assert housing[header.index("Gemiddelde verandering")] == "1.125"
    book = load_workbook(io.BytesIO(b"".join(http.get(base + "/export.xlsx"))))
    sheet = book.worksheets[0]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert 1.125 in cells and 3.125 in cells  # numbers, not text


def test_the_pdf_rounds_like_the_screen(halfway):
    from proeftuin.reporting.report import render_report_pdf

    releases.create_release(halfway)
    _pages, text = pdf_text(render_report_pdf(halfway, today=date(2026, 1, 1)))
    flat = " ".join(text.split())
    assert "Wonen 40 +1,13" in flat  # the report's table has the change, not the means
    assert "1,12" not in flat
