"""Background jobs on a durable queue: an import is a task of the django-tasks database backend.

The web request creates a :class:`~.models.Job` row and enqueues :func:`import_task` in the same
transaction, so either both exist or neither. ``proeftuin worker`` (see :mod:`.worker`) claims
the task, runs :func:`run_import` and writes progress to the job row; the page polls that row.
A worker that dies (a deploy, ``kill -9``) leaves its task *running*; the next worker start
resumes the import from the beginning (a staged import is published at once, so nothing of the
broken attempt is visible, and its rows are discarded first) or, after :data:`MAX_ATTEMPTS`, marks the job failed with a message.

Progress during the import's own transaction is written on a second, short-timeout connection:
PostgreSQL shows every step; SQLite allows one writer, so there the figure moves between steps.

Set ``PROEFTUIN_JOBS_INLINE = True`` (tests) to run jobs in the calling thread instead.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from . import audit, importer, recording, services
from .models import ImportFile, Job

logger = logging.getLogger("proeftuin.monitoring")

# A worker killed mid-import: how often the import is started again before the job fails.
MAX_ATTEMPTS = 3


def imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(import_file: ImportFile) -> Path:
    return imports_dir() / import_file.stored_name


def samples_path(import_file: ImportFile) -> Path:
    """The suggestion's sample rows (raw values: kept beside the upload, never in the database)."""
    return imports_dir() / f"{import_file.stored_name}.voorbeeld.json"


def delete_upload(import_file: ImportFile) -> None:
    try:
        upload_path(import_file).unlink(missing_ok=True)
        samples_path(import_file).unlink(missing_ok=True)
    except OSError:  # pragma: no cover - the file system said no; the sweep retries
        logger.warning("could not delete upload %s", import_file.stored_name)


def live_progress(job: Job) -> tuple[int, str]:
    """The job's progress as the worker last wrote it to the database."""
    return job.progress, job.message


