"""The durable job behind a portfolio import, on the same task queue as the monitoring import.

The request marks the import queued and enqueues :func:`portfolio_import_task` in the same
transaction; ``proeftuin worker`` runs it. Progress is written on a second connection, as the
monitoring import does, so the page that polls sees it move. ``PROEFTUIN_JOBS_INLINE`` runs it in
the calling thread (tests).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override
from django_tasks import task

from proeftuin.monitoring.jobs import _ProgressWriter

from . import exchange
from .registry import PortfolioImport

logger = logging.getLogger("proeftuin.portfolio")


class _ImportProgress(_ProgressWriter):
    """The monitoring job's progress writer, pointed at the portfolio import's row."""

    def __call__(self, percent: int, message: str = "", force: bool = False) -> None:
        import time

        now = time.monotonic()
        if self.conn is None or (not force and now - self.last < 1.0):
            return
        self.last = now
        try:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {PortfolioImport._meta.db_table} SET progress = %s WHERE id = %s",  # noqa: S608 - table name from the model
                    [percent, self.job_id],
                )
        except Exception as exc:  # noqa: BLE001 - progress is best effort, the import is not
            logger.debug("progress of portfolio import %s not written: %s", self.job_id, exc)


def start(imp: PortfolioImport, language: str = "nl") -> None:
    PortfolioImport.objects.filter(pk=imp.pk).update(
        status=PortfolioImport.Status.QUEUED, progress=0
    )
    if getattr(settings, "PROEFTUIN_JOBS_INLINE", False):
        run_job(imp.pk, language)
    else:
        with transaction.atomic():
            portfolio_import_task.enqueue(import_id=imp.pk, language=language)


@task()
def portfolio_import_task(import_id: int, language: str = "nl") -> str:
    run_job(import_id, language)
    return PortfolioImport.objects.values_list("status", flat=True).get(pk=import_id)


def run_job(import_id: int, language: str = "nl") -> None:
    imp = PortfolioImport.objects.select_related("organisation", "created_by").get(pk=import_id)
    PortfolioImport.objects.filter(pk=import_id).update(status=PortfolioImport.Status.RUNNING)
    writer = _ImportProgress(import_id)
    try:
        with override(language):
            outcome = exchange.run(imp, imp.created_by, commit=True, progress=writer)
    except Exception:
        logger.exception("portfolio import %s failed", import_id)
        PortfolioImport.objects.filter(pk=import_id).update(
            status=PortfolioImport.Status.FAILED, finished_at=timezone.now()
        )
        raise
    finally:
        writer.close()
    failed = bool(outcome.problems)
    PortfolioImport.objects.filter(pk=import_id).update(
        status=PortfolioImport.Status.FAILED if failed else PortfolioImport.Status.DONE,
        progress=100,
        result={**outcome.to_dict(), "committed": not failed},
        finished_at=timezone.now(),
        # The file has done its work; a failed import keeps it for another check.
        **({} if failed else {"content": b""}),
    )
