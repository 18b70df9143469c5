"""Signals from practice to policy, and the lessons a project records (issue 12).

A signal belongs to the organisation of the person who raised it (the tenant) and may name one of
the projects that organisation can see. It stores counts, never people. Its lifecycle lives in
:mod:`proeftuin.core.learning.lifecycle`; every move is a :class:`SignalEvent`, the record the
raiser reads. All writes go through :mod:`proeftuin.learning.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proeftuin.accounts.models import Organisation
from proeftuin.common.versioning import VersionedModel
from proeftuin.core.learning.lifecycle import State
from proeftuin.portfolio.models import Neighbourhood, Phase, Project, Theme


class SignalStatus(models.TextChoices):
    SUBMITTED = State.SUBMITTED.value, _("Ingediend")
    IN_PROGRESS = State.IN_PROGRESS.value, _("In behandeling")
    TAKEN_UP = State.TAKEN_UP.value, _("Opgepakt")
    SOLVED = State.SOLVED.value, _("Opgelost")
    REJECTED = State.REJECTED.value, _("Afgewezen")


class Signal(models.Model):
    """A signal: raised in ``organisation`` (practice), addressed to ``addressed_to`` (policy).

    Both organisations see it; only the addressee's policy side moves it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="signals")
    addressed_to = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="signals_received",
        verbose_name=_("aan welke organisatie?"),
        help_text=_("De organisatie die het signaal moet oppakken, meestal de gemeente."),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signals",
        verbose_name=_("project"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("korte titel"), max_length=200)
    what = models.TextField(_("wat gebeurt er?"))
    blocker = models.TextField(
        _("welke regel, welk systeem of welke financiering houdt het tegen?")
    )
    where = models.CharField(_("waar speelt het?"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("wijk")
    )
    theme = models.CharField(_("thema"), max_length=20, choices=Theme.choices, blank=True)
    kind = models.CharField(_("soort signaal"), max_length=50)
    level = models.CharField(_("niveau"), max_length=50, blank=True)
    taxonomy_version = models.CharField(max_length=50)
    people_affected = models.PositiveIntegerField(
        _("hoeveel mensen raakt het?"),
        null=True,
        blank=True,
        help_text=_("Een aantal, nooit namen. Laat leeg als u het niet weet."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SignalStatus.choices, default=SignalStatus.SUBMITTED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eigenaar bij beleid"),
    )
    submitted_on = models.DateField(_("ingediend op"))
    deadline = models.DateField(_("reactie uiterlijk"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["addressed_to", "status"]),
        ]

    def __str__(self) -> str:
        return self.title


class SignalEvent(models.Model):
    """One move in a signal's lifecycle, with its reason: what the raiser sees happened."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(max_length=20, choices=SignalStatus.choices, blank=True)
    target = models.CharField(max_length=20, choices=SignalStatus.choices)
    reason = models.TextField(_("toelichting"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.source or '-'} → {self.target}"


class LessonKind(models.TextChoices):
    WORKED = "werkte", _("Wat werkte")
    DID_NOT_WORK = "werkte_niet", _("Wat werkte niet")
    CONDITION = "voorwaarde", _("Welke voorwaarde deed ertoe")


class LessonFactor(models.TextChoices):
    SUCCESS = "succesfactor", _("Succesfactor")
    OBSTACLE = "belemmering", _("Belemmering")


class EvidenceKind(models.TextChoices):
    SCAN = "scan", _("Een scan")
    FIGURE = "cijfer", _("Een cijfer")
    STORY = "verhaal", _("Een verhaal (met toestemming, in eigen woorden)")
    NONE = "geen", _("Nog geen onderbouwing")


class Lesson(VersionedModel):
    """A lesson a project records: what worked, what did not, which condition mattered."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lessons")
    kind = models.CharField(_("soort les"), max_length=20, choices=LessonKind.choices)
    title = models.CharField(_("de les in één zin"), max_length=200)
    text = models.TextField(_("toelichting"))
    theme = models.CharField(_("thema"), max_length=20, choices=Theme.choices, blank=True)
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, blank=True)
    factor = models.CharField(
        _("succesfactor of belemmering"), max_length=20, choices=LessonFactor.choices, blank=True
    )
    characteristic = models.CharField(_("kenmerk uit de 4+1"), max_length=50, blank=True)
    evidence_kind = models.CharField(
        _("onderbouwing"), max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.NONE
    )
    evidence_assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scan"),
    )
    evidence_text = models.CharField(
        _("het cijfer of het verhaal in het kort"), max_length=500, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("les")
        verbose_name_plural = _("lessen")

    def __str__(self) -> str:
        return self.title


class CloseOut(VersionedModel):
    """The end evaluation (*eindevaluatie*): the 4+1 questions when a project ends or stops."""

    class Reason(models.TextChoices):
        ENDED = "afgerond", _("Het project is afgerond")
        STOPPED = "gestopt", _("Het project stopt")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="close_out")

    class Outcome(models.TextChoices):
        CONTINUED = "voortgezet", _("Voortgezet")
        SCALED_UP = "opgeschaald", _("Opgeschaald")
        STOPPED = "gestopt", _("Gestopt")
        UNKNOWN = "onbekend", _("Nog niet bekend")

    reason = models.CharField(_("waarom nu?"), max_length=20, choices=Reason.choices)
    outcome = models.CharField(
        _("hoe gaat het verder?"), max_length=20, choices=Outcome.choices, default=Outcome.UNKNOWN
    )
    answers = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eindevaluatie")
        verbose_name_plural = _("eindevaluaties")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.reason}"


class SearchEntry(models.Model):
    """One searchable object (project, goal, decision, lesson, signal, consented story).

    Written only by :mod:`proeftuin.learning.search` from the write path of each object. Access
    is decided at query time from ``project`` (visible projects) or, for signals, from the two
    organisations. On PostgreSQL ``vector`` holds the weighted tsvector (GIN index, migration
    0002); on SQLite the stems live in the FTS5 table ``learning_search_fts``.
    """

    class Kind(models.TextChoices):
        PROJECT = "project", _("Project")
        GOAL = "doel", _("Doel")
        DECISION = "besluit", _("Besluit")
        LESSON = "les", _("Les")
        SIGNAL = "signaal", _("Signaal")
        STORY = "verhaal", _("Verhaal")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_pk = models.PositiveIntegerField()
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    addressed_to = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_pk"], name="unique_search_entry")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_pk}"


class CatalogueEntry(models.Model):
    """A project its owner published to the shared catalogue (opt-in, issue 12 item 4).

    ``snapshot`` is exactly what other organisations see, fixed at publication: project facts,
    the outcome and the lessons. Never participant data. Publishing again refreshes it;
    withdrawing deletes the row.
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    snapshot = models.JSONField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gepubliceerd project")
        verbose_name_plural = _("gedeelde catalogus")

    def __str__(self) -> str:
        return self.snapshot.get("name", str(self.project_id))
