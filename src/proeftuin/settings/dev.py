"""Local development and the demo: debug on, served by Django's runserver."""

import os

from .base import *  # noqa: F403

DEBUG = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# The demo's users log in without a second factor unless asked (docs/accounts.md).
PROEFTUIN_REQUIRE_MFA = os.environ.get("PROEFTUIN_REQUIRE_MFA", "false").lower() == "true"
# Password-reset mails are printed in the terminal.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The demo's map: made-up squares for the fictitious Gemeente Voorbeeldstad (not real boundaries).
PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES = os.environ.get(
    "PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES",
    str(PACKAGE_DIR / "neighbourhoods" / "demo_boundaries.geojson"),  # noqa: F405
)
