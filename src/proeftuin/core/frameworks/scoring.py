"""Dimension summaries: explicit, explainable rules over ordinal ratings, with *onbekend* kept apart.

Principles (PRODUCT.md, "Onbekend is an answer"):

* A rating is a level of the framework's own scale, or *onbekend*. Nothing else is accepted.
* *Onbekend* (and "not rated yet") is never counted as the lowest level, let alone as zero. A rule
  is decided only when **every** way of filling in the unknown answers gives the same outcome;
  otherwise the outcome is *undetermined*. So unknowns can turn a decided outcome into
  *undetermined*, but never into its opposite.
* Raising a rating never turns *present* into *not present* (the rules are monotone).
* Every summary reports its coverage (rated / total) and explains itself in Dutch and English.
* There is no overall score: frameworks summarise per dimension, and projects are not ranked.

The rules (see :class:`~.model.Rule`), with ``met`` the indicators in scope rated ≥ the level,
``unknown`` those without a scale level, and ``needed`` the number the rule asks for:

* present       when ``met ≥ needed``;
* not present   when ``met + unknown < needed`` (even if every unknown were high, too few);
* undetermined  otherwise.

``needed`` is ``count`` for ``at_least``, all indicators for ``all_at_least``, and more than half
(``n // 2 + 1``) for ``median_at_least``: the lower median of ``n`` ordinal ratings is ≥ X exactly
when more than half of them are ≥ X. Several rules combine with ``all`` (every rule must hold) or
``any`` (one suffices) in three-valued logic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .model import Dimension, Framework, Rule, Scale, Text
from .schema import UNKNOWN

#: A rating as stored: a level code, ``"onbekend"``, or ``None`` (not rated yet).
Rating = str | None
Ratings = Mapping[str, Rating]


class RatingError(ValueError):
    """A rating that is not allowed: not on the scale, or for an indicator that does not exist."""

    def __init__(self, framework_id: str, indicator_id: str, value: object, detail: str):
        self.framework_id = framework_id
        self.indicator_id = indicator_id
        self.value = value
        super().__init__(f"{framework_id}.{indicator_id}: {detail}")


class Outcome(StrEnum):
    PRESENT = "present"
    NOT_PRESENT = "not_present"
    UNDETERMINED = "undetermined"

    def label(self, lang: str = "nl") -> str:
        return _OUTCOME_LABELS[self].get(lang)

    @property
    def decided(self) -> bool:
        return self is not Outcome.UNDETERMINED


_OUTCOME_LABELS = {
    Outcome.PRESENT: Text(nl="aanwezig", en="present"),
    Outcome.NOT_PRESENT: Text(nl="niet aanwezig", en="not present"),
    Outcome.UNDETERMINED: Text(nl="onbepaald", en="undetermined"),
}


@dataclass(frozen=True, slots=True)
class RuleResult:
    rule: Rule
    outcome: Outcome
    total: int
    met: int
    below: int
    unknown: int
    needed: int
    explanation: Text


@dataclass(frozen=True, slots=True)
class DimensionSummary:
    dimension_id: str
    outcome: Outcome
    #: Indicators with a scale level.
    rated: int
    #: Indicators answered *onbekend*.
    unknown: int
    #: Indicators with no answer yet.
    not_rated: int
    total: int
    #: How many indicators got each level (every level present, zero included).
    counts: Mapping[str, int]
    rules: tuple[RuleResult, ...]
    explanation: Text

    @property
    def coverage(self) -> float:
        """Share of the indicators rated on the scale (0.0–1.0)."""
        return self.rated / self.total if self.total else 0.0

    @property
    def coverage_text(self) -> str:
        return f"{self.rated}/{self.total}"


@dataclass(frozen=True, slots=True)
class FrameworkSummary:
    framework_id: str
    version: str
    dimensions: tuple[DimensionSummary, ...]

    @property
    def rated(self) -> int:
        return sum(d.rated for d in self.dimensions)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.dimensions)

    @property
    def coverage(self) -> float:
        return self.rated / self.total if self.total else 0.0

    @property
    def unknown(self) -> int:
        """Indicators answered *onbekend*: an answer, but no level."""
        return sum(d.unknown for d in self.dimensions)

    @property
    def not_rated(self) -> int:
        """Indicators nobody has answered yet (kept apart from *onbekend*)."""
        return sum(d.not_rated for d in self.dimensions)

    @property
    def answered(self) -> int:
        """Indicators with an answer: a level or *onbekend*."""
        return self.rated + self.unknown

    @property
    def answered_share(self) -> float:
        """How complete the scan is (0.0–1.0): the share of indicators answered."""
        return self.answered / self.total if self.total else 0.0

    def dimension(self, dimension_id: str) -> DimensionSummary:
        for summary in self.dimensions:
            if summary.dimension_id == dimension_id:
                return summary
        raise KeyError(dimension_id)


# --- ratings ------------------------------------------------------------------------------------


def check_rating(framework: Framework, indicator_id: str, value: object) -> Rating:
    """Return ``value`` if it is an allowed rating for the indicator; raise RatingError if not."""
    if not framework.has_indicator(indicator_id):
        raise RatingError(framework.id, indicator_id, value, "no such indicator in this framework")
    if value is None or value == UNKNOWN or framework.scale.is_level(value):
        return value  # type: ignore[return-value]
    allowed = ", ".join((*framework.scale.codes, UNKNOWN))
    raise RatingError(
        framework.id,
        indicator_id,
        value,
        f"{value!r} is not on this framework's scale; allowed: {allowed}",
    )


def check_ratings(framework: Framework, ratings: Ratings) -> None:
    """Refuse the whole set if any rating is outside the scale or names an unknown indicator."""
    for indicator_id, value in ratings.items():
        check_rating(framework, indicator_id, value)


# --- rules --------------------------------------------------------------------------------------


def needed_for(rule: Rule, scope_size: int) -> int:
    """How many indicators in scope must rate ≥ the rule's level for it to hold."""
    if rule.kind == "at_least":
        assert rule.count is not None
        return rule.count
    if rule.kind == "all_at_least":
        return scope_size
    if rule.kind == "median_at_least":
        return scope_size // 2 + 1
    raise ValueError(f"unknown rule kind {rule.kind!r}")


