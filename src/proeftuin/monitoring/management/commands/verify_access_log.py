"""``proeftuin manage verify_access_log``: recompute the access log's hash chain.

Exits with an error naming the first broken link (changed, inserted or removed entries), so a
scheduled check (cron, monitoring) notices tampering.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from proeftuin.monitoring import audit
from proeftuin.monitoring.audit_models import head

REASONS = {
    "gap": "een regel ontbreekt (verwijderd?)",
    "prev_hash": "de verwijzing naar de vorige regel klopt niet",
    "row_hash": "de inhoud van de regel is gewijzigd",
    "head": "de laatste regel(s) ontbreken of de keten is ingekort",
}


class Command(BaseCommand):
    help = "Controleer de hashketen van het inzagelogboek; meldt de eerste gebroken schakel."

    def handle(self, *args, **options) -> None:
        broken = audit.verify()
        chain = head()
        if broken is not None:
            raise CommandError(
                f"Het inzagelogboek is niet intact bij volgnummer {broken.seq}: "
                f"{REASONS[broken.code]}. Meld dit bij de functionaris gegevensbescherming."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Inzagelogboek intact: {chain.seq - chain.checkpoint_seq} regels "
                f"(volgnummer {chain.checkpoint_seq + 1} t/m {chain.seq})."
            )
        )
