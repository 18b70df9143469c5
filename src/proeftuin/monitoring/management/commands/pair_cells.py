"""``proeftuin manage pair_cells [--check | --rebuild | --compact]``: upkeep of the derived cells.

The effect figures read cells that database triggers keep (decision 0030). ``--check`` recounts
them from the pairs and trajectories and says whether they agree (exit status 1 if not);
``--rebuild`` recounts and replaces them (and puts missing triggers back); ``--compact`` folds
PostgreSQL's appended rows together (the worker does that every few minutes anyway).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from proeftuin.monitoring import pair_cell_sql


class Command(BaseCommand):
    help = "Controleert, herbouwt of comprimeert de afgeleide tellingen achter de effectcijfers."

    def add_arguments(self, parser) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--check", action="store_true", help="tel opnieuw en vergelijk")
        action.add_argument("--rebuild", action="store_true", help="tel opnieuw en vervang")
        action.add_argument("--compact", action="store_true", help="voeg rijen per cel samen")

    def handle(self, *args, **options) -> None:
        missing = pair_cell_sql.missing_triggers()
        if options["rebuild"]:
            pair_cell_sql.install()
            pair_cell_sql.rebuild()
            self.stdout.write("Tellingen opnieuw opgebouwd uit de paren en trajecten.")
            return
        if options["compact"]:
            removed = pair_cell_sql.compact()
            self.stdout.write(f"{removed} rijen samengevoegd of verwijderd.")
            return
        differing = pair_cell_sql.differences()
        for table, count in differing.items():
            self.stdout.write(f"{table}: {count} afwijkende cellen")
        if missing:
            self.stdout.write(f"Ontbrekende triggers: {', '.join(missing)}")
        if missing or any(differing.values()):
            raise CommandError(
                "De tellingen wijken af van de paren. Herstel met: proeftuin manage pair_cells "
                "--rebuild"
            )
        self.stdout.write("De tellingen kloppen.")
