from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "proeftuin.assessments"
    verbose_name = _("Beoordelingen")

    def ready(self) -> None:
        from proeftuin.portfolio import tabs
        from proeftuin.reporting import sections

        from .report import build_section

        tabs.register(tabs.Tab("beoordelingen", _("Beoordelingen"), "assessments:project", 60))
        sections.register(
            sections.Section("assessments", "assessments/report_section.html", build_section, 20)
        )

        from proeftuin.portfolio import history

        from .models import Assessment, Rating

        history.register_models(
            _("Beoordeling"), (Assessment, "project_id"), (Rating, "assessment__project_id")
        )
