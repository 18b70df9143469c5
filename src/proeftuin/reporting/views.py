"""Report downloads: the project report and the portfolio report, as HTML, PDF, DOCX and ODT."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from proeftuin.monitoring.models import Job
from proeftuin.portfolio.access import visible_project
from proeftuin.portfolio.views import project_context

from . import editable, jobs
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
    filename = _filename(project)
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


def _filename(project) -> str:
    return f"rapport-{slugify(project.name) or project.pk}"


def _job_of(request, project, job_pk: int) -> Job:
    """A report job of this project started by someone of the user's own organisation."""
    return get_object_or_404(
        Job.objects.filter(
            project=project,
            kind=jobs.KIND,
            created_by__organisation_id=request.user.organisation_id,
        ),
        pk=job_pk,
    )


@login_required
@require_POST
def report_job_start(request, pk: int, fmt: str):
    """The download buttons: queue the report (PDF, DOCX, ODT) and show its progress."""
    project = visible_project(request, pk)
    if fmt not in jobs.FORMATS:
        raise Http404
    job = jobs.start(project, request.user, fmt, (get_language() or "nl")[:2])
    return redirect("reporting:job", pk=project.pk, job_pk=job.pk)


@login_required
def report_job(request, pk: int, job_pk: int):
    project = visible_project(request, pk)
    job = _job_of(request, project, job_pk)
    context = {"job": job, "fmt": job.result.get("fmt", "docx")}
    if request.htmx:
        return render(request, "reporting/_job_status.html", {**context, "project": project})
    return render(request, "reporting/job.html", project_context(request, project, "", **context))


@login_required
def report_job_file(request, pk: int, job_pk: int):
    project = visible_project(request, pk)
    job = _job_of(request, project, job_pk)
    path = jobs.file_path(job)
    if job.status != Job.Status.DONE or not path.exists():
        raise Http404
    fmt = job.result.get("fmt", "docx")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{_filename(project)}.{fmt}",
        content_type=jobs.content_type(fmt),
    )
