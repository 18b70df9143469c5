"""``proeftuin manage release_figures [PROJECT ...] [--mijlpaal]``: the monthly figure release.

Freezes each project's protected figures as a dated release (what funders, policy advisers and
researchers see). A project where fewer than the threshold in persons changed since its previous
release keeps that release: a new one would let the two be subtracted.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from proeftuin.monitoring import releases
from proeftuin.monitoring.models import FigureRelease, Pair
from proeftuin.portfolio.lookup import find_project
from proeftuin.portfolio.models import Project


class Command(BaseCommand):
    help = "Geeft de cijfers van Tel en vertel vrij (maandelijks of bij een mijlpaal)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("projects", nargs="*", help="project (id of naam); standaard: alle")
        parser.add_argument(
            "--mijlpaal", action="store_true", help="vrijgave bij een mijlpaal (niet maandelijks)"
        )

    def handle(self, *args, **options) -> None:
        if options["projects"]:
            projects = [find_project(p) for p in options["projects"]]
        else:
            projects = list(
                Project.objects.filter(
                    archived_at__isnull=True, pk__in=Pair.objects.values("project_id")
                ).order_by("pk")
            )
        reason = FigureRelease.Reason.MILESTONE if options["mijlpaal"] else "monthly"
        for project in projects:
            try:
                release = releases.create_release(project, reason=reason)
            except releases.ReleaseRefused as refused:
                self.stdout.write(
                    f"{project.pk} {project.name}: niet vrijgegeven, {refused.changed} "
                    f"personen gewijzigd (minstens {refused.threshold} nodig)"
                )
                continue
            self.stdout.write(f"{project.pk} {project.name}: stand per {release.released_on}")
