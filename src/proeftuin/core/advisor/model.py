"""The advisor's inputs (facts about one project), its rules as loaded, and its output.

Everything here is an immutable value; the engine (:mod:`.engine`) turns facts + rules into an
:class:`Advice`. No Django.

Inputs (:class:`AdvisorInput`):

* ``scan``: the 4+1 scan summary (per-dimension outcome and coverage), or ``None`` when there is
  no scan yet;
* ``funding``: the first end of incidental money still ahead, months until then, the share of
  the current money that is incidental, and which policy domains pay now; ``None`` when unknown;
* ``coalition``: the levels of backing nobody covers; ``None`` when unknown;
* ``benefits``: where the benefits land, as ``party or domain → share``. The valuation capability
  fills this later; until then it is ``None`` and every condition on it is *unknown*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from proeftuin.core.coalition import BACKING_LEVELS
from proeftuin.core.frameworks.model import Text, TextList

#: The outcomes a 4+1 dimension summary can have (see :class:`~..frameworks.scoring.Outcome`).
OUTCOMES: tuple[str, ...] = ("present", "not_present", "undetermined")

#: Labels of the four levels of backing (004 §3.1), for explanations.
LEVEL_LABELS: dict[str, Text] = {
    "uitvoerend": Text(nl="uitvoerend", en="delivery"),
    "management": Text(nl="management", en="management"),
    "ambtelijk": Text(nl="ambtelijk", en="civil service"),
    "bestuurlijk": Text(nl="bestuurlijk", en="political"),
}
assert tuple(LEVEL_LABELS) == BACKING_LEVELS


# --- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScanFacts:
    """What the advisor reads from a 4+1 scan: each dimension's outcome, and the coverage."""

    outcomes: Mapping[str, str]
    #: Share of the indicators rated on the scale (0.0–1.0); unknown answers do not count.
    coverage: float = 1.0
    framework_id: str = "four_plus_one"
    #: When the scan was made or finalised (shown with the advice).
    assessed_on: date | None = None
    #: Per dimension the typical level on the framework's scale (the lower median of the rated
    #: indicators), or absent when nothing is rated: graded advice reads it.
    levels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for dimension_id, outcome in self.outcomes.items():
            if outcome not in OUTCOMES:
                raise ValueError(f"{dimension_id}: unknown outcome {outcome!r}")


@dataclass(frozen=True, slots=True)
class FundingFacts:
    """The money: when the incidental money stops, and how dependent the project is on it."""

    #: Whether any funding stream is registered at all.
    has_streams: bool
    #: The first end date of an incidental stream still ahead (the cliff); None when none ends.
    first_cliff: date | None = None
    #: Whole months from today until ``first_cliff``.
    months_to_cliff: int | None = None
    #: Share of the money running today that is incidental (0.0–1.0); None when nothing runs.
    incidental_share: float | None = None
    #: Policy domains (``jeugd``, ``wmo``, ``zorg`` ...) that pay for the project now.
    funding_domains: frozenset[str] = frozenset()
    #: The day the facts describe; "within N months" is measured from it.
    today: date | None = None
    #: Share of today's money that is earned (market revenue, payment by a business).
    earned_share: float | None = None
    #: Share of today's money per kind of paying organisation (``gemeente``, ``fonds`` …).
    payer_shares: Mapping[str, float] = field(default_factory=dict)
    #: The organisations paying for the project today (by name, as the valuation names parties).
    payers: frozenset[str] = frozenset()
    #: Entries of the municipality's *nieuw voor oud* ledger (004 §5.4.4) that fund this project.
    new_for_old: tuple[LedgerFact, ...] = ()


@dataclass(frozen=True, slots=True)
class LedgerFact:
    """Old spending stopped or reduced that now pays for the project as structural money."""

    budget_line: str
    municipality: str
    amount_per_year: Decimal
    since: date


@dataclass(frozen=True, slots=True)
class CoalitionFacts:
    """Levels of backing (004 §3.1) that no coalition member covers today."""

    missing_levels: frozenset[str]

    def __post_init__(self) -> None:
        unknown = set(self.missing_levels) - set(BACKING_LEVELS)
        if unknown:
            raise ValueError(f"unknown level(s) of backing: {sorted(unknown)}")


@dataclass(frozen=True, slots=True)
class AdvisorInput:
    scan: ScanFacts | None = None
    funding: FundingFacts | None = None
    coalition: CoalitionFacts | None = None
    #: Where benefits land: party or policy domain → share (any non-negative weights; they are
    #: normalised). None (or empty) means *unknown*: the valuation capability fills it later.
    benefits: Mapping[str, float] | None = None
    #: Where benefits land per (party, policy domain): the valuation's own balance, so the advice
    #: and the MKBA page agree. Weighted by value where prices are known, else by the shares
    #: entered in the effects chain (``benefits_basis`` says which).
    benefit_pairs: Mapping[tuple[str, str], float] | None = None
    benefits_basis: str = "value"

    @property
    def benefits_known(self) -> bool:
        if self.benefit_pairs and sum(self.benefit_pairs.values()) > 0:
            return True
        return bool(self.benefits) and sum(self.benefits.values()) > 0


# --- the rules, as loaded -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdviceRule:
    """One piece of advice: when its condition holds, its actions enter the plan."""

    id: str
    priority: int
    #: The condition (see :mod:`.conditions`).
    when: object
    title: Text
    advice: Text
    actions: TextList
    source: str
    routes: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    #: Actions are due this many months from today (never after the deadline); None: the deadline.
    due_within_months: int | None = None
    #: The file the rule was read from (the shipped file or an installation's).
    file: str = ""


