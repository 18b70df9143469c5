"""Which plan actions a reminder names, and for whom: pure, so the rules are tested on their own.

An action is in a reminder when it still asks for work (open or busy), has an owner with an
account, and is due within ``days`` days from today or is overdue. Each owner gets one message a
day with all of their actions, the overdue ones first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class ActionDue:
    action_id: int
    owner_id: int
    due: date
    text: str
    project: str
    project_id: int
    #: A partner's action goes to its creator, else to the projectleiders (``owner_id``); the
    #: partner's name says whose it is.
    partner: str = ""


@dataclass(frozen=True)
class Reminder:
    owner_id: int
    overdue: tuple[ActionDue, ...]
    due_soon: tuple[ActionDue, ...]

    @property
    def action_ids(self) -> list[int]:
        return [a.action_id for a in (*self.overdue, *self.due_soon)]


def reminders(items: Iterable[ActionDue], today: date, days: int) -> list[Reminder]:
    """One reminder per owner with anything overdue or due within ``days`` days (inclusive)."""
    horizon = today + timedelta(days=max(days, 0))
    per_owner: dict[int, list[ActionDue]] = defaultdict(list)
    for item in items:
        if item.due <= horizon:
            per_owner[item.owner_id].append(item)
    result = []
    for owner_id in sorted(per_owner):
        mine = sorted(per_owner[owner_id], key=lambda a: (a.due, a.project, a.action_id))
        result.append(
            Reminder(
                owner_id,
                overdue=tuple(a for a in mine if a.due < today),
                due_soon=tuple(a for a in mine if a.due >= today),
            )
        )
    return result
