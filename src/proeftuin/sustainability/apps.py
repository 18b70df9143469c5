from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SustainabilityConfig(AppConfig):
    name = "proeftuin.sustainability"
    verbose_name = _("Verduurzaming")

    def ready(self) -> None:
        from proeftuin.portfolio import tabs
        from proeftuin.reporting import sections

        from .report import build_section

        tabs.register(tabs.Tab("verduurzaming", _("Verduurzaming"), "sustainability:plan", 70))
        from proeftuin.portfolio import panels

        from .flags import projects_without_plan

        panels.register_row_marker("no_plan", projects_without_plan)
        sections.register(
            sections.Section(
                "sustainability", "sustainability/report_section.html", build_section, 30
            )
        )

        from proeftuin.portfolio import history

        from .models import ContinuationPlan, PlanAction

        history.register_models(
            _("Verduurzaming"),
            (ContinuationPlan, "project_id"),
            (PlanAction, "plan__project_id"),
        )
