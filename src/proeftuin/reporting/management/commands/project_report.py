from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.text import slugify

from proeftuin.portfolio.lookup import find_project
from proeftuin.reporting.report import render_report_html, render_report_pdf


class Command(BaseCommand):
    help = "Write the rich-accountability report of a project as PDF or HTML."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or exact name")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("--output", "-o")

    def handle(self, project, format, output, **options):
        obj = find_project(project)
        path = Path(output or f"rapport-{slugify(obj.name) or obj.pk}.{format}")
        if format == "pdf":
            path.write_bytes(render_report_pdf(obj))
        else:
            path.write_text(render_report_html(obj), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Rapport geschreven: {path}"))
