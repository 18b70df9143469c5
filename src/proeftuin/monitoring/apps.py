from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "proeftuin.monitoring"
    label = "monitoring"
    verbose_name = _("Tel en vertel")

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_migrate

        from proeftuin.portfolio import tabs
        from proeftuin.reporting import sections

        from .pair_cell_sql import check_triggers, reinstall_after_migrate
        from .report import build_section
        from .services import check_instruments

        checks.register(check_instruments)
        checks.register(check_triggers, checks.Tags.database)
        post_migrate.connect(reinstall_after_migrate, sender=self)

        tabs.register(tabs.Tab("tel-en-vertel", _("Tel en vertel"), "monitoring:project", 35))
        sections.register(
            sections.Section("monitoring", "monitoring/report_section.html", build_section, 25)
        )
