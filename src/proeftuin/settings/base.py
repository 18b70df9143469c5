"""Settings shared by every environment.

Environment variables steer what differs per installation (database, secrets, hosts); see
``docs/operations.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where runtime state (SQLite database, uploads, generated reports) lives. Defaults to ./var.
VAR_DIR = Path(os.environ.get("PROEFTUIN_VAR_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [
    h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django_htmx",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "proeftuin.accounts",
    "proeftuin.portfolio",
    "proeftuin.reporting",
    "proeftuin.assessments",
    "proeftuin.sustainability",
    "proeftuin.valuation",
    "proeftuin.monitoring",
    "proeftuin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "proeftuin.common.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "proeftuin.accounts.middleware.AdminOnlyForBeheerderMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "proeftuin.urls"
WSGI_APPLICATION = "proeftuin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "proeftuin.accounts.context_processors.tenancy",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'proeftuin.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers continue while one writer commits; the timeout avoids "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio:overview"
LOGOUT_REDIRECT_URL = "login"

# Dutch first; English is a translation. Source strings (msgids) are Dutch, see docs/decisions/0002.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# Login throttling (django-axes): lock a username+IP pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Security headers that hold everywhere; production adds HSTS and secure cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "proeftuin.accounts.views.csrf_failure"

# Content Security Policy: no inline script or style; the one import map carries a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Proeftuin API",
    "DESCRIPTION": "Portfolio of social-domain pilots, scoped to the caller's organisation.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "proeftuin": {
            "handlers": ["console"],
            "level": os.environ.get("PROEFTUIN_LOG_LEVEL", "INFO"),
        },
    },
}

# Months before a funding stream ends that the portfolio starts warning (the funding cliff).
PROEFTUIN_CLIFF_HORIZONS_MONTHS = (6, 12, 24)
# The portfolio flags a project whose incidental money ends within this many months and that has
# no continuation plan yet (issue 3, the +1 advisor).
PROEFTUIN_PLAN_WARNING_MONTHS = int(os.environ.get("PROEFTUIN_PLAN_WARNING_MONTHS", "12"))

# Tel en vertel: participant keys are HMACs of the organisation's own client number under this
# per-installation secret, kept outside the database. production.py requires a real one.
PROEFTUIN_PSEUDONYM_SECRET = os.environ.get(
    "PROEFTUIN_PSEUDONYM_SECRET", "dev-only-pseudonym-secret-change-me"
)
# Spreadsheet intake: limits on what a file may hold (names of proeftuin.core.intake.Limits, e.g.
# {"max_columns": 200, "max_cells": 20_000_000, "max_memory_bytes": 3 << 30, "max_seconds": 300}),
# and whether parsing runs in a worker process under those memory and time limits (keep True).
PROEFTUIN_INTAKE_LIMITS: dict = {}
PROEFTUIN_INTAKE_ISOLATE = os.environ.get("PROEFTUIN_INTAKE_ISOLATE", "1") != "0"
# Small-cell suppression: a group with fewer participants than this shows no figures anywhere
# (screens, exports, API). Configurable upwards; never below 5.
PROEFTUIN_SMALL_CELL_THRESHOLD = int(os.environ.get("PROEFTUIN_SMALL_CELL_THRESHOLD", "10"))
if PROEFTUIN_SMALL_CELL_THRESHOLD < 5:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "PROEFTUIN_SMALL_CELL_THRESHOLD is at least 5 (small-cell suppression)."
    )
