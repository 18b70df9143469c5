"""Case-timeline rows (*casusverloop*): the help and events of one trajectory over time, in two
lanes: what happened with the approach, and the reference "zonder aanpak". Imported in
:mod:`.models`; rules in :mod:`proeftuin.core.cases`; writes through :mod:`.case_recording`."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CaseEvent(models.Model):
    class Lane(models.TextChoices):
        ACTUAL = "actual", _("met aanpak")
        REFERENCE = "reference", _("zonder aanpak (referentie)")

    trajectory = models.ForeignKey(
        "monitoring.Trajectory", on_delete=models.CASCADE, related_name="case_events"
    )
    lane = models.CharField(_("tijdlijn"), max_length=10, choices=Lane.choices)
    service = models.CharField(
        _("hulp of gebeurtenis"),
        max_length=200,
        help_text=_("Bijvoorbeeld 'schuldhulp' of 'uithuisplaatsing'; zonder namen."),
    )
    provider = models.CharField(_("aanbieder"), max_length=200, blank=True)
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("einde"), null=True, blank=True)
    units = models.DecimalField(
        _("aantal eenheden"),
        max_digits=10,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("eenheid"), max_length=60, blank=True)
    unit_cost = models.DecimalField(
        _("kosten per eenheid (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leeg: onbekend. Telt nooit als nul."),
    )
    price_key = models.CharField(_("prijs uit de prijslijst"), max_length=80, blank=True)
    price_source = models.CharField(_("bron van de prijs"), max_length=300, blank=True)
    assumption = models.CharField(_("aanname"), max_length=500, blank=True)
    source = models.CharField(_("bron"), max_length=300, blank=True)
    template = models.CharField(_("sjabloon"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["lane", "started_on", "pk"]
        verbose_name = _("stap in het casusverloop")
        verbose_name_plural = _("casusverloop")

    def __str__(self) -> str:
        return f"{self.get_lane_display()}: {self.service} {self.started_on:%d-%m-%Y}"
