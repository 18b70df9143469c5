"""The +1 advisor: facts about a project + rules (data) → a proposed continuation plan.

What it produces (:class:`~.model.Advice`):

* **actions**: the concrete next steps of every rule whose condition holds, ordered by the rule's
  priority (lower first; equal priorities keep the file's order), each citing its rule id and the
  rule's seed section;
* **routes** (004 §5.2) and **financing strategies** (004 §5.3–5.4) with each precondition from
  the framework file judged *met*, *not met* or *unknown* from the facts, whether the option fits,
  and why (the rules that point to it);
* a **deadline** for the decision on continuation, derived from the funding cliff.

The deadline rule (data: ``deadline`` in the rules file, shipped as 6 months before the cliff with
at least 1 month to decide, citing 004 §5.1): the decision is due N months before the first end of
incidental money. When that leaves less than M months from today, the deadline is M months from
today, but never later than halfway to the cliff; the advice then says the N-month moment is
overdue. A deadline is never after the cliff, and no action is due after the deadline.
"""

from __future__ import annotations

from datetime import date, timedelta

from proeftuin.core.frameworks import Framework, get_frameworks
from proeftuin.core.frameworks.model import Option, Text
from proeftuin.core.funding import add_months
from proeftuin.core.numbers import whole_percent

from . import recommend
from .conditions import Context
from .loader import get_ruleset
from .model import (
    Action,
    Advice,
    AdviceRule,
    AdvisorInput,
    Deadline,
    DeadlineRule,
    FiredRule,
    Fit,
    OptionAdvice,
    PreconditionCheck,
    RuleSet,
    Status,
)

UNMAPPED = Text(
    nl="Niet af te leiden uit de gegevens in Proeftuin: bespreek dit met de partners.",
    en="Cannot be derived from the data in Proeftuin: discuss this with the partners.",
)

_FIT_ORDER = {Fit.FITS: 0, Fit.OPEN: 1, Fit.NOT_YET: 2}


