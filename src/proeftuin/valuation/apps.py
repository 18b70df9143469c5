from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuationConfig(AppConfig):
    name = "proeftuin.valuation"
    verbose_name = _("Maatschappelijke waarde")

    def ready(self) -> None:
        from django.core import checks

        from proeftuin.portfolio import tabs
        from proeftuin.reporting import sections

        from .prices import check_price_lists
        from .report import build_section

        tabs.register(tabs.Tab("waarde", _("Maatschappelijke waarde"), "valuation:project", 65))
        sections.register(
            sections.Section("valuation", "valuation/report_section.html", build_section, 40)
        )
        checks.register(check_price_lists)

        from proeftuin.portfolio import history

        from .models import (
            Activity,
            Analysis,
            BenefitShare,
            Effect,
            Investment,
            Link,
            PriceOverride,
        )

        history.register_models(
            _("Maatschappelijke waarde"),
            (Analysis, "project_id"),
            (Investment, "project_id"),
            (Activity, "project_id"),
            (Effect, "project_id"),
            (BenefitShare, "effect__project_id"),
            (Link, "project_id"),
            (PriceOverride, "project_id"),
        )
