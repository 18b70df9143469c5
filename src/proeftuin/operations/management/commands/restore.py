"""``proeftuin restore FILE``: verify an archive, then replace the database and media with it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from proeftuin.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `proeftuin backup` (it is verified first). Stop the app first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: the current data is replaced"
        )

    def handle(self, *args, archive: str, yes: bool, **options) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{archive}: bestand niet gevonden.")
        if not yes and options.get("interactive", True):
            answer = input("De huidige database en media worden vervangen. Doorgaan? [ja/nee] ")
            if answer.strip().lower() not in ("ja", "j", "yes", "y"):
                raise CommandError("Niets hersteld.")
        try:
            checked = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Hersteld uit {path} (gemaakt {checked.manifest['created_at']}, "
                f"{checked.files} bestanden). Start de app opnieuw; "
                "voer na een upgrade `proeftuin manage migrate` uit."
            )
        )
