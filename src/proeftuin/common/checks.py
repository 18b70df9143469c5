"""Deployment checks: ``manage.py check --deploy`` refuses the development secrets.

The production settings already refuse secrets that are missing or too short, but the development
values in base.py are long enough to pass a length test. A deployment that copied them would key
every participant pseudonym with a secret that is in the source code, so these are errors.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 (the value we refuse)
DEV_PSEUDONYM_SECRET = "dev-only-pseudonym-secret-change-me"  # noqa: S105 (the value we refuse)
DEV_MARKER = "dev-only-"


def _is_development_value(value: str, dev_value: str) -> bool:
    return value == dev_value or dev_value in value or value.startswith(DEV_MARKER)


@register(Tags.security, deploy=True)
def check_development_secrets(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    if _is_development_value(str(settings.SECRET_KEY), DEV_SECRET_KEY):
        errors.append(
            Error(
                "DJANGO_SECRET_KEY is the development key from the source code.",
                hint="Set DJANGO_SECRET_KEY to a random string of at least 50 characters.",
                id="proeftuin.E001",
            )
        )
    secret = str(getattr(settings, "PROEFTUIN_PSEUDONYM_SECRET", ""))
    if _is_development_value(secret, DEV_PSEUDONYM_SECRET):
        errors.append(
            Error(
                "PROEFTUIN_PSEUDONYM_SECRET is the development secret from the source code.",
                hint=(
                    "Set PROEFTUIN_PSEUDONYM_SECRET to a random string of at least 32 characters "
                    "kept outside the database (for example: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))')."
                ),
                id="proeftuin.E002",
            )
        )
    return errors
