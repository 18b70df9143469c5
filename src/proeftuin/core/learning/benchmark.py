"""Benchmark between municipalities: the change per life domain, as a range (issue 12, item 5).

One's own projects are compared with other organisations' *published* projects that use the
same instrument. Seed 002 warns against league tables, so there is no ranking: each side is
shown as a range (the middle half of the persons' changes, 25th to 75th percentile), the
others pooled, never per municipality.

The figures pass the disclosure rules of :mod:`proeftuin.core.monitoring.disclosure`:

* persons, not trajectories: one pair per person and domain within a side
  (:func:`~proeftuin.core.monitoring.disclosure.one_pair_per_person`);
* **no project under the threshold contributes.** Two benchmark views differ when one project
  joins or leaves a side (a project is published or withdrawn, or a viewer of another
  organisation sees the pool without its own projects). If a small project could be the whole
  difference, comparing the two views would tell about its few persons. Dropping every project
  with fewer than ``threshold`` persons in the domain makes any difference between two views
  at least ``threshold`` persons, the same bar as ``persons_changed_between`` sets for releases;
* a side is shown only with at least ``threshold`` persons from at least :data:`MIN_PROJECTS`
  projects; otherwise nothing is shown for it, not even how many persons it holds;
* the person count is rounded to base 5 (:func:`~.round_to_base`) and the range to halves.

``protect=False`` switches the per-project rule off: only the attack tests use it, as their
positive control.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from proeftuin.core.monitoring import engine
from proeftuin.core.monitoring.disclosure import one_pair_per_person, round_to_base

MIN_PROJECTS = 2
#: The others' side pools at least this many organisations: with one, "the others" would be one
#: named municipality's result after all (found by a black-box attack on the demo).
MIN_ORGANISATIONS = 2
SIDE = "side"


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    persons: int  # rounded to base 5
    projects: int


def _half(value: float) -> float:
    return float(np.round(value * 2) / 2)


def side_range(
    pairs: pl.DataFrame,
    threshold: int,
    *,
    protect: bool = True,
    organisation_of: Mapping[int, int] | None = None,
    min_organisations: int = 1,
) -> Range | None:
    """The published range of one side in one domain, or None when it may not be shown.

    ``pairs`` has the pair columns of :mod:`~proeftuin.core.monitoring.engine` plus
    ``project_id`` and ``participant_id``.
    """
    if pairs.height == 0:
        return None
    complete = pairs.filter(
        pl.col(engine.BASELINE_SCORE).is_not_null() & pl.col(engine.LATEST_SCORE).is_not_null()
    )
    # Choose one pair per person first and count the persons each project then holds: a
    # project whose persons mostly count elsewhere would otherwise pass the threshold while
    # changing only a few persons' figures. Repeat until every project left holds enough.
    while True:
        people = one_pair_per_person(complete)
        if people.height == 0:
            return None
        counts = people.group_by("project_id").agg(pl.col("participant_id").n_unique().alias("n"))
        small = counts.filter(pl.col("n") < threshold)["project_id"].to_list()
        if not protect or not small:
            break
        complete = complete.filter(~pl.col("project_id").is_in(small))
    persons = people["participant_id"].n_unique()
    projects = people["project_id"].n_unique()
    if persons < threshold or projects < MIN_PROJECTS:
        return None
    if organisation_of is not None:
        contributing = {organisation_of.get(p) for p in people["project_id"].unique().to_list()}
        if len(contributing) < min_organisations:
            return None
    change = (people[engine.LATEST_SCORE] - people[engine.BASELINE_SCORE]).to_numpy()
    low, high = np.percentile(change, [25, 75])
    return Range(_half(low), _half(high), round_to_base(persons), projects)


@dataclass(frozen=True)
class DomainBenchmark:
    domain: str
    own: Range | None
    others: Range | None


def benchmark(
    own: pl.DataFrame,
    others: pl.DataFrame,
    domains: Iterable[str],
    threshold: int,
    *,
    protect: bool = True,
    organisation_of: Mapping[int, int] | None = None,
) -> list[DomainBenchmark]:
    """Per domain (in the given order): the own side's range beside the others'.

    With ``organisation_of`` (project → owning organisation) the others' side is shown only
    when its projects come from at least :data:`MIN_ORGANISATIONS` organisations."""
    out = []
    for domain in domains:
        mine = own.filter(pl.col(engine.DOMAIN) == domain) if own.height else own
        theirs = others.filter(pl.col(engine.DOMAIN) == domain) if others.height else others
        out.append(
            DomainBenchmark(
                domain,
                side_range(mine, threshold, protect=protect),
                side_range(
                    theirs,
                    threshold,
                    protect=protect,
                    organisation_of=organisation_of,
                    min_organisations=MIN_ORGANISATIONS,
                ),
            )
        )
    return out


def frame(rows: Iterable[Mapping]) -> pl.DataFrame:
    """Pairs as a frame (tests and the Django layer build their rows the same way)."""
    schema = {
        "project_id": pl.Int64,
        "participant_id": pl.Int64,
        engine.TRAJECTORY: pl.Int64,
        engine.DOMAIN: pl.String,
        engine.BASELINE_ON: pl.Date,
        engine.BASELINE_SCORE: pl.Int64,
        engine.LATEST_SCORE: pl.Int64,
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row")
