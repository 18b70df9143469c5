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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "django_htmx",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "proeftuin.accounts",
    "proeftuin.portfolio",
    "proeftuin.reporting",
    "proeftuin.assessments",
    "proeftuin.sustainability",
    "proeftuin.valuation",
    "proeftuin.monitoring",
    "proeftuin.neighbourhoods",
    "proeftuin.demo",
    "proeftuin.operations",
    "proeftuin.administration",
    "proeftuin.api",
    "proeftuin.agenda",
    "proeftuin.learning",
]

MIDDLEWARE = [
    "proeftuin.common.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "proeftuin.common.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "proeftuin.monitoring.audit.AccessContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "proeftuin.accounts.middleware.AdminOnlyForBeheerderMiddleware",
    "axes.middleware.AxesMiddleware",
    "proeftuin.accounts.sessions.IdleTimeoutMiddleware",
    "proeftuin.accounts.mfa.MFARequiredMiddleware",
    "proeftuin.common.middleware.NoStoreMiddleware",
    "proeftuin.common.middleware.RequestBodyLimitMiddleware",
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

_database_url = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'proeftuin.sqlite3'}")
# PostgreSQL: a worker thread keeps its connection 60 s (checked before reuse). A new one per
# request cost a server process and cold catalog caches on every page (issue 14); SQLite only
# opens a file.
DATABASES = {"default": dj_database_url.parse(_database_url, conn_health_checks=True)}
DATABASES["default"]["CONN_MAX_AGE"] = int(
    os.environ.get(
        "DATABASE_CONN_MAX_AGE",
        "60" if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" else "0",
    )
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers continue while one writer commits. IMMEDIATE takes the write lock when a
    # transaction starts, so two writers queue on the busy timeout instead of one failing with
    # "database is locked" when it upgrades a read lock (Django 5.1+).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("PROEFTUIN_SQLITE_TIMEOUT", "30")),
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "proeftuin.accounts.oidc.ProeftuinOIDCBackend",
]
# At least 12 characters, not on Django's list nor on our list of common Dutch passwords
# (with trailing digits, years and punctuation removed: Welkom2026! is refused).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "proeftuin.accounts.password_validation.DutchCommonPasswordValidator"},
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

# Login throttling (django-axes), see proeftuin/accounts/throttling.py and docs/accounts.md:
# a username+IP pair is locked after 5 failures, a username (all addresses) after 25, an address
# (all usernames) after 50; each for 15 minutes. The client IP comes from X-Forwarded-For only as
# far as PROEFTUIN_TRUSTED_PROXY_COUNT proxies of our own reach; else REMOTE_ADDR.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "proeftuin.accounts.throttling.ProeftuinAxesHandler"
AXES_CLIENT_IP_CALLABLE = "proeftuin.accounts.throttling.client_ip"
PROEFTUIN_TRUSTED_PROXY_COUNT = int(os.environ.get("PROEFTUIN_TRUSTED_PROXY_COUNT", "0"))
PROEFTUIN_AXES_USERNAME_LIMIT = int(os.environ.get("PROEFTUIN_AXES_USERNAME_LIMIT", "25"))
PROEFTUIN_AXES_IP_LIMIT = int(os.environ.get("PROEFTUIN_AXES_IP_LIMIT", "50"))

# Sessions: end with the browser, after 30 idle minutes, and at most 8 hours after login.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("PROEFTUIN_SESSION_MAX_HOURS", "8")) * 3600
PROEFTUIN_IDLE_TIMEOUT_MINUTES = int(os.environ.get("PROEFTUIN_IDLE_TIMEOUT_MINUTES", "30"))

# Second factor (django-otp, TOTP): required for the beheerder and the roles with participant-level
# access. On unless switched off; dev.py and test.py switch it off for the demo and most tests.
PROEFTUIN_REQUIRE_MFA = os.environ.get("PROEFTUIN_REQUIRE_MFA", "true").lower() == "true"
OTP_TOTP_ISSUER = os.environ.get("PROEFTUIN_TOTP_ISSUER", "Proeftuin")
OTP_TOTP_THROTTLE_FACTOR = 1

