"""Test settings: fast hashing, plain static storage, no lockout leakage between tests."""

import os

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
ALLOWED_HOSTS = ["*"]
# WhiteNoise looks in STATIC_ROOT at start-up; tests serve from the finders, but keep it existing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Most tests log in without a second factor; the account tests switch it on.
PROEFTUIN_REQUIRE_MFA = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The API's per-token budget is counted in the process-wide cache: tests that probe many URLs
# would share it. The throttling test sets its own small rate.
PROEFTUIN_API_RATE = "100000/minute"
# One connection per request, as the tests were written for (the live server's threads and the
# concurrency tests close theirs); the page benchmark sets DATABASE_CONN_MAX_AGE as deployed.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "0"))  # noqa: F405
