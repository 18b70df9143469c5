"""The project report (PDF, DOCX, ODT) as a background job, with progress, on the existing queue.

Rendering a project report takes one to a few seconds (most of it is drawing the charts), too
long for a button that gives no sign of life. The download buttons therefore queue a job (the
monitoring app's :class:`~proeftuin.monitoring.models.Job` with kind ``rapport``, on the
django-tasks queue that ``proeftuin worker`` runs, decision 0014); the page polls its progress
per report section and offers the file when it is ready. The file is kept for a day in
``MEDIA_ROOT/reports`` and removed by the next job after that.

The job only stores *which* report in which language; the file is the same report anyone who
may see the project gets at ``/rapporten/project/<id>.pdf|.docx|.odt`` (released figures only).
The PDF joined in issue 14: its layout alone takes about a second of CPU for a large project.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from proeftuin.monitoring.models import Job

from . import editable
from .report import html_to_pdf, render_report_html

logger = logging.getLogger("proeftuin.reporting")

KIND = "rapport"
#: The PDF goes through the same job: laying out and drawing a large report takes seconds.
FORMATS = ("pdf", *editable.EDITABLE_FORMATS)
KEEP = timedelta(days=1)


def reports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def content_type(fmt: str) -> str:
    return "application/pdf" if fmt == "pdf" else editable.content_type(fmt)


def file_path(job: Job) -> Path:
    return reports_dir() / f"rapport-{job.pk}.{job.result.get('fmt', 'docx')}"


def _sweep() -> None:
    """Remove report files older than :data:`KEEP` (best effort)."""
    limit = time.time() - KEEP.total_seconds()
    for path in reports_dir().glob("rapport-*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - another process removed it
            continue


def start(project, user, fmt: str, language: str) -> Job:
    """Queue the report of ``project`` as ``fmt``; the request returns at once."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    job = Job.objects.create(
        project=project,
        created_by=user,
        kind=KIND,
        message=_("In de wachtrij"),
        result={"fmt": fmt, "language": language},
    )
    if getattr(settings, "PROEFTUIN_JOBS_INLINE", False):
        run(job.pk)
    else:
        with transaction.atomic():
            report_task.enqueue(job_id=job.pk)
    return job


@task()
def report_task(job_id: int) -> str:
    run(job_id)
    return Job.objects.values_list("status", flat=True).get(pk=job_id)


def run(job_id: int) -> None:
    job = Job.objects.select_related("project").get(pk=job_id)
    fmt = job.result.get("fmt", "docx")
    with override(job.result.get("language") or settings.LANGUAGE_CODE):
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.RUNNING, started_at=timezone.now(), progress=5, message=_("Bezig")
        )

        def progress(done: int, total: int, _slug: str) -> None:
            Job.objects.filter(pk=job_id).update(
                progress=5 + int(80 * done / max(total, 1)),
                message=_("Onderdeel %(done)d van %(total)d") % {"done": done, "total": total},
            )

        try:
            html = render_report_html(job.project, for_pdf=True, progress=progress)
            Job.objects.filter(pk=job_id).update(progress=90, message=_("Document schrijven"))
            if fmt == "pdf":
                content = html_to_pdf(html)
            else:
                content = editable.write(html, fmt, job.project.name)
            file_path(job).write_bytes(content)
        except Exception:
            logger.exception("report job %s failed", job_id)
            Job.objects.filter(pk=job_id).update(
                status=Job.Status.FAILED,
                finished_at=timezone.now(),
                message=_("Het rapport kon niet worden gemaakt. Probeer het opnieuw."),
            )
            return
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.DONE, progress=100, finished_at=timezone.now(), message=_("Klaar")
        )
    _sweep()
