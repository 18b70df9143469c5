"""The disclosure-control core: linked secondary suppression, rounding, persons, releases."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.monitoring import disclosure
from proeftuin.core.monitoring.disclosure import (
    NONE,
    Protection,
    Relation,
    derivable_hidden_cells,
    one_pair_per_person,
    persons_changed_between,
    protect_distribution,
    protect_shares,
    protected_effect_reports,
    protected_process_reports,
    round_to_base,
    suppress_linked_cells,
)

T = 10


def people(start: int, n: int) -> frozenset:
    return frozenset(range(start, start + n))


def breakdown(*sizes: int) -> tuple[dict, list[Relation]]:
    """A total and its parts with the given sizes (disjoint persons)."""
    cells, start = {}, 0
    for i, size in enumerate(sizes):
        cells[f"part{i}"] = people(start, size)
        start += size
    cells["total"] = frozenset(range(start))
    return cells, [Relation("total", tuple(f"part{i}" for i in range(len(sizes))))]


def recovered_by_subtraction(cells, relations, hidden) -> dict:
    """What an attacker gets: every hidden value the published ones determine exactly."""
    values = {c: len(p) for c, p in cells.items()}
    return {c: values[c] for c in derivable_hidden_cells(cells, relations, hidden)}


def test_two_small_groups_are_not_recovered_from_the_total():
    cells, relations = breakdown(20, 12, 3, 2)
    hidden = suppress_linked_cells(cells, relations, T)
    assert {"part2", "part3"} <= hidden
    # The hidden union reaches the threshold: 3 + 2 alone would give "5 persons" exactly.
    assert sum(len(cells[c]) for c in hidden if c != "total") >= T
    assert recovered_by_subtraction(cells, relations, hidden) == {}


def test_positive_control_primary_only_leaves_the_union_recoverable():
    cells, relations = breakdown(20, 12, 3, 2)
    hidden = suppress_linked_cells(cells, relations, T, secondary=False)
    assert hidden == {"part2", "part3"}
    # total − 20 − 12 = 5 = the union of the two hidden groups: fewer than the threshold.
    shown = sum(len(cells[c]) for c in ("part0", "part1"))
    assert len(cells["total"]) - shown == 5


def test_one_hidden_cell_is_derivable_without_secondary_suppression():
    cells, relations = breakdown(20, 12, 3)
    assert recovered_by_subtraction(
        cells, relations, suppress_linked_cells(cells, relations, T, secondary=False)
    ) == {"part2": 3}
    assert (
        recovered_by_subtraction(cells, relations, suppress_linked_cells(cells, relations, T)) == {}
    )


def test_years_and_quarters_are_protected_together():
    # 2024: Q1..Q4 = 12, 11, 7, 10 → 40; neighbourhoods per quarter linked too.
    cells = {
        ("q", 1): people(0, 12),
        ("q", 2): people(12, 11),
        ("q", 3): people(23, 7),
        ("q", 4): people(30, 10),
        ("y",): people(0, 40),
    }
    relations = [Relation(("y",), (("q", 1), ("q", 2), ("q", 3), ("q", 4)))]
    hidden = suppress_linked_cells(cells, relations, T)
    assert ("q", 3) in hidden and len(hidden) >= 2
    assert recovered_by_subtraction(cells, relations, hidden) == {}


def test_the_threshold_counts_persons_in_the_union():
    # Two hidden cells of 4 trajectories each, but the same 4 persons: the union is 4 < 10.
    same = people(0, 4)
    cells = {"a": people(100, 30), "b": same, "c": same, "d": people(200, 15)}
    cells["total"] = cells["a"] | same | cells["d"]
    relations = [Relation("total", ("a", "b", "c", "d"))]
    hidden = suppress_linked_cells(cells, relations, T)
    assert "d" in hidden  # counting trajectories (8) would have stopped too early as well


@st.composite
def linked_tables(draw):
    """A two-way table (rows × columns) with its margins and grand total: the usual linked
    tables (e.g. quarters × neighbourhoods, years as row totals)."""
    n_rows = draw(st.integers(1, 4))
    n_cols = draw(st.integers(1, 4))
    sizes = draw(
        st.lists(
            st.lists(st.integers(0, 25), min_size=n_cols, max_size=n_cols),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
    cells, start = {}, 0
    for r, row in enumerate(sizes):
        for c, size in enumerate(row):
            cells[("cell", r, c)] = people(start, size)
            start += size
    for r in range(n_rows):
        cells[("row", r)] = frozenset().union(*(cells[("cell", r, c)] for c in range(n_cols)))
    for c in range(n_cols):
        cells[("col", c)] = frozenset().union(*(cells[("cell", r, c)] for r in range(n_rows)))
    cells[("all",)] = frozenset(range(start))
    relations = [
        Relation(("row", r), tuple(("cell", r, c) for c in range(n_cols))) for r in range(n_rows)
    ]
    relations += [
        Relation(("col", c), tuple(("cell", r, c) for r in range(n_rows))) for c in range(n_cols)
    ]
    relations.append(Relation(("all",), tuple(("row", r) for r in range(n_rows))))
    relations.append(Relation(("all",), tuple(("col", c) for c in range(n_cols))))
    return cells, relations


def _exact_solutions(cells, relations, hidden):
    """Brute-force check by least squares: a hidden cell whose value every solution shares."""
    return recovered_by_subtraction(cells, relations, hidden)


@settings(max_examples=150, deadline=None)
@given(linked_tables(), st.sampled_from([5, 10]))
def test_no_hidden_cell_is_derivable_by_linear_subtraction(tables, threshold):
    cells, relations = tables
    hidden = suppress_linked_cells(cells, relations, threshold)
    # Every small cell is hidden …
    assert all(c in hidden for c, p in cells.items() if 0 < len(p) < threshold)
    # … no hidden cell follows from the published ones …
    assert _exact_solutions(cells, relations, hidden) == {}
    # … and in every relation the hidden cells together hold 0 or ≥ threshold persons, unless
    # every cell of the relation is hidden.
    for relation in relations:
        inside = [m for m in relation.members() if m in hidden]
        union = frozenset().union(*(cells[m] for m in inside)) if inside else frozenset()
        assert not inside or len(union) >= threshold or set(relation.members()) <= hidden


def test_derivability_is_checked_against_a_direct_solve():
    """The null-space test agrees with solving the system for a known determined cell."""
    cells, relations = breakdown(20, 3)
    assert derivable_hidden_cells(cells, relations, {"part1"}) == {"part1"}
    assert derivable_hidden_cells(cells, relations, {"part0", "part1"}) == set()
    assert derivable_hidden_cells(cells, relations, {"total", "part1"}) == set()
    matrix = np.array([[1.0, -1.0, -1.0]])
    assert np.linalg.matrix_rank(matrix) == 1


# --- rounding -------------------------------------------------------------------------------------


def test_round_to_base_five():
    assert [round_to_base(v) for v in range(0, 13)] == [0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10, 10, 10]


def test_a_distribution_with_a_small_level_is_rounded():
    shown, rounded = protect_distribution([0, 1, 9, 0, 0], T)
    assert rounded and shown == (0, 0, 10, 0, 0)
    assert protect_distribution([0, 10, 12, 0, 0], T) == ((0, 10, 12, 0, 0), False)


def test_share_worse_of_one_in_ten_is_not_one_person():
    shares, rounded = protect_shares({"improved": 6, "stable": 3, "worse": 1}, T)
    assert rounded
    assert shares["worse"] != pytest.approx(0.1)
    # Derived from rounded counts (5, 5, 0): a share reveals no count below the threshold.
    assert shares == {"improved": 0.5, "stable": 0.5, "worse": 0.0}
    exact, rounded = protect_shares({"improved": 10, "stable": 0, "worse": 12}, T)
    assert not rounded and exact["worse"] == pytest.approx(12 / 22)


# --- persons --------------------------------------------------------------------------------------


def pairs_of(rows):
    return pl.DataFrame(
        rows,
        schema={
            "participant_id": pl.Int64,
            "trajectory_id": pl.Int64,
            "domain": pl.String,
            "neighbourhood": pl.String,
            "baseline_on": pl.Date,
            "baseline_score": pl.Int64,
            "latest_on": pl.Date,
            "latest_score": pl.Int64,
        },
        orient="row",
    )


def test_one_pair_per_person_keeps_the_most_recent_complete_pair():
    rows = [
        (1, 10, "housing", "Oost", date(2024, 1, 1), 1, date(2024, 6, 1), 2),
        (1, 11, "housing", "Oost", date(2025, 1, 1), 3, date(2025, 6, 1), 5),
        (1, 12, "housing", "Oost", date(2025, 9, 1), 2, None, None),  # still running
        (2, 20, "housing", "West", date(2024, 1, 1), 1, date(2024, 6, 1), 2),
    ]
    kept = one_pair_per_person(pairs_of(rows))
    assert sorted(kept["trajectory_id"].to_list()) == [11, 20]


def test_five_people_with_two_trajectories_each_are_five():
    rows = []
    for person in range(5):
        for t in range(2):
            rows.append(
                (
                    person,
                    person * 10 + t,
                    "housing",
                    "Oost",
                    date(2024, 1 + t, 1),
                    2,
                    date(2024, 6 + t, 1),
                    3,
                )
            )
    total, _ = protected_effect_reports(
        pairs_of(rows), ("domain",), threshold=T, levels=range(1, 6)
    )
    assert [g.suppressed for g in total.groups] == [True]
    # Positive control: counting trajectories shows them as n = 10.
    total, _ = protected_effect_reports(
        pairs_of(rows), ("domain",), threshold=T, levels=range(1, 6), protection=NONE
    )
    assert [g.n for g in total.groups] == [10]


def test_effect_breakdown_with_two_small_groups_hides_a_third():
    rows, pid = [], 0
    for hood, size in (("A", 20), ("B", 12), ("C", 3), ("D", 2)):
        for _ in range(size):
            pid += 1
            rows.append((pid, pid, "housing", hood, date(2024, 1, 1), 2, date(2024, 6, 1), 3))
    total, splits = protected_effect_reports(
        pairs_of(rows), ("domain",), ("neighbourhood",), threshold=T, levels=range(1, 6)
    )
    shown = {g.key["neighbourhood"]: g.n for g in splits["neighbourhood"].groups if g.n}
    assert shown == {"A": 20}
    assert total.groups[0].n == 37


def test_releases_count_changed_persons():
    before = {"a": "1", "b": "2", "c": "3"}
    after = {"a": "1", "b": "9", "d": "4"}
    assert persons_changed_between(before, after) == 3  # b changed, c left, d added
    assert persons_changed_between(before, before) == 0


def test_process_tables_link_years_quarters_and_neighbourhoods():
    rows, pid = [], 0
    # 2024: Q1 12, Q2 11, Q3 7 (one neighbourhood), Q4 10; 37 … the "37 − 30 = 7".
    for month, size, hood in ((1, 12, "Oost"), (4, 11, "Oost"), (7, 7, "West"), (10, 10, "Oost")):
        for _ in range(size):
            pid += 1
            rows.append((pid, date(2024, month, 5), None, hood))
    frame = pl.DataFrame(
        rows,
        schema={
            "participant_id": pl.Int64,
            "started_on": pl.Date,
            "ended_on": pl.Date,
            "neighbourhood": pl.String,
        },
        orient="row",
    )
    reports = protected_process_reports(frame, threshold=T)
    quarters = {r.period.month: r.inflow for r in reports[((), "quarter")].rows}
    years = [r.inflow for r in reports[((), "year")].rows]
    assert quarters[7] is None
    shown_quarters = [v for v in quarters.values() if v is not None]
    assert not (years[0] is not None and len(shown_quarters) == 3)
    unprotected = protected_process_reports(
        frame, threshold=T, protection=Protection(secondary=False)
    )
    quarters = {r.period.month: r.inflow for r in unprotected[((), "quarter")].rows}
    year = unprotected[((), "year")].rows[0].inflow
    assert year - sum(v for v in quarters.values() if v is not None) == 7  # the attack works


def test_the_module_names_its_protections():
    assert Protection() == disclosure.FULL
    assert NONE.per_person is NONE.secondary is NONE.rounding is False


def test_a_person_in_two_projects_counts_in_each_when_projects_are_compared():
    rows = [
        (1, 10, "housing", "Oost", date(2024, 1, 1), 1, date(2024, 6, 1), 2),
        (1, 11, "housing", "Oost", date(2025, 1, 1), 3, date(2025, 6, 1), 5),
    ]
    frame = pairs_of(rows).with_columns(pl.Series("project_id", [7, 8]))
    assert one_pair_per_person(frame).height == 1
    assert one_pair_per_person(frame, within=["project_id"]).height == 2


# --- means beside small counts (found by a black-box attack on the demo) --------------------------


def _group(**fields):
    from proeftuin.core.monitoring.analytics import GroupEffect

    base = dict(
        key={"domain": "ots"},
        suppressed=False,
        n=13,
        n_unpaired=0,
        mean_before=5 / 13,
        mean_after=1 / 13,
        mean_change=-4 / 13,
        sd_change=0.49,
        se_change=0.136,
        df=12,
        ci_low=-4 / 13 - 0.3,
        ci_high=-4 / 13 + 0.3,
        share_improved=4 / 13,
        share_stable=9 / 13,
        share_worse=0.0,
        effect_size=(-4 / 13) / 0.49,
        share_any_before=5 / 13,
        share_any_after=1 / 13,
        before=None,
        after=None,
    )
    base.update(fields)
    return GroupEffect(**base)


def test_a_mean_times_n_gives_no_small_count():
    # Attack: mean number of heavy measures 0,38 and 0,08 at n = 13 gave exactly 5 and 1 persons.
    from proeftuin.core.monitoring.disclosure.reports import published_group

    shown = published_group(_group(), T)
    assert shown.rounded
    for mean in (shown.mean_before, shown.mean_after):
        total = mean * 13
        assert abs(total - round(total / 5) * 5) < 1e-9, "the implied total is a multiple of 5"
    assert shown.mean_after * 13 != pytest.approx(1) and shown.mean_before * 13 == pytest.approx(5)
    # The change, its interval and the effect size move with the means: none gives them away.
    assert shown.mean_change == pytest.approx(shown.mean_after - shown.mean_before)
    assert (shown.ci_low + shown.ci_high) / 2 == pytest.approx(shown.mean_change)
    assert shown.effect_size == pytest.approx(shown.mean_change / 0.49)


def test_positive_control_exact_means_reveal_the_count():
    from proeftuin.core.monitoring.disclosure.reports import published_group

    shown = published_group(_group(), T, rounding=False)
    assert round(shown.mean_after * 13) == 1 and round(shown.mean_before * 13) == 5


def test_means_of_large_safe_groups_stay_exact():
    from proeftuin.core.monitoring.disclosure.reports import published_group

    big = _group(
        n=40,
        mean_before=2.5,
        mean_after=3.1,
        mean_change=0.6,
        ci_low=0.4,
        ci_high=0.8,
        effect_size=0.6 / 0.49,
        share_improved=0.5,
        share_stable=0.25,
        share_worse=0.25,
        share_any_before=None,
        share_any_after=None,
    )
    shown = published_group(big, T)
    assert shown.mean_before == 2.5 and shown.mean_after == 3.1
