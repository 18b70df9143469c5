"""Build the advisor's facts from the other core modules (funding, coalition, frameworks)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    return FundingFacts(
        has_streams=bool(streams),
        first_cliff=cliff,
        months_to_cliff=funding_core.months_until(cliff, today) if cliff else None,
        incidental_share=None if share is None else float(share),
        funding_domains=frozenset(domains),
        today=today,
    )


def coalition_facts(coverage: CoverageMatrix) -> CoalitionFacts:
    return CoalitionFacts(missing_levels=frozenset(coverage.missing_levels))


def scan_facts(summary: FrameworkSummary, assessed_on: date | None = None) -> ScanFacts:
    """The dimension outcomes and coverage of a framework summary (normally the 4+1 scan)."""
    return ScanFacts(
        outcomes={d.dimension_id: str(d.outcome) for d in summary.dimensions},
        coverage=summary.coverage,
        framework_id=summary.framework_id,
        assessed_on=assessed_on,
    )
