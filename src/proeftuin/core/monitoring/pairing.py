"""Which two measurements make a pair: the pair definition (issue 10, item 2).

Seed 004 §2.3 asks for a baseline per life domain, compared with the end. Pairing the first known
score with the latest known one, whatever the moment, let a pair start or end at an interim
measurement (in one data set 7.5 % of the pairs started at one and 20 % ended at one), so the
"change" then covered an unknown part of the trajectory.

- :attr:`PairDefinition.BASELINE_END` (the default): the score at the *baseline* moment against
  the score at the *end* moment. A person lacking either is not paired; an interim measurement
  is never an endpoint. With several measurements at one moment, the earliest known baseline
  score and the latest known end score count.
- :attr:`PairDefinition.FIRST_LATEST`: the first known score against the latest known one,
  whatever the moment (what the pairs table did before; an option, named as such).

The output has the same columns as :func:`analytics.pairs_from_measurements`; ``baseline_*`` is
the start of the pair and ``latest_*`` its end, whatever the definition.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import polars as pl

from proeftuin.core.monitoring import engine

MOMENT = "moment"
BASELINE_MOMENT = "baseline"
INTERIM_MOMENT = "interim"
END_MOMENT = "end"


class PairDefinition(StrEnum):
    """How a pair is formed; stored per project (the code is the stored value)."""

    BASELINE_END = "baseline_end"
    FIRST_LATEST = "first_latest"


DEFAULT_PAIR_DEFINITION = PairDefinition.BASELINE_END

#: Short names for screens, exports and the API (Dutch source; the app translates them).
LABELS = {
    PairDefinition.BASELINE_END: "nulmeting → eindmeting",
    PairDefinition.FIRST_LATEST: "eerste → laatste meting",
}
#: What the two ends of a pair are called under each definition.
ENDPOINT_NAMES = {
    PairDefinition.BASELINE_END: ("nulmeting", "eindmeting"),
    PairDefinition.FIRST_LATEST: ("eerste meting", "laatste meting"),
}


def parse_definition(value: Any) -> PairDefinition:
    """The definition for a stored code; ``ValueError`` for an unknown one."""
    return PairDefinition(str(value))


def pairs_by_definition(
    measurements: Any, trajectories: Any, definition: PairDefinition | str
) -> pl.DataFrame:
    """The pairs table of these measurements under ``definition``.

    For :attr:`PairDefinition.BASELINE_END` the measurements need a ``moment`` column
    (``baseline`` / ``interim`` / ``end``). Every (trajectory, domain) that has a measurement
    gets a row, as under first → latest; a row without both ends has no ``latest_*``, and one
    without a baseline has neither.
    """
    definition = parse_definition(definition)
    m = engine.to_frame(measurements)
    if definition is PairDefinition.FIRST_LATEST:
        return engine.derive_pairs(m.drop(MOMENT, strict=False), trajectories)
    if MOMENT not in m.columns:
        raise ValueError("pairing baseline → end needs a 'moment' column")
    t = engine.to_frame(trajectories)
    base = engine.derive_pairs(
        m.filter(pl.col(MOMENT) == BASELINE_MOMENT).drop(MOMENT), t.select(engine.TRAJECTORY)
    )
    end = engine.derive_pairs(
        m.filter(pl.col(MOMENT) == END_MOMENT).drop(MOMENT), t.select(engine.TRAJECTORY)
    )
    key = [engine.TRAJECTORY, engine.DOMAIN]
    # derive_pairs leaves latest_* empty when one score is known: then that one is the latest.
    end = end.select(
        *key,
        pl.coalesce(engine.LATEST_ON, engine.BASELINE_ON).alias("__end_on"),
        pl.coalesce(engine.LATEST_SCORE, engine.BASELINE_SCORE).alias("__end_score"),
    )
    base = base.select(*key, engine.BASELINE_ON, engine.BASELINE_SCORE)
    every = engine.derive_pairs(m.drop(MOMENT), t)
    attributes = every.drop(engine.PAIR_VALUE_COLUMNS)
    complete = pl.col(engine.BASELINE_SCORE).is_not_null() & pl.col("__end_score").is_not_null()
    out = (
        attributes.join(base, on=key, how="left", maintain_order="left")
        .join(end, on=key, how="left", maintain_order="left")
        .with_columns(
            pl.when(complete).then(pl.col("__end_on")).alias(engine.LATEST_ON),
            pl.when(complete).then(pl.col("__end_score")).alias(engine.LATEST_SCORE),
        )
        .drop("__end_on", "__end_score")
    )
    return out.select(every.columns).cast(every.schema)
