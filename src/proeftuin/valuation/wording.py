"""The MKBA's outcome in plain Dutch: amounts, the conclusion, and the tipping points.

Seed 004 §2.2.2 puts the tipping points (*omslagpunten*) at the centre of an indicative MKBA, not
the bottom line: "what must the project achieve for a positive social return?" The sentences here
are built from the core's :class:`~proeftuin.core.valuation.TippingPoint` fields only (break-even,
direction, feasibility, the whole number of cases), so what they say is what the engine verified.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from proeftuin.common import numbers
from proeftuin.core.valuation import (
    Appraisal,
    IrrResult,
    SizeKind,
    TippingPoint,
    TippingReport,
    UnknownValue,
)


def discount_rate_source() -> str:
    """Where the default discount rate comes from (see ``discounting.DEFAULT_DISCOUNT_RATE``)."""
    return _(
        "2,25% (reëel): de standaarddiscontovoet voor maatschappelijke kosten-batenanalyses die "
        "het kabinet per 1 januari 2021 heeft vastgesteld op advies van de Werkgroep Discontovoet "
        "2020 (een risicovrije voet van −1% plus een risico-opslag van 3,25%; rwseconomie.nl, "
        "‘Discontovoet’). De bronnen van Proeftuin noemen geen voet; controleer of een latere "
        "herziening geldt."
    )


def horizon_source() -> str:
    return _(
        "15 jaar: lang genoeg om preventie te laten terugverdienen, kort genoeg om de aannames "
        "nog iets te laten betekenen. Een instelling van het project, geen norm."
    )


def basis_text(basis: str) -> str:
    """Which values the headline uses: the Dutch guidance asks for expected values."""
    if basis == "modal":
        return _("waarschijnlijke waarden (de modus van elke schatting): een scenario")
    return _(
        "verwachte waarden: het gemiddelde van elke schatting (PERT: (laag + 4 × waarschijnlijk "
        "+ hoog) / 6), zoals de Algemene leidraad MKBA vraagt"
    )


def unknown_label() -> str:
    return _("onbekend")


def _as_float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def number(value: float | None, decimals: int | None = None) -> str:
    """A number the Dutch way (1.234,5); up to 4 significant decimals when none are asked.

    Rounded by the one formatter (:mod:`proeftuin.common.numbers`): half away from zero, never
    cut off, and no minus sign on a rounded zero.
    """
    value = _as_float(value)
    if value is None:
        return "—"
    if decimals is None:
        decimals = 0 if value == int(value) else 2 if abs(value) >= 1 else 4
        text = numbers.decimal_text(value, decimals, grouping=True)
        if decimals:
            separator = get_format("DECIMAL_SEPARATOR")
            text = text.rstrip("0").removesuffix(separator)
        return text
    return numbers.decimal_text(value, decimals, grouping=True)


def euro(value: float | None) -> str:
    """``€ 12.345`` (whole euros); ``—`` for no value."""
    value = _as_float(value)
    if value is None:
        return "—"
    return "€ " + numbers.decimal_text(value, 0, grouping=True)


def percent(value: float | None, decimals: int = 0) -> str:
    value = _as_float(value)
    if value is None:
        return "—"
    return numbers.percent_text(value, decimals)


def irr_text(irr: IrrResult) -> str:
    if irr.rate is not None:
        return percent(irr.rate, 1)
    return {
        "no_sign_change": _("geen (alleen kosten of alleen baten)"),
        "multiple_sign_changes": _("niet eenduidig (het saldo wisselt vaker van teken)"),
    }.get(irr.reason, _("niet te berekenen"))


def conclusion(appraisal: Appraisal) -> str:
    npv = euro(appraisal.npv)
    if appraisal.complete:
        if appraisal.npv >= 0:
            return _(
                "Met de verwachte waarden verdient het project zich maatschappelijk terug: "
                "de netto contante waarde is %(npv)s."
            ) % {"npv": npv}
        return _(
            "Met de verwachte waarden verdient het project zich (nog) niet terug: de netto "
            "contante waarde is %(npv)s. Kijk bij de omslagpunten wat ervoor nodig is."
        ) % {"npv": npv}
    count = len(appraisal.unknowns)
    unknown = ngettext(
        "%(count)s prijs is onbekend",
        "%(count)s prijzen zijn onbekend",
        count,
    ) % {"count": count}
    if appraisal.npv >= 0:
        return _(
            "Het bekende deel van de baten weegt al op tegen de kosten: %(npv)s. %(unknown)s; "
            "die effecten zijn niet meegeteld (ook niet als nul)."
        ) % {"npv": npv, "unknown": unknown}
    return _(
        "Het bekende deel van de baten weegt nog niet op tegen de kosten: %(npv)s. %(unknown)s; "
        "die effecten zijn niet meegeteld (ook niet als nul). Hieronder staat hoeveel ze waard "
        "moeten zijn om de conclusie te veranderen."
    ) % {"npv": npv, "unknown": unknown}


@dataclass(frozen=True)
class Sentence:
    """One tipping point in words, with whether it is already met and whether it can be met."""

    text: str
    element_id: str = ""
    met: bool | None = None
    feasible: bool | None = None
    kind: str = ""


def _count(value: float | None) -> str:
    return number(value, 0) if value is not None else "—"


def size_sentence(point: TippingPoint, effect, participants: float) -> Sentence | None:
    """'Het project verdient zich terug als bij ten minste 12 van de 100 gezinnen …'."""
    if point.reason == "unknown_price":
        return None
    if point.break_even is None:
        return Sentence(
            _(
                "‘%(indicator)s’ verandert het saldo niet: het valt buiten de horizon of heeft "
                "een prijs van nul."
            )
            % {"indicator": effect.indicator},
            point.element_id,
            kind="size",
        )
    who = effect.participant_label or _("deelnemers")
    what = effect.case_phrase or (
        _("het effect ‘%(indicator)s’ optreedt") % {"indicator": effect.indicator}
    )
    values = {
        "k": _count(point.minimum_whole),
        "n": _count(participants),
        "who": who,
        "what": what,
        "now": _count(point.current * participants if point.current is not None else None),
        "indicator": effect.indicator,
        "x": number(point.shown),
        "current": number(point.current),
    }
    if point.direction == "at_least" and point.break_even <= 0:
        return Sentence(
            _("Ook zonder ‘%(indicator)s’ verdient het project zich terug.") % values,
            point.element_id,
            True,
            True,
            "size",
        )
    if effect.size_kind == SizeKind.PROBABILITY:
        if point.direction == "at_least":
            if not point.feasible:
                text = _(
                    "Ook als bij alle %(n)s %(who)s %(what)s, verdient het project zich met dit "
                    "effect alleen niet terug (daarvoor zouden het er %(k)s moeten zijn)."
                )
            elif point.met:
                text = _(
                    "Het project blijft zich terugverdienen zolang bij ten minste %(k)s van de "
                    "%(n)s %(who)s %(what)s (verwachte waarde: %(now)s)."
                )
            else:
                text = _(
                    "Het project verdient zich terug als bij ten minste %(k)s van de %(n)s "
                    "%(who)s %(what)s (verwachte waarde: %(now)s)."
                )
        else:
            text = _(
                "Het project verdient zich alleen terug als bij hoogstens %(k)s van de %(n)s "
                "%(who)s %(what)s (verwachte waarde: %(now)s)."
            )
    elif point.direction == "at_least":
        text = _(
            "Het project verdient zich terug als ‘%(indicator)s’ per deelnemer ten minste "
            "%(x)s is (verwachte waarde: %(current)s)."
        )
    else:
        text = _(
            "Het project verdient zich terug als ‘%(indicator)s’ per deelnemer hoogstens %(x)s is "
            "(verwachte waarde: %(current)s)."
        )
    return Sentence(text % values, point.element_id, point.met, point.feasible, "size")


def participants_sentence(point: TippingPoint, effect) -> Sentence | None:
    if point.reason or point.break_even is None:
        return None
    values = {
        "k": _count(point.minimum_whole),
        "who": effect.participant_label or _("deelnemers"),
        "n": _count(point.current),
        "indicator": effect.indicator,
    }
    if point.direction == "at_least" and point.break_even <= 0:
        return None  # said once already, by the size sentence ("ook zonder …")
    if point.direction == "at_least":
        text = (
            _(
                "Met de geschatte omvang van ‘%(indicator)s’, en de andere effecten zoals geschat, "
                "blijft het project zich terugverdienen zolang ten minste %(k)s %(who)s meedoen "
                "(nu %(n)s)."
            )
            if point.met
            else _(
                "Met de geschatte omvang van ‘%(indicator)s’ verdient het project zich terug als "
                "ten minste %(k)s %(who)s meedoen (nu %(n)s)."
            )
        )
    else:
        text = _(
            "Met de geschatte omvang van ‘%(indicator)s’ verdient het project zich alleen terug "
            "bij hoogstens %(k)s %(who)s (nu %(n)s)."
        )
    return Sentence(text % values, point.element_id, point.met, point.feasible, "participants")


def group_sentence(point: TippingPoint) -> Sentence | None:
    """A shared group: every effect of the group moves with the count (the real break-even)."""
    if point.reason or point.break_even is None or point.minimum_whole is None:
        return None
    values = {"k": _count(point.minimum_whole), "group": point.label, "n": _count(point.current)}
    if point.direction == "at_least" and point.break_even <= 0:
        return None
    if point.direction == "at_least":
        text = (
            _(
                "Met alle effecten van de groep ‘%(group)s’ samen blijft het project zich "
                "terugverdienen zolang ten minste %(k)s van hen meedoen (verwacht: %(n)s)."
            )
            if point.met
            else _(
                "Met alle effecten van de groep ‘%(group)s’ samen verdient het project zich terug "
                "als ten minste %(k)s van hen meedoen (verwacht: %(n)s)."
            )
        )
    else:
        text = _(
            "Met alle effecten van de groep ‘%(group)s’ samen verdient het project zich alleen "
            "terug bij hoogstens %(k)s deelnemers (verwacht: %(n)s)."
        )
    return Sentence(text % values, point.element_id, point.met, point.feasible, "participants")


def joint_sentence(point: TippingPoint) -> Sentence | None:
    scale = point.shown  # rounded to the safe side: the percentage shown keeps the conclusion
    if scale is None:
        return None
    if point.direction != "at_least":
        return None
    if scale <= 1:
        text = _(
            "Alle effecten samen mogen %(pct)s kleiner uitvallen dan geschat voordat het project "
            "zich niet meer terugverdient."
        ) % {"pct": percent(1 - scale)}
    else:
        text = _(
            "Alle effecten samen moeten %(factor)s keer zo groot zijn als geschat (%(pct)s meer) "
            "voordat het project zich terugverdient."
        ) % {"factor": number(scale, 2), "pct": percent(scale - 1)}
    return Sentence(text, "", scale <= 1, point.feasible, "joint")


def price_sentence(point: TippingPoint, unit: str) -> Sentence | None:
    """For a known price: how low it may be (or how high it must be)."""
    if point.reason or point.break_even is None or point.current is None:
        return None
    values = {
        "label": point.label,
        "x": euro(point.shown),
        "now": euro(point.current),
        "unit": unit,
    }
    if point.shown is None:
        return None
    if point.direction == "at_least" and point.break_even <= 0:
        text = _("Ook als de prijs ‘%(label)s’ nul zou zijn, verdient het project zich terug.")
    elif point.direction == "at_least":
        text = (
            _(
                "De prijs ‘%(label)s’ mag dalen tot %(x)s %(unit)s voordat het project zich niet "
                "meer terugverdient (nu %(now)s)."
            )
            if point.met
            else _(
                "De prijs ‘%(label)s’ moet ten minste %(x)s %(unit)s zijn om het project terug te "
                "verdienen (nu %(now)s)."
            )
        )
    else:
        text = _("De prijs ‘%(label)s’ mag hoogstens %(x)s %(unit)s zijn (nu %(now)s).")
    return Sentence(text % values, point.element_id, point.met, point.feasible, "price")


def unknown_sentence(unknown: UnknownValue, unit: str, effects: list[str]) -> str:
    """What an *onbekend* price would have to be worth to change the conclusion."""
    values = {
        "label": unknown.label,
        "x": euro(unknown.shown),
        "unit": unit,
        "effects": ", ".join(f"‘{e}’" for e in effects),
    }
    if unknown.reason == "holds_for_any":
        return (
            _(
                "De prijs ‘%(label)s’ is onbekend (%(effects)s). Het bekende deel is al positief: "
                "welk bedrag van nul of meer deze prijs ook krijgt, het project verdient zich terug."
            )
            % values
        )
    if unknown.reason == "cannot_flip":
        return (
            _(
                "De prijs ‘%(label)s’ is onbekend (%(effects)s). Geen bedrag van nul of meer "
                "maakt het saldo positief."
            )
            % values
        )
    if unknown.break_even is None:
        return (
            _(
                "De prijs ‘%(label)s’ is onbekend, maar %(effects)s levert binnen de horizon niets op: "
                "die prijs verandert de conclusie niet."
            )
            % values
        )
    if unknown.flips_if == "at_least":
        return (
            _(
                "De prijs ‘%(label)s’ is onbekend (%(effects)s). Het project verdient zich terug als "
                "die ten minste %(x)s %(unit)s waard is."
            )
            % values
        )
    if unknown.break_even <= 0:
        return (
            _(
                "De prijs ‘%(label)s’ is onbekend (%(effects)s). Het bekende deel is al positief: "
                "welk bedrag van nul of meer deze prijs ook krijgt, het project verdient zich terug."
            )
            % values
        )
    return (
        _(
            "De prijs ‘%(label)s’ is onbekend (%(effects)s). Boven %(x)s %(unit)s verandert de "
            "conclusie."
        )
        % values
    )


def tipping_sentences(report: TippingReport, valuation) -> dict[str, list[Sentence]]:
    """All tipping points in words, grouped: per effect, jointly, and for known prices."""
    effects: list[Sentence] = []
    for size_point, count_point in zip(report.sizes, report.participants, strict=True):
        row = valuation.effect_row(size_point.element_id)
        if row is None:
            continue
        participants = count_point.current or 0.0
        sentence = size_sentence(size_point, row, participants)
        if sentence:
            effects.append(sentence)
        sentence = participants_sentence(count_point, row)
        if sentence:
            effects.append(sentence)
    for point in report.groups:
        sentence = group_sentence(point)
        if sentence:
            effects.append(sentence)
    prices = []
    for point in report.prices:
        info = valuation.price_info.get(point.element_id)
        sentence = price_sentence(point, info.unit if info else "")
        if sentence:
            prices.append(sentence)
    joint = joint_sentence(report.joint)
    return {"effects": effects, "joint": [joint] if joint else [], "prices": prices}
