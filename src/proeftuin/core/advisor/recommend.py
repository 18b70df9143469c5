"""Advisor v2: graded reasoning per characteristic, a recommended route, and strategies drawn
from strengths and context as well as from weaknesses (issue 10, "The +1 advisor").

The rules file (``advisor_rules.yaml``) says what to *do* about a weakness. This module says what
the whole picture points to: the level each characteristic reached on the framework's scale, the
route (004 §5.2) the facts favour, including "already embedded: keep it so and monitor", and the
financing strategies (004 §5.3–5.4) the facts open up. Every recommendation carries the findings
behind it. The thresholds are our operationalisation of the seed, not figures from it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from proeftuin.core.datafiles import check_schema, make_validator, read_yaml_file
from proeftuin.core.frameworks.model import Text
from proeftuin.core.numbers import percent_text

from .conditions import Context, benefits_elsewhere
from .model import BACKING_LEVELS, LEVEL_LABELS, AdvisorInput

#: At most this share of incidental money, with backing at every level: already embedded.
EMBEDDED_MAX_INCIDENTAL = 0.2
#: At least this share of earned income (market revenue, a paying business): a business case.
EARNED_MIN = 0.25
#: At least this share of the benefits outside the paying domains: put the bill where they land.
ELSEWHERE_MIN = 0.25
#: At least this share of incidental money makes "new for old" worth raising.
NEW_FOR_OLD_MIN_INCIDENTAL = 0.5

KEEP_EMBEDDED = "keep_embedded"
NOT_YET = "not_yet"
UNDECIDED = "undecided"

GRADED_FILE = Path(__file__).resolve().parents[2] / "advice" / "graded" / "four_plus_one.yaml"
_TEXT = {
    "type": "object",
    "required": ["nl", "en"],
    "properties": {
        "nl": {"type": "string", "minLength": 1},
        "en": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}
GRADED_SCHEMA = {
    "type": "object",
    "required": ["id", "framework", "version", "characteristics"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "framework": {"type": "string"},
        "version": {"type": "string"},
        "characteristics": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["source", "levels"],
                "additionalProperties": False,
                "properties": {
                    "source": {"type": "string", "pattern": r"^\d{3} "},
                    "levels": {"type": "object", "additionalProperties": _TEXT},
                },
            },
        },
    },
}


@dataclass(frozen=True, slots=True)
class GradedText:
    """What one characteristic's level means for continuation."""

    dimension_id: str
    level: str
    outcome: str
    text: Text
    source: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A route or strategy the facts point to, with the findings behind it."""

    code: str
    reasons: tuple[Text, ...]
    cautions: tuple[Text, ...] = ()


@functools.cache
def graded_texts(path: Path = GRADED_FILE) -> dict[str, tuple[str, dict[str, Text]]]:
    """``dimension → (source, level → text)`` from the shipped data file, schema-checked."""
    data = read_yaml_file(path)
    check_schema(data, path, make_validator(GRADED_SCHEMA))
    return {
        dim: (
            entry["source"],
            {level: Text(nl=t["nl"], en=t["en"]) for level, t in entry["levels"].items()},
        )
        for dim, entry in data["characteristics"].items()
    }


def graded_reasoning(facts: AdvisorInput) -> tuple[GradedText, ...]:
    """Per characteristic with a level, the text for exactly that level (never pass/fail)."""
    if facts.scan is None:
        return ()
    texts = graded_texts()
    result = []
    for dim, (source, by_level) in texts.items():
        level = facts.scan.levels.get(dim)
        if level is None or level not in by_level:
            continue
        outcome = facts.scan.outcomes.get(dim, "undetermined")
        result.append(GradedText(dim, level, outcome, by_level[level], source))
    return tuple(result)


def _pct(value: float) -> str:
    return percent_text(value)  # 0.125 → 13%, never half to even


def _backed(facts: AdvisorInput, level: str) -> bool | None:
    return None if facts.coalition is None else level not in facts.coalition.missing_levels


def _dimension(facts: AdvisorInput, dim: str) -> str | None:
    return None if facts.scan is None else facts.scan.outcomes.get(dim)


def _earned(facts: AdvisorInput) -> float:
    fund = facts.funding
    if fund is None:
        return 0.0
    return max(fund.earned_share or 0.0, fund.payer_shares.get("bedrijf", 0.0))


def _dim_text(ctx: Context, dim: str, outcome: str | None, facts: AdvisorInput) -> Text:
    name = ctx.dimension(dim)
    level = facts.scan.levels.get(dim) if facts.scan else None
    words = {
        "present": ("aanwezig", "present"),
        "not_present": ("niet aanwezig", "not present"),
        "undetermined": ("onbepaald", "undetermined"),
        None: ("niet gescand", "not scanned"),
    }[outcome]
    extra_nl = f", niveau {level}" if level else ""
    extra_en = f", level {level}" if level else ""
    return Text(
        nl=f"4+1-scan: ‘{name.nl}’ is {words[0]}{extra_nl}",
        en=f"4+1 scan: ‘{name.en}’ is {words[1]}{extra_en}",
    )


def recommend_route(facts: AdvisorInput, ctx: Context) -> Recommendation:
    """The route the facts favour (004 §5.2), or "keep embedded", "not yet", "undecided"."""
    fund = facts.funding
    if fund is None or not fund.has_streams or fund.incidental_share is None:
        return Recommendation(
            UNDECIDED,
            (
                Text(
                    nl="er is geen lopende financiering vastgelegd, dus geen route te kiezen",
                    en="no running funding is recorded, so there is no route to choose",
                ),
            ),
        )
    share = fund.incidental_share
    share_text = Text(
        nl=f"{_pct(share)} van het lopende geld is incidenteel",
        en=f"{_pct(share)} of the current money is incidental",
    )
    approach = _dimension(facts, "effective_approach")
    if approach == "not_present":
        return Recommendation(
            NOT_YET,
            (_dim_text(ctx, "effective_approach", approach, facts),),
            (
                Text(
                    nl="verduurzamen heeft pas zin voor een aanpak die werkt: versterk of stop eerst",
                    en="continuation only makes sense for an approach that works: "
                    "strengthen or stop first",
                ),
            ),
        )
    missing = sorted(facts.coalition.missing_levels) if facts.coalition else None
    if share <= EMBEDDED_MAX_INCIDENTAL:
        reasons = [share_text]
        cautions = []
        if missing == []:
            reasons.append(
                Text(
                    nl="er is rugdekking op alle vier niveaus",
                    en="there is backing at all four levels",
                )
            )
        elif missing:
            cautions.append(
                Text(
                    nl="let op: rugdekking ontbreekt op "
                    + ", ".join(LEVEL_LABELS[m].nl for m in missing)
                    + " niveau",
                    en="note: backing is missing at "
                    + ", ".join(LEVEL_LABELS[m].en for m in missing)
                    + " level",
                )
            )
        return Recommendation(KEEP_EMBEDDED, tuple(reasons), tuple(cautions))
    earned = _earned(facts)
    if earned >= EARNED_MIN:
        entre = _dimension(facts, "entrepreneurship")
        cautions = ()
        if entre != "present":
            cautions = (
                Text(
                    nl="een sociale onderneming vraagt ondernemende trekkers met zakelijk talent; "
                    "die zijn volgens de scan er nog niet",
                    en="a social enterprise needs entrepreneurial leaders with business sense; "
                    "the scan says they are not there yet",
                ),
            )
        return Recommendation(
            "social_enterprise",
            (
                share_text,
                Text(
                    nl=f"{_pct(earned)} van het geld is verdiend (marktopbrengst of betaling door "
                    "een bedrijf): er is een verdienmodel om op te bouwen",
                    en=f"{_pct(earned)} of the money is earned (market revenue or payment by a "
                    "business): there is a business case to build on",
                ),
                _dim_text(ctx, "entrepreneurship", entre, facts),
            ),
            cautions,
        )
    joint_backing = _backed(facts, "ambtelijk") and _backed(facts, "bestuurlijk")
    elsewhere = benefits_elsewhere(facts)
    coalition = _dimension(facts, "strategic_coalition")
    if (
        joint_backing
        and coalition != "not_present"
        and elsewhere is not None
        and elsewhere >= ELSEWHERE_MIN
    ):
        return Recommendation(
            "joint_adoption",
            (
                share_text,
                Text(
                    nl="er is ambtelijke én bestuurlijke rugdekking: de gemeente kan regie voeren",
                    en="there is civil-service and political backing: the municipality can direct",
                ),
                Text(
                    nl=f"{_pct(elsewhere)} van de baten landt bij partijen of domeinen die nu niet betalen: "
                    "meerdere instellingen hebben er belang bij",
                    en=f"{_pct(elsewhere)} of the benefits land with parties or domains not paying now: "
                    "several institutions have a stake",
                ),
                _dim_text(ctx, "strategic_coalition", coalition, facts),
            ),
        )
    why_not = []
    if not joint_backing:
        why_not.append(
            Text(
                nl="voor gezamenlijke adoptie ontbreekt ambtelijke of bestuurlijke rugdekking",
                en="joint adoption lacks civil-service or political backing",
            )
        )
    if elsewhere is None:
        why_not.append(
            Text(
                nl="waar de baten landen is onbekend, dus ook wie nog meer belang heeft",
                en="where benefits land is unknown, so also who else has a stake",
            )
        )
    return Recommendation(
        "absorption",
        (share_text, *why_not),
        (
            Text(
                nl="bij opname dreigen de lessen opgeknipt te worden: leg vast welke onderdelen "
                "niet verloren mogen gaan en wie de kennis draagt",
                en="absorption risks cutting the lessons up: record which parts must not get "
                "lost and who carries the knowledge",
            ),
        ),
    )


def _ledger_text(fund) -> Text | None:
    """The ledger entries that fund the project, as one finding; None without any."""
    if fund is None or not fund.new_for_old:
        return None
    nl_parts, en_parts = [], []
    for entry in fund.new_for_old:
        amount = f"{entry.amount_per_year:,.0f}"
        nl_parts.append(
            f"{entry.budget_line} ({entry.municipality}), € {amount.replace(',', '.')} per jaar "
            f"sinds {entry.since:%d-%m-%Y}"
        )
        en_parts.append(
            f"{entry.budget_line} ({entry.municipality}), € {amount} a year "
            f"since {entry.since:%d-%m-%Y}"
        )
    return Text(
        nl="nieuw voor oud is al vastgelegd: " + "; ".join(nl_parts),
        en="new for old is already recorded: " + "; ".join(en_parts),
    )


def recommend_strategies(facts: AdvisorInput, ctx: Context) -> tuple[Recommendation, ...]:
    """Financing strategies the facts open up, strengths and context included (004 §5.3–5.4)."""
    result: list[Recommendation] = []
    fund = facts.funding
    share = fund.incidental_share if fund else None
    political = _backed(facts, "bestuurlijk")
    civil = _backed(facts, "ambtelijk")
    coalition = _dimension(facts, "strategic_coalition")
    if political and civil and coalition == "present":
        result.append(
            Recommendation(
                "municipal_direction",
                (
                    Text(
                        nl="sterk punt: rugdekking op ambtelijk én bestuurlijk niveau",
                        en="strength: civil-service and political backing",
                    ),
                    _dim_text(ctx, "strategic_coalition", coalition, facts),
                ),
            )
        )
    ledger = _ledger_text(fund)
    no_extra_money = fund is None or not fund.has_streams
    if ledger is not None:
        # The municipality already moved old spending to this project (004 §5.4.4): cite it.
        result.append(Recommendation("new_for_old", (ledger,)))
    elif political and no_extra_money:
        # A change run without extra money (004 ch. 5, the Amsterdam transition) can only pay
        # its way from existing budgets: that is 'new for old'.
        result.append(
            Recommendation(
                "new_for_old",
                (
                    Text(
                        nl="er is geen extra financiering vastgelegd: de aanpak moet uit bestaande "
                        "budgetten komen",
                        en="no extra funding is recorded: the approach has to come from existing "
                        "budgets",
                    ),
                    Text(
                        nl="er is bestuurlijke rugdekking om bestaande uitgaven te vervangen",
                        en="there is political backing to replace existing spending",
                    ),
                ),
            )
        )
    elif political and share is not None and share >= NEW_FOR_OLD_MIN_INCIDENTAL:
        result.append(
            Recommendation(
                "new_for_old",
                (
                    Text(
                        nl=f"{_pct(share)} van het lopende geld is incidenteel",
                        en=f"{_pct(share)} of the current money is incidental",
                    ),
                    Text(
                        nl="er is bestuurlijke rugdekking om bestaande uitgaven te vervangen",
                        en="there is political backing to replace existing spending",
                    ),
                ),
            )
        )
    elsewhere = benefits_elsewhere(facts)
    if elsewhere is not None and elsewhere >= ELSEWHERE_MIN:
        result.append(
            Recommendation(
                "reversal_thinking",
                (
                    Text(
                        nl=f"{_pct(elsewhere)} van de baten landt bij partijen of domeinen die nu niet betalen",
                        en=f"{_pct(elsewhere)} of the benefits land with parties or domains not paying now",
                    ),
                ),
            )
        )
    earned = _earned(facts)
    if earned > 0:
        reason = Text(
            nl=f"{_pct(earned)} van het geld komt uit marktopbrengst of betaling door een bedrijf",
            en=f"{_pct(earned)} of the money comes from market revenue or payment by a business",
        )
        result.append(Recommendation("business_as_partner", (reason,)))
        if earned >= EARNED_MIN:
            result.append(Recommendation("new_financing_forms", (reason,)))
    funds = fund.payer_shares.get("fonds", 0.0) if fund else 0.0
    if funds > 0 and earned < EARNED_MIN:
        result.append(
            Recommendation(
                "fund_reorientation",
                (
                    Text(
                        nl=f"{_pct(funds)} van het lopende geld komt van fondsen",
                        en=f"{_pct(funds)} of the current money comes from funds",
                    ),
                ),
            )
        )
    return tuple(result)


__all__ = [
    "BACKING_LEVELS",
    "GradedText",
    "KEEP_EMBEDDED",
    "NOT_YET",
    "Recommendation",
    "UNDECIDED",
    "graded_reasoning",
    "graded_texts",
    "recommend_route",
    "recommend_strategies",
]
