"""Issue 8, accounts: login through the municipality's identity provider (OpenID Connect).

The provider is real: oidc-provider-mock (authlib's authorization server) on 127.0.0.1, issuing
RS256-signed ID tokens that mozilla-django-oidc verifies against the provider's JWKS.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
import pyotp
import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from oidc_support import apply_settings, running_provider

from proeftuin.accounts.models import User


@pytest.fixture(scope="module")
def provider():
    with running_provider() as p:
        yield p


@pytest.fixture
def oidc(settings, provider):
    apply_settings(settings, provider)
    return provider


def oidc_login(http: Client, provider, sub: str, next_url: str = "") -> object:
    """Walk the authorization-code flow: app → provider's login form → callback → app."""
    start = http.get("/account/oidc/inloggen/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(provider.url + "/oauth2/authorize?")
    params = parse_qs(urlparse(authorize).query)
    assert params["code_challenge_method"] == ["S256"]
    assert "nonce" in params
    # The person signs in at the provider (its form takes the subject).
    answer = httpx.post(authorize, data={"sub": sub}, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    callback = urlparse(answer.headers["location"])
    assert callback.path == "/account/oidc/terug/"
    return http.get(f"{callback.path}?{callback.query}")


def test_login_page_has_no_oidc_button_when_not_configured(db):
    html = Client().get("/account/inloggen/").content.decode()
    assert "/account/oidc/inloggen/" not in html
    assert Client().get("/account/oidc/inloggen/").status_code == 404
    assert Client().get("/account/oidc/terug/?code=x&state=y").status_code == 404


def test_login_page_shows_the_button_when_configured(oidc, settings):
    settings.PROEFTUIN_OIDC_PROVIDER_NAME = "Voorbeeldstad ID"
    html = Client().get("/account/inloggen/").content.decode()
    assert 'href="/account/oidc/inloggen/"' in html
    assert "Inloggen via Voorbeeldstad ID" in html


def test_a_pre_provisioned_user_logs_in_by_email(oidc, users):
    user = users[("own", "beleidsadviseur")]
    user.email = "b.adviseur@voorbeeldstad.nl"
    user.save()
    oidc.set_claims("idp-123", {"email": "B.Adviseur@voorbeeldstad.nl", "email_verified": True})
    http = Client()
    response = oidc_login(http, oidc, "idp-123", next_url="/projecten/")
    assert response.status_code == 302
    assert response["Location"] == "/projecten/"
    assert http.session["_auth_user_id"] == str(user.pk)
    assert http.get("/projecten/").status_code == 200


def test_an_unknown_person_is_refused_and_no_account_is_created(oidc, users):
    oidc.set_claims("idp-999", {"email": "onbekend@voorbeeldstad.nl"})
    before = User.objects.count()
    http = Client()
    response = oidc_login(http, oidc, "idp-999")
    assert response["Location"] == "/account/inloggen/?oidc=mislukt"
    assert "_auth_user_id" not in http.session
    assert User.objects.count() == before
    page = http.get(response["Location"]).content.decode()
    assert "Inloggen via uw organisatie is niet gelukt" in page


def test_an_inactive_user_is_refused(oidc, users):
    user = users[("own", "financier")]
    user.email = "f@voorbeeldstad.nl"
    user.is_active = False
    user.save()
    oidc.set_claims("idp-f", {"email": "f@voorbeeldstad.nl"})
    http = Client()
    oidc_login(http, oidc, "idp-f")
    assert "_auth_user_id" not in http.session


def test_an_address_the_idp_marks_unverified_is_refused(oidc, users):
    user = users[("own", "financier")]
    user.email = "f2@voorbeeldstad.nl"
    user.save()
    oidc.set_claims("idp-f2", {"email": "f2@voorbeeldstad.nl", "email_verified": False})
    http = Client()
    oidc_login(http, oidc, "idp-f2")
    assert "_auth_user_id" not in http.session


def test_matching_on_username_claim(oidc, users, settings):
    settings.PROEFTUIN_OIDC_MATCH_CLAIM = "preferred_username"
    user = users[("own", "onderzoeker")]
    oidc.set_claims("idp-o", {"preferred_username": user.username.upper()})
    http = Client()
    oidc_login(http, oidc, "idp-o")
    assert http.session["_auth_user_id"] == str(user.pk)


def test_two_accounts_with_the_same_address_are_refused(oidc, users):
    for role in ("financier", "onderzoeker"):
        u = users[("own", role)]
        u.email = "dubbel@voorbeeldstad.nl"
        u.save()
    oidc.set_claims("idp-d", {"email": "dubbel@voorbeeldstad.nl"})
    http = Client()
    oidc_login(http, oidc, "idp-d")
    assert "_auth_user_id" not in http.session


@pytest.fixture
def professional_with_email(users):
    user = users[("own", "professional")]
    user.email = "prof@voorbeeldstad.nl"
    user.save()
    return user


def test_oidc_login_still_needs_totp_by_default(oidc, settings, professional_with_email):
    settings.PROEFTUIN_REQUIRE_MFA = True
    oidc.set_claims("idp-p", {"email": "prof@voorbeeldstad.nl", "amr": ["pwd", "mfa"]})
    http = Client()
    oidc_login(http, oidc, "idp-p")
    response = http.get("/projecten/")
    assert response["Location"].startswith("/account/tweede-factor/instellen/")


def test_trusted_idp_mfa_counts_when_the_id_token_says_so(oidc, settings, professional_with_email):
    settings.PROEFTUIN_REQUIRE_MFA = True
    settings.PROEFTUIN_OIDC_TRUSTS_MFA = True
    oidc.set_claims("idp-p2", {"email": "prof@voorbeeldstad.nl", "amr": ["pwd", "mfa"]})
    http = Client()
    oidc_login(http, oidc, "idp-p2")
    assert http.get("/projecten/").status_code == 200


def test_trusted_idp_without_mfa_in_the_token_still_needs_totp(
    oidc, settings, professional_with_email
):
    settings.PROEFTUIN_REQUIRE_MFA = True
    settings.PROEFTUIN_OIDC_TRUSTS_MFA = True
    oidc.set_claims("idp-p3", {"email": "prof@voorbeeldstad.nl", "amr": ["pwd"]})
    http = Client()
    oidc_login(http, oidc, "idp-p3")
    assert http.get("/projecten/")["Location"].startswith("/account/tweede-factor/")
    # And TOTP set up after the OIDC login works as after a password login.
    http.get("/account/tweede-factor/instellen/")
    from base64 import b32encode

    device = TOTPDevice.objects.get(user=professional_with_email)
    code = pyotp.TOTP(b32encode(device.bin_key).decode()).now()
    http.post("/account/tweede-factor/instellen/", {"token": code})
    assert http.get("/projecten/").status_code == 200


def test_a_forged_callback_state_logs_nobody_in(oidc, users):
    http = Client()
    http.get("/account/oidc/inloggen/")
    response = http.get("/account/oidc/terug/?code=abc&state=verzonnen")
    assert response.status_code == 400
    assert "_auth_user_id" not in http.session
