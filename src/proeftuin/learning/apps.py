from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "proeftuin.learning"
    verbose_name = _("Leren van proeftuinen")

    def ready(self) -> None:
        from proeftuin.portfolio import history, tabs
        from proeftuin.reporting import sections

        from .models import CloseOut, Lesson
        from .report import build_section

        tabs.register(tabs.Tab("leren", _("Leren"), "learning:project", 75))
        sections.register(
            sections.Section("learning", "learning/report_section.html", build_section, 45)
        )
        from .receivers import connect

        connect()
        history.register_models(_("Leren"), (Lesson, "project_id"), (CloseOut, "project_id"))
