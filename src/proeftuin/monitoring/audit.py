"""Recording access to participant-level data (NEN 7513, Logius' *Logboek Dataverwerkingen*).

- :class:`AccessContextMiddleware` puts who/where (user, IP, hashed session) in a context
  variable, so service-layer calls log the same metadata as views; outside a request (the
  command line, a background job) the context says ``ip="cli"`` and the operating-system user.
- :func:`record` writes one entry; :func:`proeftuin.monitoring.services.log_access` calls it.
- :func:`audited` wraps a view (in ``urls.py``) so a successful request that did not log itself
  logs one entry, with the subject found from the URL (participant, trajectory or measurement).
- :func:`subject_key` is the non-identifying key of a participant: an HMAC of the pseudonym
  under a separate log key. It stays in the log after an erasure; with the client number and
  both keys the privacy officer can find one person's entries (a data-subject access request).
- :func:`access_log_for_organisation` is the tenant-scoped queryset the beheer screens read.
"""

from __future__ import annotations

import getpass
import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from proeftuin.core import audit_chain

from .audit_models import AccessLogChain, head
from .models import AccessLog, Measurement, Participant, Trajectory


@dataclass
class AccessContext:
    """Who is acting and from where; ``logged`` counts entries written during the request."""

    user: object | None = None
    ip: str = ""
    session: str = ""
    logged: int = 0
    extra: dict = field(default_factory=dict)


_CONTEXT: ContextVar[AccessContext | None] = ContextVar("proeftuin_access_context", default=None)


def log_key() -> bytes:
    return str(settings.PROEFTUIN_ACCESS_LOG_KEY).encode()


def _keyed(value: str, purpose: str) -> str:
    return hmac.digest(log_key(), f"{purpose}\x1f{value}".encode(), "sha256").hex()


def subject_key(pseudonym: str) -> str:
    """The participant's key in the log: an HMAC of the pseudonym under the log key."""
    return _keyed(pseudonym, "subject") if pseudonym else ""


def session_key_hash(session_key: str | None) -> str:
    return _keyed(session_key, "session")[:32] if session_key else ""


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxy put in front of it."""
    hops = int(getattr(settings, "PROEFTUIN_TRUSTED_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops > 0 and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops][:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def current() -> AccessContext:
    """The request's context, or one for the command line / a job (set once per thread)."""
    context = _CONTEXT.get()
    if context is None:
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no user name in a container
            who = "onbekend"
        context = AccessContext(ip="cli", extra={"os_user": who})
        _CONTEXT.set(context)
    return context


@contextmanager
def acting(user=None, ip: str = "cli", session: str = "") -> Iterator[AccessContext]:
    """Run a block (a command, a job) as ``user``; entries it writes carry this context."""
    context = AccessContext(user=user, ip=ip, session=session)
    try:
        context.extra["os_user"] = getpass.getuser()
    except (KeyError, OSError):
        context.extra["os_user"] = "onbekend"
    token = _CONTEXT.set(context)
    try:
        yield context
    finally:
        _CONTEXT.reset(token)


