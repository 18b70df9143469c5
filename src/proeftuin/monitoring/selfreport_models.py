"""Self-report rows: one-time links and the ratings next to the professional's scores.

Kept apart from :mod:`.models` (imported there) so that file stays readable. The rules live in
:mod:`proeftuin.core.selfreport`; every write goes through :mod:`.recording`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SelfReportLink(models.Model):
    """A one-time link for one measurement. Only the token's digest is stored."""

    measurement = models.ForeignKey(
        "monitoring.Measurement", on_delete=models.CASCADE, related_name="self_report_links"
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("geldig tot"))
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    revoked = models.BooleanField(_("ingetrokken"), default=False)
    opens = models.PositiveSmallIntegerField(default=0)
    language = models.CharField(max_length=5, default="nl")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("zelfrapportagelink")
        verbose_name_plural = _("zelfrapportagelinks")

    def __str__(self) -> str:
        return f"{self.measurement_id} tot {self.expires_at:%d-%m-%Y %H:%M}"


class SelfReportFailure(models.Model):
    """A wrong, used or expired link tried from one address (a keyed hash, never the address):
    the rate limit counts these."""

    client_key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class Rating(models.Model):
    """A rating beside the professional's :class:`.models.Score`: the participant's own
    (``self``) or the one agreed afterwards (``agreed``). ``value`` None is *weet ik niet*."""

    class Kind(models.TextChoices):
        SELF = "self", _("zelf ingevuld")
        AGREED = "agreed", _("samen afgesproken")

    measurement = models.ForeignKey(
        "monitoring.Measurement", on_delete=models.CASCADE, related_name="ratings"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    item = models.CharField(_("leefgebied"), max_length=64)
    value = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    #: Where the coping comes from, when the instrument asks it (names from core.selfreport).
    support = models.JSONField(_("waar komt het vandaan"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "kind", "item"], name="unique_rating_kind_item"
            )
        ]
        verbose_name = _("eigen of afgesproken score")
        verbose_name_plural = _("eigen en afgesproken scores")

    def __str__(self) -> str:
        return f"{self.kind} {self.item}: {self.value if self.value is not None else 'onbekend'}"