def _decide(met: int, unknown: int, needed: int) -> Outcome:
    if met >= needed:
        return Outcome.PRESENT
    if met + unknown < needed:
        return Outcome.NOT_PRESENT
    return Outcome.UNDETERMINED


def evaluate_rule(rule: Rule, dimension: Dimension, scale: Scale, ratings: Ratings) -> RuleResult:
    """Evaluate one rule. ``ratings`` must already have been checked."""
    scope = dimension.scope(rule)
    threshold = scale.rank(rule.level)
    met = below = unknown = 0
    for indicator in scope:
        value = ratings.get(indicator.id)
        if value is None or value == UNKNOWN:
            unknown += 1
        elif scale.rank(value) >= threshold:
            met += 1
        else:
            below += 1
    needed = needed_for(rule, len(scope))
    outcome = _decide(met, unknown, needed)
    explanation = _explain_rule(rule, dimension, scale, len(scope), met, below, unknown, needed)
    return RuleResult(
        rule=rule,
        outcome=outcome,
        total=len(scope),
        met=met,
        below=below,
        unknown=unknown,
        needed=needed,
        explanation=_with_verdict(explanation, outcome, rule, scale, met, unknown, needed),
    )


def combine(outcomes: Iterable[Outcome], how: str = "all") -> Outcome:
    """Three-valued (Kleene) AND (``all``) or OR (``any``) of rule outcomes."""
    outcomes = list(outcomes)
    decisive, other = (
        (Outcome.NOT_PRESENT, Outcome.PRESENT)
        if how == "all"
        else (Outcome.PRESENT, Outcome.NOT_PRESENT)
    )
    if decisive in outcomes:
        return decisive
    if Outcome.UNDETERMINED in outcomes:
        return Outcome.UNDETERMINED
    return other


