"""A real OpenID Connect provider on 127.0.0.1 for the login tests (oidc-provider-mock).

oidc-provider-mock is a Flask app on authlib's authorization-server components: discovery, JWKS,
signed RS256 ID tokens, the authorization-code flow with PKCE and nonce, and userinfo. It runs in
a thread inside the test process, offline. See docs/decisions/0011-accounts-oidc-mfa-throttling.md.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import oidc_provider_mock
import werkzeug.serving

CLIENT_ID = "proeftuin-test"
CLIENT_SECRET = "proeftuin-test-secret"  # noqa: S105 - the mock accepts any client secret


@dataclass
class Provider:
    url: str

    def discovery(self) -> dict:
        return httpx.get(f"{self.url}/.well-known/openid-configuration").raise_for_status().json()

    def set_claims(self, sub: str, claims: dict) -> None:
        """What the provider says about ``sub`` (userinfo, and ID-token claims like ``amr``)."""
        httpx.put(f"{self.url}/users/{quote(sub, safe='')}", json=claims).raise_for_status()

    def settings(self) -> dict:
        """Django settings pointing mozilla-django-oidc at this provider."""
        d = self.discovery()
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": d["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": d["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": d["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": d["jwks_uri"],
            "OIDC_RP_SIGN_ALGO": "RS256",
            # The mock publishes one signing key without a "kid"; real providers name theirs, and
            # production keeps mozilla-django-oidc's default of matching it.
            "OIDC_VERIFY_KID": False,
        }


@contextmanager
def running_provider() -> Iterator[Provider]:
    """Start the provider on a free port of 127.0.0.1; stop it afterwards."""
    app = oidc_provider_mock.app(require_nonce=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def apply_settings(settings_fixture, provider: Provider) -> None:
    """Configure OIDC on pytest-django's ``settings`` fixture (undone after the test)."""
    for name, value in provider.settings().items():
        setattr(settings_fixture, name, value)
