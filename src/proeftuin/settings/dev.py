"""Local development and the demo: served by Django's runserver, static files by WhiteNoise.

Debug is off unless asked (``PROEFTUIN_DEBUG=true``): a demo is shown to people, and Django's
technical error page would show them settings, paths and code. The app's own 500 page shows.
"""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("PROEFTUIN_DEBUG", "false").lower() == "true"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Without debug, WhiteNoise serves static files straight from the app (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when it is missing
# The demo's users log in without a second factor unless asked (docs/accounts.md).
PROEFTUIN_REQUIRE_MFA = os.environ.get("PROEFTUIN_REQUIRE_MFA", "false").lower() == "true"
# Password-reset mails and invitations are printed in the terminal.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The demo's map: made-up squares for the fictitious Gemeente Voorbeeldstad (not real boundaries).
PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES = os.environ.get(
    "PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES",
    str(PACKAGE_DIR / "neighbourhoods" / "demo_boundaries.geojson"),  # noqa: F405
)
