"""Coalition coverage: which of the four levels of backing are covered today, and which are not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.coalition import BACKING_LEVELS, Backing, coverage

TODAY = date(2026, 1, 1)

organisations = st.sampled_from(["Gemeente Voorbeeldstad", "Welzijn Oost", "Fonds", "GGZ"])
optional_dates = st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))
backings = st.builds(
    Backing,
    organisation=organisations,
    level=st.sampled_from(BACKING_LEVELS),
    person=st.sampled_from(["", "A. de Vries", "M. Bakker", "Wethouder Jansen"]),
    since=optional_dates,
    until=optional_dates,
)
days = st.dates(min_value=date(2019, 1, 1), max_value=date(2033, 12, 31))


def holds_on(backing: Backing, day: date) -> bool:
    started = backing.since is None or backing.since <= day
    not_ended = backing.until is None or day <= backing.until
    return started and not_ended


def test_the_four_levels_in_order():
    assert BACKING_LEVELS == ("uitvoerend", "management", "ambtelijk", "bestuurlijk")


@given(st.lists(backings, max_size=12), days)
def test_missing_levels_are_exactly_the_levels_nobody_backs_today(items, today):
    matrix = coverage(items, today)
    covered = {b.level for b in items if holds_on(b, today)}
    assert matrix.missing_levels == [lvl for lvl in BACKING_LEVELS if lvl not in covered]
    assert matrix.covered_count == len(covered)
    assert 0 <= matrix.covered_count <= len(BACKING_LEVELS)


@given(st.lists(backings, max_size=12), days)
def test_every_organisation_gets_a_row_and_every_cell_names_who_backs_it(items, today):
    matrix = coverage(items, today)
    assert set(matrix.rows) == {b.organisation for b in items}
    for org, cells in matrix.rows.items():
        assert tuple(cells) == BACKING_LEVELS
        for level, people in cells.items():
            active = [b for b in items if b.organisation == org and b.level == level]
            expected = [b.person or "✓" for b in active if holds_on(b, today)]
            assert people == expected


@given(st.lists(backings, max_size=12), days)
def test_adding_an_ended_backing_changes_nothing_but_the_rows(items, today):
    ended = Backing("Nieuwe partner", "bestuurlijk", "Oud-wethouder", until=today - timedelta(1))
    before = coverage(items, today)
    after = coverage([*items, ended], today)
    assert after.missing_levels == before.missing_levels
    assert after.rows["Nieuwe partner"] == {lvl: [] for lvl in BACKING_LEVELS}


def test_ended_backing_is_shown_as_missing():
    items = [
        Backing(
            "Gemeente",
            "bestuurlijk",
            "Wethouder A",
            since=date(2022, 1, 1),
            until=date(2025, 12, 31),
        ),
        Backing("Gemeente", "ambtelijk", "Beleidsadviseur B"),
        Backing("Welzijn", "uitvoerend", "Projectleider C", since=date(2024, 1, 1)),
        Backing("Welzijn", "management", "", until=TODAY),  # ends today: still counts
    ]
    matrix = coverage(items, TODAY)
    assert matrix.missing_levels == ["bestuurlijk"]
    assert matrix.covered_count == 3
    assert matrix.rows["Gemeente"]["bestuurlijk"] == []
    assert matrix.rows["Welzijn"]["management"] == ["✓"]


def test_backing_that_has_not_started_does_not_count_yet():
    matrix = coverage(
        [Backing("Gemeente", "bestuurlijk", "Wethouder", since=date(2026, 3, 1))], TODAY
    )
    assert "bestuurlijk" in matrix.missing_levels


def test_no_coalition_misses_every_level():
    matrix = coverage([], TODAY)
    assert matrix.missing_levels == list(BACKING_LEVELS)
    assert matrix.covered_count == 0
    assert matrix.rows == {}


@pytest.mark.parametrize("level", ["politiek", "Bestuurlijk", "", "strategisch"])
def test_unknown_level_raises(level):
    with pytest.raises(ValueError, match="unknown level of backing"):
        coverage([Backing("Gemeente", "ambtelijk"), Backing("Gemeente", level)], TODAY)


@given(backings, days)
def test_active_on_matches_the_open_ended_reading(backing, day):
    assert backing.active_on(day) == holds_on(backing, day)
