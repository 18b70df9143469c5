"""The benchmark between municipalities: nothing under the threshold, no differencing, a range.

The differencing attack: two benchmark views whose "others" differ by one small project (it was
published between two visits, or the two views belong to two organisations). With the
protection the views are identical; the positive control (``protect=False``) shows the attack
would otherwise work.
"""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.learning.benchmark import MIN_PROJECTS, benchmark, frame, side_range

T = 10
DAY = date(2025, 1, 1)


def rows(project, persons, change, start_person=0, domain="finances", base=2):
    return [
        (project, start_person + i, project * 1000 + i, domain, DAY, base, base + change(i))
        for i in range(persons)
    ]


def big(project, start):
    return rows(project, 12, lambda i: i % 3, start_person=start)


def test_a_side_under_the_threshold_shows_nothing():
    assert side_range(frame(rows(1, 6, lambda i: 1) + rows(2, 3, lambda i: 1, 100)), T) is None


def test_one_project_alone_is_not_a_benchmark():
    assert side_range(frame(rows(1, 40, lambda i: 1)), T) is None
    assert MIN_PROJECTS == 2


def test_a_range_not_a_ranking_with_rounded_persons():
    shown = side_range(frame(big(1, 0) + big(2, 100)), T)
    assert shown is not None
    assert (shown.low, shown.high) == (0.0, 2.0)
    assert shown.persons == 25  # 24 rounded to base 5
    assert shown.projects == 2


SMALL = rows(9, 3, lambda i: -2 + 0 * i, start_person=900, base=3)  # 3 persons who got worse


def test_differencing_a_small_project_between_two_views_is_blocked():
    before = frame(big(1, 0) + big(2, 100))
    after = frame(big(1, 0) + big(2, 100) + SMALL)
    assert side_range(before, T) == side_range(after, T)


def test_differencing_positive_control():
    before = frame(big(1, 0) + big(2, 100))
    after = frame(big(1, 0) + big(2, 100) + SMALL)
    assert side_range(before, T, protect=False) != side_range(after, T, protect=False)


def test_a_project_whose_persons_count_elsewhere_does_not_pass_the_threshold():
    # Project 3 has 12 persons, but 10 of them also have a more recent pair in project 1: after
    # one pair per person it changes only 2 persons' figures, so it must not contribute.
    shared = [(3, i, 3000 + i, "finances", DAY - timedelta(days=30), 1, 5) for i in range(10)] + [
        (3, 500 + i, 3500 + i, "finances", DAY, 1, 5) for i in range(2)
    ]
    before = frame(big(1, 0) + big(2, 100))
    after = frame(big(1, 0) + big(2, 100) + shared)
    assert side_range(before, T) == side_range(after, T)


def test_benchmark_per_domain_in_order():
    own = frame(big(1, 0) + big(2, 100))
    others = frame(rows(5, 4, lambda i: 1, 300) + rows(6, 4, lambda i: 1, 400))
    result = benchmark(own, others, ["finances", "housing"], T)
    assert [r.domain for r in result] == ["finances", "housing"]
    assert result[0].own is not None and result[0].others is None
    assert result[1].own is None and result[1].others is None


sizes = st.lists(st.integers(min_value=1, max_value=25), min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(sizes, st.integers(min_value=1, max_value=9))
def test_adding_any_small_project_never_changes_the_view(project_sizes, small):
    base = []
    for n, size in enumerate(project_sizes, start=1):
        base += rows(n, size, lambda i: (i * 7) % 5 - 2, start_person=n * 100)
    extra = rows(99, small, lambda i: 3, start_person=9900)
    assert side_range(frame(base), T) == side_range(frame(base + extra), T)
    shown = side_range(frame(base), T)
    if shown is not None:
        assert shown.persons >= T - 2  # rounded from at least T
        assert shown.low <= shown.high
