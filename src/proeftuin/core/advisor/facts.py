"""Build the advisor's facts from the other core modules (funding, coalition, frameworks)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from proeftuin.core import funding as funding_core
from proeftuin.core.coalition import CoverageMatrix
from proeftuin.core.frameworks import FrameworkSummary

from .model import CoalitionFacts, FundingFacts, ScanFacts


def first_cliff(streams: Iterable[funding_core.Stream], today: date) -> date | None:
    """The first end date of incidental money still ahead (today counts), whatever the horizon."""
    ends = [s.end for s in streams if not s.structural and s.end is not None and s.end >= today]
    return min(ends, default=None)


def funding_facts(
    streams: Sequence[funding_core.Stream], today: date, domains: Iterable[str] = ()
) -> FundingFacts:
    """Facts about the money; ``domains`` are the policy domains that pay for the project now."""
    cliff = first_cliff(streams, today)
    share = funding_core.incidental_share(streams, today)
    kinds = {s.payer_kind for s in funding_core.running(streams, today) if s.payer_kind}
    payer_shares = {
        kind: funding_core.share_of_current_money(
            streams, today, lambda s, k=kind: s.payer_kind == k
        )
        for kind in sorted(kinds)
    }
    return FundingFacts(
        has_streams=bool(streams),
        first_cliff=cliff,
        months_to_cliff=funding_core.months_until(cliff, today) if cliff else None,
        incidental_share=None if share is None else float(share),
        funding_domains=frozenset(domains),
        today=today,
        earned_share=funding_core.share_of_current_money(streams, today, lambda s: s.earned),
        payer_shares={k: v for k, v in payer_shares.items() if v is not None},
    )


def coalition_facts(coverage: CoverageMatrix) -> CoalitionFacts:
    return CoalitionFacts(missing_levels=frozenset(coverage.missing_levels))


def typical_level(counts: Mapping[str, int]) -> str | None:
    """The lower median level of a dimension's rated indicators (``counts`` in scale order)."""
    rated = sum(counts.values())
    if rated == 0:
        return None
    middle = (rated + 1) // 2  # the lower of the two middle ones for an even count
    seen = 0
    for code, count in counts.items():
        seen += count
        if seen >= middle:
            return code
    return None  # pragma: no cover - the counts add up to ``rated``


def scan_facts(summary: FrameworkSummary, assessed_on: date | None = None) -> ScanFacts:
    """The dimension outcomes, typical levels and coverage of a framework summary (the 4+1)."""
    levels = {d.dimension_id: typical_level(d.counts) for d in summary.dimensions}
    return ScanFacts(
        outcomes={d.dimension_id: str(d.outcome) for d in summary.dimensions},
        coverage=summary.coverage,
        framework_id=summary.framework_id,
        assessed_on=assessed_on,
        levels={k: v for k, v in levels.items() if v is not None},
    )
