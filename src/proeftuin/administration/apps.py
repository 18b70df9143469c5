from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """Beheer inside the tenant: users, grants, partners and the access log of one organisation."""

    name = "proeftuin.administration"
    label = "administration"
    verbose_name = _("Beheer van de organisatie")

    def ready(self) -> None:
        # Registers the deployment checks (the development secrets are refused in production).
        from proeftuin.common import checks  # noqa: F401
