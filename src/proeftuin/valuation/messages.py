"""The core's validation errors and findings, said in Dutch and pointing at the element at fault.

The core raises a ``ValuationError`` with a stable ``code``, the ``element_id`` at fault and the
``field``; it speaks English for developers. Here each becomes a sentence a workshop can act on,
naming the element the way the screen does ("effect ‘Minder uithuisplaatsingen’") and linking to
the form that fixes it. Unknown codes still get a Dutch sentence: never a server error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from proeftuin.core.valuation import (
    CycleError,
    Estimate,
    Finding,
    ValuationError,
)

from .convert import ACTIVITY, EFFECT, INVESTMENT, ProjectValuation, field_names
from .wording import number


@dataclass(frozen=True)
class Problem:
    """A Dutch message about the chain, with a link to where it can be fixed."""

    text: str
    url: str | None = None
    element: str = ""
    code: str = ""


def _estimate_of(valuation: ProjectValuation, element_id: str | None, field: str | None):
    """The core estimate an error is about, if it can be found."""
    if element_id is None or field is None:
        return None
    for group in (valuation.chain.effects, valuation.chain.investments):
        for element in group:
            if element.id == element_id and hasattr(element, field):
                value = getattr(element, field)
                return value if isinstance(value, Estimate) else None
    price = valuation.prices.get(element_id)
    if price is not None and field == "value":
        return price.value
    return None


def _effect(valuation: ProjectValuation, element_id: str | None):
    for effect in valuation.chain.effects:
        if effect.id == element_id:
            return effect
    return None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def explain(exc: ValuationError, valuation: ProjectValuation) -> Problem:
    """A Dutch sentence for a core error, naming the element and linking to its form."""
    ref = valuation.ref(exc.element_id)
    name = ref.label if ref else ""
    url = ref.url if ref else None
    fields = field_names()
    field = fields.get(exc.field or "", exc.field or "")
    code = exc.code
    estimate = _estimate_of(valuation, exc.element_id, exc.field)

    if isinstance(exc, CycleError):
        cycle = " → ".join(valuation.name(node) for node in exc.cycle)
        text = _(
            "De keten loopt in een kring: %(cycle)s. Een veranderingstheorie loopt één kant op "
            "(investering → activiteit → effect): verwijder of draai een van deze schakels om."
        ) % {"cycle": cycle}
        return Problem(text, _links_url(valuation), exc.element_id or "", code)

    if code == "benefits_nobody":
        effect = _effect(valuation, exc.element_id)
        if effect is None or not effect.beneficiaries:
            text = _(
                "%(name)s komt bij niemand terecht: geef aan welke partij in welk beleidsdomein "
                "ervan profiteert (wie profiteert?)."
            ) % {"name": _cap(name)}
        elif any(not share.party for share in effect.beneficiaries):
            text = _("Bij %(name)s heeft een batenaandeel geen partij.") % {"name": name}
        else:
            total = math.fsum(share.share for share in effect.beneficiaries)
            text = _(
                "De batenaandelen van %(name)s tellen op tot %(total)s in plaats van 1 (100%%): "
                "elke euro van het effect moet bij een partij landen."
            ) % {"name": name, "total": number(total)}
        return Problem(text, url, exc.element_id or "", code)

    if code == "range_order":
        if estimate is not None and estimate.low > estimate.high:
            text = _(
                "Bij %(name)s is de lage waarde van %(field)s (%(low)s) hoger dan de hoge waarde "
                "(%(high)s)."
            ) % {
                "name": name,
                "field": field,
                "low": number(estimate.low),
                "high": number(estimate.high),
            }
        elif estimate is not None:
            text = _(
                "Bij %(name)s ligt de waarschijnlijke waarde van %(field)s (%(likely)s) niet tussen "
                "de lage (%(low)s) en de hoge waarde (%(high)s)."
            ) % {
                "name": name,
                "field": field,
                "likely": number(estimate.likely),
                "low": number(estimate.low),
                "high": number(estimate.high),
            }
        else:
            text = _("Bij %(name)s staan laag, waarschijnlijk en hoog niet op volgorde.") % {
                "name": name
            }
        return Problem(text, url, exc.element_id or "", code)

    if code == "share_out_of_bounds":
        if exc.field == "beneficiaries":
            effect = _effect(valuation, exc.element_id)
            bad = next(
                (
                    s
                    for s in (effect.beneficiaries if effect else ())
                    if not (math.isfinite(s.share) and 0.0 <= s.share <= 1.0)
                ),
                None,
            )
            text = _(
                "Bij %(name)s moet het batenaandeel van %(party)s tussen 0 en 1 liggen (nu "
                "%(value)s)."
            ) % {
                "name": name,
                "party": bad.party if bad else "?",
                "value": number(bad.share) if bad else "?",
            }
        elif exc.field == "size":
            text = _(
                "Bij %(name)s is de omvang een kans: die ligt tussen 0 en 1 (nu %(low)s tot "
                "%(high)s). Een negatieve kans of een kans boven 1 bestaat niet."
            ) % {
                "name": name,
                "low": number(estimate.low) if estimate else "?",
                "high": number(estimate.high) if estimate else "?",
            }
        else:
            text = _(
                "Bij %(name)s is %(field)s een aandeel: dat ligt tussen 0 en 1 (nu %(low)s tot "
                "%(high)s)."
            ) % {
                "name": name,
                "field": field,
                "low": number(estimate.low) if estimate else "?",
                "high": number(estimate.high) if estimate else "?",
            }
        return Problem(text, url, exc.element_id or "", code)

    if code == "missing_price":
        effect = _effect(valuation, exc.element_id)
        text = _(
            "%(name)s gebruikt de prijs ‘%(key)s’, maar die staat niet in de prijslijst. Kies een "
            "prijs uit de lijst, of voeg hem toe als projectprijs (met bron; als het bedrag niet "
            "bekend is: onbekend)."
        ) % {"name": _cap(name), "key": effect.price_key if effect else "?"}
        return Problem(text, url, exc.element_id or "", code)

    if code == "invalid_value":
        return Problem(_invalid_value(exc, valuation, name, field, estimate), url, "", code)

    if code == "unknown_reference":
        text = _(
            "Een schakel verwijst naar een element dat niet (meer) bestaat. Verwijder die schakel "
            "of kies een ander begin- of eindpunt."
        )
        return Problem(text, _links_url(valuation), exc.element_id or "", code)

    if code == "invalid_link":
        text = _(
            "Een schakel eindigt bij %(name)s, maar een investering is geen gevolg van iets "
            "anders: de keten begint bij de investeringen."
        ) % {"name": name}
        return Problem(text, _links_url(valuation), exc.element_id or "", code)

    if code == "duplicate_id":
        text = _("Twee elementen van de keten hebben hetzelfde kenmerk (%(id)s).") % {
            "id": exc.element_id
        }
        return Problem(text, None, exc.element_id or "", code)

    text = _("De keten kan niet worden doorgerekend (%(code)s) bij %(name)s.") % {
        "code": code,
        "name": name or "?",
    }
    return Problem(text, url, exc.element_id or "", code)


def _invalid_value(exc, valuation, name, field, estimate) -> str:
    detail = str(exc)
    if exc.element_id == "settings":
        if exc.field == "horizon":
            return _("De horizon moet een heel aantal jaren zijn, nul of meer.")
        return _("De discontovoet moet een getal boven -100% zijn.")
    if "lognormal" in detail:
        return _(
            "Bij %(name)s gebruikt %(field)s een lognormale verdeling; die vraagt een lage waarde "
            "boven nul. Kies een andere verdeling of een lage waarde boven nul."
        ) % {"name": name, "field": field}
    if exc.field == "participants":
        return _("Bij %(name)s kan het aantal deelnemers niet negatief zijn.") % {"name": name}
    if exc.field == "cost_factor":
        return _("Bij %(name)s kan de kostenfactor niet negatief zijn.") % {"name": name}
    if exc.field == "start_year":
        return _(
            "%(name)s begint vóór het basisjaar %(year)s van de analyse. Kies een later jaar, of "
            "zet het basisjaar eerder bij Instellingen."
        ) % {"name": _cap(name), "year": valuation.base_year}
    if exc.field == "duration":
        return _(
            "Bij %(name)s moet de looptijd minstens 1 jaar zijn (of leeg: tot de horizon)."
        ) % {"name": name}
    if exc.field == "party":
        return _("Bij %(name)s ontbreekt de partij die betaalt.") % {"name": name}
    if exc.field == "amounts":
        return _("Bij %(name)s zijn de bedragen per jaar geen getallen.") % {"name": name}
    return _("Bij %(name)s is %(field)s geen bruikbaar getal.") % {
        "name": name or "?",
        "field": field or "?",
    }


def _links_url(valuation: ProjectValuation) -> str:
    from django.urls import reverse

    return reverse("valuation:project", args=[valuation.project.pk]) + "#schakels"


def findings(found: tuple[Finding, ...], valuation: ProjectValuation) -> list[Problem]:
    """Dutch notes for the core's findings (the calculation ran, but look again)."""
    problems: list[Problem] = []
    for link in valuation.links:
        if not link.assumption.strip():
            problems.append(
                Problem(
                    _(
                        "De schakel %(source)s → %(target)s heeft nog geen als-dan-aanname: "
                        "waarom leidt het een tot het ander?"
                    )
                    % {
                        "source": valuation.name(link.source),
                        "target": valuation.name(link.target),
                    },
                    _links_url(valuation),
                    link.source,
                    "no_assumption",
                )
            )
    for finding in found:
        ref = valuation.ref(finding.element_id)
        name = ref.label if ref else finding.element_id
        url = ref.url if ref else None
        if finding.code == "no_assumption":
            continue  # said above, with both ends of the link
        if finding.code == "unlinked":
            text = {
                INVESTMENT: _("%(name)s is nog met geen enkele activiteit verbonden."),
                ACTIVITY: _("%(name)s leidt nog tot geen enkel effect."),
                EFFECT: _("%(name)s wordt nog door geen enkele activiteit veroorzaakt."),
            }.get(ref.kind if ref else "", _("%(name)s is nog niet verbonden."))
        elif finding.code == "beyond_horizon":
            text = _("%(name)s begint na de horizon van de analyse en telt daarom niet mee.")
        elif finding.code == "unknown_price":
            text = _(
                "%(name)s: de prijs ‘%(price)s’ is onbekend. Het effect telt niet mee in het saldo "
                "(ook niet als nul) en staat apart onder ‘Onbekend’."
            )
        elif finding.code == "net_corrections_ignored":
            text = _(
                "%(name)s is netto (al het verschil met het nulalternatief): de ingevulde "
                "deadweight, attributie en verdringing worden niet nog eens toegepast. Is de omvang "
                "bruto gemeten, kies dan ‘bruto’."
            )
        else:
            text = _("%(name)s: kijk hier nog eens naar.")
        effect = valuation.effect_row(finding.element_id)
        info = valuation.price_info.get(effect.price_key) if effect else None
        values = {"name": name, "price": info.label if info else "?"}
        problems.append(Problem(_cap(text % values), url, finding.element_id, finding.code))
    return problems
