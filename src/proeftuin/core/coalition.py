"""Coalition coverage at the four levels of backing.

Seed 004 §3.1 (characteristic 3, the strategic coalition) holds that a pilot survives only with
backing at four levels: delivery (*uitvoerend*), management, civil service (*ambtelijk*) and
political (*bestuurlijk*). The matrix shows organisations × levels so a missing level stands out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

BACKING_LEVELS: tuple[str, ...] = ("uitvoerend", "management", "ambtelijk", "bestuurlijk")


@dataclass(frozen=True, slots=True)
class Backing:
    """One coalition member's backing: who, at which level, and for how long."""

    organisation: str
    level: str
    person: str = ""
    since: date | None = None
    until: date | None = None

    def active_on(self, day: date) -> bool:
        """Whether this backing holds on ``day`` (open ends count as holding)."""
        return (self.since is None or self.since <= day) and (
            self.until is None or self.until >= day
        )


@dataclass(slots=True)
class CoverageMatrix:
    """Organisations × levels, with the people behind each cell, and the levels nobody covers."""

    levels: tuple[str, ...]
    rows: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def missing_levels(self) -> list[str]:
        """Levels with no active backing from any organisation."""
        return [lvl for lvl in self.levels if not any(row[lvl] for row in self.rows.values())]

    @property
    def covered_count(self) -> int:
        return len(self.levels) - len(self.missing_levels)


def coverage(backings: Iterable[Backing], today: date) -> CoverageMatrix:
    """Build the matrix from the backings active today; ended ones do not count.

    Staff turnover is a risk the seeds name (004 §3.1): a level backed only by someone whose
    ``until`` has passed is shown as missing.
    """
    matrix = CoverageMatrix(levels=BACKING_LEVELS)
    for backing in backings:
        if backing.level not in BACKING_LEVELS:
            raise ValueError(f"unknown level of backing: {backing.level!r}")
        row = matrix.rows.setdefault(backing.organisation, {lvl: [] for lvl in BACKING_LEVELS})
        if backing.active_on(today):
            row[backing.level].append(backing.person or "✓")
    return matrix
