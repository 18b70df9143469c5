"""``proeftuin import PROJECT FILE --mapping TEMPLATE|JSON``: the spreadsheet import from the shell.

The same steps as the web upload: the mapping (a saved template of the project, a JSON file or a
JSON string), a dry run that lists every problem by file, sheet, row and column, and only when it
is clean an atomic commit with a progress bar. ``--suggest FILE`` writes the suggested mapping as
JSON to start a template from; ``--dry-run`` stops after the check.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from proeftuin.common import intake_text
from proeftuin.core import intake
from proeftuin.monitoring import importer, recording, services
from proeftuin.monitoring.models import MappingTemplate
from proeftuin.portfolio.lookup import find_project
from proeftuin.portfolio.models import Project


def load_mapping(project: Project, text: str) -> tuple[dict, str | None]:
    """A template of the project by name, a JSON file, or a JSON string; and its instrument."""
    template = MappingTemplate.objects.filter(project=project, name=text).first()
    if template is not None:
        return template.mapping, template.instrument
    path = Path(text)
    raw = None
    if text.lstrip().startswith("{"):
        raw = text
    elif path.suffix.lower() == ".json" and path.exists():
        raw = path.read_text(encoding="utf-8")
    if raw is None:
        names = ", ".join(project.mapping_templates.values_list("name", flat=True)[:10])
        raise CommandError(
            f"'{text}' is geen sjabloon van dit project, geen JSON-bestand en geen JSON."
            + (f" Sjablonen: {names}." if names else " Dit project heeft nog geen sjablonen.")
        )
    try:
        data = json.loads(raw)
        intake.Mapping.from_dict(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"De koppeling kan niet worden gelezen: {exc}") from None
    return data, data.get("instrument") or None


def _system_user() -> str:
    """The operating-system account, also in a container with an arbitrary uid and no USER."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


class Command(BaseCommand):
    help = "Import a project leader's spreadsheet (XLSX, ODS, CSV) into Tel en vertel."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or exact name")
        parser.add_argument("file", help="the spreadsheet")
        parser.add_argument("--mapping", help="template name, JSON file or JSON string")
        parser.add_argument("--instrument", help="instrument id (default: the mapping's)")
        parser.add_argument("--suggest", metavar="FILE", help="write the suggested mapping")
        parser.add_argument("--save-template", metavar="NAME", help="save --mapping as a template")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--confirm-date-changes",
            action="store_true",
            help="the file corrects the date of an existing moment (e.g. the baseline): move it",
        )

    def handle(
        self,
        project,
        file,
        mapping,
        instrument,
        suggest,
        save_template,
        dry_run,
        confirm_date_changes=False,
        **opts,
    ):
        obj = find_project(project)
        path = Path(file)
        if not path.exists():
            raise CommandError(f"Bestand niet gevonden: {path}")
        if suggest:
            chosen = services.instrument(instrument)
            suggestion = services.suggest(path, chosen, filename=path.name)
            for error in suggestion.errors:
                self.stderr.write(f"{error.severity}: {intake_text.described(error)}")
            if not suggestion.ok:
                raise CommandError(
                    f"{path.name} kan niet worden gelezen; er is geen koppeling geschreven."
                )
            Path(suggest).write_text(suggestion.mapping.to_json(), encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Voorgestelde koppeling geschreven: {suggest}"))
            return
        if not mapping:
            raise CommandError("Geef --mapping (sjabloon, JSON-bestand of JSON) of --suggest.")
        data, mapped_instrument = load_mapping(obj, mapping)
        chosen = services.instrument(instrument or mapped_instrument)
        bar = tqdm(total=100, desc="Controleren", unit="%", disable=opts.get("verbosity", 1) == 0)
        result = services.dry_run(obj, path, data, chosen, path.name)
        bar.update(30)
        problems, error_count = importer.all_errors(result)
        for problem in problems:
            self.stderr.write(f"{problem.severity}: {intake_text.described(problem)}")
        if error_count:
            bar.close()
            raise CommandError(
                f"{error_count} fout(en) gevonden; er is niets geïmporteerd. Verbeter het bestand "
                "of de koppeling en probeer het opnieuw."
            )
        if save_template:
            MappingTemplate.objects.update_or_create(
                project=obj, name=save_template, defaults={"instrument": chosen.id, "mapping": data}
            )
        planned = importer.plan(obj, result.record_sequence())
        changes = importer.date_change_errors(result, planned.date_changes)
        for change in changes:
            self.stderr.write(
                f"{'bevestigd' if confirm_date_changes else 'let op'}: "
                f"{intake_text.described(change)}"
            )
        if changes and not confirm_date_changes:
            bar.close()
            raise CommandError(
                f"{len(changes)} bestaande meetmoment(en) krijgen in dit bestand een andere datum. "
                "Klopt de nieuwe datum, geef dan --confirm-date-changes; anders herstel het "
                "bestand. Er is niets geïmporteerd."
            )
        counts = planned.counts
        self.stdout.write(
            f"Per meting: {counts['new']} nieuw, {counts['update']} bijgewerkt, "
            f"{counts['unchanged']} ongewijzigd."
        )
        if dry_run:
            bar.close()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Proefimport zonder fouten: {result.records.height} metingen van "
                    f"{result.records['participant_key'].n_unique() if result.records.height else 0}"
                    " deelnemers. Er is niets opgeslagen."
                )
            )
            return
        bar.set_description("Importeren")
        done = [30]

        def progress(percent: int, message: str) -> None:
            target = 30 + int(percent * 0.7)
            if target > done[0]:
                bar.update(target - done[0])
                done[0] = target
            bar.set_description(message)

        try:
            # The command line has no signed-in user: the log names the system account.
            stats = recording.import_records(
                obj,
                result,
                chosen,
                by=recording.Actor(username=f"cli:{_system_user()}", organisation=obj.owner.name),
                progress=progress,
                confirm_date_changes=confirm_date_changes,
                source=f"{path.name} (proeftuin import)",
            )
        except importer.ImportFailed as exc:
            raise CommandError(f"{exc} Er is niets opgeslagen.") from None
        bar.update(100 - done[0])
        bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Geïmporteerd in '{obj.name}': {stats.get('records', 0)} regels; "
                f"{stats.get('participants_created', 0)} nieuwe deelnemers, "
                f"{stats.get('measurements_created', 0)} nieuwe en "
                f"{stats.get('measurements_updated', 0)} bijgewerkte en "
                f"{stats.get('measurements_unchanged', 0)} ongewijzigde metingen."
            )
        )
