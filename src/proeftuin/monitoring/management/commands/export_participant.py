"""``proeftuin manage export_participant --project P --client-number N``: answer a data-subject
access request (AVG art. 15) with one participant's data as JSON or CSV. The export is logged."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from proeftuin.core import identifiers
from proeftuin.monitoring import audit, subject_access
from proeftuin.monitoring.models import AccessLog
from proeftuin.portfolio.lookup import find_project


class Command(BaseCommand):
    help = "Exporteer alle gegevens van één deelnemer (inzageverzoek, AVG art. 15)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", required=True, help="project-id of volledige naam")
        parser.add_argument(
            "--client-number", required=True, help="het cliëntnummer van uw organisatie"
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", "-o", help="bestand (standaard: naar het scherm)")

    def handle(self, *args, **options) -> None:
        project = find_project(options["project"])
        number = options["client_number"]
        if identifiers.looks_like_bsn(number):
            raise CommandError(
                "Dit lijkt een BSN. Proeftuin kent alleen het cliëntnummer van uw organisatie: "
                "zoek het cliëntnummer op in uw eigen registratie en probeer het opnieuw."
            )
        participant, subject = subject_access.find(project, number)
        data = subject_access.participant_data(project, participant, subject)
        if participant is None and not data["inzagelogboek"]:
            raise CommandError(
                f"Geen deelnemer met dit cliëntnummer in '{project.name}', ook niet in het "
                "inzagelogboek. Controleer het nummer en het project."
            )
        text = (subject_access.as_json if options["format"] == "json" else subject_access.as_csv)(
            data
        )
        with audit.acting():
            audit.record(
                None,
                AccessLog.Action.EXPORT_PARTICIPANT,
                project,
                participant,
                detail=f"inzageverzoek als {options['format'].upper()}",
                subject=subject,
            )
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Geschreven naar {options['output']}."))
        else:
            self.stdout.write(text)