def summarize_dimension(
    framework: Framework, dimension: Dimension | str, ratings: Ratings, *, _checked: bool = False
) -> DimensionSummary:
    """Summarise one dimension. Raises RatingError for ratings outside the scale."""
    if not _checked:
        check_ratings(framework, ratings)
    if isinstance(dimension, str):
        dimension = framework.dimension(dimension)
    scale = framework.scale
    counts = {code: 0 for code in scale.codes}
    unknown = not_rated = 0
    for indicator in dimension.indicators:
        value = ratings.get(indicator.id)
        if value is None:
            not_rated += 1
        elif value == UNKNOWN:
            unknown += 1
        else:
            counts[value] += 1
    total = len(dimension.indicators)
    rated = total - unknown - not_rated
    results = tuple(evaluate_rule(rule, dimension, scale, ratings) for rule in dimension.rules)
    outcome = combine((r.outcome for r in results), dimension.combine)
    return DimensionSummary(
        dimension_id=dimension.id,
        outcome=outcome,
        rated=rated,
        unknown=unknown,
        not_rated=not_rated,
        total=total,
        counts=counts,
        rules=results,
        explanation=_explain_dimension(dimension, outcome, rated, unknown, not_rated, results),
    )


def summarize(framework: Framework, ratings: Ratings) -> FrameworkSummary:
    """Summarise every dimension of a framework (no overall score, on purpose)."""
    check_ratings(framework, ratings)
    return FrameworkSummary(
        framework_id=framework.id,
        version=framework.version,
        dimensions=tuple(
            summarize_dimension(framework, d, ratings, _checked=True) for d in framework.dimensions
        ),
    )


# --- explanations -------------------------------------------------------------------------------


def _n(count: int, one_nl: str, many_nl: str, one_en: str, many_en: str) -> Text:
    return Text(
        nl=f"{count} {one_nl if count == 1 else many_nl}",
        en=f"{count} {one_en if count == 1 else many_en}",
    )


def _scope_text(rule: Rule, dimension: Dimension, size: int) -> Text:
    if not rule.indicators:
        return Text(nl=f"de {size} indicatoren", en=f"the {size} indicators")
    names = [indicator.label for indicator in dimension.scope(rule)]
    nl = ", ".join(f"‘{name.nl}’" for name in names)
    en = ", ".join(f"‘{name.en}’" for name in names)
    if size == 1:
        return Text(nl=f"de indicator {nl}", en=f"the indicator {en}")
    return Text(nl=f"de {size} indicatoren {nl}", en=f"the {size} indicators {en}")


def _explain_rule(
    rule: Rule,
    dimension: Dimension,
    scale: Scale,
    size: int,
    met: int,
    below: int,
    unknown: int,
    needed: int,
) -> Text:
    lvl_nl = f"‘{scale.label(rule.level, 'nl')}’"
    lvl_en = f"‘{scale.label(rule.level, 'en')}’"
    scope = _scope_text(rule, dimension, size)
    if size == 1 and rule.kind in ("at_least", "all_at_least"):
        head = Text(
            nl=f"Aanwezig als {scope.nl} ten minste {lvl_nl} scoort.",
            en=f"Present when {scope.en} rates at least {lvl_en}.",
        )
    elif rule.kind == "all_at_least" or (rule.kind == "at_least" and needed == size):
        head = Text(
            nl=f"Aanwezig als alle {scope.nl.removeprefix('de ')} ten minste {lvl_nl} scoren.",
            en=f"Present when all {scope.en.removeprefix('the ')} rate at least {lvl_en}.",
        )
    elif rule.kind == "at_least":
        verb_nl, verb_en = ("scoort", "rates") if needed == 1 else ("scoren", "rate")
        head = Text(
            nl=f"Aanwezig als minstens {needed} van {scope.nl} ten minste {lvl_nl} {verb_nl}.",
            en=f"Present when at least {needed} of {scope.en} {verb_en} at least {lvl_en}.",
        )
    else:
        head = Text(
            nl=(
                f"Aanwezig als de mediaan van {scope.nl} ten minste {lvl_nl} is, dat wil zeggen "
                f"als meer dan de helft (minstens {needed}) ten minste {lvl_nl} scoort."
            ),
            en=(
                f"Present when the median of {scope.en} is at least {lvl_en}, that is when more "
                f"than half (at least {needed}) rate at least {lvl_en}."
            ),
        )
    now = Text(
        nl=(
            f"Nu: {met} ten minste {lvl_nl}, {below} lager, "
            f"{unknown} onbekend of nog niet beoordeeld."
        ),
        en=f"Now: {met} at least {lvl_en}, {below} lower, {unknown} unknown or not yet rated.",
    )
    parts_nl = [head.nl, now.nl]
    parts_en = [head.en, now.en]
    if rule.rationale:
        parts_nl.insert(1, f"Waarom: {rule.rationale.nl}")
        parts_en.insert(1, f"Why: {rule.rationale.en}")
    return Text(nl=" ".join(parts_nl), en=" ".join(parts_en))


