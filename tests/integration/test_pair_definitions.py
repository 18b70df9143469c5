"""Explicit pair definitions (issue 10, item 2): baseline → end by moment by default.

The finding: pairs were the first known against the latest known score, whatever the moment; in
one data set 7.5 % of the pairs started at an interim measurement and 20 % ended at one, and the
exports still called the columns "vóór". This data set has the same shares.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from integration_support import login
from test_report_cli import pdf_text

from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.core.monitoring import PairDefinition
from proeftuin.monitoring import recording, releases, services
from proeftuin.monitoring.models import (
    Measurement,
    MonitoringSettings,
    Pair,
    Participant,
    Score,
    Trajectory,
)

START = date(2025, 2, 3)
# 40 persons: 29 with a baseline and an end, 3 whose first score is an interim one (7.5 %),
# 8 whose latest score is an interim one (20 %).
PLAN = [("baseline", "end")] * 29 + [("interim", "end")] * 3 + [("baseline", "interim")] * 8
DAYS = {"baseline": 1, "interim": 60, "end": 150}
SCORE = {"baseline": 2, "interim": 5, "end": 3}


def build(project, prefix: str = "PD") -> None:
    with transaction.atomic():
        for n, moments in enumerate(PLAN):
            participant = Participant.objects.create(
                organisation_id=project.owner_id,
                pseudonym=services.pseudonym_for(project.owner_id, f"{prefix}-{n:03d}"),
                neighbourhood="Oost",
                birth_year=1980,
            )
            trajectory = Trajectory.objects.create(
                participant=participant, project=project, started_on=START
            )
            for moment in moments:
                m = Measurement.objects.create(
                    trajectory=trajectory,
                    measured_on=START + timedelta(days=DAYS[moment]),
                    moment=moment,
                    instrument=LIFE_DOMAINS,
                    professionals=4,
                )
                Score.objects.create(measurement=m, item="housing", value=SCORE[moment])
        services.refresh_pairs(
            Trajectory.objects.filter(project=project).values_list("pk", flat=True)
        )


def endpoints(project) -> dict[str, int]:
    """How many complete pairs start or end at an interim measurement."""
    interim = {
        (t, d)
        for t, d in Measurement.objects.filter(
            trajectory__project=project, moment="interim"
        ).values_list("trajectory_id", "measured_on")
    }
    complete = Pair.objects.filter(
        project=project, series="domain", domain="housing", latest_score__isnull=False
    )
    return {
        "pairs": complete.count(),
        "start_interim": sum((p.trajectory_id, p.baseline_on) in interim for p in complete),
        "end_interim": sum((p.trajectory_id, p.latest_on) in interim for p in complete),
    }


def test_by_default_no_pair_starts_or_ends_at_an_interim_measurement(own_project):
    build(own_project)
    assert services.pair_definition(own_project.pk) is PairDefinition.BASELINE_END
    assert endpoints(own_project) == {"pairs": 29, "start_interim": 0, "end_interim": 0}
    burden = Pair.objects.filter(project=own_project, series="burden", domain="professionals")
    assert burden.filter(latest_score__isnull=False).count() == 29


def test_first_to_latest_is_an_option_and_reproduces_the_finding(users, own_project):
    build(own_project)
    http = login(users[("own", "projectleider")])
    response = http.post(
        f"/tel-en-vertel/project/{own_project.pk}/paren/",
        {"pair_definition": "first_latest", "edit_version": ""},
    )
    assert response.status_code == 302
    # The one write path rebuilt the pairs in the same request.
    assert endpoints(own_project) == {"pairs": 40, "start_interim": 3, "end_interim": 8}
    assert 3 / 40 == 0.075 and 8 / 40 == 0.2
    settings_row = MonitoringSettings.objects.get(project=own_project)
    assert settings_row.history.count() == 2  # stored and versioned
    # And back: the pairs follow the definition again.
    recording.set_pair_definition(own_project, "baseline_end", by=None)
    assert endpoints(own_project)["pairs"] == 29


def test_changing_the_definition_is_idempotent_and_checks_the_version(own_project):
    from proeftuin.common.versioning import StaleEdit

    build(own_project)
    first = recording.set_pair_definition(own_project, "first_latest")
    again = recording.set_pair_definition(own_project, "first_latest")
    assert again.version == first.version
    assert Pair.objects.filter(project=own_project, domain="housing").count() == 40
    with pytest.raises(StaleEdit):
        recording.set_pair_definition(own_project, "baseline_end", expected_version=1)
    assert services.pair_definition(own_project.pk) is PairDefinition.FIRST_LATEST


def test_a_funder_may_not_change_the_definition(users, own_project):
    build(own_project)
    http = login(users[("own", "financier")])
    response = http.post(
        f"/tel-en-vertel/project/{own_project.pk}/paren/", {"pair_definition": "first_latest"}
    )
    assert response.status_code == 403
    assert services.pair_definition(own_project.pk) is PairDefinition.BASELINE_END


def pairing_note(html: str) -> str:
    start = html.index('id="pt-mon-pairing"')
    return html[start : html.index("</p>", start)]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_definition_is_named_on_the_screen_in_the_export_and_the_api(users, own_project):
    build(own_project)
    http = login(users[("own", "projectleider")])
    base = f"/tel-en-vertel/project/{own_project.pk}"
    html = http.get(base + "/").content.decode()
    assert "nulmeting → eindmeting" in pairing_note(html)
    assert "Gem. vóór" not in html and "Gem. nulmeting" in html
    rows = csv_rows(http.get(base + "/export.csv"))
    flat = [cell for row in rows for cell in row]
    assert "nulmeting → eindmeting" in flat
    header = next(row for row in rows if "n zonder paar" in row)
    assert "Gemiddelde nulmeting" in header and "Gemiddelde eindmeting" in header
    assert not any("vóór" in cell.lower() for cell in header)
    api = http.get(f"/api/tel-en-vertel/projecten/{own_project.pk}/effecten/").json()
    assert api["pair_definition"] == "baseline_end"
    assert api["pair_definition_label"] == "nulmeting → eindmeting"

    recording.set_pair_definition(own_project, "first_latest")
    html = http.get(base + "/").content.decode()
    assert "eerste → laatste meting" in pairing_note(html)
    assert "Gem. eerste meting" in html and "Gem. nulmeting" not in html
    rows = csv_rows(http.get(base + "/export.csv"))
    header = next(row for row in rows if "n zonder paar" in row)
    assert "Gemiddelde eerste meting" in header and "Gemiddelde laatste meting" in header
    assert not any("nulmeting" in c.lower() or "vóór" in c.lower() for c in header)
    xlsx = http.get(base + "/export.xlsx")
    assert xlsx.status_code == 200
    api = http.get(f"/api/tel-en-vertel/projecten/{own_project.pk}/effecten/").json()
    assert api["pair_definition"] == "first_latest"


def test_the_xlsx_export_names_the_columns_after_the_definition(users, own_project):
    from openpyxl import load_workbook

    build(own_project)
    http = login(users[("own", "projectleider")])
    data = b"".join(http.get(f"/tel-en-vertel/project/{own_project.pk}/export.xlsx"))
    book = load_workbook(io.BytesIO(data))
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "nulmeting → eindmeting" in cells
    assert "Aandeel met minstens één, nulmeting" in cells
    assert not any("vóór" in c for c in cells)


def test_a_release_keeps_the_definition_it_was_made_with(users, own_project):
    build(own_project)
    release = releases.create_release(own_project)
    assert release.figures["pair_definition"] == "baseline_end"
    recording.set_pair_definition(own_project, "first_latest")
    figures = releases.released_figures(own_project)
    assert figures.pair_definition is PairDefinition.BASELINE_END
    # A release from before the choice existed was first → latest, and says so. (Releases never
    # change: to stand in for an old one, rewrite it and forget what the cache parsed from it.)
    release.figures.pop("pair_definition")
    release.save()
    cache.clear()
    assert releases.released_figures(own_project).pair_definition is PairDefinition.FIRST_LATEST


def test_the_pdf_report_names_the_definition(own_project):
    from proeftuin.reporting.report import render_report_pdf

    build(own_project)
    releases.create_release(own_project)
    _pages, text = pdf_text(render_report_pdf(own_project, today=date(2026, 1, 1)))
    flat = " ".join(text.split())
    assert "nulmeting → eindmeting" in flat


def test_the_portfolio_names_each_projects_definition(users, own_org, own_project):
    from integration_support import make_project

    build(own_project)
    other = make_project(own_org, "Buurtgezin Oost")
    build(other, prefix="BO")
    recording.set_pair_definition(other, "first_latest")
    http = login(users[("own", "beleidsadviseur")])
    html = http.get("/tel-en-vertel/portfolio/").content.decode()
    assert html.count('pt-mon-pairing">nulmeting → eindmeting') == 1
    assert html.count('pt-mon-pairing">eerste → laatste meting') == 1
