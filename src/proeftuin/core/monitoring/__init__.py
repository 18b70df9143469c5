"""Tel en vertel: the monitoring analytics (the *tel*) as a pure core, with no Django.

Modules:

- ``analytics``: the public API: maintain the pairs table (``pairs_from_measurements``,
  ``upsert_pairs``, ``refresh_pairs``) and report on it (``effect_report``, ``burden_report``,
  ``process_indicators``);
- ``process``: the neighbourhood-team process indicators (re-exported by ``analytics``);
- ``pairing``: the pair definition (baseline → end by moment, or first → latest known);
- ``stats``: Student's t quantiles without SciPy and paired-t figures from integer sums;
- ``suppression``: the small-cell threshold (default 10, never below 5);
- ``engine``: the columnar work (Polars frames, NumPy kernels). Only this module imports Polars.

Tables go in as Polars frames, lazy frames (a Parquet scan), mappings of columns or lists of
records; the pairs table comes back as a Polars frame and reports as frozen dataclasses with a
``records()`` method for exports and the API.
"""

from proeftuin.core.monitoring.analytics import (
    BURDEN_VARIABLES,
    PLANNED_REASONS,
    EffectReport,
    GroupEffect,
    ProcessReport,
    ProcessRow,
    burden_measurements,
    burden_report,
    effect_report,
    pairs_from_measurements,
    process_indicators,
    records,
    refresh_pairs,
    upsert_pairs,
    with_period,
)
from proeftuin.core.monitoring.pairing import (
    DEFAULT_PAIR_DEFINITION,
    PairDefinition,
    pairs_by_definition,
)
from proeftuin.core.monitoring.stats import paired_summary, t_quantile
from proeftuin.core.monitoring.suppression import (
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    check_threshold,
)

__all__ = [
    "BURDEN_VARIABLES",
    "DEFAULT_PAIR_DEFINITION",
    "DEFAULT_THRESHOLD",
    "MIN_THRESHOLD",
    "PLANNED_REASONS",
    "EffectReport",
    "PairDefinition",
    "GroupEffect",
    "ProcessReport",
    "ProcessRow",
    "burden_measurements",
    "burden_report",
    "check_threshold",
    "effect_report",
    "paired_summary",
    "pairs_by_definition",
    "pairs_from_measurements",
    "process_indicators",
    "records",
    "refresh_pairs",
    "t_quantile",
    "upsert_pairs",
    "with_period",
]
