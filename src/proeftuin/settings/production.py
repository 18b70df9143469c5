"""Production: PostgreSQL through DATABASE_URL, HTTPS only, secrets from the environment.

``manage.py check --deploy`` must stay clean under these settings (a test checks it).
"""

import hmac
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY to a random string of at least 50 characters."
    )
PROEFTUIN_PSEUDONYM_SECRET = os.environ.get("PROEFTUIN_PSEUDONYM_SECRET", "")
if len(PROEFTUIN_PSEUDONYM_SECRET) < 32:
    raise ImproperlyConfigured(
        "Set PROEFTUIN_PSEUDONYM_SECRET to a random string of at least 32 characters (the key of "
        "the participant pseudonyms; keep it outside the database and never change it)."
    )

SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true").lower() == "true"
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
# The access log's key (subject and session hashes). Set PROEFTUIN_ACCESS_LOG_KEY; without it a
# key is derived from the pseudonym secret, so production never uses the public development key.
_ACCESS_LOG_KEY = os.environ.get("PROEFTUIN_ACCESS_LOG_KEY", "")
if _ACCESS_LOG_KEY and len(_ACCESS_LOG_KEY) < 32:
    raise ImproperlyConfigured(
        "Set PROEFTUIN_ACCESS_LOG_KEY to a random string of at least 32 characters (the key of "
        "the access log's subject keys; keep it outside the database and never change it)."
    )
_DERIVED_LOG_KEY = hmac.new(
    PROEFTUIN_PSEUDONYM_SECRET.encode(), b"proeftuin access log key", "sha256"
).hexdigest()
PROEFTUIN_ACCESS_LOG_KEY = _ACCESS_LOG_KEY or _DERIVED_LOG_KEY
