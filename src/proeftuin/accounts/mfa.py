"""TOTP second factor (django-otp): who needs it, and the middleware that enforces it.

Required (``PROEFTUIN_REQUIRE_MFA``) for the beheerder and every role with participant-level
access (:data:`proeftuin.core.access.Capability.PARTICIPANT_DATA`); optional for the others, but
whoever has set it up is always asked for it. A login through the municipality's identity provider
counts as the second factor only when ``PROEFTUIN_OIDC_TRUSTS_MFA`` is on and the ID token says
multi-factor was used (see :func:`proeftuin.accounts.oidc.idp_reports_mfa`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from proeftuin.core.access import CAPABILITIES, Capability, Role

# Set by the OIDC backend when the identity provider vouches for multi-factor authentication.
IDP_MFA_SESSION_KEY = "proeftuin_idp_mfa"

MFA_ROLES = frozenset(
    {Role.BEHEERDER}
    | {role for role, caps in CAPABILITIES.items() if Capability.PARTICIPANT_DATA in caps}
)

# Paths a user who still owes the second factor may reach.
EXEMPT_PREFIXES = ("/static/", "/i18n/", "/favicon.ico", "/account/")
EXEMPT_ACCOUNT_NAMES = frozenset(
    {
        "login",
        "logout",
        "mfa-setup",
        "mfa-verify",
        "oidc_authentication_init",
        "oidc_authentication_callback",
    }
)


def mfa_required(user) -> bool:
    """Whether this user's role needs a second factor under the current settings."""
    if not getattr(settings, "PROEFTUIN_REQUIRE_MFA", True):
        return False
    return user.is_superuser or user.role in MFA_ROLES


def mfa_satisfied(request) -> bool:
    """The session has passed a second factor: a TOTP code, or the IdP's word when trusted."""
    if request.user.is_verified():
        return True
    return bool(
        getattr(settings, "PROEFTUIN_OIDC_TRUSTS_MFA", False)
        and request.session.get(IDP_MFA_SESSION_KEY)
    )


def pending_step(request) -> str | None:
    """``"mfa-setup"`` or ``"mfa-verify"`` when the user must do that first, else ``None``."""
    user = request.user
    if not user.is_authenticated or mfa_satisfied(request):
        return None
    if user_has_device(user, confirmed=True):
        return "mfa-verify"
    if mfa_required(user):
        return "mfa-setup"
    return None


class MFARequiredMiddleware:
    """Sends a logged-in user who owes a second factor to set it up or to enter a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = None if self._exempt(request) else pending_step(request)
        if step is None:
            return self.get_response(request)
        target = reverse(step)
        if request.path.startswith("/api/"):
            return HttpResponse(status=403)
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return redirect(target)

    @staticmethod
    def _exempt(request) -> bool:
        path = request.path
        if not path.startswith(EXEMPT_PREFIXES):
            return False
        if not path.startswith("/account/"):
            return True
        match = getattr(request, "resolver_match", None)
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(path)
            except Resolver404:
                return False
        return match.url_name in EXEMPT_ACCOUNT_NAMES


def reset_second_factor(user) -> int:
    """Delete the user's TOTP devices (lost phone) and end their sessions' verification.

    For the beheerder's screens and the ``reset_second_factor`` command. Returns how many devices
    were removed.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    count, _ = TOTPDevice.objects.filter(user=user).delete()
    return count
