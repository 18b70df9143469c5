"""The +1 advisor (004 ch.5): from a project's facts to a proposed continuation plan.

Pure core, no Django. The advice rules are data (``proeftuin/advice/advisor_rules.yaml``, layered
with an installation's files from ``PROEFTUIN_ADVICE_DIR``), validated at load time. Typical use::

    from proeftuin.core.advisor import AdvisorInput, advise, funding_facts, scan_facts

    facts = AdvisorInput(
        scan=scan_facts(summary),                       # or None: no scan yet
        funding=funding_facts(streams, today, domains),
        coalition=coalition_facts(coverage),
        benefits=None,                                  # filled by the valuation later
    )
    advice = advise(facts, today)
    advice.actions[0].text.nl, advice.actions[0].rule_id, advice.actions[0].source
    advice.deadline.date, [(r.name.nl, r.fit) for r in advice.routes]
"""

from .conditions import (
    All,
    AnyOf,
    Condition,
    ConditionError,
    Leaf,
    Not,
    benefits_elsewhere,
    parse_condition,
)
from .engine import UNMAPPED, advise, compute_deadline, due_date
from .facts import coalition_facts, first_cliff, funding_facts, scan_facts
from .loader import (
    ENV_VAR,
    AdvisorRulesError,
    get_ruleset,
    load_rules_file,
    load_rules_text,
    load_ruleset,
    shipped_file,
)
from .model import (
    OUTCOMES,
    Action,
    Advice,
    AdviceRule,
    AdvisorInput,
    CoalitionFacts,
    Deadline,
    DeadlineRule,
    FiredRule,
    Fit,
    FundingFacts,
    OptionAdvice,
    PreconditionCheck,
    PreconditionRule,
    RuleSet,
    ScanFacts,
    Status,
)
from .schema import RULES_SCHEMA

__all__ = [
    "ENV_VAR",
    "OUTCOMES",
    "RULES_SCHEMA",
    "UNMAPPED",
    "Action",
    "Advice",
    "AdviceRule",
    "AdvisorInput",
    "AdvisorRulesError",
    "All",
    "AnyOf",
    "CoalitionFacts",
    "Condition",
    "ConditionError",
    "Deadline",
    "DeadlineRule",
    "FiredRule",
    "Fit",
    "FundingFacts",
    "Leaf",
    "Not",
    "OptionAdvice",
    "PreconditionCheck",
    "PreconditionRule",
    "RuleSet",
    "ScanFacts",
    "Status",
    "advise",
    "benefits_elsewhere",
    "coalition_facts",
    "compute_deadline",
    "due_date",
    "first_cliff",
    "funding_facts",
    "get_ruleset",
    "load_rules_file",
    "load_rules_text",
    "load_ruleset",
    "parse_condition",
    "scan_facts",
    "shipped_file",
]
