"""The XLSX export: every assumption of a project's indicative MKBA, so it can be checked.

One sheet per part of the chain (investments, activities, effects, who benefits, links with their
if-then assumption), the prices with their source, price year and origin, the settings with the
source of the default discount rate, and the results. Text goes through
:mod:`proeftuin.common.exports`, which neutralises formula-like cells.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from proeftuin.common.exports import xlsx_bytes

from .services import Outcome
from .wording import basis_text, discount_rate_source, irr_text


def _estimate_cells(estimate) -> list:
    if estimate is None:
        return [_("onbekend"), None, None]
    return [estimate.low, estimate.likely, estimate.high]


def workbook(outcome: Outcome) -> bytes:
    valuation = outcome.valuation
    assert valuation is not None
    analysis, settings = valuation.analysis, valuation.settings
    sheets: dict[str, tuple[list[str], list[list]]] = {}

    sheets[_("Instellingen")] = (
        [_("Instelling"), _("Waarde"), _("Toelichting")],
        [
            [_("Project"), valuation.project.name, ""],
            [_("Nulalternatief"), analysis.reference_scenario, ""],
            [
                _("Discontovoet (reëel)"),
                settings.discount_rate,
                discount_rate_source() if valuation.rate_is_default else _("Eigen keuze"),
            ],
            [_("Horizon (jaren)"), settings.horizon, ""],
            [_("Basisjaar"), valuation.base_year, _("Jaar 0 van de analyse en van de prijzen")],
            [_("Startgetal Monte Carlo"), analysis.seed, ""],
            [_("Aantal trekkingen"), analysis.draws, ""],
            [_("Prijslijst"), valuation.catalogue.version_label, ""],
        ],
    )
    sheets[_("Investeringen")] = (
        [
            _("Kenmerk"),
            _("Omschrijving"),
            _("Partij"),
            _("Beleidsdomein"),
            _("Jaar"),
            _("Bedrag (€)"),
            _("Kostenfactor laag"),
            _("Kostenfactor hoog"),
            _("Toelichting"),
        ],
        [
            [
                row.core_id,
                row.name,
                row.party,
                row.get_domain_display(),
                int(year) if str(year).isdigit() else year,
                amount,
                row.cost_low,
                row.cost_high,
                row.note,
            ]
            for row in valuation.investments
            for year, amount in sorted(row.amounts.items())
        ],
    )
    sheets[_("Activiteiten")] = (
        [_("Kenmerk"), _("Naam"), _("Omschrijving")],
        [[row.core_id, row.name, row.description] for row in valuation.activities],
    )
    effect_header = [
        _("Kenmerk"),
        _("Indicator"),
        _("Soort omvang"),
        _("Omvang laag"),
        _("Omvang waarschijnlijk"),
        _("Omvang hoog"),
        _("Verdeling"),
        _("Deelnemers laag"),
        _("Deelnemers waarschijnlijk"),
        _("Deelnemers hoog"),
        _("Startjaar"),
        _("Looptijd (jaren)"),
        _("Afname laag"),
        _("Afname per jaar"),
        _("Afname hoog"),
        _("Deadweight laag"),
        _("Deadweight"),
        _("Deadweight hoog"),
        _("Attributie laag"),
        _("Attributie"),
        _("Attributie hoog"),
        _("Prijs"),
        _("Basis"),
        _("Bron van de waarneming"),
        _("Onderbouwing"),
    ]
    sheets[_("Effecten")] = (
        effect_header,
        [
            [
                row.core_id,
                row.indicator,
                row.get_size_kind_display(),
                row.size_low,
                row.size_likely,
                row.size_high,
                row.get_distribution_display(),
                row.participants_low,
                row.participants_likely,
                row.participants_high,
                row.start_year or valuation.base_year,
                row.duration,
                row.decay_low,
                row.decay_likely,
                row.decay_high,
                row.deadweight_low,
                row.deadweight_likely,
                row.deadweight_high,
                row.attribution_low,
                row.attribution_likely,
                row.attribution_high,
                row.price_key,
                row.get_basis_display(),
                row.observed_source,
                row.source,
            ]
            for row in valuation.effects
        ],
    )
    sheets[_("Wie profiteert")] = (
        [_("Effect"), _("Partij"), _("Beleidsdomein"), _("Aandeel")],
        [
            [row.indicator, share.party, share.get_domain_display(), share.share]
            for row in valuation.effects
            for share in row.shares.all()
        ],
    )
    sheets[_("Schakels")] = (
        [_("Van"), _("Naar"), _("Als-dan-aanname")],
        [
            [valuation.name(link.source), valuation.name(link.target), link.assumption]
            for link in valuation.links
        ],
    )
    origin = {
        "standaard": _("standaardlijst"),
        "installatie": _("installatie"),
        "project": _("project"),
    }
    sheets[_("Prijzen")] = (
        [
            _("Sleutel"),
            _("Omschrijving"),
            _("Eenheid"),
            _("Waarde laag (€)"),
            _("Waarde (€)"),
            _("Waarde hoog (€)"),
            _("Prijsjaar"),
            _("Indexatie"),
            _("Herkomst"),
            _("Bron"),
            _("Waar vindt u het bedrag?"),
            _("Gebruikt door"),
        ],
        [
            [
                info.key,
                info.label,
                info.unit,
                *_estimate_cells(info.value),
                info.price_year,
                info.indexation,
                origin.get(info.origin, info.origin),
                info.source,
                info.where_to_find,
                ", ".join(info.used_by),
            ]
            for info in sorted(valuation.price_info.values(), key=lambda i: i.key)
        ],
    )
    result_rows: list[list] = []
    if outcome.problem:
        result_rows.append([_("Probleem"), outcome.problem.text])
    if outcome.appraisal:
        a = outcome.appraisal
        result_rows += [
            [_("Netto contante waarde (€, bekende deel)"), a.npv],
            [_("Baten (€, contante waarde)"), a.benefits],
            [_("Kosten (€, contante waarde)"), a.costs],
            [_("Baten/kostenverhouding"), a.bcr],
            [_("Interne rentevoet"), irr_text(a.irr)],
        ]
        if outcome.montecarlo:
            mc = outcome.montecarlo
            result_rows.append([_("Kans op een positief saldo (Monte Carlo)"), mc.p_positive])
            for q, value in mc.percentiles.items():
                result_rows.append([_("Percentiel %(q)s (€)") % {"q": f"{q:g}"}, value])
        for item in outcome.unknowns:
            result_rows.append([_("Onbekend"), item["sentence"]])
        for group in outcome.sentences.values():
            for sentence in group:
                result_rows.append([_("Omslagpunt"), sentence.text])
        result_rows.append([_("Basis"), basis_text(a.basis)])
        if outcome.modal:
            result_rows.append([_("Scenario waarschijnlijke waarden (€)"), outcome.modal.npv])
        if outcome.montecarlo:
            result_rows.append([_("Gemiddelde Monte Carlo (€)"), outcome.montecarlo.mean])
        for party in a.parties:
            ask = (
                _("onbekend (prijs ontbreekt)")
                if party.cofunding_ask is None
                else f"{party.cofunding_ask:.0f}"
            )
            result_rows.append(
                [
                    _("Partij: %(party)s") % {"party": party.party},
                    _("betaalt %(pays).0f, ontvangt %(gains).0f, voorstel cofinanciering %(ask)s")
                    % {"pays": party.pays, "gains": party.gains, "ask": ask},
                ]
            )
        for effect in a.transfers:
            result_rows.append([_("Overdracht (buiten het saldo)"), effect.indicator])
        for effect in a.unpriced:
            result_rows.append([_("PM-post (zonder prijs)"), effect.indicator])
    sheets[_("Resultaat")] = ([_("Uitkomst"), _("Waarde")], result_rows)
    return xlsx_bytes(sheets)
