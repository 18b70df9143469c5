"""``proeftuin worker``: runs the task queue, recovers interrupted jobs, sweeps stale uploads.

It drives django-tasks-db's own worker one task at a time and does two things between tasks:

- **Recovery.** Each worker holds an exclusive ``flock`` on ``var/run/workers/<id>.lock`` while
  it lives; the kernel releases it when the process dies, also on ``kill -9``. A task still
  marked *running* whose worker's lock is free belongs to a dead worker: the task is marked
  failed and its import is queued again (what the broken attempt merged belongs to an
  unpublished import batch, invisible, and is deleted by :func:`.staged_import.discard_stale`
  before the next attempt) or, after :data:`~.jobs.MAX_ATTEMPTS`, the job fails with a message. A job
  left *Bezig* without any task (from the time imports ran in a web thread) fails too.
- **The sweep** of uploads that were never imported, every ``sweep_every`` seconds.
- **Compaction** of the effect figures' cells (:func:`.pair_cell_sql.compact_recent`), every
  ``compact_every`` seconds: on PostgreSQL each write appends rows to them (decision 0030).

The lock files assume the workers share one machine (and one ``var/``), as this app is deployed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import jobs, pair_cell_sql, staged_import
from .models import Job

logger = logging.getLogger("proeftuin.monitoring")


class WorkerLost(Exception):
    """The worker running this task stopped without finishing it (a restart or a crash)."""


def lock_dir() -> Path:
    path = Path(settings.VAR_DIR) / "run" / "workers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def hold_lock(worker_id: str) -> IO[str]:
    """Take this worker's liveness lock; keep the returned file open for the process's life."""
    handle = open(lock_dir() / f"{worker_id}.lock", "a")  # noqa: SIM115 - held until exit
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def is_alive(worker_id: str) -> bool:
    """Whether the worker holds its lock (a dead process holds none)."""
    path = lock_dir() / f"{worker_id}.lock"
    if not path.exists():
        return False
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    path.unlink(missing_ok=True)
    return False


def recover_interrupted() -> list[int]:
    """Resume or fail the jobs of dead workers; return the ids of the jobs touched."""
    touched: list[int] = []
    for result in DBTaskResult.objects.running():
        owner = result.worker_ids[-1] if result.worker_ids else ""
        if owner and is_alive(owner):
            continue
        with transaction.atomic():
            claimed = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.FAILED)
            if not claimed:
                continue  # another worker recovered it first
            result.set_failed(WorkerLost(f"worker {owner or '?'} stopped during the task"))
            if result.task_path != jobs.import_task.module_path:
                continue
            kwargs = result.args_kwargs.get("kwargs", {})
            job_id = int(kwargs["job_id"])
            language = kwargs.get("language", "nl")
            attempt = int(kwargs.get("attempt", 1))
            logger.warning("import job %s: worker %s lost on attempt %s", job_id, owner, attempt)
            if not jobs.retry_later(job_id, language, attempt, delay_seconds=0):
                with override(language):
                    _fail(
                        job_id,
                        _(
                            "De import is %(max)s keer onderbroken door een herstart van de "
                            "achtergrondverwerking. Er is niets opgeslagen; start de import "
                            "opnieuw."
                        )
                        % {"max": jobs.MAX_ATTEMPTS},
                    )
            touched.append(job_id)
    touched += _fail_orphans()
    # The rows a dead import merged are invisible; remove them before the import runs again.
    staged_import.discard_stale()
    return touched


def _fail_orphans() -> list[int]:
    """Jobs queued or running without a task (the old thread-based imports, or a report whose
    worker died): mark them failed."""
    from proeftuin.reporting import jobs as report_jobs  # the report job shares the Job table

    live = set()
    for result in DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        task_path__in=[jobs.import_task.module_path, report_jobs.report_task.module_path],
    ):
        live.add(int(result.args_kwargs.get("kwargs", {}).get("job_id", 0)))
    orphans = Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exclude(
        pk__in=live
    )
    failed = []
    for job in orphans:
        if job.kind == report_jobs.KIND:
            message = _("Het rapport kon niet worden gemaakt. Probeer het opnieuw.")
        else:
            message = _(
                "De import is onderbroken door een herstart van de server. Er is niets "
                "opgeslagen; start de import opnieuw."
            )
        _fail(job.pk, message)
        failed.append(job.pk)
    return failed


def _fail(job_id: int, message: str) -> None:
    job = Job.objects.select_related("import_file").get(pk=job_id)
    if job.import_file is not None:
        jobs._finish(job, job.import_file, Job.Status.FAILED, message, {})
    else:
        Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, message=message[:300])


def _compact(after_id: int) -> int:
    """Fold the cells written since the last time; never stops the worker."""
    try:
        return pair_cell_sql.compact_recent(after_id)
    except Exception:
        logger.exception("compacting the effect figures' cells failed; retried later")
        return after_id


def _warm_up_reports() -> None:
    """The first report after a start would also pay for importing every view (the report links
    to pages: ``reverse`` loads the URLconf), starting vl-convert and WeasyPrint's import and fonts
    (together about 2 CPU seconds): pay it now, while nobody waits. Never stops the worker."""
    from django.urls import get_resolver

    from proeftuin.reporting.report import warm_up_pdf

    try:
        get_resolver().url_patterns  # noqa: B018 - the import is the point
        warm_up_pdf()
    except Exception:
        logger.exception("warming up the PDF report failed; the first report will be slower")


#: Seconds between polls of an idle worker: a report is made while someone waits for it, so a
#: job should not sit a second in the queue (issue 14 item 3); an empty poll is one small query.
POLL_SECONDS = 0.25


#: How much the serving worker lowers its CPU priority (``nice``): on a 2-core server a PDF report
#: holding a core doubled the pages' p95 (issue 14). Jobs still get every idle cycle.
NICE = 10


def run(
    *,
    worker_id: str,
    interval: float = POLL_SECONDS,
    sweep_every: float = 3600.0,
    compact_every: float = 300.0,
    recover_every: float = 60.0,
    batch: bool = False,
) -> None:
    """The worker loop: recovery and sweep when due, otherwise one task at a time."""
    lock = hold_lock(worker_id)
    worker = Worker(
        queue_names=["default"],
        # Only used by the batch pass while the database is locked: wait a little, then retry.
        interval=0.2,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    next_recover = next_sweep = next_compact = 0.0
    compacted_to = 0
    logger.info("worker %s started (pid %s)", worker_id, os.getpid())
    if not batch:
        _warm_up_reports()
    try:
        while worker.running:
            close_old_connections()
            now = time.monotonic()
            if now >= next_recover:
                recover_interrupted()
                next_recover = now + recover_every
            if now >= next_sweep:
                swept = jobs.sweep_stale_uploads()
                if swept:
                    logger.info("swept %s stale uploads", swept)
                next_sweep = now + sweep_every
            if now >= next_compact:
                compacted_to = _compact(compacted_to)
                next_compact = now + compact_every
            before = worker._run_tasks
            worker.run()
            ran = worker._run_tasks > before
            worker._run_tasks = 0
            if batch and not ran:
                return
            if not ran and worker.running:
                time.sleep(interval)
    finally:
        lock.close()
        (lock_dir() / f"{worker_id}.lock").unlink(missing_ok=True)
