"""``proeftuin manage import_portfolio FILE --user NAME [--dry-run]``: the screen's import, scripted.

The same path as the screen: the intake reads the file, the suggested mapping is used, every
record goes through the screens' forms, all or nothing, and a second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from proeftuin.accounts.models import User
from proeftuin.common import intake_text
from proeftuin.core import portfolio_exchange as core
from proeftuin.core.access import Capability
from proeftuin.portfolio import exchange
from proeftuin.portfolio.registry import PortfolioImport


class Command(BaseCommand):
    help = (
        "Importeer projecten, financiering, coalitie en doelen uit een XLSX-, ODS- of CSV-bestand."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="gebruikersnaam; bepaalt de organisatie")
        parser.add_argument("--dry-run", action="store_true", help="alleen controleren")

    def handle(self, *args, file: Path, user: str, dry_run: bool, **options):
        account = User.objects.filter(username=user).select_related("organisation").first()
        if account is None or not account.can(Capability.CREATE):
            raise CommandError("Onbekende gebruiker, of deze rol mag geen projecten aanmaken.")
        content = file.read_bytes()
        parsed = exchange.read(content, file.name)
        imp = PortfolioImport.objects.create(
            organisation=account.organisation,
            created_by=account,
            original_name=file.name,
            content=content,
            mapping={s.name: core.default_mapping(s) for s in parsed.sheets},
        )
        outcome = exchange.run(imp, account, commit=not dry_run)
        committed = not dry_run and not outcome.problems
        imp.status = PortfolioImport.Status.DONE if committed else PortfolioImport.Status.CHECKED
        if outcome.problems:
            imp.status = PortfolioImport.Status.FAILED
        imp.result = {**outcome.to_dict(), "committed": committed}
        imp.save()
        for problem in outcome.problems:
            self.stderr.write(intake_text.described(problem))
        self.stdout.write(
            f"nieuw: {outcome.created}, bijgewerkt: {outcome.updated}, al gelijk: {outcome.unchanged}"
        )
        if outcome.problems:
            raise CommandError(f"{len(outcome.problems)} problemen: er is niets opgeslagen.")
        if not outcome.changes:
            self.stdout.write("Dit bestand verandert niets: alles staat er al.")
