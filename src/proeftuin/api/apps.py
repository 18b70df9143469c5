from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """API v1 (NLGov REST API Design Rules): tokens for machine clients and the v1 resources."""

    name = "proeftuin.api"
    label = "api"
    verbose_name = _("API")
