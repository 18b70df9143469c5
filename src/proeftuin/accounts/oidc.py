"""Login through the municipality's identity provider (OpenID Connect, mozilla-django-oidc).

Only people the beheerder has already created may log in this way: the claim named by
``PROEFTUIN_OIDC_MATCH_CLAIM`` (``email`` by default) must equal the e-mail address or the user
name of exactly one active user with an organisation. Nobody is created and nobody gets a role
from the identity provider, so a colleague at the IdP cannot give themselves access.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q
from django.dispatch import receiver
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .mfa import IDP_MFA_SESSION_KEY

log = logging.getLogger("proeftuin.accounts.oidc")

REQUIRED_SETTINGS = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


def oidc_configured() -> bool:
    """All endpoints and the client credentials are set (else the login page shows no button)."""
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS)


def idp_reports_mfa(payload: dict) -> bool:
    """The ID token says the user passed more than one factor (RFC 8176 ``amr``, or ``acr``)."""
    amr = payload.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.PROEFTUIN_OIDC_MFA_AMR_VALUES):
        return True
    acr = payload.get("acr")
    return bool(acr) and acr in settings.PROEFTUIN_OIDC_MFA_ACR_VALUES


class ProeftuinOIDCBackend(OIDCAuthenticationBackend):
    """Matches the IdP's user to a pre-provisioned, active account; never creates one."""

    def __init__(self, *args, **kwargs):
        self.configured = oidc_configured()
        if self.configured:
            super().__init__(*args, **kwargs)
        else:
            # Listed in AUTHENTICATION_BACKENDS even when not configured; stays inert then.
            self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not self.configured or request is None:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        self._idp_mfa = bool(payload) and idp_reports_mfa(payload)
        return payload

    def verify_claims(self, claims) -> bool:
        value = claims.get(settings.PROEFTUIN_OIDC_MATCH_CLAIM)
        if not value:
            return False
        # An address the IdP itself marks as unverified proves nothing.
        return claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims):
        value = str(claims.get(settings.PROEFTUIN_OIDC_MATCH_CLAIM, "")).strip()
        if not value:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(
            Q(email__iexact=value) | Q(username__iexact=value),
            is_active=True,
            organisation__isnull=False,
        )

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            user._proeftuin_idp_mfa = getattr(self, "_idp_mfa", False)
        return user

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        raise PermissionError("Proeftuin never creates accounts from OIDC claims.")


@receiver(user_logged_in)
def _remember_idp_mfa(sender, request, user, **kwargs) -> None:
    """After the session key is cycled, record whether the IdP vouched for MFA."""
    if request is not None and hasattr(request, "session"):
        request.session[IDP_MFA_SESSION_KEY] = bool(getattr(user, "_proeftuin_idp_mfa", False))


class OIDCLoginView(OIDCAuthenticationRequestView):
    """Starts the OIDC login; 404 when the installation has no identity provider configured."""

    def __init__(self, *args, **kwargs):
        if oidc_configured():
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not oidc_configured():
            raise Http404
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not oidc_configured():
            raise Http404
        response = super().get(request)
        if not request.user.is_authenticated:
            log.warning("OIDC login refused (no matching active, pre-provisioned account)")
        return response
