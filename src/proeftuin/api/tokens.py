"""Issuing and revoking tokens: the one write path for both the beheer screen and tests."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from proeftuin.accounts.models import User
from proeftuin.core.access import CAPABILITIES, Role

from .models import SCOPES, ApiToken, hash_secret

MAX_DAYS = 365


def allowed_roles(user: User) -> list[str]:
    """Roles whose capabilities are all the issuer's own: a token never gets more than that."""
    try:
        own = CAPABILITIES[Role(user.role)]
    except ValueError:
        return []
    return [role.value for role in Role if CAPABILITIES[role] <= own]


def issue(
    creator: User, *, name: str, role: str, scopes: list[str], days: int
) -> tuple[ApiToken, str]:
    """A new token for the creator's organisation; returns it with the secret (shown once)."""
    if role not in allowed_roles(creator):
        raise ValueError(f"role {role!r} exceeds the issuer's permissions")
    if not scopes or set(scopes) - set(SCOPES):
        raise ValueError("unknown scope")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError("expiry out of range")
    key_id, secret = ApiToken.new_secret()
    with transaction.atomic():
        account = User(
            username=f"api-{key_id}",
            first_name=name[:150],
            last_name="(API)",
            organisation_id=creator.organisation_id,
            role=role,
        )
        account.set_unusable_password()
        account.save()
        token = ApiToken.objects.create(
            organisation_id=creator.organisation_id,
            name=name,
            account=account,
            key_id=key_id,
            secret_hash=hash_secret(secret),
            scopes=sorted(set(scopes)),
            created_by=creator,
            expires_at=timezone.now() + timedelta(days=days),
        )
    return token, secret


def revoke(token: ApiToken) -> None:
    """Stops the token at once; its account stays (inactive) so the history keeps its name."""
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
        User.objects.filter(pk=token.account_id).update(is_active=False)
