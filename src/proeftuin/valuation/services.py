"""Run the pure core on a project's chain: the one place where views, report, export and the
``mkba`` command get their numbers. Views do not compute (docs/conventions.md).

Bad input never becomes a server error: the core's ``ValuationError`` turns into a Dutch
:class:`~proeftuin.valuation.messages.Problem` naming the element, and a broken price-list file
into a Dutch message naming the file, path and rule.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from proeftuin.core.valuation import (
    Appraisal,
    MonteCarloResult,
    TippingReport,
    Tornado,
    ValuationError,
    appraise_model,
    compile_model,
    modal_scenario,
    simulate_model,
    tipping_points_model,
    tornado_model,
)
from proeftuin.core.valuation.pricelist import PriceListLoadError
from proeftuin.reporting.sections import once_per_report

from . import convert
from .convert import ProjectValuation
from .messages import Problem, explain, findings
from .models import DEFAULT_DRAWS, MAX_DRAWS
from .wording import Sentence, tipping_sentences, unknown_sentence

logger = logging.getLogger(__name__)

PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)


@dataclass
class Outcome:
    """Everything the screens show about one project's indicative MKBA."""

    valuation: ProjectValuation | None
    problem: Problem | None = None
    notes: list[Problem] = field(default_factory=list)
    appraisal: Appraisal | None = None
    tipping: TippingReport | None = None
    tornado: Tornado | None = None
    montecarlo: MonteCarloResult | None = None
    sentences: dict[str, list[Sentence]] = field(default_factory=dict)
    unknowns: list[dict] = field(default_factory=list)
    modal: Appraisal | None = None
    """The same chain at each estimate's likely value: a scenario beside the expected headline."""

    @property
    def ok(self) -> bool:
        return self.appraisal is not None

    @property
    def empty(self) -> bool:
        return self.valuation is None or self.valuation.empty

    @property
    def cofunding(self) -> list:
        """Parties that benefit, largest co-funding ask first (004 §5.4.1, omkeringsdenken)."""
        if not self.appraisal:
            return []
        parties = [p for p in self.appraisal.parties if p.gains > 0 or p.unknown_effects]
        # Unknown asks (benefits only at an onbekend price) last, never sorted as zero.
        return sorted(
            parties,
            key=lambda p: (p.cofunding_ask is None, -(p.cofunding_ask or 0.0), -p.gains),
        )


def load(project, *, live: bool = False) -> tuple[ProjectValuation | None, Problem | None]:
    """The project's chain as core objects, or a Dutch message why it cannot be read.

    ``live`` only for a reader with participant-level access (observed figures live, logged);
    every other caller gets the released figures."""
    try:
        valuation = once_per_report(
            ("valuation.chain", project.pk, live), lambda: convert.load(project, live=live)
        )
        return valuation, None
    except PriceListLoadError as exc:
        return None, Problem(
            _(
                "De maatschappelijke prijslijst van deze installatie kan niet worden gelezen: "
                "%(error)s. Vraag de beheerder het bestand te herstellen."
            )
            % {"error": exc},
            code="price_list",
        )


def analyse(
    project, *, montecarlo: bool = True, draws: int | None = None, live: bool = False
) -> Outcome:
    """Validate and compute: appraisal, tipping points, tornado and (optionally) Monte Carlo."""
    valuation, problem = load(project, live=live)
    if valuation is None:
        return Outcome(None, problem)
    return analyse_valuation(valuation, montecarlo=montecarlo, draws=draws)


def benefit_pairs(project) -> tuple[dict[tuple[str, str], float] | None, str]:
    """Where the benefits land per (party, policy domain), and on what basis.

    The same balance as the MKBA page (the appraisal's party and domain gains, transfers left
    out) when some benefit has a known price: basis ``"value"``. When no benefit has a price yet,
    the shares entered in the effects chain still say where benefits land: each effect counts
    once, spread over its beneficiaries by their shares (basis ``"shares"``). ``(None, "")``
    without a chain or beneficiaries.
    """
    outcome = analyse(project, montecarlo=False)
    pairs: dict[tuple[str, str], float] = {}
    if outcome.appraisal and outcome.appraisal.benefits > 0:
        for party in outcome.appraisal.parties:
            for domain in party.domains:
                if domain.gains > 0:
                    key = (party.party, domain.domain)
                    pairs[key] = pairs.get(key, 0.0) + domain.gains
        if pairs:
            return pairs, "value"
    valuation = outcome.valuation
    chain = getattr(valuation, "chain", None) if valuation is not None else None
    for effect in getattr(chain, "effects", ()) or ():
        total = sum(max(b.share, 0.0) for b in effect.beneficiaries)
        for b in effect.beneficiaries:
            if total > 0 and b.share > 0:
                key = (b.party, b.domain)
                pairs[key] = pairs.get(key, 0.0) + b.share / total
    return (pairs, "shares") if pairs else (None, "")


def benefit_landing(project) -> dict[str, float] | None:
    """Where the benefits land: policy domain → weight (see :func:`benefit_pairs`)."""
    pairs, _basis = benefit_pairs(project)
    landing: dict[str, float] = {}
    for (_party, domain), weight in (pairs or {}).items():
        landing[domain] = landing.get(domain, 0.0) + weight
    return landing or None


def analyse_valuation(
    valuation: ProjectValuation, *, montecarlo: bool = True, draws: int | None = None
) -> Outcome:
    if valuation.empty:
        return Outcome(valuation)
    try:
        model = compile_model(valuation.chain, valuation.prices, valuation.settings)
        appraisal = appraise_model(model)
        modal = modal_scenario(model)
        tipping = tipping_points_model(model)
        sensitivity = tornado_model(model)
        simulation = None
        if montecarlo:
            n = draws or valuation.analysis.draws or DEFAULT_DRAWS
            simulation = simulate_model(
                model,
                draws=max(1, min(int(n), MAX_DRAWS)),
                seed=valuation.analysis.seed,
                percentiles=PERCENTILES,
            )
    except ValuationError as exc:
        return Outcome(valuation, explain(exc, valuation))
    except (ArithmeticError, ValueError):
        # Not bad input the core knows about: log it for the developers, tell the user plainly.
        logger.exception("valuation failed for project %s", valuation.project.pk)
        return Outcome(
            valuation,
            Problem(
                _(
                    "De keten kon niet worden doorgerekend door een onverwachte rekenfout. Controleer "
                    "de getallen op extreme waarden; de fout is gelogd."
                ),
                code="arithmetic",
            ),
        )
    unknowns = []
    for unknown in appraisal.unknowns:
        info = valuation.price_info.get(unknown.price_key)
        effects = [valuation.elements[e].name for e in unknown.effects if e in valuation.elements]
        unknowns.append(
            {
                "unknown": unknown,
                "info": info,
                "effects": effects,
                "sentence": unknown_sentence(unknown, info.unit if info else "", effects),
            }
        )
    return Outcome(
        valuation,
        None,
        findings(appraisal.findings, valuation),
        appraisal,
        tipping,
        sensitivity,
        simulation,
        tipping_sentences(tipping, valuation),
        unknowns,
        modal,
    )
