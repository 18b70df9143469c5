"""Bearer tokens for machine clients, checked against a hash; the token acts as its account."""

from __future__ import annotations

import hmac

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.throttling import SimpleRateThrottle

from .models import PREFIX, ApiToken, hash_secret


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer pt_<key id>_<secret>``; a revoked or expired token is a 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _sep, token = header.partition(" ")
        if keyword.lower() != self.keyword.lower():  # the scheme is case-insensitive (RFC 9110)
            return None
        token = token.strip()
        if not token.startswith(PREFIX) or token.count("_") < 2:
            raise exceptions.AuthenticationFailed(_("Ongeldige sleutel."))
        key_id = token[len(PREFIX) :].split("_", 1)[0]
        found = ApiToken.objects.select_related("account").filter(key_id=key_id).first()
        if found is None or not hmac.compare_digest(found.secret_hash, hash_secret(token)):
            raise exceptions.AuthenticationFailed(_("Ongeldige sleutel."))
        if not found.is_usable or not found.account.is_active:
            raise exceptions.AuthenticationFailed(_("Deze sleutel is ingetrokken of verlopen."))
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found.account, found

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScope(permissions.BasePermission):
    """A token reaches only the resource groups it was given, and writes only with ``schrijven``.

    A person logged in through the screens is held to the role table alone (the views check it).
    """

    message = "Deze sleutel heeft hiervoor geen bereik."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        write = request.method not in permissions.SAFE_METHODS
        return token.allows(getattr(view, "scope_group", "portfolio"), write)


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (or per person for a session), from ``PROEFTUIN_API_RATE``."""

    scope = "api"

    def get_rate(self) -> str:
        from django.conf import settings

        return getattr(settings, "PROEFTUIN_API_RATE", "600/minute")

    def get_cache_key(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken):
            ident = f"token-{token.key_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "API-sleutel, uitgegeven door de beheerder (pt_…).",
        }
