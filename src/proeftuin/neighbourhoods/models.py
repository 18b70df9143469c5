"""Neighbourhood statistics per organisation, keyed by area code and name (not by the
portfolio's neighbourhoods: :mod:`.portfolio_link` matches them), the context notes that every
alarm needs, and uploads waiting for their mapping and dry run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proeftuin.accounts.models import Organisation


class Figure(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="neighbourhood_figures"
    )
    code = models.CharField(_("gebiedscode"), max_length=20)
    name = models.CharField(_("naam"), max_length=100)
    year = models.PositiveSmallIntegerField(_("jaar"))
    indicator = models.CharField(_("indicator"), max_length=64)
    #: None is unknown (CBS: "."), never zero.
    value = models.FloatField(_("waarde"), null=True, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code", "year", "indicator"], name="unique_figure"
            )
        ]
        verbose_name = _("wijkcijfer")
        verbose_name_plural = _("wijkcijfers")

    def __str__(self) -> str:
        return f"{self.code} {self.year} {self.indicator}"


class ContextNote(models.Model):
    """What a person knows about a neighbourhood in alarm that the numbers do not say."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="neighbourhood_notes"
    )
    code = models.CharField(_("gebiedscode"), max_length=20)
    year = models.PositiveSmallIntegerField(_("jaar"))
    text = models.TextField(
        _("toelichting"),
        help_text=_("Wat zeggen de cijfers niet? Wat weten bewoners en professionals?"),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["written_at"])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code", "year"], name="unique_context_note"
            )
        ]
        verbose_name = _("toelichting bij een wijk")
        verbose_name_plural = _("toelichtingen bij wijken")

    def __str__(self) -> str:
        return f"{self.code} {self.year}"


class Upload(models.Model):
    """A statistics file between upload and commit (kept in the database, at most 20 MB)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.filename
