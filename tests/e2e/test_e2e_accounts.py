"""Accounts in the browser: OIDC login through a real provider, and TOTP set-up and login."""

from __future__ import annotations

import re
import time
from base64 import b32encode

import pyotp
import pytest
from oidc_support import apply_settings, running_provider
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"  # noqa: S105


@pytest.fixture
def person(transactional_db):
    """A professional of Gemeente Voorbeeldstad (a role that must use a second factor)."""
    from proeftuin.accounts.models import Organisation, User

    org = Organisation.objects.create(name="Gemeente Voorbeeldstad", kind="gemeente")
    user = User(
        username="prof", email="prof@voorbeeldstad.nl", organisation=org, role="professional"
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def provider():
    with running_provider() as p:
        yield p


def test_oidc_login_in_the_browser(page: Page, person, provider, settings, problems):
    apply_settings(settings, provider)
    settings.PROEFTUIN_OIDC_PROVIDER_NAME = "Voorbeeldstad ID"
    provider.set_claims("medewerker-42", {"email": "prof@voorbeeldstad.nl", "email_verified": True})
    # The provider's own page links a stylesheet on the internet; the test machine is offline.
    page.route(re.compile(r"^https://"), lambda route: route.abort())

    page.goto("/account/inloggen/")
    page.get_by_role("link", name="Inloggen via Voorbeeldstad ID").click()
    expect(page).to_have_url(re.compile(re.escape(provider.url) + r"/oauth2/authorize\?"))
    page.locator("input[name=sub]").fill("medewerker-42")
    page.get_by_role("button", name="Authorize").click()
    expect(page).to_have_url(re.compile(r"/projecten/$"))
    expect(page.locator(".pt-user")).to_contain_text("Gemeente Voorbeeldstad")
    ours = [p for p in problems.all() if provider.url not in p]
    assert ours == [], "\n".join(ours)


def _log_in_with_password(page: Page) -> None:
    page.goto("/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("prof")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_totp_setup_and_login_in_the_browser(
    page: Page, person, settings, problems, assert_accessible
):
    settings.PROEFTUIN_REQUIRE_MFA = True
    _log_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/account/tweede-factor/instellen/"))
    expect(page.locator("img.pt-qr")).to_be_visible()
    assert_accessible(page)
    secret = page.get_by_test_id("totp-key").inner_text().replace(" ", "")
    assert len(secret) == 32
    page.get_by_label("Code uit de app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(re.compile(r"/projecten/$"))

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/account/inloggen/"))
    _log_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/account/tweede-factor/\?next="))
    # A code is accepted once; the next time step's code is within the allowed drift. Under load
    # the set-up code may reach the server a step late, and django-otp then records a drift of
    # -1 (OTP_TOTP_SYNC): "the next step" is counted from the server's view of the clock.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    drift = TOTPDevice.objects.get(user=person).drift
    page.get_by_label("Code uit de app").fill(pyotp.TOTP(secret).at(time.time() + 30 * (1 + drift)))
    page.get_by_role("button", name="Doorgaan").click()
    expect(page).to_have_url(re.compile(r"/projecten/$"))
    assert problems.all() == [], "\n".join(problems.all())

    device = TOTPDevice.objects.get(user=person)
    assert b32encode(device.bin_key).decode() == secret
