"""The advisor's small condition language: parse it from YAML, evaluate it in three values.

A condition is a mapping with one kind of test, or a combination::

    {dimension: measuring, outcome: not_present}       # a 4+1 dimension's outcome (or a list)
    {scan: missing}                                     # or: present
    {scan_coverage_below: 0.5}                          # share of indicators rated on the scale
    {missing_level: bestuurlijk}                        # no backing at that level (004 §3.1)
    {backed_level: bestuurlijk}                         # backing at that level
    {months_to_cliff_at_most: 12}                       # incidental money stops within N months
    {incidental_share_at_least: 0.8}                    # share of the current money
    {funding: missing}                                  # or: present (any stream registered)
    {benefits: unknown}                                 # or: known (where benefits land)
    {benefits_elsewhere_at_least: 0.25}                 # share of benefits outside paying domains
    {all: [...]}, {any: [...]}, {not: {...}}            # combinations

Evaluation is three-valued, as the scan's own summaries are: ``True``, ``False`` or ``None``
(*unknown*, because the fact is missing). ``all`` and ``any`` follow Kleene's logic: ``all`` is
False as soon as one part is False, ``any`` is True as soon as one part is True. An advice rule
fires only when its condition is True; a precondition is *met* (True), *not met* (False) or
*unknown* (None). Unknown is never read as "no" or "yes".

Without ``not``, every test is monotone in the direction "worse facts make more tests true" (a
lost level of backing, a nearer cliff, a larger incidental share), so a rule set without ``not``
can only gain actions when a fact gets worse. The shipped rules use no ``not`` for that reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from proeftuin.core import funding as funding_core
from proeftuin.core.frameworks.model import Text
from proeftuin.core.numbers import percent_text

from .model import LEVEL_LABELS, OUTCOMES, AdvisorInput

Truth = bool | None

#: Every key a single test may use (``outcome`` goes with ``dimension``).
LEAF_KEYS: tuple[str, ...] = (
    "dimension",
    "scan",
    "scan_coverage_below",
    "missing_level",
    "backed_level",
    "months_to_cliff_at_most",
    "incidental_share_at_least",
    "funding",
    "benefits",
    "benefits_elsewhere_at_least",
)
COMBINATORS: tuple[str, ...] = ("all", "any", "not")

_OUTCOME_TEXT = {
    "present": Text(nl="aanwezig", en="present"),
    "not_present": Text(nl="niet aanwezig", en="not present"),
    "undetermined": Text(nl="onbepaald", en="undetermined"),
}


class ConditionError(ValueError):
    """A condition that does not parse; ``path`` is relative to the condition."""

    def __init__(self, path: Sequence[str | int], rule: str, detail: str) -> None:
        self.path = list(path)
        self.rule = rule
        self.detail = detail
        super().__init__(detail)


@dataclass(frozen=True, slots=True)
class Context:
    """Names for explanations: the dimensions of the framework the rules refer to."""

    dimension_names: Mapping[str, Text]

    def dimension(self, dimension_id: str) -> Text:
        return self.dimension_names.get(dimension_id, Text(nl=dimension_id, en=dimension_id))


def _pct(value: float) -> str:
    return percent_text(value)  # 0.125 → 13%, never half to even


def _date(value, lang: str) -> str:
    return value.strftime("%Y-%m-%d") if lang == "en" else value.strftime("%d-%m-%Y")


# --- condition nodes ----------------------------------------------------------------------------


class Condition:
    """Base: ``evaluate`` gives True/False/None; ``reasons`` says which facts made it True."""

    __slots__ = ()

    def evaluate(self, facts: AdvisorInput) -> Truth:  # pragma: no cover - abstract
        raise NotImplementedError

    def reasons(self, facts: AdvisorInput, ctx: Context) -> list[Text]:  # pragma: no cover
        raise NotImplementedError

    def walk(self):
        yield self

    def findings(self, facts: AdvisorInput, ctx: Context) -> list[Text]:
        """What the facts actually are for every test in the condition, whatever the verdict.

        A verdict is shown with these, so "niet voldaan" never stands beside a sentence that
        claims the opposite.
        """
        seen: list[Text] = []
        for node in self.walk():
            if isinstance(node, Leaf):
                text = node.finding(facts, ctx)
                if text not in seen:
                    seen.append(text)
        return seen


@dataclass(frozen=True, slots=True)
class All(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, facts: AdvisorInput) -> Truth:
        values = [part.evaluate(facts) for part in self.parts]
        if any(v is False for v in values):
            return False
        if all(v is True for v in values):
            return True
        return None

    def reasons(self, facts: AdvisorInput, ctx: Context) -> list[Text]:
        return [text for part in self.parts for text in part.reasons(facts, ctx)]

    def walk(self):
        yield self
        for part in self.parts:
            yield from part.walk()


@dataclass(frozen=True, slots=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, facts: AdvisorInput) -> Truth:
        values = [part.evaluate(facts) for part in self.parts]
        if any(v is True for v in values):
            return True
        if all(v is False for v in values):
            return False
        return None

    def reasons(self, facts: AdvisorInput, ctx: Context) -> list[Text]:
        return [
            text
            for part in self.parts
            if part.evaluate(facts) is True
            for text in part.reasons(facts, ctx)
        ]

    def walk(self):
        yield self
        for part in self.parts:
            yield from part.walk()


@dataclass(frozen=True, slots=True)
class Not(Condition):
    part: Condition

    def evaluate(self, facts: AdvisorInput) -> Truth:
        value = self.part.evaluate(facts)
        return None if value is None else not value

    def reasons(self, facts: AdvisorInput, ctx: Context) -> list[Text]:
        inner = self.part.describe(ctx) if isinstance(self.part, Leaf) else None
        if inner is None:
            return [Text(nl="een uitgesloten situatie doet zich niet voor", en="an excluded case")]
        return [Text(nl=f"niet: {inner.nl}", en=f"not: {inner.en}")]

    def walk(self):
        yield self
        yield from self.part.walk()


@dataclass(frozen=True, slots=True)
class Leaf(Condition):
    """One test on the facts."""

    kind: str
    value: Any
    outcomes: frozenset[str] = frozenset()

    # evaluation ---------------------------------------------------------------------------------

    def evaluate(self, facts: AdvisorInput) -> Truth:
        return _EVALUATORS[self.kind](self, facts)

    # explanation --------------------------------------------------------------------------------

    def describe(self, ctx: Context) -> Text:
        """The test itself, in words (without the facts)."""
        v = self.value
        if self.kind == "dimension":
            name = ctx.dimension(v)
            outs = [_OUTCOME_TEXT[o] for o in OUTCOMES if o in self.outcomes]
            return Text(
                nl=f"4+1-scan: ‘{name.nl}’ is {' of '.join(o.nl for o in outs)}",
                en=f"4+1 scan: ‘{name.en}’ is {' or '.join(o.en for o in outs)}",
            )
        if self.kind == "scan":
            if v == "missing":
                return Text(nl="er is nog geen 4+1-scan", en="there is no 4+1 scan yet")
            return Text(nl="er is een 4+1-scan", en="there is a 4+1 scan")
        if self.kind == "scan_coverage_below":
            return Text(
                nl=f"minder dan {_pct(v)} van de scan is beoordeeld",
                en=f"less than {_pct(v)} of the scan is rated",
            )
        if self.kind in ("missing_level", "backed_level"):
            label = LEVEL_LABELS[v]
            if self.kind == "missing_level":
                return Text(nl=f"geen draagvlak op {label.nl} niveau", en=f"no {label.en} backing")
            return Text(nl=f"draagvlak op {label.nl} niveau", en=f"{label.en} backing")
        if self.kind == "months_to_cliff_at_most":
            return Text(
                nl=f"het incidentele geld stopt binnen {v} maanden",
                en=f"the incidental money stops within {v} months",
            )
        if self.kind == "incidental_share_at_least":
            return Text(
                nl=f"ten minste {_pct(v)} van het lopende geld is incidenteel",
                en=f"at least {_pct(v)} of the current money is incidental",
            )
        if self.kind == "funding":
            if v == "missing":
                return Text(nl="er is geen financiering vastgelegd", en="no funding is recorded")
            return Text(nl="er is financiering vastgelegd", en="funding is recorded")
        if self.kind == "benefits":
            if v == "unknown":
                return Text(
                    nl="het is onbekend waar de baten landen",
                    en="it is unknown where the benefits land",
                )
            return Text(nl="bekend is waar de baten landen", en="it is known where benefits land")
        if self.kind == "benefits_elsewhere_at_least":
            return Text(
                nl=f"ten minste {_pct(v)} van de baten landt bij partijen of domeinen die nu niet "
                "betalen",
                en=f"at least {_pct(v)} of the benefits land with parties or domains not paying now",
            )
        raise AssertionError(self.kind)  # pragma: no cover

    def finding(self, facts: AdvisorInput, ctx: Context) -> Text:
        """The fact this test looks at, as it is now (see :meth:`Condition.findings`)."""
        return _finding(self, facts, ctx)

    def reasons(self, facts: AdvisorInput, ctx: Context) -> list[Text]:
        """The test with the facts that made it true, for example the months left."""
        base = self.describe(ctx)
        fund = facts.funding
        if self.kind == "months_to_cliff_at_most" and fund and fund.first_cliff:
            left = fund.months_to_cliff
            left_nl = "minder dan een maand" if left == 0 else f"{left} maand{'en' * (left != 1)}"
            left_en = "less than a month" if left == 0 else f"{left} month{'s' * (left != 1)}"
            return [
                Text(
                    nl=f"{base.nl}: nog {left_nl}, tot {_date(fund.first_cliff, 'nl')}",
                    en=f"{base.en}: {left_en} left, until {_date(fund.first_cliff, 'en')}",
                )
            ]
        if self.kind == "incidental_share_at_least" and fund and fund.incidental_share is not None:
            share = _pct(fund.incidental_share)
            return [Text(nl=f"{base.nl} (nu {share})", en=f"{base.en} (now {share})")]
        if self.kind == "benefits_elsewhere_at_least":
            share = benefits_elsewhere(facts)
            if share is not None:
                return [
                    Text(nl=f"{base.nl} (nu {_pct(share)})", en=f"{base.en} (now {_pct(share)})")
                ]
        if self.kind == "scan_coverage_below" and facts.scan:
            cov = _pct(facts.scan.coverage)
            return [Text(nl=f"{base.nl} (nu {cov})", en=f"{base.en} (now {cov})")]
        return [base]


_UNKNOWN_FACT = {
    "scan": Text(nl="er is nog geen 4+1-scan", en="there is no 4+1 scan yet"),
    "coalition": Text(nl="de coalitie is niet vastgelegd", en="the coalition is not recorded"),
    "funding": Text(nl="er is geen financiering vastgelegd", en="no funding is recorded"),
    "benefits": Text(
        nl="nog onbekend waar de baten landen", en="still unknown where the benefits land"
    ),
}


def _finding(leaf: Leaf, facts: AdvisorInput, ctx: Context) -> Text:  # noqa: C901 - one per kind
    kind, v = leaf.kind, leaf.value
    scan, fund, coalition = facts.scan, facts.funding, facts.coalition
    if kind == "dimension":
        if scan is None or v not in scan.outcomes:
            return _UNKNOWN_FACT["scan"]
        name = ctx.dimension(v)
        outcome = _OUTCOME_TEXT[scan.outcomes[v]]
        level = scan.levels.get(v) if scan.levels else None
        suffix_nl = f" (niveau {level})" if level else ""
        suffix_en = f" (level {level})" if level else ""
        return Text(
            nl=f"4+1-scan: ‘{name.nl}’ is {outcome.nl}{suffix_nl}",
            en=f"4+1 scan: ‘{name.en}’ is {outcome.en}{suffix_en}",
        )
    if kind == "scan":
        return _UNKNOWN_FACT["scan"] if scan is None else leaf.describe(ctx)
    if kind == "scan_coverage_below":
        if scan is None:
            return _UNKNOWN_FACT["scan"]
        cov = _pct(scan.coverage)
        return Text(nl=f"{cov} van de scan is beoordeeld", en=f"{cov} of the scan is rated")
    if kind in ("missing_level", "backed_level"):
        if coalition is None:
            return _UNKNOWN_FACT["coalition"]
        label = LEVEL_LABELS[v]
        if v in coalition.missing_levels:
            return Text(nl=f"draagvlak op {label.nl} niveau ontbreekt", en=f"no {label.en} backing")
        return Text(nl=f"er is draagvlak op {label.nl} niveau", en=f"there is {label.en} backing")
    if kind == "months_to_cliff_at_most":
        if fund is None or not fund.has_streams:
            return _UNKNOWN_FACT["funding"]
        if fund.first_cliff is None:
            return Text(nl="er stopt geen incidenteel geld", en="no incidental money stops")
        return Text(
            nl=f"het eerste incidentele geld stopt op {_date(fund.first_cliff, 'nl')}",
            en=f"the first incidental money stops on {_date(fund.first_cliff, 'en')}",
        )
    if kind == "incidental_share_at_least":
        if fund is None or fund.incidental_share is None:
            return _UNKNOWN_FACT["funding"]
        share = _pct(fund.incidental_share)
        return Text(
            nl=f"{share} van het lopende geld is incidenteel",
            en=f"{share} of the current money is incidental",
        )
    if kind == "funding":
        return leaf.describe(ctx) if leaf.evaluate(facts) else _UNKNOWN_FACT["funding"]
    if kind == "benefits":
        if not facts.benefits_known:
            return _UNKNOWN_FACT["benefits"]
        return Text(nl="bekend is waar de baten landen", en="it is known where benefits land")
    if kind == "benefits_elsewhere_at_least":
        share = benefits_elsewhere(facts)
        if share is None:
            return _UNKNOWN_FACT["benefits"]
        return Text(
            nl=f"{_pct(share)} van de baten landt bij partijen of domeinen die nu niet betalen",
            en=f"{_pct(share)} of the benefits land with parties or domains not paying now",
        )
    raise AssertionError(kind)  # pragma: no cover


def benefits_elsewhere(facts: AdvisorInput) -> float | None:
    """Share of the benefits landing with parties or domains that do not fund the project now.

    With the valuation's (party, domain) balance a benefit is "elsewhere" when its party does not
    pay today or its domain does not pay today; without it, only the domains are compared.
    """
    if not facts.benefits_known or facts.funding is None:
        return None
    fund = facts.funding
    if facts.benefit_pairs:
        total = sum(max(v, 0.0) for v in facts.benefit_pairs.values())
        outside = sum(
            max(v, 0.0)
            for (party, domain), v in facts.benefit_pairs.items()
            if (fund.payers and party not in fund.payers) or domain not in fund.funding_domains
        )
        return outside / total if total else None
    total = sum(max(v, 0.0) for v in facts.benefits.values())
    outside = sum(
        max(v, 0.0) for k, v in facts.benefits.items() if k not in facts.funding.funding_domains
    )
    return outside / total if total else None


def _dimension(leaf: Leaf, facts: AdvisorInput) -> Truth:
    if facts.scan is None or leaf.value not in facts.scan.outcomes:
        return None
    return facts.scan.outcomes[leaf.value] in leaf.outcomes


def _scan(leaf: Leaf, facts: AdvisorInput) -> Truth:
    return (facts.scan is None) == (leaf.value == "missing")


def _scan_coverage_below(leaf: Leaf, facts: AdvisorInput) -> Truth:
    return None if facts.scan is None else facts.scan.coverage < leaf.value


def _missing_level(leaf: Leaf, facts: AdvisorInput) -> Truth:
    return None if facts.coalition is None else leaf.value in facts.coalition.missing_levels


def _backed_level(leaf: Leaf, facts: AdvisorInput) -> Truth:
    return None if facts.coalition is None else leaf.value not in facts.coalition.missing_levels


def _months_to_cliff(leaf: Leaf, facts: AdvisorInput) -> Truth:
    fund = facts.funding
    if fund is None or not fund.has_streams:
        return None
    if fund.months_to_cliff is None:
        return False  # no incidental money ends: there is no cliff
    if fund.today is not None and fund.first_cliff is not None:
        # The same definition as the funding cliff and the portfolio badge.
        return funding_core.ends_within(fund.first_cliff, fund.today, leaf.value)
    return fund.months_to_cliff <= leaf.value


def _incidental_share(leaf: Leaf, facts: AdvisorInput) -> Truth:
    fund = facts.funding
    if fund is None or fund.incidental_share is None:
        return None
    return fund.incidental_share >= leaf.value


def _funding(leaf: Leaf, facts: AdvisorInput) -> Truth:
    if facts.funding is None:
        return None
    return (not facts.funding.has_streams) == (leaf.value == "missing")


def _benefits(leaf: Leaf, facts: AdvisorInput) -> Truth:
    return (not facts.benefits_known) == (leaf.value == "unknown")


def _benefits_elsewhere(leaf: Leaf, facts: AdvisorInput) -> Truth:
    share = benefits_elsewhere(facts)
    return None if share is None else share >= leaf.value


_EVALUATORS: dict[str, Callable[[Leaf, AdvisorInput], Truth]] = {
    "dimension": _dimension,
    "scan": _scan,
    "scan_coverage_below": _scan_coverage_below,
    "missing_level": _missing_level,
    "backed_level": _backed_level,
    "months_to_cliff_at_most": _months_to_cliff,
    "incidental_share_at_least": _incidental_share,
    "funding": _funding,
    "benefits": _benefits,
    "benefits_elsewhere_at_least": _benefits_elsewhere,
}
assert set(_EVALUATORS) == set(LEAF_KEYS)


# --- parsing ------------------------------------------------------------------------------------


def parse_condition(raw: Any, path: Sequence[str | int] = ()) -> Condition:
    """Build a condition from YAML data that passed the schema; raise ConditionError if not one.

    The schema checks keys and value types; here we check that a mapping holds exactly one test
    (``dimension`` with its ``outcome`` counting as one) or one combinator.
    """
    path = list(path)
    if not isinstance(raw, Mapping) or not raw:
        raise ConditionError(path, "condition", "a condition is a non-empty mapping")
    keys = set(raw)
    combinators = keys & set(COMBINATORS)
    if combinators:
        if len(keys) != 1:
            raise ConditionError(
                path,
                "one-condition",
                f"{sorted(keys)}: a combinator ({'/'.join(COMBINATORS)}) stands alone in its "
                "mapping; put further tests inside it",
            )
        (op,) = combinators
        if op == "not":
            return Not(parse_condition(raw["not"], [*path, "not"]))
        items = raw[op]
        if not isinstance(items, list) or not items:
            raise ConditionError([*path, op], "condition", f"{op} takes a non-empty list")
        parts = tuple(parse_condition(item, [*path, op, i]) for i, item in enumerate(items))
        return All(parts) if op == "all" else AnyOf(parts)
    tests = keys - {"outcome"}
    if "dimension" in keys and "outcome" not in keys:
        raise ConditionError(
            [*path, "outcome"], "dimension-needs-outcome", "dimension needs an outcome"
        )
    if "outcome" in keys and "dimension" not in keys:
        raise ConditionError(
            [*path, "dimension"], "outcome-needs-dimension", "outcome needs a dimension"
        )
    unknown = tests - set(LEAF_KEYS)
    if unknown:
        raise ConditionError(
            [*path, sorted(unknown)[0]],
            "condition",
            f"unknown test {sorted(unknown)[0]!r} (known: {', '.join(LEAF_KEYS)})",
        )
    if len(tests) != 1:
        raise ConditionError(
            path,
            "one-condition",
            f"{sorted(tests)}: one test per mapping; combine several with all/any",
        )
    (kind,) = tests
    if kind == "dimension":
        outcome = raw["outcome"]
        outcomes = frozenset([outcome] if isinstance(outcome, str) else outcome)
        bad = outcomes - set(OUTCOMES)
        if bad:
            raise ConditionError(
                [*path, "outcome"],
                "enum",
                f"unknown outcome {sorted(bad)[0]!r} ({', '.join(OUTCOMES)})",
            )
        return Leaf("dimension", raw["dimension"], outcomes)
    return Leaf(kind, raw[kind])


def dimensions_used(condition: Condition) -> list[str]:
    return [n.value for n in condition.walk() if isinstance(n, Leaf) and n.kind == "dimension"]


def uses_not(condition: Condition) -> bool:
    return any(isinstance(n, Not) for n in condition.walk())
