"""Import batches: how a large import is written in short steps and still appears all at once.

A staged import (:mod:`.staged_import`) writes its new participants, trajectories, measurements
and pairs in many short transactions, each row marked with its :class:`ImportBatch`. Until the
batch is *published* (one small final transaction flips its state), those rows are not there for
anyone else: the default manager of every marked model (:class:`VisibleManager`) leaves out the
rows of batches that are not published. A failed or interrupted batch is never published, so its
rows stay invisible until :func:`.staged_import.discard` removes them.

The import itself sees its own rows through :func:`including` (a context variable), so its
look-ups and its pairs refresh work on them. See docs/decisions/0023-staged-import.md.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from proeftuin.portfolio.models import Project

SQLITE_STEP = 2000
POSTGRES_STEP = 50_000

_including: ContextVar[int | None] = ContextVar("proeftuin_import_batch", default=None)


@contextmanager
def including(batch_id: int | None) -> Iterator[None]:
    """Within this block, the rows of batch ``batch_id`` are visible (for the import itself)."""
    token = _including.set(batch_id)
    try:
        yield
    finally:
        _including.reset(token)


class ImportBatch(models.Model):
    """One run of a staged import: its rows are visible only once it is published."""

    class State(models.TextChoices):
        MERGING = "merging", _("Bezig")
        PUBLISHED = "published", _("Gepubliceerd")
        FAILED = "failed", _("Mislukt")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.MERGING)
    source = models.CharField(max_length=255, blank=True)
    #: The process that merges (host and pid): a batch whose process is gone is discarded.
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    rows_merged = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state"])]
        verbose_name = _("importpartij")
        verbose_name_plural = _("importpartijen")

    def __str__(self) -> str:
        return f"{self.pk} ({self.state})"

    @classmethod
    def start(cls, project, source: str = "") -> ImportBatch:
        return cls.objects.create(
            project=project, source=source[:255], host=socket.gethostname(), pid=os.getpid()
        )

    def owner_alive(self) -> bool:
        """Whether the process that merges this batch still runs (only known on this host)."""
        if self.host != socket.gethostname() or not self.pid:
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class VisibleQuerySet(models.QuerySet):
    pass


class VisibleManager(models.Manager.from_queryset(VisibleQuerySet)):
    """Leaves out rows of import batches that are not published (except the current one)."""

    def get_queryset(self) -> models.QuerySet:
        hidden = ImportBatch.objects.exclude(state=ImportBatch.State.PUBLISHED)
        current = _including.get()
        if current is not None:
            hidden = hidden.exclude(pk=current)
        return super().get_queryset().exclude(import_batch__in=hidden.values("pk"))


def batch_field(*, db_constraint: bool = True) -> models.ForeignKey:
    """The column that marks a row as written by a staged import (null: written otherwise).

    A batch is deleted only with its project, which takes the trajectories, measurements and
    pairs along; a participant (of the organisation) is then just unmarked. The pairs' column
    has no database constraint (``db_constraint=False``, decision 0029): it is copied from the
    pair's trajectory, and the purge and the collector remove the pairs."""
    return models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=True,
        db_constraint=db_constraint,
    )


def merge_rows() -> int:
    """Rows of the file per short merge transaction (``PROEFTUIN_IMPORT_MERGE_ROWS``; unset,
    :data:`SQLITE_STEP` on SQLite and :data:`POSTGRES_STEP` on PostgreSQL, whose set-based steps
    block no reader or other writer)."""
    configured = getattr(settings, "PROEFTUIN_IMPORT_MERGE_ROWS", None)
    if configured is None:
        return POSTGRES_STEP if connection.vendor == "postgresql" else SQLITE_STEP
    return max(1, int(configured))
