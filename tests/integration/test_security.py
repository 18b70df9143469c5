"""Security headers, login throttling, the admin's door, and a clean ``check --deploy``."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from integration_support import PASSWORD, login

ROOT = Path(__file__).resolve().parents[2]


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


# Headers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/account/inloggen/", "/projecten/", "/projecten/{pk}/"])
def test_security_headers(path, users, own_project):
    http = login(users[("own", "beleidsadviseur")])
    response = http.get(path.format(pk=own_project.pk))
    assert response.status_code == 200

    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    script_src = csp["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_every_inline_script_carries_the_nonce_of_its_response(users, own_project):
    http = login(users[("own", "beleidsadviseur")])
    response = http.get(f"/projecten/{own_project.pk}/financiering/")
    nonces = [w for w in csp_directives(response)["script-src"] if w.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    html = response.content.decode()
    # Data blocks (json_script) are not executed, so the CSP does not govern them.
    inline = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if " src=" not in tag and 'type="application/json"' not in tag
    ]
    assert inline, "expected the import map"
    for tag in inline:
        assert f'nonce="{nonce}"' in tag, tag
    # A new response gets a new nonce.
    again = http.get(f"/projecten/{own_project.pk}/financiering/")
    assert nonces != [w for w in csp_directives(again)["script-src"] if w.startswith("'nonce-")]
    # Nothing the CSP blocks anyway: no inline styles or event handlers.
    assert not re.search(r"<style\b|\sstyle=\"|\son[a-z]+=\"", html)


def test_session_and_csrf_cookies_are_http_only_and_lax(users):
    http = Client()
    http.get("/account/inloggen/")
    response = http.post(
        "/account/inloggen/",
        {"username": users[("own", "professional")].username, "password": PASSWORD},
    )
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


# Login throttling (django-axes) ----------------------------------------------------------------------


def attempt(http: Client, username: str, password: str, **extra):
    return http.post("/account/inloggen/", {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(users):
    username = users[("own", "beleidsadviseur")].username
    http = Client()
    for _ in range(4):
        response = attempt(http, username, "fout-wachtwoord")
        assert response.status_code == 200
        assert "Gebruikersnaam en wachtwoord horen niet bij elkaar" in response.content.decode()
    # The fifth failure locks.
    assert attempt(http, username, "fout-wachtwoord").status_code == 429

    response = attempt(http, username, PASSWORD)
    assert response.status_code == 429
    assert "Tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in http.session
    # The admin's own login form is locked as well.
    response = http.post("/django-beheer/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 429


def test_lockout_cannot_be_dodged_with_a_forged_forwarded_for(users):
    username = users[("own", "beheerder")].username
    http = Client()
    for i in range(5):
        attempt(http, username, "fout", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    response = attempt(http, username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429


def test_lockout_is_per_user(users):
    http = Client()
    for _ in range(5):
        attempt(http, users[("own", "professional")].username, "fout")
    response = attempt(http, users[("own", "financier")].username, PASSWORD)
    assert response.status_code == 302


def test_fewer_failures_then_success_resets_the_count(users):
    username = users[("own", "onderzoeker")].username
    http = Client()
    for _ in range(4):
        attempt(http, username, "fout")
    assert attempt(http, username, PASSWORD).status_code == 302
    other = Client()
    for _ in range(4):
        assert attempt(other, username, "fout").status_code == 200
    assert attempt(other, username, PASSWORD).status_code == 302


def test_inactive_user_cannot_log_in(users):
    user = users[("own", "professional")]
    user.is_active = False
    user.save()
    http = Client()
    response = attempt(http, user.username, PASSWORD)
    assert response.status_code == 200
    assert "Dit account is niet actief" in response.content.decode() or (
        "Gebruikersnaam en wachtwoord horen niet bij elkaar" in response.content.decode()
    )
    assert "_auth_user_id" not in http.session


# The admin -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["beheerder", "beleidsadviseur", "projectleider", "professional"])
def test_django_admin_closed_to_every_role(role, users):
    """The Django admin crosses tenants: installation superusers only (issue 8)."""
    http = login(users[("own", role)])
    response = http.get("/django-beheer/")
    assert response.status_code == 404
    assert "Proeftuin installatiebeheer" not in response.content.decode()


def test_admin_login_page_refuses_other_roles(users):
    http = Client()
    response = http.post(
        "/django-beheer/login/",
        {"username": users[("own", "beleidsadviseur")].username, "password": PASSWORD},
    )
    # Django's admin login refuses non-staff with the form again; no session comes of it.
    assert response.status_code == 200
    assert "_auth_user_id" not in http.session
    assert http.get("/django-beheer/").status_code == 302


def test_deactivated_superuser_is_kept_out(own_org):
    from proeftuin.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    http = Client()
    http.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    assert http.get("/django-beheer/").status_code == 200
    root.is_active = False
    root.save()
    response = http.get("/django-beheer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/django-beheer/login/")


# Deployment checks -----------------------------------------------------------------------------------


def run_django(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "proeftuin.settings.production",
        "PYTHONPATH": str(ROOT / "src"),
        "PROEFTUIN_PSEUDONYM_SECRET": secrets.token_urlsafe(48),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = run_django(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        PROEFTUIN_VAR_DIR=str(tmp_path),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
    assert "no issues" in output


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_django("check", DJANGO_SECRET_KEY="", PROEFTUIN_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_pseudonym_secret(tmp_path):
    result = run_django(
        "check",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        PROEFTUIN_PSEUDONYM_SECRET="too-short",
        PROEFTUIN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "PROEFTUIN_PSEUDONYM_SECRET" in result.stderr
