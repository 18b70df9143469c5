"""Disclosure attacks on the published Tel en vertel figures, the way an outsider would try them.

Each attack reads only what a user gets (the API, the tab, the exports) and tries to learn a figure
about fewer than the threshold of persons: by differencing two stand-moments, by subtracting shown
groups from a shown total (also across linked tables: years and quarters, the project and its
neighbourhoods), by reading per-level counts and shares, and by counting trajectories as persons.
Every attack must recover nothing. Every attack also has a positive control: the same attack with
one protection switched off (``analytics.PROTECTION`` or ``require_difference``) does recover the
figure, which proves the attack is real and the test could fail.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from integration_support import login
from openpyxl import load_workbook
from test_monitoring_builders import add_trajectory

from proeftuin.core.monitoring.disclosure import Protection
from proeftuin.monitoring import analytics, releases

THRESHOLD = 10
DOMAINS = ("housing", "finances", "health", "social")


def api(http, project, split: str = "") -> dict:
    response = http.get(
        f"/api/tel-en-vertel/projecten/{project.pk}/effecten/",
        {"uitsplitsing": split} if split else {},
    )
    assert response.status_code == 200
    return response.json()


def small(count: int | None) -> bool:
    """A figure about 1 to threshold − 1 persons: what no attack may learn."""
    return count is not None and 0 < count < THRESHOLD


# --- attack 1: differencing two stand-moments ----------------------------------------------------


def difference_attack(first: dict, second: dict) -> dict[str, tuple]:
    """Per domain, the before/after level counts of the persons added between two readings,
    when they are fewer than the threshold (a single person's scores)."""
    recovered = {}
    old = {g["domain"]: g for g in first["groups"]}
    for g in second["groups"]:
        before = old.get(g["domain"])
        if before is None:
            continue
        added = g["n"] - before["n"]
        if small(added):
            recovered[g["domain"]] = tuple(
                (level, g[side][level] - before[side][level])
                for side in ("before", "after")
                for level in g[side]
                if g[side][level] != before[side][level]
            )
    return recovered


@pytest.fixture
def twenty_participants(own_project):
    for i in range(20):
        add_trajectory(own_project, dict.fromkeys(DOMAINS, 2 + i % 2), dict.fromkeys(DOMAINS, 4))
    return own_project


def test_differencing_two_readings_recovers_nothing(twenty_participants, users):
    project = twenty_participants
    funder = login(users[("own", "financier")])
    releases.create_release(project, released_on=date(2026, 1, 31))
    first = api(funder, project)
    assert first["released"] and first["stand"] == "2026-01-31"
    add_trajectory(project, dict.fromkeys(DOMAINS, 1), dict.fromkeys(DOMAINS, 5))
    with pytest.raises(releases.ReleaseRefused):
        releases.create_release(project, released_on=date(2026, 2, 28))
    second = api(funder, project)
    assert difference_attack(first, second) == {}
    assert second == first  # still the January release


def test_positive_control_without_releases_differencing_gives_one_persons_scores(
    twenty_participants, users, monkeypatch
):
    """Releases without the difference rule and without rounding: the issue's finding."""
    monkeypatch.setattr(analytics, "PROTECTION", Protection(rounding=False))
    project = twenty_participants
    funder = login(users[("own", "financier")])
    releases.create_release(project, released_on=date(2026, 1, 31))
    first = api(funder, project)
    add_trajectory(project, dict.fromkeys(DOMAINS, 1), dict.fromkeys(DOMAINS, 5))
    releases.create_release(project, released_on=date(2026, 2, 28), require_difference=False)
    second = api(funder, project)
    recovered = difference_attack(first, second)
    # That person's baseline (1) and end score (5), in 4 of 4 domains: the issue's finding.
    assert set(recovered) == set(DOMAINS)
    assert all(("1", 1) in r and ("5", 1) in r for r in recovered.values())


def test_a_release_follows_once_the_threshold_in_persons_changed(twenty_participants, users):
    project = twenty_participants
    funder = login(users[("own", "financier")])
    releases.create_release(project, released_on=date(2026, 1, 31))
    first = api(funder, project)
    for _ in range(THRESHOLD):
        add_trajectory(project, dict.fromkeys(DOMAINS, 1), dict.fromkeys(DOMAINS, 5))
    release = releases.create_release(project, released_on=date(2026, 2, 28))
    assert release.persons_changed == THRESHOLD
    second = api(funder, project)
    assert second["stand"] == "2026-02-28"
    assert difference_attack(first, second) == {}
    assert second["groups"][0]["n"] - first["groups"][0]["n"] == THRESHOLD


def test_live_figures_only_for_participant_level_roles(twenty_participants, users):
    project = twenty_participants
    assert api(login(users[("own", "projectleider")]), project)["released"] is False
    for role in ("financier", "beleidsadviseur", "onderzoeker"):
        answer = api(login(users[("own", role)]), project)
        assert answer["released"] and answer["groups"] == [], role  # no release yet
        page = login(users[("own", role)]).get(f"/tel-en-vertel/project/{project.pk}/")
        assert "nog geen cijfers vrijgegeven" in page.content.decode(), role


def test_the_tab_and_the_exports_say_which_stand_they_show(twenty_participants, users):
    project = twenty_participants
    releases.create_release(project, released_on=date(2026, 1, 31))
    http = login(users[("own", "beleidsadviseur")])
    page = http.get(f"/tel-en-vertel/project/{project.pk}/").content.decode()
    assert "Stand per 31 januari 2026" in page
    text = http.get(f"/tel-en-vertel/project/{project.pk}/export.csv").content.decode("utf-8-sig")
    assert "Stand per 2026-01-31" in text


# --- attack 2: subtracting shown groups from the total -------------------------------------------


@pytest.fixture
def four_neighbourhoods(own_project):
    """Neighbourhoods of 20, 12, 3 and 2 participants (the issue's example)."""
    for hood, size in (("Oost", 20), ("West", 12), ("Noord", 3), ("Zuid", 2)):
        for i in range(size):
            add_trajectory(
                own_project,
                {"housing": 2, "finances": 1 + i % 3},
                {"housing": 3 + (hood == "Zuid"), "finances": 3},
                neighbourhood=hood,
            )
    return own_project


def subtraction_attack(total: dict, split: dict) -> dict[str, int]:
    """Per domain: total n minus the shown groups' n, when it is a small number of persons."""
    recovered = {}
    for g in total["groups"]:
        shown = sum(s["n"] for s in split["groups"] if s["domain"] == g["domain"])
        if small(g["n"] - shown):
            recovered[g["domain"]] = g["n"] - shown
    return recovered


def test_subtracting_two_small_groups_recovers_nothing(four_neighbourhoods, users):
    http = login(users[("own", "projectleider")])
    total, split = api(http, four_neighbourhoods), api(http, four_neighbourhoods, "wijk")
    assert subtraction_attack(total, split) == {}
    assert {g["neighbourhood"] for g in split["groups"]} == {"Oost"}


def test_positive_control_primary_suppression_alone_gives_the_union(
    four_neighbourhoods, users, monkeypatch
):
    monkeypatch.setattr(analytics, "PROTECTION", Protection(secondary=False))
    http = login(users[("own", "projectleider")])
    total, split = api(http, four_neighbourhoods), api(http, four_neighbourhoods, "wijk")
    assert subtraction_attack(total, split) == {"housing": 5, "finances": 5}


# --- attack 3: linked process tables ---------------------------------------------------------------


@pytest.fixture
def quarters(own_project):
    """2024 inflow: Q1 12, Q2 11, Q3 7, Q4 10 (37 in the first three quarters + Q4)."""
    for month, size, hood in ((1, 12, "Oost"), (4, 11, "Oost"), (7, 7, "West"), (10, 10, "Oost")):
        for i in range(size):
            add_trajectory(
                own_project,
                {"housing": 2},
                None,
                neighbourhood=hood,
                start=date(2024, month, 1 + i),
            )
    return own_project


def process_table(http, project, every: str, by_hood: bool = False) -> list:
    params = {"per": "kwartaal" if every == "quarter" else "jaar"}
    if by_hood:
        params["proces"] = "wijk"
    response = http.get(f"/tel-en-vertel/project/{project.pk}/", params)
    return response.context["process_rows"]


def linked_table_attack(http, project) -> list[str]:
    """Year inflow − shown quarters, and a period's inflow − shown neighbourhoods."""
    found = []
    years = {p["r"].period.year: p["r"].inflow for p in process_table(http, project, "year")}
    per_quarter = process_table(http, project, "quarter")
    for year, inflow in years.items():
        in_year = [p["r"] for p in per_quarter if p["r"].period.year == year]
        hidden = [r for r in in_year if r.inflow is None]
        rest = inflow - sum(r.inflow for r in in_year if r.inflow is not None) if inflow else None
        if len(hidden) == 1 and small(rest):
            found.append(f"{hidden[0].period} inflow = {rest}")
    for every, rows in (("quarter", per_quarter), ("year", process_table(http, project, "year"))):
        hoods = process_table(http, project, every, by_hood=True)
        for row in rows:
            parts = [p["r"] for p in hoods if p["r"].period == row["r"].period]
            hidden = [r for r in parts if r.inflow is None]
            if row["r"].inflow is None or len(hidden) != 1:
                continue
            rest = row["r"].inflow - sum(r.inflow for r in parts if r.inflow is not None)
            if small(rest):
                found.append(f"{row['r'].period} {hidden[0].key} inflow = {rest}")
    return found


def test_years_quarters_and_neighbourhoods_recover_nothing(quarters, users):
    assert linked_table_attack(login(users[("own", "projectleider")]), quarters) == []


def test_positive_control_the_issues_37_minus_30(quarters, users, monkeypatch):
    monkeypatch.setattr(analytics, "PROTECTION", Protection(secondary=False))
    found = linked_table_attack(login(users[("own", "projectleider")]), quarters)
    assert "2024-07-01 inflow = 7" in found


# --- attack 4: per-level counts and shares ---------------------------------------------------------


@pytest.fixture
def one_worse_in_ten(own_project):
    for i in range(10):
        worse = i == 0
        add_trajectory(own_project, {"housing": 3}, {"housing": 2 if worse else 4 - (i % 2)})
    return own_project


def level_attack(answer: dict) -> list[str]:
    """Per-level counts of 1 to threshold − 1, and shares that stand for so few persons.

    A group marked ``rounded`` publishes counts rounded to base 5 (a 5 stands for 3 to 7): its
    counts are not read as exact, but they must all be multiples of 5.
    """
    found = []
    for g in answer["groups"]:
        if g["rounded"]:
            counts = [*g["before"].values(), *g["after"].values()]
            assert all(c % 5 == 0 for c in counts), counts
            movement = [round(g[s] * g["n"]) for s in ("share_improved", "share_stable")]
            assert all(c % 5 == 0 for c in movement), movement
            continue
        for side in ("before", "after"):
            found += [f"{g['domain']} {side} {k}={v}" for k, v in g[side].items() if small(v)]
        for share in ("share_improved", "share_stable", "share_worse"):
            count = None if g[share] is None else round(g[share] * g["n"])
            if small(count):
                found.append(f"{g['domain']} {share}={count}")
    return found


def test_per_level_counts_and_shares_reveal_no_small_number(one_worse_in_ten, users):
    http = login(users[("own", "projectleider")])
    answer = api(http, one_worse_in_ten)
    assert answer["groups"] and level_attack(answer) == []
    book = load_workbook(
        io.BytesIO(http.get(f"/tel-en-vertel/project/{one_worse_in_ten.pk}/export.xlsx").content)
    )
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        for name, value in zip(header, row, strict=False):
            if name and ("niveau" in name) and isinstance(value, int):
                assert value % 5 == 0 or not small(value), (name, value)


def test_positive_control_unrounded_levels_and_share_worse(one_worse_in_ten, users, monkeypatch):
    monkeypatch.setattr(analytics, "PROTECTION", Protection(rounding=False))
    found = level_attack(api(login(users[("own", "projectleider")]), one_worse_in_ten))
    assert "housing share_worse=1" in found
    assert "housing after 2=1" in found


# --- attack 5: one person, two trajectories --------------------------------------------------------


@pytest.fixture
def five_people_twice(own_project):
    for person in range(5):
        for start in (date(2024, 1, 8), date(2025, 1, 6)):
            add_trajectory(
                own_project, {"housing": 2}, {"housing": 4}, client=f"P-{person}", start=start
            )
    return own_project


def shown_n(http, project) -> dict[str, list]:
    """n as every output shows it: API, CSV, XLSX and the tab."""
    base = f"/tel-en-vertel/project/{project.pk}"
    text = http.get(base + "/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    book = load_workbook(io.BytesIO(http.get(base + "/export.xlsx").content))
    return {
        "api": [g["n"] for g in api(http, project)["groups"]],
        "csv": [r[2] for r in rows[1:] if r[0] == "Project"],
        "xlsx": [
            r[2]
            for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)
            if r[0] == "Project"
        ],
        "html": [r["g"].n for r in http.get(base + "/").context["effect_rows"]],
    }


def test_five_people_with_two_trajectories_each_are_not_shown(five_people_twice, users):
    http = login(users[("own", "projectleider")])
    assert shown_n(http, five_people_twice) == {"api": [], "csv": [], "xlsx": [], "html": []}
    page = http.get(f"/tel-en-vertel/project/{five_people_twice.pk}/").content.decode()
    assert "één traject" in page  # the page says how the interval counts


def test_positive_control_counting_trajectories_shows_n_10(five_people_twice, users, monkeypatch):
    monkeypatch.setattr(analytics, "PROTECTION", Protection(per_person=False))
    shown = shown_n(login(users[("own", "projectleider")]), five_people_twice)
    assert shown["api"] == [10] and shown["html"] == [10]
    assert shown["csv"] == ["10"] and shown["xlsx"] == [10]


def test_the_api_says_what_it_counts(five_people_twice, users):
    answer = api(login(users[("own", "projectleider")]), five_people_twice)
    assert "one trajectory per person" in json.dumps(answer)
