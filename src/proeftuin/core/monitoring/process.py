"""Tel en vertel: the neighbourhood-team process indicators of seed 003 §2.9 (inflow, outflow,
durations, waiting times and three shares per group and period), each figure suppressed on its own
n. Re-exported by :mod:`proeftuin.core.monitoring.analytics`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from proeftuin.core.monitoring import engine
from proeftuin.core.monitoring.engine import PERIOD
from proeftuin.core.monitoring.suppression import DEFAULT_THRESHOLD, check_threshold

PLANNED_REASONS = ("according_to_plan", "by_agreement")


# --- neighbourhood-team process indicators (seed 003 §2.9) --------------------------------------


@dataclass(frozen=True, slots=True)
class ProcessRow:
    """Process indicators for one group and period; a suppressed figure is ``None``.

    - ``inflow`` / ``outflow``: trajectories started / ended in the period;
    - durations (days) describe the trajectories ended in the period; waiting times (registration
      to start, days) those started in it;
    - ``share_without_help``: of the ended trajectories with an answer, the share who say they can
      continue without help; ``share_closed_as_planned``: of the ended trajectories with a known
      reason, the share closed according to plan or by agreement; ``share_referred``: of the ended
      trajectories with an answer, the share referred to supplementary care.

    Each figure is shown only when the number it is computed over (its ``n_*``, or the count
    itself) reaches the threshold; ``suppressed`` is true when any figure was removed.
    """

    key: Mapping[str, Any]
    period: date
    suppressed: bool
    inflow: int | None
    outflow: int | None
    mean_duration_days: float | None
    median_duration_days: float | None
    n_waiting: int | None
    mean_waiting_days: float | None
    median_waiting_days: float | None
    n_help_known: int | None
    share_without_help: float | None
    n_reason_known: int | None
    share_closed_as_planned: float | None
    n_referral_known: int | None
    share_referred: float | None


@dataclass(frozen=True, slots=True)
class ProcessReport:
    by: tuple[str, ...]
    every: str
    threshold: int
    rows: tuple[ProcessRow, ...]

    def records(self) -> list[dict[str, Any]]:
        out = []
        for row in self.rows:
            fields = asdict(row)
            flat = dict(fields.pop("key"))
            flat.update(fields)
            out.append(flat)
        return out


def process_indicators(
    trajectories: Any,
    by: Sequence[str] = ("neighbourhood",),
    *,
    every: str = "quarter",
    threshold: int = DEFAULT_THRESHOLD,
    planned_reasons: Collection[str] = PLANNED_REASONS,
    start: date | None = None,
    end: date | None = None,
) -> ProcessReport:
    """Seed 003 §2.9 indicators per group of ``by`` and per month, quarter or year.

    ``trajectories`` has ``started_on`` and ``ended_on`` (null while running), the ``by``
    columns, and optionally ``end_reason`` (text), ``registered_on`` (date, for waiting times),
    ``continues_without_help`` and ``referred`` (booleans, null for unknown). Periods run from
    ``start`` (default: the first inflow) to ``end`` (default: the last inflow or outflow).
    """
    threshold = check_threshold(threshold)
    frame = engine.process_counts(
        trajectories, by, every=every, planned_reasons=planned_reasons, start=start, end=end
    )
    rows = tuple(_process_row(record, by, threshold) for record in frame.to_dicts())
    return ProcessReport(by=tuple(by), every=every, threshold=threshold, rows=rows)


_SHARES = (
    # figure, its denominator, the numerator column
    ("share_without_help", "n_help_known", "n_without_help"),
    ("share_closed_as_planned", "n_reason_known", "n_planned"),
    ("share_referred", "n_referral_known", "n_referred"),
)


def _process_row(record: Mapping[str, Any], by: Sequence[str], threshold: int) -> ProcessRow:
    """Suppress each figure whose own n is below the threshold."""
    figures: dict[str, Any] = {}
    removed = False

    def put(name: str, value: Any, n: int | None) -> None:
        nonlocal removed
        visible = n is not None and n >= threshold
        removed = removed or (n is not None and not visible)
        figures[name] = value if visible else None

    inflow, outflow = record["inflow"], record["outflow"]
    put("inflow", inflow, inflow)
    put("outflow", outflow, outflow)
    put("mean_duration_days", record["mean_duration_days"], outflow)
    put("median_duration_days", record["median_duration_days"], outflow)
    n_waiting = record.get("n_waiting")
    put("n_waiting", n_waiting, n_waiting)
    put("mean_waiting_days", record.get("mean_waiting_days"), n_waiting)
    put("median_waiting_days", record.get("median_waiting_days"), n_waiting)
    for figure, known, hits in _SHARES:
        k = record.get(known)
        put(known, k, k)
        put(figure, record[hits] / k if k else None, k)
    return ProcessRow(
        key={name: record[name] for name in by},
        period=record[PERIOD],
        suppressed=removed,
        **figures,
    )
