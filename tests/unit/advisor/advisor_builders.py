"""Builders for the advisor tests: facts in one call, and the PAK-like profile of 004 ch.2."""

from __future__ import annotations

from datetime import date

from proeftuin.core.advisor import (
    AdvisorInput,
    CoalitionFacts,
    FundingFacts,
    ScanFacts,
)
from proeftuin.core.funding import add_months

TODAY = date(2026, 3, 15)
DIMENSIONS = (
    "effective_approach",
    "measuring",
    "strategic_coalition",
    "entrepreneurship",
    "sustainability",
)


def facts(
    *,
    outcomes: dict[str, str] | None = None,
    scan: bool = True,
    coverage: float = 1.0,
    months: int | None = 18,
    share: float | None = 0.5,
    has_streams: bool = True,
    domains: frozenset[str] = frozenset({"wmo"}),
    missing: frozenset[str] = frozenset(),
    coalition: bool = True,
    benefits: dict[str, float] | None = None,
    today: date = TODAY,
) -> AdvisorInput:
    """A project with every dimension present, money for 18 months, half of it incidental."""
    all_present = dict.fromkeys(DIMENSIONS, "present")
    return AdvisorInput(
        scan=ScanFacts({**all_present, **(outcomes or {})}, coverage=coverage) if scan else None,
        funding=FundingFacts(
            has_streams=has_streams,
            first_cliff=add_months(today, months) if months is not None else None,
            months_to_cliff=months,
            incidental_share=share,
            funding_domains=domains,
        ),
        coalition=CoalitionFacts(missing) if coalition else None,
        benefits=benefits,
    )


def pak(months: int = 6, today: date = TODAY) -> AdvisorInput:
    """PAK (004 ch.2): strong on method, coalition and entrepreneurship; measuring is weak.

    The money ends in ``months`` months and is all incidental; backing at all four levels.
    """
    return facts(
        outcomes={"measuring": "not_present", "sustainability": "not_present"},
        months=months,
        share=1.0,
        today=today,
    )
