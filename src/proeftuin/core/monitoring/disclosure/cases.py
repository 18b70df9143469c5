"""The sum over case timelines as published: persons, not trajectories, and no small counts.

A case timeline belongs to a trajectory, and one person can have several. The saving of a person
is the sum over their timelines (reference "zonder aanpak" minus the actual help); a person with
any incomplete timeline (a lane or a price missing) has no saving and is counted as incomplete,
never as zero. The threshold counts persons; the number of incomplete persons is a small count
beside the figure and is published rounded to base 5 (like ``n_unpaired``).

Differencing across time (read the sum, wait for one case, read it again) is stopped where every
published figure is stopped: roles without participant-level access read the sum from a release,
and a new release needs at least the threshold in persons changed (``persons_changed_between``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace

from proeftuin.core.cases.costing import Summary, summarise
from proeftuin.core.monitoring.disclosure.rules import FULL, Protection, round_to_base
from proeftuin.core.monitoring.suppression import check_threshold


@dataclass(frozen=True, slots=True)
class CaseSaving:
    """One trajectory's timeline: whose it is and what it saved (``None``: incomplete)."""

    person: Hashable
    trajectory: Hashable
    saving: float | None


def savings_per_person(
    cases: Iterable[CaseSaving], *, per_person: bool = True
) -> list[float | None]:
    """One saving per person (the sum of their timelines; ``None`` if any is incomplete).

    ``per_person=False`` is the attack tests' positive control: one saving per trajectory.
    """
    if not per_person:
        return [case.saving for case in cases]
    by_person: dict[Hashable, float | None] = {}
    for case in cases:
        if case.person in by_person and by_person[case.person] is None:
            continue
        if case.saving is None:
            by_person[case.person] = None
        else:
            by_person[case.person] = (by_person.get(case.person) or 0.0) + float(case.saving)
    return list(by_person.values())


def protected_case_summary(
    cases: Iterable[CaseSaving],
    *,
    threshold: int,
    confidence: float,
    protection: Protection = FULL,
) -> Summary:
    """The mean saving per person with its interval, over ``n`` persons, as published.

    Nothing below ``threshold`` persons; the count of incomplete persons rounded to base 5.
    """
    threshold = check_threshold(threshold)
    savings = savings_per_person(cases, per_person=protection.per_person)
    summary = summarise(savings, threshold=threshold, confidence=confidence)
    if protection.rounding:
        summary = replace(summary, incomplete=round_to_base(summary.incomplete))
    return summary
