"""WSGI entry point for gunicorn: ``gunicorn proeftuin.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proeftuin.settings.production")
application = get_wsgi_application()
