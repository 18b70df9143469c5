"""API tokens for machine clients: per organisation, scoped, revocable, with an expiry.

Only a SHA-256 hash of the secret is stored; the beheerder sees the token once. A token acts
through its own machine account (a :class:`~proeftuin.accounts.models.User` without a password),
so every check the screens make (tenancy, the role table, the access log, the change history)
applies to it unchanged: there is no second access path to keep in step.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Resource groups a token can be scoped to, each with read and write.
GROUPS = {
    "portfolio": _("Portfolio (projecten, financiering, coalitie, doelen, besluiten)"),
    "tel-en-vertel": _("Tel en vertel (effecten)"),
}
SCOPES = [f"{group}:{mode}" for group in GROUPS for mode in ("lezen", "schrijven")]
#: What a scope's mode allows, in words (the scope codes themselves are for API clients).
SCOPE_LABELS = {
    "lezen": _("lezen"),
    "schrijven": _("lezen en schrijven"),
}


def scope_label(scope: str) -> str:
    """``portfolio:schrijven`` → "Portfolio (…): lezen en schrijven" in the active language."""
    group, _sep, mode = scope.partition(":")
    if group not in GROUPS or mode not in SCOPE_LABELS:
        return scope
    return f"{GROUPS[group]}: {SCOPE_LABELS[mode]}"


PREFIX = "pt_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("naam"), max_length=100)
    #: The machine account the token acts as (role chosen by the beheerder, no password).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token"
    )
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("bereik"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("geldig tot"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def allows(self, group: str, write: bool) -> bool:
        """Writing needs the write scope; reading is allowed by either scope of the group."""
        if write:
            return f"{group}:schrijven" in self.scopes
        return f"{group}:lezen" in self.scopes or f"{group}:schrijven" in self.scopes

    @property
    def scope_labels(self) -> list[str]:
        return [scope_label(scope) for scope in self.scopes]

    @staticmethod
    def new_secret() -> tuple[str, str]:
        """A fresh (key id, full token); the token is ``pt_<key id>_<secret>``."""
        key_id = secrets.token_hex(6)
        return key_id, f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"


class ApiTokenUse(models.Model):
    """One request made with a token: who, when, what, and the answer's status."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status}"
