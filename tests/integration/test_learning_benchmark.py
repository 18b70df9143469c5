"""The benchmark page (issue 12, item 5): own projects beside other organisations' published
ones, as ranges, nothing for a group under the threshold, unpublished projects never counted."""

from __future__ import annotations

import pytest
from integration_support import login, make_project
from test_monitoring_builders import add_trajectory

from proeftuin.accounts.models import Organisation
from proeftuin.learning import catalogue


def fill(project, persons: int, change: int = 1) -> None:
    for _ in range(persons):
        add_trajectory(project, {"finances": 2}, {"finances": 2 + change})


@pytest.fixture
def world(own_org, foreign_org, settings):
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    mine = [make_project(own_org, name=f"Eigen {i}") for i in range(2)]
    third = Organisation.objects.create(name="Gemeente Derdeweg", kind=foreign_org.kind)
    theirs = [make_project(foreign_org, name="Buurdorp 0"), make_project(third, name="Derdeweg 0")]
    for project in mine:
        fill(project, 5, 1)
    for project in theirs:
        fill(project, 5, 3)
    return mine, theirs


def finances_row(page: str) -> str:
    start = page.index("Financiën")
    return page[start : page.index("</tr>", start)]


@pytest.mark.django_db
def test_others_count_only_when_published(users, world):
    _mine, theirs = world
    http = login(users[("own", "financier")])
    row = finances_row(http.get("/leren/benchmark/").content.decode())
    assert "+1" in row
    assert row.count("niet getoond") == 1  # the others: nothing published yet
    for project in theirs:
        catalogue.publish(project, None)
    row = finances_row(http.get("/leren/benchmark/").content.decode())
    assert "+3" in row
    assert "niet getoond" not in row
    assert "Buurdorp 0" not in http.get("/leren/benchmark/").content.decode()  # pooled, no names


@pytest.mark.django_db
def test_the_others_are_never_one_organisation(users, own_org, foreign_org, settings):
    """Black-box finding: with one other municipality publishing, "the others" were its result."""
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    for i in range(2):
        project = make_project(foreign_org, name=f"Buurdorp {i}")
        fill(project, 5, 3)
        catalogue.publish(project, None)
    row = finances_row(
        login(users[("own", "beleidsadviseur")]).get("/leren/benchmark/").content.decode()
    )
    assert "+3" not in row  # two projects, enough persons, but one organisation: not shown


@pytest.mark.django_db
def test_a_group_under_the_threshold_shows_nothing(users, own_org, foreign_org, settings):
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    small = [make_project(foreign_org, name=f"Klein {i}") for i in range(2)]
    for project in small:
        fill(project, 4, 2)
        catalogue.publish(project, None)
    page = login(users[("own", "beleidsadviseur")]).get("/leren/benchmark/").content.decode()
    row = finances_row(page)
    assert row.count("niet getoond") == 2  # own side and the others' side
    assert "+2" not in row and "± " not in row
