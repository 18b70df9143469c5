"""Maatschappelijke waarde: the effects chain and the indicative MKBA, as a pure domain core.

Seed 004 ch. 2 (§2.2) describes the three modules of the ministry's guide *Werken aan
maatschappelijk rendement*: the Effectenarena maps investments → activities → effects and asks
who invests and who benefits; the indicative MKBA puts money on that map against the reference
scenario (*nulalternatief*) and centres on tipping points (*omslagpunten*); monitoring feeds it.
Seed 004 §5.4.1 (*omkeringsdenken*) uses the result to ask the parties that benefit to co-fund.

No Django here: the application layer builds a ``Chain`` and a ``PriceList`` from its models and
calls these functions. Entry points:

- ``validate`` — raise on bad input (``ValuationError`` subclasses), return findings;
- ``appraise`` — NPV, benefit/cost ratio, IRR, balance per party, co-funding, unknown prices,
  transfers and PM items, at the expected values (``modal_scenario``: at the likely values);
- ``tipping_points`` — break-even size, participants, shared groups, joint scale and prices,
  verified and rounded to the safe side;
- ``tornado`` — one-at-a-time sensitivity;
- ``simulate`` — vectorised Monte Carlo with P(NPV > 0) and percentiles.
"""

from proeftuin.core.valuation.appraisal import (
    Appraisal,
    Cofunding,
    DomainBalance,
    EffectValue,
    PartyBalance,
    UnknownValue,
    YearFlow,
    appraise,
    appraise_model,
    modal_scenario,
    yearly_flows,
)
from proeftuin.core.valuation.compiled import (
    Evaluation,
    Model,
    Parameter,
    compile_model,
    cost_key,
    effect_key,
    evaluate,
    group_key,
    npv_at,
    price_key,
)
from proeftuin.core.valuation.discounting import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_HORIZON,
    IrrResult,
    discount_factors,
    internal_rate_of_return,
    present_value,
)
from proeftuin.core.valuation.errors import (
    CycleError,
    DuplicateIdError,
    InvalidLinkError,
    InvalidValueError,
    MissingPriceError,
    RangeOrderError,
    ShareError,
    UnallocatedEffectError,
    UnknownReferenceError,
    ValuationError,
)
from proeftuin.core.valuation.model import (
    Activity,
    Basis,
    BenefitShare,
    Chain,
    Distribution,
    Effect,
    Estimate,
    Investment,
    Link,
    Measure,
    ParticipantGroup,
    Price,
    PriceList,
    Settings,
    SizeKind,
    split_at_decision_year,
)
from proeftuin.core.valuation.montecarlo import (
    MonteCarloResult,
    SamplingPlan,
    draw_estimates,
    sample_parameters,
    simulate,
    simulate_model,
)
from proeftuin.core.valuation.reference import npv_reference
from proeftuin.core.valuation.sensitivity import Tornado, TornadoBar, tornado, tornado_model
from proeftuin.core.valuation.tipping import (
    TippingPoint,
    TippingReport,
    tipping_points,
    tipping_points_model,
)
from proeftuin.core.valuation.validation import Finding, validate

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_HORIZON",
    "Activity",
    "Appraisal",
    "Basis",
    "BenefitShare",
    "Chain",
    "Cofunding",
    "CycleError",
    "Distribution",
    "DomainBalance",
    "DuplicateIdError",
    "Effect",
    "EffectValue",
    "Estimate",
    "Evaluation",
    "Finding",
    "InvalidLinkError",
    "InvalidValueError",
    "Investment",
    "IrrResult",
    "Link",
    "Measure",
    "MissingPriceError",
    "Model",
    "MonteCarloResult",
    "Parameter",
    "ParticipantGroup",
    "PartyBalance",
    "Price",
    "PriceList",
    "RangeOrderError",
    "SamplingPlan",
    "Settings",
    "ShareError",
    "SizeKind",
    "TippingPoint",
    "TippingReport",
    "Tornado",
    "TornadoBar",
    "UnallocatedEffectError",
    "UnknownReferenceError",
    "UnknownValue",
    "ValuationError",
    "YearFlow",
    "appraise",
    "appraise_model",
    "compile_model",
    "cost_key",
    "discount_factors",
    "draw_estimates",
    "effect_key",
    "evaluate",
    "group_key",
    "internal_rate_of_return",
    "modal_scenario",
    "npv_at",
    "npv_reference",
    "present_value",
    "price_key",
    "sample_parameters",
    "simulate",
    "simulate_model",
    "split_at_decision_year",
    "tipping_points",
    "tipping_points_model",
    "tornado",
    "tornado_model",
    "validate",
    "yearly_flows",
]
