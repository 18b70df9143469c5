"""Issue 8, accounts: sessions that end, and the TOTP second factor."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from integration_support import PASSWORD, login

from proeftuin.accounts.mfa import MFA_ROLES
from proeftuin.accounts.sessions import LAST_SEEN, LOGIN_AT
from proeftuin.core.access import Role

# Sessions ----------------------------------------------------------------------------------------


def test_session_settings():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.PROEFTUIN_IDLE_TIMEOUT_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_the_session_cookie_ends_with_the_browser(users):
    http = Client()
    response = http.post(
        "/account/inloggen/",
        {"username": users[("own", "financier")].username, "password": PASSWORD},
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def _age_session(http: Client, *, idle_minutes: float = 0, logged_in_hours: float = 0) -> None:
    session = http.session
    now = time.time()
    session[LAST_SEEN] = int(now - idle_minutes * 60)
    session[LOGIN_AT] = int(now - max(logged_in_hours * 3600, idle_minutes * 60))
    session.save()


def test_idle_for_31_minutes_logs_out(users):
    http = login(users[("own", "beleidsadviseur")])
    _age_session(http, idle_minutes=31)
    response = http.get("/projecten/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/")
    assert "_auth_user_id" not in http.session
    assert http.get("/projecten/").status_code == 302


def test_idle_for_29_minutes_keeps_the_session(users):
    http = login(users[("own", "beleidsadviseur")])
    _age_session(http, idle_minutes=29)
    assert http.get("/projecten/").status_code == 200
    # The visit counts as activity: the clock starts again.
    assert time.time() - http.session[LAST_SEEN] < 60


def test_the_idle_timeout_is_a_setting(users, settings):
    settings.PROEFTUIN_IDLE_TIMEOUT_MINUTES = 5
    http = login(users[("own", "beleidsadviseur")])
    _age_session(http, idle_minutes=6)
    assert http.get("/projecten/").status_code == 302


def test_an_active_session_still_ends_at_the_absolute_maximum(users):
    http = login(users[("own", "beleidsadviseur")])
    _age_session(http, idle_minutes=1, logged_in_hours=9)
    response = http.get("/projecten/")
    assert response.status_code == 302
    assert "_auth_user_id" not in http.session


def test_htmx_requests_are_told_to_go_to_the_login_page(users):
    http = login(users[("own", "beleidsadviseur")])
    _age_session(http, idle_minutes=31)
    response = http.get("/projecten/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/account/inloggen/"


# Second factor -----------------------------------------------------------------------------------


@pytest.fixture
def mfa_on(settings):
    settings.PROEFTUIN_REQUIRE_MFA = True


def test_roles_that_need_a_second_factor():
    assert {Role.BEHEERDER, Role.PROJECTLEIDER, Role.PROFESSIONAL} == MFA_ROLES


def _secret(user) -> str:
    from base64 import b32encode

    device = TOTPDevice.objects.filter(user=user).order_by("-pk").first()
    return b32encode(device.bin_key).decode()


@pytest.mark.parametrize("role", ["beheerder", "projectleider", "professional"])
def test_participant_roles_must_set_up_totp_before_any_page(users, mfa_on, own_project, role):
    user = users[("own", role)]
    http = login(user)
    for url in ("/projecten/", f"/projecten/{own_project.pk}/", "/tel-en-vertel/", "/account/"):
        response = http.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/tweede-factor/instellen/"), url
    assert http.get("/api/projects/").status_code == 403
    hx = http.get("/projecten/", HTTP_HX_REQUEST="true")
    assert hx["HX-Redirect"] == "/account/tweede-factor/instellen/"


@pytest.fixture
def no_otp_throttle(settings):
    """django-otp makes a device wait after a wrong code; these tests try a right one next."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_setup_shows_qr_and_key_and_confirms_with_a_code(users, mfa_on, no_otp_throttle):
    user = users[("own", "professional")]
    http = login(user)
    page = http.get("/account/tweede-factor/instellen/?next=/projecten/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html
    secret = _secret(user)
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in html
    # Reloading keeps the same key (the QR code in the app stays valid).
    http.get("/account/tweede-factor/instellen/")
    assert _secret(user) == secret

    wrong = http.post("/account/tweede-factor/instellen/", {"token": "000000"})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.content.decode()

    code = pyotp.TOTP(secret).now()
    done = http.post("/account/tweede-factor/instellen/", {"token": code, "next": "/projecten/"})
    assert done.status_code == 302
    assert done["Location"] == "/projecten/"
    assert http.get("/projecten/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed


def _set_up_device(user) -> str:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def test_next_login_asks_the_code(users, mfa_on, no_otp_throttle):
    user = users[("own", "beheerder")]
    secret = _set_up_device(user)
    http = login(user)
    response = http.get("/projecten/")
    assert response["Location"].startswith("/account/tweede-factor/?next=")
    # The set-up page does not let someone with only the password add a second device.
    assert http.get("/account/tweede-factor/instellen/")["Location"] == "/account/tweede-factor/"
    wrong = http.post("/account/tweede-factor/", {"token": "123456"})
    assert "Deze code klopt niet" in wrong.content.decode()
    ok = http.post(
        "/account/tweede-factor/", {"token": pyotp.TOTP(secret).now(), "next": "/projecten/"}
    )
    assert ok["Location"] == "/projecten/"
    assert http.get("/projecten/").status_code == 200


def test_a_used_code_cannot_be_replayed(users, mfa_on):
    user = users[("own", "professional")]
    secret = _set_up_device(user)
    code = pyotp.TOTP(secret).now()
    first = login(user)
    assert first.post("/account/tweede-factor/", {"token": code})["Location"] == "/projecten/"
    second = login(user)
    response = second.post("/account/tweede-factor/", {"token": code})
    assert response.status_code == 200


def test_open_redirect_after_the_code_is_refused(users, mfa_on):
    user = users[("own", "professional")]
    secret = _set_up_device(user)
    http = login(user)
    response = http.post(
        "/account/tweede-factor/",
        {"token": pyotp.TOTP(secret).now(), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/projecten/"


@pytest.mark.parametrize("role", ["beleidsadviseur", "financier", "onderzoeker"])
def test_other_roles_may_skip_totp(users, mfa_on, role):
    http = login(users[("own", role)])
    assert http.get("/projecten/").status_code == 200
    assert "Tweede factor instellen" in http.get("/account/").content.decode()


def test_optional_totp_once_set_up_is_always_asked(users, mfa_on):
    user = users[("own", "financier")]
    _set_up_device(user)
    http = login(user)
    assert http.get("/projecten/")["Location"].startswith("/account/tweede-factor/")


def test_login_logout_and_static_stay_reachable_while_the_code_is_owed(users, mfa_on):
    http = login(users[("own", "professional")])
    assert http.get("/account/tweede-factor/instellen/").status_code == 200
    assert http.get("/static/css/proeftuin.css").status_code in (200, 404)
    assert http.post("/i18n/setlang/", {"language": "en"}).status_code == 302
    assert http.post("/account/uitloggen/").status_code == 302
    assert "_auth_user_id" not in http.session


def test_django_admin_also_needs_the_second_factor(users, mfa_on):
    http = login(users[("own", "beheerder")])
    response = http.get("/beheer/")
    assert response["Location"].startswith("/account/tweede-factor/instellen/")


def test_mfa_is_on_by_default_in_the_shared_and_production_settings(monkeypatch):
    import importlib

    from proeftuin.settings import base

    monkeypatch.delenv("PROEFTUIN_REQUIRE_MFA", raising=False)
    assert importlib.reload(base).PROEFTUIN_REQUIRE_MFA is True


def test_a_lost_phone_is_reset_by_command_and_the_user_sets_up_again(users, mfa_on):
    from django.core.management import call_command

    user = users[("own", "professional")]
    _set_up_device(user)
    call_command("reset_second_factor", user.username)
    assert not TOTPDevice.objects.filter(user=user).exists()
    http = login(user)
    assert http.get("/projecten/")["Location"].startswith("/account/tweede-factor/instellen/")


def _plain_routes() -> list[str]:
    """Every URL pattern of the project without parameters, as a path."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p, route)
            elif isinstance(p, URLPattern):
                yield route

    return sorted({r for r in walk(get_resolver()) if "<" not in r and "^" not in r})


EXEMPT = {
    "account/inloggen/",
    "account/uitloggen/",
    "account/tweede-factor/",
    "account/tweede-factor/instellen/",
    "account/oidc/inloggen/",
    "account/oidc/terug/",
    "i18n/setlang/",
    "favicon.ico",
}


def test_every_page_waits_for_the_second_factor(users, mfa_on, own_project):
    """A professional who has only given the password reaches no page but the exempt ones."""
    http = login(users[("own", "professional")])
    routes = _plain_routes()
    assert len(routes) > 20
    leaks = []
    for route in routes:
        if route in EXEMPT:
            continue
        response = http.get("/" + route)
        location = response.get("Location", "")
        if not (
            (response.status_code == 302 and "/account/tweede-factor/instellen/" in location)
            or (route.startswith("api/") and response.status_code == 403)
            # The Django admin hides itself (404) from everyone but an installation superuser.
            or (route.startswith("django-beheer/") and response.status_code == 404)
        ):
            leaks.append(f"/{route} → {response.status_code} {location}")
    assert leaks == [], "\n".join(leaks)
