"""Background jobs: an import runs in a daemon thread; the page polls its :class:`~.models.Job`.

The job row holds status, progress (0–100), a message and the result. While the import's own
transaction is open, other connections cannot see what it writes (and SQLite allows one writer),
so progress inside that transaction is also kept in memory (:data:`_LIVE`); the polling view
prefers the live figure when the job runs in the same process. The thread closes its database
connection when it ends.

Set ``PROEFTUIN_JOBS_INLINE = True`` (tests) to run jobs in the calling thread instead.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import importer, services
from .models import AccessLog, ImportFile, Job

logger = logging.getLogger("proeftuin.monitoring")

_LIVE: dict[int, tuple[int, str]] = {}
_LOCK = threading.Lock()


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
    with _LOCK:
        return _LIVE.get(job.pk, (job.progress, job.message))


def _set_live(job_id: int, percent: int, message: str) -> None:
    with _LOCK:
        _LIVE[job_id] = (percent, message)


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
    if "progress" in fields or "message" in fields:
        current = _LIVE.get(job_id, (0, ""))
        _set_live(job_id, fields.get("progress", current[0]), fields.get("message", current[1]))


def start_import(import_file: ImportFile, user, language: str = "nl") -> Job:
    """Queue the commit of a checked import and start it in the background."""
    job = Job.objects.create(
        project=import_file.project,
        created_by=user,
        kind="import",
        import_file=import_file,
        message=_("In de wachtrij"),
    )
    ImportFile.objects.filter(pk=import_file.pk).update(status=ImportFile.Status.QUEUED)
    if getattr(settings, "PROEFTUIN_JOBS_INLINE", False):
        run_import(job.pk, language)
    else:
        thread = threading.Thread(
            target=_thread_main, args=(job.pk, language), name=f"import-{job.pk}", daemon=True
        )
        # The thread must see the committed job row: start it once the caller's transaction
        # commits (at once when there is none).
        transaction.on_commit(thread.start)
    return job


def _thread_main(job_id: int, language: str) -> None:
    close_old_connections()
    try:
        run_import(job_id, language)
    finally:
        connection.close()


def run_import(job_id: int, language: str = "nl") -> None:
    """Dry-run the stored file again (it must still be clean), then commit it atomically."""
    job = _retry(
        lambda: Job.objects.select_related("import_file__project", "created_by").get(pk=job_id)
    )
    import_file = job.import_file
    with override(language):
        _update(
            job_id,
            status=Job.Status.RUNNING,
            started_at=timezone.now(),
            progress=1,
            message=_("Bestand controleren"),
        )
        try:
            project = import_file.project
            instrument = services.known_instrument(import_file.instrument)
            path = upload_path(import_file)
            result = services.dry_run(
                project, path, import_file.mapping, instrument, import_file.original_name
            )
            _update(job_id, progress=40, message=_("Gegevens opslaan"))

            def progress(percent: int, message: str) -> None:
                # Inside the import's transaction: only the in-memory figure can move.
                _set_live(job_id, 40 + int(percent * 0.59), message)

            stats = importer.commit(
                project, result, instrument, user=job.created_by, progress=progress
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
            _retry(
                lambda: AccessLog.objects.create(
                    user=job.created_by,
                    username=job.created_by.get_username() if job.created_by else "",
                    organisation=getattr(getattr(job.created_by, "organisation", None), "name", ""),
                    action=AccessLog.Action.IMPORT,
                    project=project,
                    detail=f"{import_file.original_name}: {stats.get('records', 0)}",
                )
            )
            _finish(job, import_file, Job.Status.DONE, _("Import voltooid"), stats)


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
    with _LOCK:
        _LIVE.pop(job.pk, None)


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
