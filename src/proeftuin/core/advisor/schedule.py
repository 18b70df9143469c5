"""Default due dates for adopted plan actions, spread out instead of all on one day.

A rule gives its actions one term ("within N months", never after the decision deadline), so
the nine actions of one advice used to share a single date. People cannot do nine things on one
day; the plan then says nothing about the order. Here the actions that share a date keep their
order (priority, then their place in the rule) and are spread evenly between today and that
date: the last keeps the date, none moves later, none is set before today. They stay editable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta


def spread_due_dates(dues: Sequence[date | None], today: date) -> list[date | None]:
    """For actions in advice order with ``dues``, the spread dates (``None`` stays ``None``).

    Of ``n`` actions sharing date ``D`` after ``today``, the ``i``-th (from 1) is due
    ``today + ceil(i × (D − today) / n)`` days. A date on or before today is kept as it is:
    such an action is overdue already, and spreading cannot help.
    """
    groups: dict[date, list[int]] = defaultdict(list)
    for index, due in enumerate(dues):
        if due is not None and due > today:
            groups[due].append(index)
    spread: list[date | None] = list(dues)
    for due, indices in groups.items():
        span = (due - today).days
        n = len(indices)
        for rank, index in enumerate(indices, start=1):
            spread[index] = today + timedelta(days=-(-rank * span // n))
    return spread
