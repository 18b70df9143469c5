from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    """Dates that need someone: reminders of plan actions by e-mail and a private calendar feed."""

    name = "proeftuin.agenda"
    verbose_name = _("Agenda en herinneringen")
