from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "proeftuin.portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from . import history
        from .models import CoalitionMember, Decision, FundingStream, Goal, Project, ProjectGrant

        history.register_models(_("Project"), (Project, "id"))
        history.register_models(_("Coalitie"), (CoalitionMember, "project_id"))
        history.register_models(_("Financiering"), (FundingStream, "project_id"))
        history.register_models(_("Doel"), (Goal, "project_id"))
        history.register_models(_("Besluit"), (Decision, "project_id"))
        history.register_models(_("Deling"), (ProjectGrant, "project_id"))

        from proeftuin.reporting import sections

        from .participation import report_section

        sections.register(
            sections.Section(
                "participation", "portfolio/report_participation.html", report_section, 15
            )
        )
