"""Reading assessments for other capabilities and for the views: frameworks, combined ratings,
summaries, and the latest profile of a project.

Other apps call :func:`latest_summary` (the +1 advisor reads the 4+1 scan with it).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from proeftuin.core.frameworks import (
    Framework,
    FrameworkLoadError,
    FrameworkSummary,
    get_frameworks,
    load_frameworks,
)
from proeftuin.core.frameworks import combining as logic

from .models import Assessment, Rating

logger = logging.getLogger(__name__)


def frameworks() -> dict[str, Framework]:
    """The loaded frameworks by id. A broken installation file never breaks a page: it is
    logged and the shipped frameworks are used (a broken shipped file fails the tests)."""
    try:
        return get_frameworks()
    except FrameworkLoadError:
        logger.exception("Installation frameworks could not be loaded; using the shipped ones")
        return load_frameworks(extra_dirs=[])


def get_framework(framework_id: str) -> Framework | None:
    return frameworks().get(framework_id)


def values_by_indicator(ratings: Iterable[Rating]) -> dict[str, list[str | None]]:
    values: dict[str, list[str | None]] = defaultdict(list)
    for rating in ratings:
        values[rating.indicator_id].append(rating.value or None)
    return values


def combined_ratings(
    assessment: Assessment, framework: Framework | None = None
) -> dict[str, logic.Combined] | None:
    """The raters' ratings per indicator, combined (median of known ratings; see ``logic``).

    ``None`` when the assessment's framework is no longer installed.
    """
    framework = framework or get_framework(assessment.framework_id)
    if framework is None:
        return None
    return logic.combine_all(framework, values_by_indicator(assessment.ratings.all()))


def summary_for(
    assessment: Assessment, framework: Framework | None = None
) -> FrameworkSummary | None:
    """The dimension summaries of an assessment on the combined ratings."""
    framework = framework or get_framework(assessment.framework_id)
    combined = combined_ratings(assessment, framework)
    if combined is None:
        return None
    return logic.summarize_combined(framework, combined)


def latest_assessment(project, framework_id: str) -> Assessment | None:
    """The latest finalised assessment of the project on the framework, else the latest open."""
    assessments = project.assessments.filter(framework_id=framework_id)
    finalised = assessments.filter(status=Assessment.Status.FINALISED).order_by(
        "-finalised_at", "-pk"
    )
    return finalised.first() or assessments.order_by("-created_at", "-pk").first()


def latest_summary(project, framework_id: str) -> tuple[Assessment, FrameworkSummary] | None:
    """The project's latest profile on a framework: ``(assessment, summary)``, or ``None``.

    Prefers the latest finalised assessment; without one, the latest open assessment (check
    ``assessment.is_finalised`` to tell a provisional profile). ``None`` when the project has no
    assessment on the framework or the framework is not installed. The summary combines several
    raters with the median of their known ratings (:mod:`proeftuin.core.frameworks.combining`).
    """
    assessment = latest_assessment(project, framework_id)
    if assessment is None:
        return None
    summary = summary_for(assessment)
    if summary is None:
        return None
    return assessment, summary


def previous_for(project, framework_id: str, exclude_pk: int | None = None) -> Assessment | None:
    """The scan a new assessment is compared with: the latest finalised one, else the latest."""
    assessments = project.assessments.filter(framework_id=framework_id)
    if exclude_pk is not None:
        assessments = assessments.exclude(pk=exclude_pk)
    finalised = assessments.filter(status=Assessment.Status.FINALISED).order_by(
        "-finalised_at", "-pk"
    )
    return finalised.first() or assessments.order_by("-created_at", "-pk").first()
