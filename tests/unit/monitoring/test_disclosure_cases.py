"""The sum over case timelines through the disclosure module (issue 13): persons, not
trajectories; nothing below the threshold; the incomplete count rounded. Each protection has a
positive control (switched off, the attack works)."""

from __future__ import annotations

import pytest

from proeftuin.core.monitoring.disclosure import (
    FULL,
    NONE,
    CaseSaving,
    Protection,
    persons_changed_between,
    protected_case_summary,
    savings_per_person,
)

T = 5


def _cases(savings, person_of=lambda i: i):
    return [CaseSaving(person_of(i), i, s) for i, s in enumerate(savings)]


def test_a_person_with_two_timelines_counts_once_with_the_sum_of_both():
    cases = [CaseSaving("p", 1, 100.0), CaseSaving("p", 2, 50.0), CaseSaving("q", 3, 10.0)]
    assert sorted(savings_per_person(cases)) == [10.0, 150.0]
    assert sorted(savings_per_person(cases, per_person=False)) == [10.0, 50.0, 100.0]


def test_a_person_with_one_incomplete_timeline_is_incomplete_not_partial():
    cases = [CaseSaving("p", 1, 100.0), CaseSaving("p", 2, None), CaseSaving("q", 3, 10.0)]
    assert sorted(savings_per_person(cases), key=str) == [10.0, None]


def test_five_timelines_of_two_persons_are_not_shown():
    # Three timelines of one person and two of another: 5 trajectories, 2 persons.
    cases = _cases([1_000.0] * 5, person_of=lambda i: i % 2)
    published = protected_case_summary(cases, threshold=T, confidence=0.9)
    assert published.n == 2 and published.mean is None and published.suppressed
    # Positive control: counting trajectories shows a figure about two persons.
    control = protected_case_summary(
        cases, threshold=T, confidence=0.9, protection=Protection(per_person=False)
    )
    assert control.n == 5 and control.mean == 1_000.0


def test_the_incomplete_count_is_rounded_and_the_figure_has_a_standard_error():
    cases = _cases([10.0, 20.0, 30.0, 40.0, 50.0, 60.0, None])
    published = protected_case_summary(cases, threshold=T, confidence=0.9, protection=FULL)
    assert published.n == 6 and published.incomplete == 0  # 1 rounded to base 5
    assert published.mean == pytest.approx(35.0) and published.se > 0
    assert published.low < published.mean - published.se < published.mean < published.high
    control = protected_case_summary(cases, threshold=T, confidence=0.9, protection=NONE)
    assert control.incomplete == 1


def test_differencing_two_sums_gives_one_persons_saving_unless_releases_hold_it_back():
    """The attack: read the sum, wait for one case, read again, subtract. The module's answer
    is the release rule: one changed person is too few for a new release."""
    before = _cases([10_000.0, 20_000.0, 30_000.0, 40_000.0, 50_000.0, 60_000.0])
    after = [*before, CaseSaving(99, 99, 123_456.0)]
    first = protected_case_summary(before, threshold=T, confidence=0.9)
    second = protected_case_summary(after, threshold=T, confidence=0.9)
    # Positive control: two published sums, one person apart, give that person's saving.
    assert second.total - first.total == pytest.approx(123_456.0)
    assert second.mean * second.n - first.mean * first.n == pytest.approx(123_456.0)
    digests = {str(c.person): str(c.saving) for c in before}
    changed = persons_changed_between(digests, {**digests, "99": "123456.0"})
    assert changed == 1 < T  # so no second release: the reader keeps the first sum