def _with_verdict(
    text: Text, outcome: Outcome, rule: Rule, scale: Scale, met: int, unknown: int, needed: int
) -> Text:
    lvl_nl = f"‘{scale.label(rule.level, 'nl')}’"
    lvl_en = f"‘{scale.label(rule.level, 'en')}’"
    if outcome is Outcome.PRESENT:
        verdict = Text(nl="Voldaan.", en="Met.")
    elif outcome is Outcome.NOT_PRESENT:
        if unknown:
            verdict = Text(
                nl=f"Niet voldaan, ook niet als alle onbekende antwoorden ten minste {lvl_nl} "
                "zouden zijn.",
                en=f"Not met, not even if every unknown answer turned out at least {lvl_en}.",
            )
        else:
            verdict = Text(nl="Niet voldaan.", en="Not met.")
    else:
        missing = needed - met
        answers_nl = "1 onbekend antwoord" if unknown == 1 else f"{unknown} onbekende antwoorden"
        answers_en = "1 unknown answer" if unknown == 1 else f"{unknown} unknown answers"
        still_nl = "is er nog 1" if missing == 1 else f"zijn er nog {missing}"
        verdict = Text(
            nl=(
                f"Nog niet te beslissen: dat hangt af van {answers_nl}; er {still_nl} nodig "
                f"van ten minste {lvl_nl}."
            ),
            en=(
                f"Cannot be decided yet: it depends on {answers_en}; {missing} more at least "
                f"{lvl_en} needed."
            ),
        )
    return Text(nl=f"{text.nl} {verdict.nl}", en=f"{text.en} {verdict.en}")


def _explain_dimension(
    dimension: Dimension,
    outcome: Outcome,
    rated: int,
    unknown: int,
    not_rated: int,
    results: tuple[RuleResult, ...],
) -> Text:
    total = rated + unknown + not_rated
    indicators = _n(total, "indicator", "indicatoren", "indicator", "indicators")
    open_nl = []
    open_en = []
    if unknown:
        open_nl.append(f"{unknown} onbekend")
        open_en.append(f"{unknown} unknown")
    if not_rated:
        open_nl.append(f"{not_rated} nog niet beoordeeld")
        open_en.append(f"{not_rated} not yet rated")
    coverage_nl = f"Beoordeeld: {rated} van {indicators.nl}"
    coverage_en = f"Rated: {rated} of {indicators.en}"
    if open_nl:
        coverage_nl += f" ({', '.join(open_nl)}; onbekend telt niet als nul)"
        coverage_en += f" ({', '.join(open_en)}; unknown does not count as zero)"
    if len(results) == 1:
        joiner_nl, joiner_en = "Regel:", "Rule:"
    elif dimension.combine == "all":
        joiner_nl, joiner_en = "Alle regels moeten gelden:", "All rules must hold:"
    else:
        joiner_nl, joiner_en = "Eén van de regels volstaat:", "Any one rule suffices:"
    rules_nl = " ".join(
        f"({i}) {r.explanation.nl}" if len(results) > 1 else r.explanation.nl
        for i, r in enumerate(results, start=1)
    )
    rules_en = " ".join(
        f"({i}) {r.explanation.en}" if len(results) > 1 else r.explanation.en
        for i, r in enumerate(results, start=1)
    )
    return Text(
        nl=(f"{dimension.name.nl}: {outcome.label('nl')}. {coverage_nl}. {joiner_nl} {rules_nl}"),
        en=(f"{dimension.name.en}: {outcome.label('en')}. {coverage_en}. {joiner_en} {rules_en}"),
    )