@dataclass(frozen=True, slots=True)
class PreconditionRule:
    """How to judge precondition ``index`` of a route or strategy from the facts."""

    option_id: str
    index: int
    when: object
    basis: Text


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """The decision about continuation is due ``months_before_cliff`` months before the cliff,
    leaving at least ``minimum_months_to_decide`` from today when the cliff allows it."""

    months_before_cliff: int
    source: str
    rationale: Text
    minimum_months_to_decide: int = 1


@dataclass(frozen=True, slots=True)
class RuleSet:
    framework_id: str
    version: str
    rules: tuple[AdviceRule, ...]
    deadline: DeadlineRule
    #: ``(option id, precondition index) → rule``.
    preconditions: Mapping[tuple[str, int], PreconditionRule] = field(default_factory=dict)
    #: The files the set was built from, in order (shipped first).
    files: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> AdviceRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


# --- output -------------------------------------------------------------------------------------


class Status(StrEnum):
    """A precondition judged from the facts."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    def label(self, lang: str = "nl") -> str:
        return _STATUS_LABELS[self].get(lang)


_STATUS_LABELS = {
    Status.MET: Text(nl="voldaan", en="met"),
    Status.NOT_MET: Text(nl="niet voldaan", en="not met"),
    Status.UNKNOWN: Text(nl="onbekend", en="unknown"),
}


class Fit(StrEnum):
    """Whether a route or strategy fits: every precondition met, one not met, or still open."""

    FITS = "fits"
    OPEN = "open"
    NOT_YET = "not_yet"

    def label(self, lang: str = "nl") -> str:
        return _FIT_LABELS[self].get(lang)


_FIT_LABELS = {
    Fit.FITS: Text(nl="past: alle voorwaarden zijn voldaan", en="fits: every precondition is met"),
    Fit.OPEN: Text(
        nl="open: geen voorwaarde faalt, maar niet alles is bekend",
        en="open: no precondition fails, but not everything is known",
    ),
    Fit.NOT_YET: Text(
        nl="past nog niet: niet alle voorwaarden zijn voldaan",
        en="does not fit yet: not every precondition is met",
    ),
}


@dataclass(frozen=True, slots=True)
class PreconditionCheck:
    index: int
    text: Text
    status: Status
    #: How the status was derived (or why it cannot be).
    basis: Text
    #: The facts as they are now, behind the status (never a claim the status contradicts).
    findings: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True)
class OptionAdvice:
    """A sustainability route (004 §5.2) or financing strategy (004 §5.3–5.4), judged."""

    id: str
    kind: str  # "route" or "strategy"
    name: Text
    description: Text
    source: str
    preconditions: tuple[PreconditionCheck, ...]
    fit: Fit
    #: Rules that fired and point to this option, in priority order.
    pointed_by: tuple[str, ...]
    #: Why: the advice of the rules pointing to it.
    why: tuple[Text, ...]
    advantages: TextList
    drawbacks: TextList
    #: Findings from strengths and context that point to this option (advisor v2).
    context: tuple[Text, ...] = ()

    @property
    def recommended(self) -> bool:
        return bool(self.pointed_by or self.context)

    @property
    def unmet(self) -> tuple[PreconditionCheck, ...]:
        return tuple(p for p in self.preconditions if p.status is Status.NOT_MET)

    @property
    def unknown(self) -> tuple[PreconditionCheck, ...]:
        return tuple(p for p in self.preconditions if p.status is Status.UNKNOWN)


@dataclass(frozen=True, slots=True)
class FiredRule:
    rule_id: str
    priority: int
    title: Text
    advice: Text
    source: str
    #: The facts that made the condition hold.
    reasons: tuple[Text, ...]
    routes: tuple[str, ...]
    strategies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Action:
    """A concrete next step, citing the rule it comes from and that rule's seed section."""

    rule_id: str
    priority: int
    #: Position of the action within its rule.
    index: int
    text: Text
    source: str
    due: date | None


@dataclass(frozen=True, slots=True)
class Deadline:
    """When the decision on continuation is due: ``months_before`` months before the cliff.

    ``overdue``: that moment is already past (or too close), so the deadline is set from today
    instead (see :func:`~.engine.compute_deadline`). It is never after the cliff.
    """

    date: date
    cliff: date
    months_before: int
    overdue: bool
    source: str
    rationale: Text


@dataclass(frozen=True, slots=True)
class Advice:
    """The continuation plan the advisor proposes."""

    actions: tuple[Action, ...]
    fired: tuple[FiredRule, ...]
    routes: tuple[OptionAdvice, ...]
    strategies: tuple[OptionAdvice, ...]
    deadline: Deadline | None
    #: Inputs the advisor did not have (no scan, no funding, benefits unknown ...).
    unknowns: tuple[Text, ...]
    ruleset_version: str = ""
    #: Per characteristic the text for the level it reached (``recommend.GradedText``).
    graded: tuple = ()
    #: The route the facts favour, with its findings (``recommend.Recommendation``).
    route: object | None = None

    @property
    def first_action(self) -> Action | None:
        return self.actions[0] if self.actions else None

    @property
    def recommended_strategies(self) -> tuple[OptionAdvice, ...]:
        return tuple(s for s in self.strategies if s.recommended)

    @property
    def unmet_preconditions(self) -> tuple[tuple[OptionAdvice, PreconditionCheck], ...]:
        """Preconditions not yet met, of every route and of the recommended strategies."""
        options = (*self.routes, *self.recommended_strategies)
        return tuple((option, check) for option in options for check in option.unmet)

    def rule_ids(self) -> tuple[str, ...]:
        return tuple(f.rule_id for f in self.fired)
