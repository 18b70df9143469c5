"""Assessments of a project on a framework (the 4+1 scan and the others), with their ratings.

An :class:`Assessment` is one scan of one project on one framework: a self-scan by the project's
own people, or an external scan by an evaluator. Every rater rates each indicator in a
:class:`Rating` of their own, with evidence. The framework itself is data
(:mod:`proeftuin.core.frameworks`); the rows here store only its id, version and the level codes.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proeftuin.common.versioning import VersionedModel
from proeftuin.core.frameworks import UNKNOWN
from proeftuin.portfolio.models import Project

#: Evidence documents people may upload: extension → content type served on download.
EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def evidence_path(rating: Rating, filename: str) -> str:
    """``evidence/<assessment>/<random>.<ext>``: never the uploader's file name on disk."""
    ext = Path(filename).suffix.lower().lstrip(".")
    return f"evidence/{rating.assessment_id}/{uuid.uuid4().hex}.{ext}"


class Assessment(models.Model):
    """One scan of a project on one framework."""

    class Kind(models.TextChoices):
        SELF = "zelfscan", _("Zelfscan")
        EXTERNAL = "extern", _("Externe scan")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FINALISED = "definitief", _("Definitief")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assessments")
    framework_id = models.CharField(_("kader"), max_length=64)
    framework_version = models.CharField(_("versie van het kader"), max_length=20)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    #: The organisation that runs the scan: for an external scan, the evaluator's.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("uitgevoerd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("vorige scan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finalised_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: Why the scan was finalised although fewer indicators were answered than the threshold asks.
    finalise_reason = models.TextField(_("reden om onvolledig af te ronden"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")
        indexes = [models.Index(fields=["project", "framework_id", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_finalised(self) -> bool:
        return self.status == self.Status.FINALISED


class StatusChange(models.Model):
    """Finalising or reopening a scan: who, when, why, and how complete it was at that moment.

    Reopening a finalised scan changes a result others may have used (the matrix, the advice),
    so it takes a reason and leaves this trace; rows are never edited.
    """

    class Action(models.TextChoices):
        FINALISED = "afgerond", _("Afgerond")
        REOPENED = "heropend", _("Heropend")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="status_changes"
    )
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices)
    reason = models.TextField(_("reden"), blank=True)
    answered = models.PositiveIntegerField(_("beantwoorde indicatoren"))
    total = models.PositiveIntegerField(_("indicatoren"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(_("door"), max_length=200)
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("statuswijziging van een beoordeling")
        verbose_name_plural = _("statuswijzigingen van beoordelingen")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.action}"


class Rating(VersionedModel):
    """One rater's rating of one indicator, with evidence.

    ``value`` is a level code of the framework's scale or ``"onbekend"``; empty means the rater
    wrote evidence but chose no level yet (counted as "not rated", never as zero).
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    indicator_id = models.CharField(_("indicator"), max_length=64)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beoordelaar"),
        on_delete=models.PROTECT,
        related_name="assessment_ratings",
    )
    value = models.CharField(_("oordeel"), max_length=64, blank=True)
    evidence = models.TextField(_("onderbouwing"), blank=True)
    evidence_url = models.CharField(_("link naar bewijs"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("document"), upload_to=evidence_path, max_length=200, blank=True
    )
    evidence_filename = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["assessment", "indicator_id", "rater_id"]
        verbose_name = _("oordeel")
        verbose_name_plural = _("oordelen")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator_id", "rater"], name="unique_rating_per_rater"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value or '—'}"

    @property
    def is_unknown(self) -> bool:
        return self.value == UNKNOWN

    @property
    def evidence_link(self) -> str:
        """The evidence link if it is safe as an ``href`` (older rows were checked less)."""
        from proeftuin.common.links import is_safe_link

        return self.evidence_url if is_safe_link(self.evidence_url) else ""

    def clean(self) -> None:
        """Refuse values outside the framework's scale (the framework is data, read here)."""
        from proeftuin.core.frameworks import RatingError, check_rating

        from .services import get_framework

        if not self.value or not self.assessment_id:
            return
        framework = get_framework(self.assessment.framework_id)
        if framework is None:
            raise ValidationError(_("Het kader van deze beoordeling is niet meer beschikbaar."))
        try:
            check_rating(framework, self.indicator_id, self.value)
        except RatingError as exc:
            raise ValidationError(
                {"value": _("Dit oordeel staat niet op de schaal van dit kader.")}
            ) from exc
