"""``proeftuin backup``: the database and media in one verified archive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from proeftuin.operations.backup import BackupError, backup
from proeftuin.operations.backup import verify as verify_archive


class Command(BaseCommand):
    help = "Write a backup (database + media, with a manifest of checksums) and verify it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", help="archive to write (default: var/backups/…)")
        parser.add_argument("--verify", metavar="FILE", help="only verify an existing archive")

    def handle(self, *args, output=None, verify=None, **options) -> None:
        try:
            if verify:
                checked = verify_archive(Path(verify))
                self.stdout.write(f"OK: {verify}: {checked.files} bestanden, checksums kloppen.")
                return
            stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M%S")
            path = Path(output or Path(settings.VAR_DIR) / "backups" / f"proeftuin-{stamp}.tar.gz")
            checked = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup geschreven en gecontroleerd: {path} ({checked.files} bestanden)"
            )
        )
