"""``proeftuin manage purge_access_log``: remove entries older than the retention period.

The retention is ``PROEFTUIN_ACCESS_LOG_RETENTION_DAYS``. The last removed entry's hash becomes a
checkpoint, so ``verify_access_log`` still checks the remaining chain; the purge is logged.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from proeftuin.monitoring import audit


class Command(BaseCommand):
    help = "Verwijder regels van het inzagelogboek die ouder zijn dan de bewaartermijn."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="bewaartermijn in dagen (standaard: instelling)"
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        with audit.acting():
            removed = audit.purge(days)
        self.stdout.write(self.style.SUCCESS(f"{removed} regels verwijderd."))
