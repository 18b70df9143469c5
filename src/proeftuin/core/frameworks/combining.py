"""Several raters, one summary; and what changed since the previous scan. Pure: no Django.

**Combining raters.** Each rater rates each indicator on their own. For the dimension summaries
(:func:`proeftuin.core.frameworks.summarize`) the ratings of one indicator are combined into one:

* the **median of the known ratings** (the ratings that are a level of the scale); with an even
  number the *lower* median, so that a combined rating never claims more than half of the raters
  support;
* *onbekend* only when **every** rater who answered said *onbekend*: one rater's "I don't know"
  does not wipe out a colleague's informed rating, and an unknown is never counted as zero;
* not rated (``None``) when nobody chose a level or *onbekend* yet.

**Disagreement** is flagged when the known ratings are two or more levels apart, or when some
raters gave a level and others said *onbekend*.

**Comparing scans** looks at the combined rating per indicator (how many levels up or down, or a
change to or from *onbekend*, which is not a number of levels) and at each dimension's outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from proeftuin.core.frameworks import (
    UNKNOWN,
    Framework,
    FrameworkSummary,
    Outcome,
    Scale,
    summarize,
)

#: Known ratings at least this many levels apart count as disagreement.
DISAGREEMENT_SPREAD = 2


@dataclass(frozen=True, slots=True)
class Combined:
    """The raters' ratings of one indicator, combined."""

    value: str | None
    #: The scale levels the raters gave, lowest first.
    known: tuple[str, ...]
    unknown: int
    #: Max minus min rank of the known ratings (0 with fewer than two).
    spread: int

    @property
    def answered(self) -> int:
        return len(self.known) + self.unknown

    @property
    def mixed(self) -> bool:
        """Some raters gave a level, others said *onbekend*."""
        return bool(self.known) and self.unknown > 0

    @property
    def disagreement(self) -> bool:
        return self.spread >= DISAGREEMENT_SPREAD or self.mixed


def combine(scale: Scale, values: Iterable[str | None]) -> Combined:
    """Combine one indicator's ratings by several raters (see the module docstring).

    Values that are neither a level nor *onbekend* (empty, or left over from an older version of
    the framework) count as not answered.
    """
    ranks = []
    unknown = 0
    for value in values:
        if value == UNKNOWN:
            unknown += 1
        elif scale.is_level(value):
            ranks.append(scale.rank(value))
    ranks.sort()
    known = tuple(scale.levels[r].code for r in ranks)
    if ranks:
        value = scale.levels[ranks[(len(ranks) - 1) // 2]].code
    elif unknown:
        value = UNKNOWN
    else:
        value = None
    spread = ranks[-1] - ranks[0] if len(ranks) > 1 else 0
    return Combined(value=value, known=known, unknown=unknown, spread=spread)


def combine_all(
    framework: Framework, values_by_indicator: Mapping[str, Iterable[str | None]]
) -> dict[str, Combined]:
    """Every indicator of the framework (in file order), combined; unrated ones included."""
    return {
        indicator_id: combine(framework.scale, values_by_indicator.get(indicator_id, ()))
        for indicator_id in framework.indicator_ids
    }


def summary_ratings(combined: Mapping[str, Combined]) -> dict[str, str | None]:
    """The combined values in the shape :func:`summarize` takes."""
    return {indicator_id: c.value for indicator_id, c in combined.items()}


def summarize_combined(framework: Framework, combined: Mapping[str, Combined]) -> FrameworkSummary:
    return summarize(framework, summary_ratings(combined))


# --- comparing two scans -------------------------------------------------------------------------


class Change(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    NOW_UNKNOWN = "now_unknown"  # was a level, now onbekend
    NOW_KNOWN = "now_known"  # was onbekend, now a level
    STILL_UNKNOWN = "still_unknown"
    NEWLY_RATED = "newly_rated"  # not rated before
    NO_LONGER_RATED = "no_longer_rated"
    NOT_RATED = "not_rated"  # in neither scan


@dataclass(frozen=True, slots=True)
class IndicatorChange:
    indicator_id: str
    before: str | None
    after: str | None
    change: Change
    #: Levels up (positive) or down (negative); ``None`` when *onbekend* or no rating is involved.
    steps: int | None


@dataclass(frozen=True, slots=True)
class DimensionChange:
    dimension_id: str
    before: Outcome
    after: Outcome
    before_coverage: str
    after_coverage: str

    @property
    def changed(self) -> bool:
        return self.before is not self.after


@dataclass(frozen=True, slots=True)
class Comparison:
    dimensions: tuple[DimensionChange, ...]
    indicators: tuple[IndicatorChange, ...]

    def for_dimension(self, framework: Framework, dimension_id: str) -> list[IndicatorChange]:
        wanted = set(framework.dimension(dimension_id).indicator_ids)
        return [c for c in self.indicators if c.indicator_id in wanted]


def indicator_change(
    scale: Scale, before: str | None, after: str | None
) -> tuple[Change, int | None]:
    b_level, a_level = scale.is_level(before), scale.is_level(after)
    if b_level and a_level:
        steps = scale.rank(after) - scale.rank(before)  # type: ignore[arg-type]
        return (Change.UP if steps > 0 else Change.DOWN if steps < 0 else Change.SAME), steps
    if before is None and after is None:
        return Change.NOT_RATED, None
    if before is None:
        return Change.NEWLY_RATED, None
    if after is None:
        return Change.NO_LONGER_RATED, None
    if b_level:
        return Change.NOW_UNKNOWN, None
    if a_level:
        return Change.NOW_KNOWN, None
    return Change.STILL_UNKNOWN, None


def compare(
    framework: Framework,
    before: Mapping[str, Combined],
    after: Mapping[str, Combined],
) -> Comparison:
    """Compare two scans on the (current) framework: outcome per dimension, level per indicator.

    Indicators the framework no longer has are left out; values no longer on its scale count as
    not rated (see :func:`combine`).
    """
    empty = Combined(value=None, known=(), unknown=0, spread=0)
    before_values = {i: before.get(i, empty).value for i in framework.indicator_ids}
    after_values = {i: after.get(i, empty).value for i in framework.indicator_ids}
    before_summary = summarize(framework, before_values)
    after_summary = summarize(framework, after_values)
    dimensions = tuple(
        DimensionChange(
            dimension_id=b.dimension_id,
            before=b.outcome,
            after=a.outcome,
            before_coverage=b.coverage_text,
            after_coverage=a.coverage_text,
        )
        for b, a in zip(before_summary.dimensions, after_summary.dimensions, strict=True)
    )
    indicators = []
    for indicator_id in framework.indicator_ids:
        change, steps = indicator_change(
            framework.scale, before_values[indicator_id], after_values[indicator_id]
        )
        indicators.append(
            IndicatorChange(
                indicator_id=indicator_id,
                before=before_values[indicator_id],
                after=after_values[indicator_id],
                change=change,
                steps=steps,
            )
        )
    return Comparison(dimensions=dimensions, indicators=tuple(indicators))
