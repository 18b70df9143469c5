from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from proeftuin.portfolio.models import Project
from proeftuin.reporting.report import render_report_html, render_report_pdf


class Command(BaseCommand):
    help = "Write the rich-accountability report of a project as PDF or HTML."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or exact name")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("--output", "-o")

    def handle(self, project, format, output, **options):
        qs = Project.objects.all()
        found = qs.filter(pk=int(project)) if project.isdigit() else qs.filter(name=project)
        if not found.exists():
            found = qs.filter(name__icontains=project)
        if found.count() != 1:
            names = ", ".join(found.values_list("name", flat=True)[:5])
            raise CommandError(
                f"Geen eenduidig project gevonden voor '{project}'"
                + (f" (kandidaten: {names})" if names else "")
                + ". Geef het id of de volledige naam."
            )
        obj = found.get()
        path = Path(output or f"rapport-{slugify(obj.name) or obj.pk}.{format}")
        if format == "pdf":
            path.write_bytes(render_report_pdf(obj))
        else:
            path.write_text(render_report_html(obj), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Rapport geschreven: {path}"))