# Password reset e-mail. Production sets the SMTP server through the environment.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "false").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "proeftuin@localhost")
# Where the app is reached from outside: links in reminder e-mails and the calendar feed.
PROEFTUIN_BASE_URL = os.environ.get("PROEFTUIN_BASE_URL", "http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = 3600

# Login through the municipality's identity provider (OpenID Connect). Without these variables
# the login page shows no OIDC button. Only pre-provisioned, active users can log in this way.
OIDC_RP_CLIENT_ID = os.environ.get("PROEFTUIN_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("PROEFTUIN_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("PROEFTUIN_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("PROEFTUIN_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("PROEFTUIN_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("PROEFTUIN_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("PROEFTUIN_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("PROEFTUIN_OIDC_SCOPES", "openid email profile")
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/account/inloggen/?oidc=mislukt"
PROEFTUIN_OIDC_PROVIDER_NAME = os.environ.get("PROEFTUIN_OIDC_PROVIDER_NAME", "")
PROEFTUIN_OIDC_MATCH_CLAIM = os.environ.get("PROEFTUIN_OIDC_MATCH_CLAIM", "email")
# An OIDC login counts as the second factor only when this is on AND the ID token says so.
PROEFTUIN_OIDC_TRUSTS_MFA = os.environ.get("PROEFTUIN_OIDC_TRUSTS_MFA", "false").lower() == "true"
PROEFTUIN_OIDC_MFA_AMR_VALUES = tuple(
    v for v in os.environ.get("PROEFTUIN_OIDC_MFA_AMR", "mfa,otp,hwk,swk,sc").split(",") if v
)
PROEFTUIN_OIDC_MFA_ACR_VALUES = tuple(
    v for v in os.environ.get("PROEFTUIN_OIDC_MFA_ACR", "").split(",") if v
)

# Security headers that hold everywhere; production adds HSTS and secure cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "proeftuin.accounts.views.csrf_failure"

# Permissions-Policy on every response: the app uses no device feature, so all are off.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
# Participant-level pages (Tel en vertel, its API) and the access log are never cached; every
# download (Content-Disposition: attachment) neither. See NoStoreMiddleware.
# The project report holds shared stories: not kept in caches either.
PROEFTUIN_NO_STORE_PREFIXES = (
    "/tel-en-vertel/",
    "/api/tel-en-vertel/",
    "/beheer/organisatie/",
    "/rapporten/",
)

# Request bodies. The largest upload is a 25 MB import spreadsheet (evidence documents: 10 MB); a
# body above PROEFTUIN_MAX_REQUEST_BYTES gets a friendly 413 page before anything is read. Form
# fields without files are capped by Django at DATA_UPLOAD_MAX_MEMORY_SIZE (a 400 page).
PROEFTUIN_MAX_REQUEST_BYTES = 26 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

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
#: Requests per API token (or per person using the API with a session), see docs/api.md.
PROEFTUIN_API_RATE = os.environ.get("PROEFTUIN_API_RATE", "600/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Proeftuin API",
    "DESCRIPTION": "Portfolio of social-domain pilots, scoped to the caller's organisation.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # API v1 only (docs/api.md); the old /api/ paths are deprecated aliases for one release.
    "PREPROCESSING_HOOKS": ["proeftuin.api.schema.only_v1"],
}

# Durable background work (imports, the sweep of stale uploads): the django-tasks database
# backend; `proeftuin worker` runs the queue (see docs/decisions/0014-task-queue.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "proeftuin.common.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "loggers": {
        # Every unhandled exception (a 500) with its traceback and request id. Django's default
        # only prints it with DEBUG on, so production logged nothing.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "proeftuin": {
            "handlers": ["console"],
            "level": os.environ.get("PROEFTUIN_LOG_LEVEL", "INFO"),
        },
    },
}

# Months before a funding stream ends that the portfolio starts warning (the funding cliff).
PROEFTUIN_CLIFF_HORIZONS_MONTHS = (6, 12, 24)
# Where people report an accessibility problem (an e-mail address or a web form), shown on
# /toegankelijkheid/; empty: "the administrator of this installation".
PROEFTUIN_ACCESSIBILITY_CONTACT = os.environ.get("PROEFTUIN_ACCESSIBILITY_CONTACT", "")
# The portfolio flags a project whose incidental money ends within this many months and that has
# no continuation plan yet (issue 3, the +1 advisor).
PROEFTUIN_PLAN_WARNING_MONTHS = int(os.environ.get("PROEFTUIN_PLAN_WARNING_MONTHS", "12"))

# Tel en vertel: participant keys are HMACs of the organisation's own client number under this
# per-installation secret, kept outside the database. production.py requires a real one.
PROEFTUIN_PSEUDONYM_SECRET = os.environ.get(
    "PROEFTUIN_PSEUDONYM_SECRET", "dev-only-pseudonym-secret-change-me"
)
# The access log (NEN 7513): its subject and session keys are HMACs under this key, separate from
# the pseudonym secret, so the log alone leads back to nobody. Retention in days (purge_access_log).
PROEFTUIN_ACCESS_LOG_KEY = os.environ.get(
    "PROEFTUIN_ACCESS_LOG_KEY", "dev-only-access-log-key-change-me"
)
PROEFTUIN_ACCESS_LOG_RETENTION_DAYS = int(
    os.environ.get("PROEFTUIN_ACCESS_LOG_RETENTION_DAYS", str(5 * 365))
)
# Number of reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none).
PROEFTUIN_TRUSTED_PROXY_COUNT = int(os.environ.get("PROEFTUIN_TRUSTED_PROXY_COUNT", "0"))
# Spreadsheet intake: limits on what a file may hold (names of proeftuin.core.intake.Limits, e.g.
# {"max_columns": 200, "max_cells": 20_000_000, "max_memory_bytes": 3 << 30, "max_seconds": 300}),
# and whether parsing runs in a worker process under those memory and time limits (keep True).
PROEFTUIN_INTAKE_LIMITS: dict = {}
PROEFTUIN_INTAKE_ISOLATE = os.environ.get("PROEFTUIN_INTAKE_ISOLATE", "1") != "0"
# The neighbourhood monitor's map: a GeoJSON file of the installation's wijk/buurt boundaries
# (Polygon/MultiPolygon features with the CBS code in a property such as ``cbs_code``), checked
# before use (proeftuin.core.neighbourhoods.boundaries). Empty: no map, a table and charts.
PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES = os.environ.get("PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES", "")
# Small-cell suppression: a group with fewer participants than this shows no figures anywhere
# (screens, exports, API). Configurable upwards; never below 5.
PROEFTUIN_SMALL_CELL_THRESHOLD = int(os.environ.get("PROEFTUIN_SMALL_CELL_THRESHOLD", "10"))
if PROEFTUIN_SMALL_CELL_THRESHOLD < 5:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "PROEFTUIN_SMALL_CELL_THRESHOLD is at least 5 (small-cell suppression)."
    )

# Staged imports (docs/decisions/0023-staged-import.md): rows of the file per short merge
# transaction, so other users get the SQLite write lock between steps; and after how many hours
# without a sign of life an unfinished import is discarded even if its process seems alive.
# Unset: 2,000 on SQLite (one writer), 50,000 on PostgreSQL (set-based steps; readers and other
# writers are not blocked by them).
PROEFTUIN_IMPORT_MERGE_ROWS = (
    int(os.environ["PROEFTUIN_IMPORT_MERGE_ROWS"])
    if os.environ.get("PROEFTUIN_IMPORT_MERGE_ROWS")
    else None
)
PROEFTUIN_IMPORT_STALE_HOURS = 6
