"""Small-cell suppression everywhere: no group with fewer participants than the threshold appears
in the HTML, the CSV and XLSX exports, the report or the API.

The data has neighbourhoods of 12, 11, 6, 3 and 2 participants, and one life domain (Justitie)
measured only in the 6-participant neighbourhood. With the default threshold (10) neither the
small neighbourhoods nor Justitie may appear anywhere. ``test_the_checks_would_catch_a_leak``
runs the same checks at threshold 5, where the 6-participant group is legitimately shown, and
asserts that they do find it: so the main test would fail if suppression were off.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from integration_support import login, make_project
from openpyxl import load_workbook
from test_monitoring_builders import add_trajectory

from proeftuin.core.monitoring.disclosure import Protection
from proeftuin.monitoring import analytics, releases, report

SMALL = "Kleinwijk"  # 6 participants: below 10, above 5
TINY = ("Minibuurt", "Piepklein")  # 3 and 2 participants: always suppressed
BIG = ("Oost", "West")


@pytest.fixture
def data(own_org, own_project):
    for hood, size in (("Oost", 12), ("West", 11), (SMALL, 6), ("Minibuurt", 3), ("Piepklein", 2)):
        for i in range(size):
            before = {"housing": 2, "finances": 3}
            after = {"housing": 3 + (i % 2), "finances": 3 + (i % 3 == 0)}
            if hood == SMALL:
                before["justice"], after["justice"] = 1, 5  # Justitie: only here
            add_trajectory(own_project, before, after, neighbourhood=hood)
    small = make_project(own_org, name="Klein proeftuintje")
    for _ in range(6):
        add_trajectory(small, {"housing": 1, "finances": 1}, {"housing": 5, "finances": 5})
    return own_project, small


def texts(http, project, small) -> dict[str, str]:
    """Everything a user can get out: pages, exports and API answers, as text."""
    base = f"/tel-en-vertel/project/{project.pk}"
    out: dict[str, str] = {}
    for by in ("neighbourhood", "age_group", "period"):
        for domain in ("housing", "finances", "justice"):
            response = http.get(base + "/", {"uitsplitsing": by, "leefgebied": domain})
            assert response.status_code == 200
            out[f"html {by} {domain}"] = response.content.decode()
    out["portfolio"] = http.get("/tel-en-vertel/portfolio/").content.decode()
    out["small tab"] = http.get(f"/tel-en-vertel/project/{small.pk}/").content.decode()
    csv_response = http.get(base + "/export.csv")
    assert csv_response.status_code == 200
    out["csv"] = csv_response.content.decode("utf-8-sig")
    for which, pk in (("xlsx", project.pk), ("small xlsx", small.pk)):
        book = load_workbook(
            io.BytesIO(http.get(f"/tel-en-vertel/project/{pk}/export.xlsx").content)
        )
        out[which] = "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    for split in ("", "wijk", "leeftijd", "periode"):
        response = http.get(
            f"/api/tel-en-vertel/projecten/{project.pk}/effecten/",
            {"uitsplitsing": split} if split else {},
        )
        assert response.status_code == 200
        out[f"api {split}"] = json.dumps(response.json(), ensure_ascii=False)
    out["small api"] = json.dumps(
        http.get(f"/api/tel-en-vertel/projecten/{small.pk}/effecten/").json()
    )
    out["report"] = _report(project)
    out["small report"] = _report(small)
    return out


def _report(project) -> str:
    from django.template.loader import render_to_string

    releases.create_release(project, require_difference=False)  # the report shows releases
    data = report.build_section(project, date.today())
    return render_to_string("monitoring/report_section.html", {"s": data}) if data else ""


def leaks(out: dict[str, str], needles: list[str]) -> list[str]:
    return [
        f"{needle!r} in {where}"
        for where, text in out.items()
        for needle in needles
        if needle in text
    ]


def test_no_group_below_the_threshold_appears_anywhere(data, users):
    project, small = data
    out = texts(login(users[("own", "projectleider")]), project, small)
    # The small neighbourhoods, the domain measured only there, and the small project's figures.
    assert leaks(out, [SMALL, *TINY, "Justitie"]) == []
    # The domain's id too (not in the pages: there the requested URL itself echoes it).
    assert leaks({k: v for k, v in out.items() if not k.startswith("html")}, ["justice"]) == []
    # The small project's mean change (+4) shows nowhere; its API lists no group.
    small_api = json.loads(out["small api"])
    assert small_api["groups"] == [] and small_api["suppressed_groups"] == 2
    assert "+4,00" not in out["small tab"] and "+4,00" not in out["portfolio"]
    assert out["small report"] and "+4,00" not in out["small report"]
    # Two sheets, headers only, and the line naming the pair definition (issue 10, item 2).
    lines = out["small xlsx"].splitlines()
    assert len(lines) == 3 and lines[1].rstrip("\t") == "Paren\tnulmeting → eindmeting"
    # What is above the threshold does show, with its n.
    api = json.loads(out["api wijk"])
    shown = {(g["domain"], g["neighbourhood"]) for g in api["groups"]}
    assert ("housing", "Oost") in shown and ("housing", "West") in shown
    assert all(g["n"] >= 10 for g in api["groups"])
    assert api["suppressed_groups"] > 0
    for hood in BIG:
        assert hood in out["html neighbourhood housing"] and hood in out["csv"]


def test_the_checks_would_catch_a_leak(data, users, settings):
    """At threshold 5 the 6-participant group is shown, and the same checks find it."""
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    project, small = data
    out = texts(login(users[("own", "projectleider")]), project, small)
    found = leaks(out, [SMALL, "Justitie"])
    for where in ("html neighbourhood housing", "csv", "xlsx", "api wijk", "api ", "report"):
        assert any(f" in {where}" in f for f in found), where
    assert json.loads(out["small api"])["groups"]  # the small project now shows
    # The tiniest groups stay out even then (threshold never below 5).
    assert leaks(out, list(TINY)) == []


def test_one_suppressed_group_in_a_breakdown_hides_the_next_smallest(
    own_project, users, monkeypatch
):
    """Secondary suppression: with the domain total shown, a single hidden neighbourhood could be
    recovered by subtraction; the smallest shown one is hidden too."""
    for hood, size in (("Oost", 14), ("West", 11), (SMALL, 4)):
        for _ in range(size):
            add_trajectory(own_project, {"housing": 2}, {"housing": 3}, neighbourhood=hood)
    response = login(users[("own", "projectleider")]).get(
        f"/tel-en-vertel/project/{own_project.pk}/",
        {"uitsplitsing": "neighbourhood", "leefgebied": "housing"},
    )
    labels = [r["label"] for r in response.context["breakdown_rows"]]
    assert labels == ["Oost"]
    assert response.context["breakdown_hidden"] == 2
    # Primary suppression alone would show West (positive control).
    monkeypatch.setattr(analytics, "PROTECTION", Protection(secondary=False))
    report_obj = analytics.breakdown(
        [own_project.pk], analytics.services.instrument(), "housing", "neighbourhood"
    )
    assert analytics.shown_groups(report_obj).suppressed == 1


def test_api_needs_login_and_hides_foreign_projects(data, users, foreign_project, client):
    project, _small = data
    url = f"/api/tel-en-vertel/projecten/{project.pk}/effecten/"
    assert client.get(url).status_code == 403
    assert login(users[("foreign", "beheerder")]).get(url).status_code == 404
    own = login(users[("own", "financier")])
    assert own.get(url).status_code == 200
    assert own.get(url, {"uitsplitsing": "onzin"}).status_code == 400
    assert (
        own.get(f"/api/tel-en-vertel/projecten/{foreign_project.pk}/effecten/").status_code == 404
    )


def test_exports_escape_formula_cells(own_project, users):
    for _ in range(10):
        add_trajectory(own_project, {"housing": 2}, {"housing": 3}, neighbourhood="=HYPERLINK(1)")
    http = login(users[("own", "projectleider")])
    for path in ("export.csv", "gegevens.csv"):
        text = http.get(f"/tel-en-vertel/project/{own_project.pk}/{path}").content.decode(
            "utf-8-sig"
        )
        assert ";=HYPERLINK" not in text, path
    assert ";'=HYPERLINK(1);" in text  # the participant rows carry the neighbourhood as a cell
