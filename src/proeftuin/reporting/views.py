"""Report downloads from the project page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify

from proeftuin.portfolio.access import visible_project

from .report import render_report_html, render_report_pdf


@login_required
def project_report(request, pk: int, fmt: str):
    project = visible_project(request, pk)
    filename = f"rapport-{slugify(project.name) or project.pk}"
    if fmt == "pdf":
        response = HttpResponse(render_report_pdf(project), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    return HttpResponse(render_report_html(project))