class _ProgressWriter:
    """Write progress on a connection of its own, outside the import's transaction.

    The connection has a short busy timeout: on SQLite the import holds the write lock, and a
    progress figure is not worth waiting for. At most one write per second.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0
        self.conn = None
        if getattr(settings, "PROEFTUIN_JOBS_INLINE", False):
            return  # same connection, same transaction: nothing to show
        base = connections["default"].settings_dict
        options = dict(base.get("OPTIONS", {}))
        if base["ENGINE"] == "django.db.backends.sqlite3":
            options["timeout"] = 0.2
        self.conn = load_backend(base["ENGINE"]).DatabaseWrapper(
            {**base, "OPTIONS": options}, alias="progress"
        )

    def __call__(self, percent: int, message: str, force: bool = False) -> None:
        now = time.monotonic()
        if self.conn is None or (not force and now - self.last < 1.0):
            return
        self.last = now
        try:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET progress = %s, message = %s WHERE id = %s",  # noqa: S608 - table name from the model
                    [percent, message[:300], self.job_id],
                )
        except Exception as exc:  # noqa: BLE001 - progress is best effort, the import is not
            logger.debug("progress of job %s not written: %s", self.job_id, exc)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _retry(write, attempts: int = 20):
    """Run a small write again while SQLite reports a lock held by a reader (the polling page)."""
    for attempt in range(attempts):
        try:
            return write()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None


def _update(job_id: int, **fields) -> None:
    _retry(lambda: Job.objects.filter(pk=job_id).update(**fields))


def start_import(
    import_file: ImportFile, user, language: str = "nl", *, confirm_date_changes: bool = False
) -> Job:
    """Queue the commit of a checked import; ``proeftuin worker`` runs it."""
    job = Job.objects.create(
        project=import_file.project,
        created_by=user,
        kind="import",
        import_file=import_file,
        message=_("In de wachtrij"),
        # What the user confirmed on the check screen travels with the job, and so does the
        # starting request's access context (IP, hashed session): the worker's log entry names
        # where the import came from.
        result={
            **({"confirm_date_changes": True} if confirm_date_changes else {}),
            "access": {"ip": audit.current().ip, "session": audit.current().session},
        },
    )
    ImportFile.objects.filter(pk=import_file.pk).update(status=ImportFile.Status.QUEUED)
    if getattr(settings, "PROEFTUIN_JOBS_INLINE", False):
        run_import(job.pk, language)
    else:
        # Same transaction as the job row: a job never exists without its task.
        with transaction.atomic():
            import_task.enqueue(job_id=job.pk, language=language, attempt=1)
    return job


@task()
def import_task(job_id: int, language: str = "nl", attempt: int = 1) -> str:
    """The queued form of :func:`run_import`; ``attempt`` counts restarts after a lost worker."""
    run_import(job_id, language, attempt=attempt)
    return Job.objects.values_list("status", flat=True).get(pk=job_id)


@task()
def sweep_task(max_age_hours: int = 24) -> int:
    """The scheduled sweep of stale uploads (the worker enqueues it periodically)."""
    return sweep_stale_uploads(max_age_hours)


def run_import(job_id: int, language: str = "nl", attempt: int = 1) -> None:
    """Dry-run the stored file again (it must still be clean), then commit it atomically."""
    job = _retry(
        lambda: Job.objects.select_related("import_file__project", "created_by").get(pk=job_id)
    )
    access = (job.result or {}).get("access") or {}
    with audit.acting(
        user=job.created_by, ip=access.get("ip") or "worker", session=access.get("session", "")
    ):
        _run_import(job, job_id, language, attempt)


def _run_import(job: Job, job_id: int, language: str, attempt: int) -> None:
    import_file = job.import_file
    with override(language):
        _update(
            job_id,
            status=Job.Status.RUNNING,
            started_at=timezone.now(),
            progress=1,
            message=_("Bestand controleren")
            if attempt == 1
            else _("Bestand controleren (poging %(n)s van %(max)s na een herstart)")
            % {"n": attempt, "max": MAX_ATTEMPTS},
        )
        writer = _ProgressWriter(job_id)
        try:
            project = import_file.project
            instrument = services.known_instrument(import_file.instrument)
            path = upload_path(import_file)
            result = services.dry_run(
                project, path, import_file.mapping, instrument, import_file.original_name
            )
            _update(job_id, progress=40, message=_("Gegevens opslaan"))

            def progress(percent: int, message: str) -> None:
                # Inside the import's transaction: written on the progress connection.
                writer(40 + int(percent * 0.59), message)

            stats = recording.import_records(
                project,
                result,
                instrument,
                by=job.created_by,
                progress=progress,
                confirm_date_changes=bool((job.result or {}).get("confirm_date_changes")),
                source=import_file.original_name,
            )
        except importer.ImportFailed as exc:
            _finish(job, import_file, Job.Status.FAILED, str(exc), {})
        except services.UnknownInstrument as exc:
            _finish(
                job,
                import_file,
                Job.Status.FAILED,
                _("Het instrument '%(id)s' is niet (meer) geïnstalleerd. Er is niets opgeslagen.")
                % {"id": exc.args[0]},
                {},
            )
        except OperationalError as exc:
            # The database was briefly unavailable or locked: nothing was written; try again.
            logger.warning("import job %s attempt %s: %s", job_id, attempt, exc)
            if not retry_later(job_id, language, attempt):
                _finish(
                    job,
                    import_file,
                    Job.Status.FAILED,
                    _(
                        "De database was na %(max)s pogingen niet bereikbaar. Er is niets "
                        "opgeslagen; start de import later opnieuw."
                    )
                    % {"max": MAX_ATTEMPTS},
                    {},
                )
        except Exception as exc:  # noqa: BLE001 - a job reports, it never crashes the server
            logger.exception("import job %s failed", job_id)
            _finish(
                job,
                import_file,
                Job.Status.FAILED,
                _("De import is mislukt (%(error)s). Er is niets opgeslagen.")
                % {"error": type(exc).__name__},
                {},
            )
        else:
            _finish(job, import_file, Job.Status.DONE, _("Import voltooid"), stats)
        finally:
            writer.close()


def retry_later(job_id: int, language: str, attempt: int, delay_seconds: int = 10) -> bool:
    """Queue the next attempt of an import (False once :data:`MAX_ATTEMPTS` is reached)."""
    if attempt >= MAX_ATTEMPTS or getattr(settings, "PROEFTUIN_JOBS_INLINE", False):
        return False
    with transaction.atomic():
        _update(
            job_id,
            status=Job.Status.QUEUED,
            progress=0,
            message=_("Onderbroken; wordt opnieuw gestart (poging %(n)s van %(max)s)")
            % {"n": attempt + 1, "max": MAX_ATTEMPTS},
        )
        import_task.using(
            run_after=timezone.now() + timedelta(seconds=delay_seconds * attempt)
        ).enqueue(job_id=job_id, language=language, attempt=attempt + 1)
    return True


def _finish(job: Job, import_file: ImportFile, status: str, message: str, result: dict) -> None:
    _update(
        job.pk,
        status=status,
        progress=100,
        message=message[:300],
        result=result,
        finished_at=timezone.now(),
    )
    final = ImportFile.Status.DONE if status == Job.Status.DONE else ImportFile.Status.FAILED
    _retry(lambda: ImportFile.objects.filter(pk=import_file.pk).update(status=final))
    delete_upload(import_file)


def sweep_stale_uploads(max_age_hours: int = 24) -> int:
    """Delete uploads that were never committed or cancelled (left behind for a day)."""
    cutoff = timezone.now() - timedelta(hours=max_age_hours)
    stale = ImportFile.objects.filter(
        created_at__lt=cutoff,
        status__in=[ImportFile.Status.UPLOADED, ImportFile.Status.MAPPED],
    )
    count = 0
    for import_file in stale:
        delete_upload(import_file)
        import_file.status = ImportFile.Status.CANCELLED
        import_file.save(update_fields=["status"])
        count += 1
    return count


def cancel_pending(project, user) -> int:
    """Delete the user's uploads in this project that were never committed."""
    pending = ImportFile.objects.filter(
        project=project,
        uploaded_by=user,
        status__in=[ImportFile.Status.UPLOADED, ImportFile.Status.MAPPED],
    )
    count = 0
    for import_file in pending:
        delete_upload(import_file)
        import_file.status = ImportFile.Status.CANCELLED
        import_file.save(update_fields=["status"])
        count += 1
    return count
