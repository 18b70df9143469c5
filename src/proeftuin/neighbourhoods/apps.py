from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodsConfig(AppConfig):
    name = "proeftuin.neighbourhoods"
    verbose_name = _("Wijkmonitor")

    def ready(self) -> None:
        from proeftuin.portfolio import panels

        from .portfolio_link import portfolio_panel

        panels.register(portfolio_panel)
