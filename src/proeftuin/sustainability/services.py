"""Glue between the project's rows and the +1 advisor core; adopting advice into the plan.

The views and the report call :func:`project_advice`; the computing happens in
:mod:`proeftuin.core.advisor`. The 4+1 scan comes from the assessments app
(``proeftuin.assessments.services.latest_summary``), imported lazily: without it (or without a
scan) the advisor works on the money and the coalition, and says the scan is missing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from proeftuin.core.advisor import (
    Advice,
    AdvisorInput,
    AdvisorRulesError,
    advise,
    coalition_facts,
    funding_facts,
    load_ruleset,
    scan_facts,
)
from proeftuin.core.advisor.schedule import spread_due_dates
from proeftuin.core.frameworks import (
    Framework,
    FrameworkLoadError,
    FrameworkSummary,
    get_frameworks,
    load_frameworks,
)
from proeftuin.portfolio.registry import PartnerOrganisation

from .models import ContinuationPlan, PlanAction

logger = logging.getLogger(__name__)

FRAMEWORK_ID = "four_plus_one"


@dataclass(frozen=True)
class ProjectAdvice:
    """The advice for a project, with what it was based on."""

    advice: Advice
    framework: Framework
    facts: AdvisorInput
    #: The assessment the scan facts came from (None: no scan yet).
    assessment: object | None
    summary: FrameworkSummary | None


def latest_scan(project):
    """``(assessment, summary)`` of the project's latest 4+1 scan, or None (no scan, or no app)."""
    try:
        from proeftuin.assessments.services import latest_summary
    except ImportError:
        return None
    return latest_summary(project, FRAMEWORK_ID)


def _scan_date(assessment) -> date | None:
    for name in ("finalised_at", "created_at"):
        value = getattr(assessment, name, None)
        if value is not None:
            return timezone.localdate(value) if hasattr(value, "tzinfo") else value
    return None


def _by_domain(pairs: dict[tuple[str, str], float] | None) -> dict[str, float] | None:
    if not pairs:
        return None
    landing: dict[str, float] = {}
    for (_party, domain), weight in pairs.items():
        landing[domain] = landing.get(domain, 0.0) + weight
    return landing


def benefit_pairs(project) -> tuple[dict[tuple[str, str], float] | None, str]:
    """(party, domain) → weight of the benefits and the basis, from the valuation capability."""
    from proeftuin.valuation.services import benefit_pairs as pairs

    return pairs(project)


def ledger_facts(project, today: date) -> tuple:
    """The *nieuw voor oud* entries (004 §5.4.4) that fund the project from ``today`` or before."""
    from proeftuin.core.advisor.model import LedgerFact

    entries = project.new_for_old_entries.filter(since__lte=today).select_related("municipality")
    return tuple(
        LedgerFact(e.budget_line, e.municipality.name, e.amount_per_year, e.since)
        for e in entries.order_by("since", "pk")
    )


def advisor_input(project, today: date) -> tuple[AdvisorInput, object | None, object | None]:
    """The facts about ``project`` on ``today``, plus the assessment and summary behind them."""
    streams = list(project.funding_streams.select_related("funder"))
    running_domains = {
        s.policy_domain
        for s in streams
        if s.start_date <= today and (s.end_date is None or s.end_date >= today)
    }
    scan = latest_scan(project)
    assessment, summary = scan if scan else (None, None)
    payers = frozenset(
        s.funder.name
        for s in streams
        if s.start_date <= today and (s.end_date is None or s.end_date >= today)
    )
    funding = funding_facts([s.as_core() for s in streams], today, running_domains)
    pairs, basis = benefit_pairs(project)
    facts = AdvisorInput(
        scan=scan_facts(summary, _scan_date(assessment)) if summary is not None else None,
        funding=replace(funding, payers=payers, new_for_old=ledger_facts(project, today)),
        coalition=coalition_facts(project.coalition_coverage(today)),
        # Where benefits land, from the project's effects chain (unknown without one): the same
        # party and domain balance as the MKBA page, or the entered shares before prices exist.
        benefits=_by_domain(pairs),
        benefit_pairs=pairs,
        benefits_basis=basis or "value",
    )
    return facts, assessment, summary


def project_advice(project, today: date | None = None) -> ProjectAdvice:
    """The advisor's advice for the project. A broken installation rules or framework file is
    logged and the shipped rules are used: it never breaks a page (the shipped files are tested).
    """
    today = today or timezone.localdate()
    facts, assessment, summary = advisor_input(project, today)
    try:
        framework = get_frameworks()[FRAMEWORK_ID]
        advice = advise(facts, today, framework=framework)
    except (AdvisorRulesError, FrameworkLoadError):
        logger.exception("Installation advisor rules could not be loaded; using the shipped ones")
        frameworks = load_frameworks(extra_dirs=[])
        framework = frameworks[FRAMEWORK_ID]
        ruleset = load_ruleset([], frameworks=frameworks)
        advice = advise(facts, today, ruleset=ruleset, framework=framework)
    return ProjectAdvice(advice, framework, facts, assessment, summary)


def option_names(framework: Framework, lang: str) -> dict[str, str]:
    """Route and strategy ids → their names in ``lang``."""
    return {
        option.id: option.name.get(lang)
        for option in (*framework.sustainability_routes, *framework.financing_strategies)
    }


def adopt_advice(project, advice: Advice, lang: str) -> tuple[ContinuationPlan, int]:
    """Take the advice over into the project's plan; returns the plan and how many actions were
    added. Idempotent: an action already in the plan (same rule, same text in either language)
    is not added again. The deadline and strategies are filled only when the plan has none; the
    route stays a choice people make (004 §5.2: "provided it happens consciously").
    """
    with transaction.atomic():
        plan, _created = ContinuationPlan.objects.select_for_update().get_or_create(project=project)
        existing = set(plan.actions.values_list("source_rule", "text"))
        position = plan.actions.aggregate(top=Max("position"))["top"] or 0
        added = 0
        new = [
            action
            for action in advice.actions
            if (action.rule_id, action.text.nl) not in existing
            and (action.rule_id, action.text.en) not in existing
        ]
        # Spread the shared default dates over the time left, in the advice's order.
        dues = spread_due_dates([a.due for a in new], timezone.localdate())
        for action, due in zip(new, dues, strict=True):
            position += 1
            PlanAction.objects.create(
                plan=plan,
                text=action.text.get(lang),
                due_date=due,
                source_rule=action.rule_id,
                source_citation=action.source,
                position=position,
            )
            added += 1
        if plan.deadline is None and advice.deadline is not None:
            plan.deadline = advice.deadline.date
        if not plan.strategies:
            plan.strategies = [s.id for s in advice.recommended_strategies]
        plan.adopted_at = timezone.now()
        plan.adopted_rules_version = advice.ruleset_version
        plan.save_checked(plan.version)
    return plan, added


def owner_choices(request, project):
    """Who may own an action of ``project``, scoped to the editor's organisation and the project's
    owner (the tenant): their active people (never an API token's machine account) and the
    partners in their registries. Returns (users, partners)."""
    from django.contrib.auth import get_user_model

    organisations = {project.owner_id, request.user.organisation_id} - {None}
    users = (
        get_user_model()
        .objects.filter(organisation_id__in=organisations, is_active=True, api_token__isnull=True)
        .order_by("first_name", "last_name", "username")
    )
    partners = PartnerOrganisation.objects.filter(organisation_id__in=organisations).order_by(
        "name", "pk"
    )
    return users, partners
