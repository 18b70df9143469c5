"""``manage.py mkba PROJECT`` (and ``proeftuin mkba PROJECT``): the indicative MKBA in text.

Prints the summary a funder or council asks for: NPV, benefit/cost ratio, P(NPV > 0), the
tipping points in plain Dutch, what is unknown, and per party who pays, who gains and the
co-funding proposal (004 §5.4.1).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from proeftuin.portfolio.lookup import find_project
from proeftuin.valuation import services
from proeftuin.valuation.models import MAX_DRAWS
from proeftuin.valuation.wording import conclusion, euro, irr_text, number, percent


class Command(BaseCommand):
    help = "Print the indicative MKBA of a project: NPV, BCR, P(NPV>0), tipping points, parties."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or exact name")
        parser.add_argument(
            "--draws", type=int, default=None, help="Monte Carlo draws (default: the project's)"
        )

    def handle(self, project, draws, **options):
        obj = find_project(project)
        if draws is not None and not 1 <= draws <= MAX_DRAWS:
            raise CommandError(f"--draws moet tussen 1 en {MAX_DRAWS} liggen.")
        outcome = services.analyse(obj, draws=draws)
        if outcome.valuation is None or outcome.problem:
            raise CommandError(outcome.problem.text if outcome.problem else "onbekende fout")
        if outcome.empty:
            self.stdout.write(f"{obj.name}: nog geen effectenketen; niets door te rekenen.")
            return
        self.stdout.write(self.render(obj, outcome))

    def render(self, obj, outcome) -> str:
        v, a, mc = outcome.valuation, outcome.appraisal, outcome.montecarlo
        rate = percent(v.settings.discount_rate, 2) + (" (standaard)" if v.rate_is_default else "")
        lines = [
            f"Maatschappelijke waarde (indicatieve MKBA): {obj.name}",
            f"Discontovoet {rate}, horizon {v.settings.horizon} jaar, basisjaar {v.base_year}, "
            f"prijslijst {v.catalogue.version_label}",
            "",
            conclusion(a),
            "",
            f"Netto contante waarde{'' if a.complete else ' (bekende deel)'}: {euro(a.npv)}",
            f"Baten {euro(a.benefits)}, kosten {euro(a.costs)}, "
            f"baten/kostenverhouding {number(a.bcr, 2)}",
            f"Interne rentevoet: {irr_text(a.irr)}",
        ]
        if mc:
            spread = ", ".join(f"P{q:g} {euro(value)}" for q, value in mc.percentiles.items())
            lines += [
                f"Kans op een positief saldo: {percent(mc.p_positive, 1)} "
                f"({number(mc.draws)} trekkingen, startgetal {mc.seed})",
                f"Percentielen: {spread}",
            ]
        if outcome.unknowns:
            lines += ["", "Onbekend:"] + [f"- {item['sentence']}" for item in outcome.unknowns]
        sentences = [s for group in outcome.sentences.values() for s in group]
        if sentences:
            lines += ["", "Omslagpunten:"] + [f"- {s.text}" for s in sentences]
        lines += [
            "",
            "Partijen (contante waarden): betaalt / ontvangt / saldo / voorstel cofinanciering",
        ]
        for party in a.parties:
            extra = " (+ baten met onbekende prijs)" if party.unknown_effects else ""
            lines.append(
                f"- {party.party}: {euro(party.pays)} / {euro(party.gains)}{extra} / "
                f"{euro(party.net)} / {euro(party.cofunding_ask) if party.cofunding_ask is not None else 'onbekend'}"
            )
        if outcome.notes:
            lines += ["", "Om nog eens naar te kijken:"] + [f"- {n.text}" for n in outcome.notes]
        return "\n".join(lines)
