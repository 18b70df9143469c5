"""Finding: in production settings a 500 wrote nothing to the log. Now it logs with a request id."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys, types
    import django
    django.setup()
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.urls import path

    def boom(request):
        raise RuntimeError("kapot-in-de-view")

    urls = types.ModuleType("boom_urls")
    urls.urlpatterns = [path("boom/", boom)]
    urls.handler500 = "proeftuin.common.request_id.server_error"
    sys.modules["boom_urls"] = urls
    with override_settings(ROOT_URLCONF="boom_urls"):
        response = Client(raise_request_exception=False).get("/boom/")
    print("STATUS", response.status_code)
    print("HEADER", response.headers.get("X-Request-ID"))
    print("BODY", response.content.decode())
    """
)


def test_a_500_in_production_is_logged_with_the_request_id_shown_on_the_page(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "proeftuin.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "PROEFTUIN_PSEUDONYM_SECRET": "y" * 40,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "PROEFTUIN_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert "STATUS 500" in done.stdout, done.stderr
    request_id = done.stdout.split("HEADER ", 1)[1].split()[0]
    assert len(request_id) >= 8
    assert request_id in done.stdout.split("BODY ", 1)[1]
    # The traceback is in the log (standard error), on a line that carries the same id.
    error_lines = [line for line in done.stderr.splitlines() if "django.request" in line]
    assert error_lines and request_id in error_lines[0], done.stderr
    assert "kapot-in-de-view" in done.stderr


def test_the_request_id_header_is_on_every_response(client):
    response = client.get("/account/inloggen/")
    assert len(response.headers["X-Request-ID"]) == 32
    passed = client.get("/account/inloggen/", headers={"X-Request-ID": "proxy-abc-12345"})
    assert passed.headers["X-Request-ID"] == "proxy-abc-12345"
    forged = client.get("/account/inloggen/", headers={"X-Request-ID": "<script>"})
    assert forged.headers["X-Request-ID"] != "<script>"
