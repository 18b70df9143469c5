"""``proeftuin remind``: the daily reminder e-mail of plan actions (see docs/operations.md)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from proeftuin.agenda.reminders import DEFAULT_DAYS, send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each owner their plan actions that are overdue or due within N days (once a day)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="look ahead N days")
        parser.add_argument("--dry-run", action="store_true", help="list, but send nothing")
        parser.add_argument("--today", help="YYYY-MM-DD (for testing a schedule)")

    def handle(self, *args, days: int, dry_run: bool, today: str | None, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more")
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today: {error}") from error
        outcome, messages = send_reminders(day, days, dry_run=dry_run)
        for address, subject in messages:
            self.stdout.write(f"{'(proef) ' if dry_run else ''}{address}: {subject}")
        self.stdout.write(
            f"sent={outcome.sent} already_sent_today={outcome.already_sent} "
            f"without_email={outcome.no_address}"
        )
