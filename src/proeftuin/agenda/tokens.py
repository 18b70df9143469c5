"""Private calendar tokens: random, shown once, stored as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from .models import CalendarToken


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(user) -> str:
    """A new token for ``user``; any older one stops working. Returns the token itself."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarToken.objects.filter(user=user).delete()
        CalendarToken.objects.create(user=user, token_hash=digest(token))
    return token


def revoke(user) -> bool:
    deleted, _ = CalendarToken.objects.filter(user=user).delete()
    return bool(deleted)


def user_for(token: str):
    """The active user the token belongs to, or ``None``."""
    if not token or len(token) > 100:
        return None
    found = (
        CalendarToken.objects.select_related("user", "user__organisation")
        .filter(token_hash=digest(token), user__is_active=True)
        .first()
    )
    if found is None:
        return None
    CalendarToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user