class AccessContextMiddleware:
    """Puts the request's user, IP and hashed session key in the access context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        context = AccessContext(
            user=getattr(request, "user", None),
            ip=client_ip(request),
            session=session_key_hash(getattr(session, "session_key", None)),
        )
        token = _CONTEXT.set(context)
        try:
            return self.get_response(request)
        finally:
            _CONTEXT.reset(token)


def _user_of(request) -> object | None:
    user = getattr(request, "user", None) if request is not None else current().user
    return user if getattr(user, "is_authenticated", False) else None


def fill_entry(entry: AccessLog) -> None:
    """Copy the context into an entry before it is chained (also for direct ``create`` calls)."""
    context = current()
    user = entry.user if entry.user_id else _user_of(None)
    if user is not None:
        entry.user = user
        entry.username = entry.username or user.get_username()
        org = getattr(user, "organisation", None)
        if org is not None:
            entry.organisation = entry.organisation or org.name
            entry.organisation_key = entry.organisation_key or str(org.pk)
        entry.role = entry.role or str(getattr(user, "role", ""))
    if not entry.username:
        entry.username = f"cli:{context.extra.get('os_user', '')}"[:150]
    if entry.project_id and not entry.project_key:
        entry.project_key = str(entry.project_id)
        if not entry.organisation_key and entry.project is not None:
            entry.organisation_key = str(entry.project.owner_id)
            entry.organisation = entry.organisation or entry.project.owner.name
    if entry.participant_id and not entry.subject:
        entry.subject = subject_key(entry.participant.pseudonym)
    if entry.action in (AccessLog.Action.IMPORT, AccessLog.Action.ERASE):
        entry.operation = AccessLog.Operation.WRITE
    entry.ip = entry.ip or context.ip or "cli"
    entry.session = entry.session or context.session
    context.logged += 1


def subject_of(participant, action: str, subject: str = "") -> tuple[Participant | None, str]:
    """The entry's link to the participant and its subject key. After an erasure the
    participant row is gone: the key (taken from the pseudonym still in memory) stays, the link
    does not (every writer of the log, with or without a request)."""
    if participant is None:
        return None, subject
    subject = subject or subject_key(participant.pseudonym)
    if action == AccessLog.Action.ERASE:
        return Participant.all_objects.filter(pk=participant.pk).first(), subject
    return participant, subject


def record(
    request,
    action: str,
    project=None,
    participant=None,
    detail: str = "",
    *,
    operation: str | None = None,
    subject: str = "",
) -> AccessLog:
    """Write one entry. ``request`` may be None (commands, jobs): the context says who."""
    context = current()
    user = _user_of(request)
    if request is not None and not context.ip:
        context.ip = client_ip(request)
    if operation is None:
        method = getattr(request, "method", "GET") if request is not None else "GET"
        operation = AccessLog.Operation.READ if method in ("GET", "HEAD") else "write"
    linked, subject = subject_of(participant, action, subject)
    return AccessLog.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        action=action,
        operation=operation,
        project=project,
        participant=linked,
        subject=subject,
        detail=str(detail)[:300],
    )


# --- views ----------------------------------------------------------------------------------------


def _subject_from(kwargs: dict) -> Participant | None:
    project_id = kwargs.get("pk")
    if "participant_pk" in kwargs:
        return Participant.objects.filter(pk=kwargs["participant_pk"]).first()
    if "tpk" in kwargs:
        trajectory = (
            Trajectory.objects.filter(pk=kwargs["tpk"], project_id=project_id)
            .select_related("participant")
            .first()
        )
        return trajectory.participant if trajectory else None
    if "mpk" in kwargs:
        measurement = (
            Measurement.objects.filter(pk=kwargs["mpk"], trajectory__project_id=project_id)
            .select_related("trajectory__participant")
            .first()
        )
        return measurement.trajectory.participant if measurement else None
    return None


def _detail_from(request, kwargs: dict) -> str:
    parts = [f"{key}={value}" for key, value in kwargs.items() if key != "pk"]
    if request.GET:
        parts.append("?" + "&".join(sorted(k for k in request.GET if k != "client_number")))
    return " ".join(parts)


def audited(action: str) -> Callable:
    """Log one entry for each successful request the view did not log itself.

    Applied in ``urls.py``; the view checks access first (a refused request has status 403 or
    404 and reveals nothing). The project comes from the URL only after the view succeeded.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            context = current()
            before = context.logged
            # Found before the view runs (a deletion removes it); used only if the view succeeds.
            subject = _subject_from(kwargs)
            response = view(request, *args, **kwargs)
            if response.status_code < 400 and context.logged == before:
                from proeftuin.portfolio.models import Project

                user = _user_of(request)
                if user is not None:
                    record(
                        request,
                        action,
                        Project.objects.filter(pk=kwargs.get("pk")).first(),
                        subject,
                        detail=_detail_from(request, kwargs),
                    )
            return response

        wrapper.audited_action = action  # type: ignore[attr-defined]
        return wrapper

    return decorate


# --- reading, verifying and purging -------------------------------------------------------------


def access_log_for_organisation(org):
    """The log entries of one organisation (its users, or its projects), newest first."""
    from django.db.models import Q

    key = str(getattr(org, "pk", org))
    return AccessLog.objects.filter(Q(organisation_key=key) | Q(project__owner_id=key)).order_by(
        "-at", "-pk"
    )


def _rows():
    values = [*audit_chain.FIELDS, "prev_hash", "row_hash"]
    return AccessLog._base_manager.filter(seq__isnull=False).order_by("seq").values(*values)


def verify() -> audit_chain.Break | None:
    """The first broken link in the stored chain, or None."""
    chain = head()
    return audit_chain.first_break(
        _rows().iterator(chunk_size=2000),
        start_seq=chain.checkpoint_seq,
        start_hash=chain.checkpoint_hash,
        head=(chain.seq, chain.last_hash),
    )


def retention_days() -> int:
    return int(settings.PROEFTUIN_ACCESS_LOG_RETENTION_DAYS)


def purge(days: int | None = None, now=None) -> int:
    """Remove entries older than the retention period; the chain stays verifiable.

    The removed entries' last hash becomes the checkpoint the remaining chain starts from; the
    purge itself is logged as a new entry.
    """
    days = retention_days() if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        head()
        AccessLogChain.objects.filter(pk=1).update(seq=F("seq"))  # the head row's lock first
        last = (
            AccessLog._base_manager.filter(at__lt=cutoff, seq__isnull=False)
            .order_by("-seq")
            .values("seq", "row_hash")
            .first()
        )
        if last is None:
            return 0
        removed = AccessLog.objects.all()._purge_through(last["seq"])
        AccessLogChain.objects.filter(pk=1).update(
            checkpoint_seq=last["seq"], checkpoint_hash=last["row_hash"], checkpoint_at=cutoff
        )
    record(
        None,
        AccessLog.Action.PURGE,
        operation=AccessLog.Operation.WRITE,
        detail=f"{removed} regels ouder dan {days} dagen (t/m volgnummer {last['seq']})",
    )
    return removed
