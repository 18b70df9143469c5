"""The access log's machinery: append-only queryset, chained save, and the chain head.

:class:`proeftuin.monitoring.models.AccessLog` uses these. Each entry is linked to the previous
one by :mod:`proeftuin.core.audit_chain`; the single :class:`AccessLogChain` row holds the head
(last sequence number and hash) and the checkpoint a purge leaves behind. Appends lock the head
row (an UPDATE first, which takes the row lock on PostgreSQL and the write lock on SQLite), so
concurrent writers get consecutive sequence numbers and one unbroken chain.
"""

from __future__ import annotations

import threading

from django.db import connections, models, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proeftuin.core import audit_chain

#: An in-memory SQLite database (the tests' shared cache) reports a lock at once instead of
#: waiting, so appends there also take this lock. A file database waits on SQLite's own write
#: lock, which the first statement of an append (an UPDATE of the head) takes.
_LOCAL_APPEND = threading.Lock()


class AppendOnly(Exception):
    """An attempt to change or remove an access-log entry."""


class AccessLogQuerySet(models.QuerySet):
    """Reads only: bulk updates and deletes are refused (purging has its own path)."""

    def update(self, **kwargs):
        raise AppendOnly("Het inzagelogboek kan niet worden gewijzigd.")

    def delete(self):
        raise AppendOnly("Het inzagelogboek kan niet worden verwijderd; gebruik purge_access_log.")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnly("Het inzagelogboek wordt rij voor rij aangevuld (keten).")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnly("Het inzagelogboek kan niet worden gewijzigd.")

    def _purge_through(self, seq: int) -> int:
        """Delete entries up to and including ``seq`` (only :mod:`.audit` calls this)."""
        return self.model._base_manager.filter(seq__lte=seq).delete()[0]


class AccessLogChain(models.Model):
    """The chain head (one row): the last entry, and the checkpoint a purge leaves behind."""

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=audit_chain.GENESIS)
    checkpoint_seq = models.BigIntegerField(default=0)
    checkpoint_hash = models.CharField(max_length=64, default=audit_chain.GENESIS)
    checkpoint_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("keten van het inzagelogboek")

    def __str__(self) -> str:
        return f"{self.seq}: {self.last_hash[:12]}"


def head() -> AccessLogChain:
    chain, _created = AccessLogChain.objects.get_or_create(pk=1)
    return chain


class ChainedEntry(models.Model):
    """Abstract: saving a new entry links it into the chain; changing or deleting is refused."""

    seq = models.BigIntegerField(_("volgnummer"), null=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Een regel in het inzagelogboek kan niet worden gewijzigd.")
        self.before_chain()
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        db = connections[using]
        sqlite = db.vendor == "sqlite" and db.is_in_memory_db()
        if sqlite:
            _LOCAL_APPEND.acquire()
        try:
            with transaction.atomic(using=using):
                chain = AccessLogChain.objects.using(using)
                if not chain.filter(pk=1).update(seq=F("seq") + 1):
                    chain.get_or_create(pk=1)
                    chain.filter(pk=1).update(seq=F("seq") + 1)
                current = chain.select_for_update().get(pk=1)
                self.seq = current.seq
                self.prev_hash = current.last_hash
                if not self.at:
                    self.at = timezone.now()
                self.row_hash = audit_chain.link(self.prev_hash, self.chain_fields())
                super().save(*args, **kwargs)
                chain.filter(pk=1).update(last_hash=self.row_hash)
        finally:
            if sqlite:
                _LOCAL_APPEND.release()

    def delete(self, *args, **kwargs):
        raise AppendOnly("Een regel in het inzagelogboek kan niet worden verwijderd.")

    def before_chain(self) -> None:
        """Fill what the entry copies from its context before it is hashed (subclasses)."""

    def chain_fields(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in audit_chain.FIELDS}
