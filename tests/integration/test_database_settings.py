"""Database connection settings per engine (issue 14 item 2).

On PostgreSQL a new connection per request cost a backend process and cold catalog caches on
every page (3 ms for a first primary-key lookup); keeping the connection 60 s lowered the small
pages' p95 by a third at 25 users (bench/README.md). SQLite opens a file: nothing to keep.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

READ = (
    "import json, django; from django.conf import settings; "
    "d = settings.DATABASES['default']; "
    "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
)


def _read(module: str, **env: str) -> list:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    environ.update(env, DJANGO_SETTINGS_MODULE=module)
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", READ], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["proeftuin.settings.base", "proeftuin.settings.dev"])
def test_postgresql_keeps_its_connections_with_a_health_check(module, tmp_path):
    url = "postgres://proeftuin@db.invalid:5432/proeftuin"
    assert _read(module, DATABASE_URL=url, PROEFTUIN_VAR_DIR=str(tmp_path)) == [60, True]


def test_any_postgresql_url_scheme_counts(tmp_path):
    url = "postgresql://proeftuin@db.invalid:5432/proeftuin"
    assert _read("proeftuin.settings.base", DATABASE_URL=url, PROEFTUIN_VAR_DIR=str(tmp_path)) == [
        60,
        True,
    ]


def test_sqlite_opens_a_connection_per_request(tmp_path):
    assert _read("proeftuin.settings.base", PROEFTUIN_VAR_DIR=str(tmp_path))[0] == 0


def test_the_setting_wins_and_the_tests_keep_one_connection_per_request(tmp_path):
    url = "postgres://proeftuin@db.invalid:5432/proeftuin"
    env = {"DATABASE_URL": url, "PROEFTUIN_VAR_DIR": str(tmp_path)}
    assert _read("proeftuin.settings.base", DATABASE_CONN_MAX_AGE="5", **env)[0] == 5
    assert _read("proeftuin.settings.test", **env)[0] == 0
