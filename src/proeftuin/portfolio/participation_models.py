"""How residents take part in a project (issue 13, item 4): forms, level and roles from the
typology data file (:mod:`proeftuin.core.participation`). Imported at the end of :mod:`.models`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ProjectParticipation(models.Model):
    project = models.OneToOneField(
        "portfolio.Project", on_delete=models.CASCADE, related_name="participation"
    )
    #: Form ids from the typology (one pilot can have several).
    forms = models.JSONField(_("vormen"), default=list, blank=True)
    level = models.CharField(_("niveau op de participatieladder"), max_length=40, blank=True)
    roles = models.JSONField(_("rollen van bewoners"), default=list, blank=True)
    note = models.TextField(
        _("toelichting"),
        blank=True,
        help_text=_("Hoe doen bewoners mee, en wat is er met hen afgesproken over zeggenschap?"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("participatie van bewoners")
        verbose_name_plural = _("participatie van bewoners")

    def __str__(self) -> str:
        return f"{self.project_id}: {', '.join(self.forms)}"
