"""Report downloads: the project report and the portfolio report, as HTML, PDF, DOCX and ODT."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from proeftuin.portfolio.access import visible_project

from . import editable
from .portfolio_report import render_portfolio_html, render_portfolio_pdf
from .report import render_report_html, render_report_pdf


def _download(content: bytes, fmt: str, filename: str) -> HttpResponse:
    mime = "application/pdf" if fmt == "pdf" else editable.content_type(fmt)
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@login_required
def project_report(request, pk: int, fmt: str):
    project = visible_project(request, pk)
    filename = f"rapport-{slugify(project.name) or project.pk}"
    if fmt == "pdf":
        return _download(render_report_pdf(project), fmt, filename)
    if fmt in editable.EDITABLE_FORMATS:
        html = render_report_html(project, for_pdf=True)
        return _download(editable.write(html, fmt, project.name), fmt, filename)
    return HttpResponse(render_report_html(project))


@login_required
def portfolio_report(request, fmt: str):
    """Every project the user may see; no participant figures (see ``portfolio_report``)."""
    filename = f"portfolio-{timezone.localdate().isoformat()}"
    if fmt == "pdf":
        return _download(render_portfolio_pdf(request.user), fmt, filename)
    if fmt in editable.EDITABLE_FORMATS:
        html = render_portfolio_html(request.user, for_pdf=True)
        return _download(editable.write(html, fmt, filename), fmt, filename)
    return HttpResponse(render_portfolio_html(request.user))
