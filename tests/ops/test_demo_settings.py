"""The demo (`make demo`, settings ``proeftuin.settings.dev``) runs without debug: an error shows
the app's own page, never Django's technical one with settings and code (black-box finding)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import django
from django.conf import settings
from django.test import Client
from django.urls import path

django.setup()
from proeftuin import urls


def boom(request):
    raise RuntimeError("geheim-detail-uit-de-code")


urls.urlpatterns.append(path("kapot/", boom))
print("DEBUG", settings.DEBUG)
http = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
broken = http.get("/kapot/")
print("STATUS", broken.status_code)
print("TECHNICAL", b"geheim-detail-uit-de-code" in broken.content or b"Traceback" in broken.content)
static = http.get("/static/css/proeftuin.css")
print("STATIC", static.status_code)
"""


def _run(tmp_path: Path, **env: str) -> dict[str, str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "proeftuin.settings.dev",
        "PROEFTUIN_VAR_DIR": str(tmp_path),
        **env,
    }
    environment.pop("DATABASE_URL", None)
    if "PROEFTUIN_DEBUG" not in env:
        environment.pop("PROEFTUIN_DEBUG", None)
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def test_demo_settings_serve_without_debug_and_show_no_technical_page(tmp_path):
    result = _run(tmp_path)
    assert result["DEBUG"] == "False"
    assert result["STATUS"] == "500"
    assert result["TECHNICAL"] == "False"
    # Static files still come (WhiteNoise from the app's folders, no collectstatic).
    assert result["STATIC"] == "200"
