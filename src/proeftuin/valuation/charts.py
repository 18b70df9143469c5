"""The MKBA charts with translated labels, for the web pages and the report alike."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from proeftuin.core.valuation import charts as core_charts

from .services import Outcome

Spec = dict[str, Any]


def tornado(outcome: Outcome) -> Spec | None:
    if not outcome.tornado or not outcome.valuation:
        return None
    return core_charts.tornado_chart(
        outcome.tornado,
        names=outcome.valuation.parameter_names(),
        labels={
            "title": _("Gevoeligheid: welke aanname bepaalt het saldo?"),
            "description": _(
                "Tornadodiagram: per aanname de netto contante waarde als die aanname op haar "
                "lage en op haar hoge waarde staat en de rest op de waarschijnlijke waarde. De "
                "cijfers staan in de tabel bij de grafiek."
            ),
            "npv": _("Netto contante waarde (€)"),
            "parameter": _("Aanname"),
            "side": _("Aanname op"),
            "low": _("lage waarde"),
            "high": _("hoge waarde"),
            "value": _("Waarde van de aanname"),
        },
    )


def histogram(outcome: Outcome) -> Spec | None:
    if not outcome.montecarlo:
        return None
    return core_charts.npv_histogram_chart(
        outcome.montecarlo.npv,
        labels={
            "title": _("Onzekerheid: verdeling van de netto contante waarde"),
            "description": _(
                "Histogram van de netto contante waarde over alle Monte-Carlotrekkingen; links "
                "van nul verdient het project zich niet terug. De percentielen staan in de tabel "
                "bij de grafiek."
            ),
            "npv": _("Netto contante waarde (€)"),
            "count": _("Aantal trekkingen"),
            "sign": _("Saldo"),
            "positive": _("positief"),
            "negative": _("negatief of nul"),
        },
    )


def invest_benefit(outcome: Outcome) -> Spec | None:
    if not outcome.appraisal:
        return None
    return core_charts.invest_benefit_chart(
        outcome.appraisal,
        labels={
            "title": _("Wie investeert, wie profiteert"),
            "description": _(
                "Sankeydiagram: links de partijen die investeren, rechts de partijen die baten "
                "ontvangen (contante waarden, op één schaal). Elk lint loopt van een investeerder "
                "naar een begunstigde; het geld van een investeerder is naar rato van de baten "
                "over de begunstigden verdeeld. Baten met een onbekende prijs ontbreken. De "
                "bedragen staan in de tabel bij de grafiek."
            ),
            "invests": _("Investeert"),
            "benefits": _("Profiteert"),
            "amount": _("Contante waarde (€)"),
            "party": _("Partij"),
            "flow": _("Van → naar (naar rato)"),
        },
    )


def balance(outcome: Outcome) -> Spec | None:
    if not outcome.appraisal:
        return None
    return core_charts.party_balance_chart(
        outcome.appraisal,
        labels={
            "title": _("Saldo per partij: wie betaalt, wie wint"),
            "description": _(
                "Per partij wat zij betaalt (links van nul) en wat zij aan baten ontvangt (rechts "
                "van nul), als contante waarden. Baten met een onbekende prijs ontbreken. De "
                "bedragen staan in de tabel bij de grafiek."
            ),
            "amount": _("Contante waarde (€)"),
            "party": _("Partij"),
            "pays": _("betaalt"),
            "gains": _("ontvangt"),
        },
    )