def compute_deadline(cliff: date | None, today: date, rule: DeadlineRule) -> Deadline | None:
    """The decision deadline for a cliff (see the module docstring); None without a cliff.

    ``max(cliff − N months, min(today + M months, halfway to the cliff))``, never after the
    cliff: N months ahead when that still leaves M months to decide, otherwise M months from now
    but at most halfway to the cliff. It moves later as the cliff moves later.
    """
    if cliff is None:
        return None
    target = add_months(cliff, -rule.months_before_cliff)
    if cliff >= today:
        halfway = today + timedelta(days=(cliff - today).days // 2)
        floor = min(add_months(today, rule.minimum_months_to_decide), halfway)
        when = min(max(target, floor), cliff)
    else:  # the cliff itself has passed: the decision was due then
        when = cliff
    return Deadline(
        date=when,
        cliff=cliff,
        months_before=rule.months_before_cliff,
        overdue=when > target,
        source=rule.source,
        rationale=rule.rationale,
    )


def due_date(rule: AdviceRule, today: date, deadline: Deadline | None) -> date | None:
    """When a rule's actions are due: within its own term, but never after the deadline."""
    if rule.due_within_months is None:
        return deadline.date if deadline else None
    due = add_months(today, rule.due_within_months)
    return min(due, deadline.date) if deadline else due


def _judge(
    option: Option,
    kind: str,
    ruleset: RuleSet,
    facts: AdvisorInput,
    fired: list[AdviceRule],
    ctx: Context,
    context: dict[str, tuple[Text, ...]] | None = None,
) -> OptionAdvice:
    checks: list[PreconditionCheck] = []
    english = option.preconditions.en
    for index, nl in enumerate(option.preconditions.nl):
        text = Text(nl=nl, en=english[index] if index < len(english) else nl)
        mapping = ruleset.preconditions.get((option.id, index))
        if mapping is None:
            checks.append(PreconditionCheck(index, text, Status.UNKNOWN, UNMAPPED))
            continue
        value = mapping.when.evaluate(facts)
        status = Status.UNKNOWN if value is None else Status.MET if value else Status.NOT_MET
        findings = tuple(mapping.when.findings(facts, ctx))
        checks.append(PreconditionCheck(index, text, status, mapping.basis, findings))
    if any(c.status is Status.NOT_MET for c in checks):
        fit = Fit.NOT_YET
    elif all(c.status is Status.MET for c in checks):
        fit = Fit.FITS
    else:
        fit = Fit.OPEN
    pointing = [r for r in fired if option.id in (r.routes if kind == "route" else r.strategies)]
    return OptionAdvice(
        id=option.id,
        kind=kind,
        name=option.name,
        description=option.description,
        source=option.source,
        preconditions=tuple(checks),
        fit=fit,
        pointed_by=tuple(r.id for r in pointing),
        why=tuple(r.advice for r in pointing),
        advantages=option.advantages,
        drawbacks=option.drawbacks,
        context=(context or {}).get(option.id, ()),
    )


def _unknowns(facts: AdvisorInput) -> tuple[Text, ...]:
    notes: list[Text] = []
    if facts.scan is None:
        notes.append(
            Text(
                nl="Er is nog geen 4+1-scan; advies over de vier kenmerken ontbreekt daardoor.",
                en="There is no 4+1 scan yet, so advice on the four characteristics is missing.",
            )
        )
    elif facts.scan.coverage < 1:
        pct = whole_percent(facts.scan.coverage)
        notes.append(
            Text(
                nl=f"De 4+1-scan is voor {pct}% op de schaal beoordeeld; onbekend telt niet als nul.",
                en=f"{pct}% of the 4+1 scan is rated on the scale; unknown does not count as zero.",
            )
        )
    if facts.funding is None:
        notes.append(Text(nl="De financiering is onbekend.", en="The funding is unknown."))
    if facts.coalition is None:
        notes.append(Text(nl="De coalitie is onbekend.", en="The coalition is unknown."))
    if not facts.benefits_known:
        notes.append(
            Text(
                nl="Waar de baten landen is nog onbekend (dat volgt uit de waardering: "
                "Effectenarena en indicatieve MKBA).",
                en="Where the benefits land is still unknown (it follows from the valuation: "
                "effects arena and indicative SCBA).",
            )
        )
    return tuple(notes)


def _dedupe(texts: list[Text]) -> tuple[Text, ...]:
    seen: list[Text] = []
    for text in texts:
        if text not in seen:
            seen.append(text)
    return tuple(seen)


def advise(
    facts: AdvisorInput,
    today: date,
    *,
    ruleset: RuleSet | None = None,
    framework: Framework | None = None,
) -> Advice:
    """The advice for one project's facts on ``today``.

    ``ruleset`` defaults to the shipped rules with the installation's layers; ``framework`` to the
    framework the rules name (the 4+1 scan), whose routes and strategies carry the preconditions.
    """
    ruleset = ruleset or get_ruleset()
    framework = framework or get_frameworks()[ruleset.framework_id]
    ctx = Context({d.id: d.name for d in framework.dimensions})

    holding = [rule for rule in ruleset.rules if rule.when.evaluate(facts) is True]
    fired = [rule for _i, rule in sorted(enumerate(holding), key=lambda p: (p[1].priority, p[0]))]
    cliff = facts.funding.first_cliff if facts.funding else None
    deadline = compute_deadline(cliff, today, ruleset.deadline)

    actions: list[Action] = []
    for rule in fired:
        due = due_date(rule, today, deadline)
        for index, nl in enumerate(rule.actions.nl):
            actions.append(
                Action(
                    rule_id=rule.id,
                    priority=rule.priority,
                    index=index,
                    text=Text(nl=nl, en=rule.actions.en[index]),
                    source=rule.source,
                    due=due,
                )
            )

    route = recommend.recommend_route(facts, ctx)
    route_context = {route.code: route.reasons}
    strategy_context = {r.code: r.reasons for r in recommend.recommend_strategies(facts, ctx)}
    routes = [
        _judge(o, "route", ruleset, facts, fired, ctx, route_context)
        for o in framework.sustainability_routes
    ]
    strategies = [
        _judge(o, "strategy", ruleset, facts, fired, ctx, strategy_context)
        for o in framework.financing_strategies
    ]
    # Fitting routes first, then open ones, then those that do not fit yet; within each, the
    # ones the fired rules point to first; otherwise the framework's order.
    routes.sort(key=lambda r: (_FIT_ORDER[r.fit], not r.recommended))
    strategies.sort(key=lambda s: (not s.recommended, _FIT_ORDER[s.fit]))

    return Advice(
        actions=tuple(actions),
        fired=tuple(
            FiredRule(
                rule_id=rule.id,
                priority=rule.priority,
                title=rule.title,
                advice=rule.advice,
                source=rule.source,
                reasons=_dedupe(rule.when.reasons(facts, ctx)),
                routes=rule.routes,
                strategies=rule.strategies,
            )
            for rule in fired
        ),
        routes=tuple(routes),
        strategies=tuple(strategies),
        deadline=deadline,
        unknowns=_unknowns(facts),
        ruleset_version=ruleset.version,
        graded=recommend.graded_reasoning(facts),
        route=route,
    )
