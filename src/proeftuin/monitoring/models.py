"""Tel en vertel: pseudonymised participants, their trajectories, measurements and stories.

Privacy by design (PRODUCT.md): a participant is known only by a keyed HMAC of the organisation's
own client number (:mod:`proeftuin.core.intake.pseudonym`); **no BSN and no names are stored**,
only a neighbourhood and a birth year or age group. Every row belongs to a project (and through it
to the project's owner organisation); views reach rows only through
:func:`proeftuin.portfolio.access.visible_project`. Every view of participant-level data is written
to :class:`AccessLog`.

The analytics read :class:`Pair`: one row per (trajectory, life domain) with the start and the end
of the pair under the project's pair definition (:class:`MonitoringSettings`), kept current in the
same transaction as every change to the measurements
(:mod:`proeftuin.monitoring.services`), so a report never shows stale figures.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proeftuin.accounts.models import Organisation
from proeftuin.common.versioning import VersionedModel
from proeftuin.portfolio.models import Project

from .audit_models import AccessLogChain, AccessLogQuerySet, ChainedEntry  # noqa: F401
from .case_models import CaseEvent  # noqa: F401
from .import_batch import ImportBatch, VisibleManager, batch_field  # noqa: F401
from .pair_cell_models import PairCell, ParticipantTrajectories  # noqa: F401
from .selfreport_models import Rating, SelfReportFailure, SelfReportLink  # noqa: F401


class AgeGroup(models.TextChoices):
    CHILD = "0-11", _("0–11 jaar")
    TEEN = "12-17", _("12–17 jaar")
    YOUNG_ADULT = "18-26", _("18–26 jaar")
    ADULT = "27-44", _("27–44 jaar")
    MIDDLE = "45-64", _("45–64 jaar")
    ELDERLY = "65+", _("65 jaar en ouder")

    @classmethod
    def for_age(cls, age: int | None) -> str:
        if age is None or age < 0:
            return ""
        for upper, group in ((11, cls.CHILD), (17, cls.TEEN), (26, cls.YOUNG_ADULT)):
            if age <= upper:
                return group
        if age <= 44:
            return cls.ADULT
        if age <= 64:
            return cls.MIDDLE
        return cls.ELDERLY


class Participant(models.Model):
    """A person taking part, known only by a pseudonym (HMAC of the client number)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="participants",
        # No index of its own: unique_participant_pseudonym starts with this column (issue 14 item 5: one index
        # less to write per row of an import).
        db_index=False,
        help_text=_(
            "De organisatie wier cliëntnummer de sleutel is (de eigenaar van het project)."
        ),
    )
    pseudonym = models.CharField(_("pseudoniem"), max_length=64, editable=False)
    household_key = models.CharField(
        _("huishouden (pseudoniem)"), max_length=64, blank=True, editable=False
    )
    neighbourhood = models.CharField(_("wijk"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("geboortejaar"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    age_group = models.CharField(
        _("leeftijdsgroep"), max_length=10, choices=AgeGroup.choices, blank=True
    )
    #: Columns an import mapped to "hash": column label → keyed hash (HMAC-SHA256 under the
    #: installation's secret, scoped per organisation and column). Links records (two files with
    #: the same BSN) without storing the value itself.
    linking_keys = models.JSONField(
        _("versleutelde koppelsleutels"), default=dict, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Set by a staged import: the row is invisible until that import is published.
    import_batch = batch_field()

    all_objects = models.Manager()
    objects = VisibleManager()

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pseudonym"], name="unique_participant_pseudonym"
            )
        ]
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """A short, stable label for screens (the start of the pseudonym; not the client number)."""
        return self.pseudonym[:8].upper()

    def age_group_on(self, year: int) -> str:
        if self.birth_year:
            return AgeGroup.for_age(year - self.birth_year)
        return self.age_group


class EndReason(models.TextChoices):
    ACCORDING_TO_PLAN = "according_to_plan", _("Volgens plan")
    BY_AGREEMENT = "by_agreement", _("In overleg")
    DROPPED_OUT = "dropped_out", _("Voortijdig gestopt (uitval)")
    MOVED = "moved", _("Verhuisd")
    OTHER = "other", _("Anders")


class Trajectory(VersionedModel):
    """A participant's trajectory (*traject*) in one project, from start to (perhaps) end."""

    # No index of their own: unique_trajectory_start and the (project, started_on) index start
    # with these columns (issue 14 item 5: two indexes less to write per row of an import).
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="trajectories", db_index=False
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="trajectories", db_index=False
    )
    registered_on = models.DateField(
        _("aangemeld op"),
        null=True,
        blank=True,
        help_text=_("Voor de wachttijd tussen aanmelding en start."),
    )
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("einde"), null=True, blank=True)
    end_reason = models.CharField(
        _("reden einde"), max_length=20, choices=EndReason.choices, blank=True
    )
    continues_without_help = models.BooleanField(_("kan verder zonder hulp"), null=True, blank=True)
    referred = models.BooleanField(_("doorverwezen naar aanvullende zorg"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    import_batch = batch_field()
    history = HistoricalRecords(excluded_fields=["version", "import_batch"])

    all_objects = models.Manager()
    objects = VisibleManager()

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        ordering = ["-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "project", "started_on"], name="unique_trajectory_start"
            )
        ]
        indexes = [models.Index(fields=["project", "started_on"])]
        verbose_name = _("traject")
        verbose_name_plural = _("trajecten")

    def __str__(self) -> str:
        return f"{self.participant.code} · {self.started_on:%d-%m-%Y}"


class Moment(models.TextChoices):
    BASELINE = "baseline", _("0-meting")
    INTERIM = "interim", _("Tussenmeting")
    END = "end", _("Eindmeting")


class Measurement(VersionedModel):
    """One measurement: the scores per life domain on a date, and who is involved."""

    # No index of its own: unique_measurement starts with this column (issue 14 item 5).
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="measurements", db_index=False
    )
    measured_on = models.DateField(_("datum"))
    moment = models.CharField(_("meetmoment"), max_length=10, choices=Moment.choices)
    instrument = models.CharField(_("instrument"), max_length=64)
    professionals = models.PositiveSmallIntegerField(
        _("aantal betrokken hulpverleners"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
    )
    organisations = models.PositiveSmallIntegerField(
        _("aantal betrokken organisaties"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
    )
    supervision_order = models.BooleanField(_("ondertoezichtstelling (OTS)"), null=True, blank=True)
    out_of_home_placement = models.BooleanField(_("uithuisplaatsing"), null=True, blank=True)
    eviction = models.BooleanField(_("huisuitzetting"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    import_batch = batch_field()
    history = HistoricalRecords(excluded_fields=["version", "updated_at", "import_batch"])

    all_objects = models.Manager()
    objects = VisibleManager()

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        ordering = ["measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "measured_on", "moment"], name="unique_measurement"
            )
        ]
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")

    def __str__(self) -> str:
        return f"{self.get_moment_display()} {self.measured_on:%d-%m-%Y}"

    HEAVY_FIELDS = ("supervision_order", "out_of_home_placement", "eviction")

    def heavy_measure_count(self) -> int | None:
        """How many heavy measures are in place or needed; None when none was recorded."""
        flags = [getattr(self, name) for name in self.HEAVY_FIELDS]
        if all(flag is None for flag in flags):
            return None
        return sum(1 for flag in flags if flag)


class Score(models.Model):
    """One life domain's score at a measurement. ``value`` None means *onbekend* (an answer)."""

    # No index of its own: unique_score_item starts with this column (issue 14 item 5: an
    # import writes 13 scores per row). The history table keeps its index (simple-history).
    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    item = models.CharField(_("leefgebied"), max_length=64)
    value = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measurement", "item"], name="unique_score_item")
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.item}: {self.value if self.value is not None else 'onbekend'}"

    @property
    def unknown(self) -> bool:
        return self.value is None


class HeavyMeasure(models.Model):
    """A heavy measure or crisis event with its date (seed 004 §2.3)."""

    class Kind(models.TextChoices):
        SUPERVISION_ORDER = "supervision_order", _("Ondertoezichtstelling (OTS)")
        OUT_OF_HOME = "out_of_home_placement", _("Uithuisplaatsing")
        EVICTION = "eviction", _("Huisuitzetting")
        CRISIS = "other_crisis", _("Andere crisis")

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="heavy_measures"
    )
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    occurred_on = models.DateField(_("datum"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "kind", "occurred_on"], name="unique_heavy_measure"
            )
        ]
        verbose_name = _("zwaar middel of crisis")
        verbose_name_plural = _("zware middelen en crises")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d-%m-%Y}"


class Intervention(models.Model):
    """What was done: the interventions log of a trajectory."""

    class Kind(models.TextChoices):
        ADVICE = "advice", _("Advies en informatie")
        PRACTICAL = "practical", _("Praktische ondersteuning")
        DEBT = "debt", _("Schuldhulp")
        FAMILY = "family", _("Gezinsbegeleiding")
        CARE = "care", _("Zorg of behandeling")
        NETWORK = "network", _("Inzet eigen netwerk of vrijwilligers")
        GROUP = "group", _("Groepsactiviteit")
        OTHER = "other", _("Anders")

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="interventions"
    )
    started_on = models.DateField(_("datum"))
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    description = models.CharField(
        _("omschrijving"),
        max_length=300,
        blank=True,
        help_text=_("Kort en zonder namen of andere herleidbare gegevens."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("interventie")
        verbose_name_plural = _("interventies")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on:%d-%m-%Y}"


class Story(models.Model):
    """The participant's own story (the *vertel*). Without consent it stays on the participant's
    own page and is never shown anywhere else."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="stories")
    told_on = models.DateField(_("datum"))
    text = models.TextField(
        _("verhaal"),
        help_text=_("In de woorden van de deelnemer, zonder namen of andere herleidbare gegevens."),
    )
    consent = models.BooleanField(
        _("toestemming om te delen"),
        default=False,
        help_text=_(
            "Alleen met toestemming van de deelnemer verschijnt het verhaal (zonder pseudoniem) "
            "naast de cijfers van het project en in rapporten."
        ),
    )
    domain = models.CharField(_("leefgebied"), max_length=64, blank=True)
    measurement = models.ForeignKey(
        Measurement, on_delete=models.SET_NULL, null=True, blank=True, related_name="stories"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-told_on", "-pk"]
        verbose_name = _("verhaal")
        verbose_name_plural = _("verhalen")

    def __str__(self) -> str:
        return self.text[:60]


class PairDefinitionChoice(models.TextChoices):
    """The core's :class:`~proeftuin.core.monitoring.PairDefinition` as stored choices."""

    BASELINE_END = "baseline_end", _("nulmeting → eindmeting")
    FIRST_LATEST = "first_latest", _("eerste → laatste meting")


class MonitoringSettings(VersionedModel):
    """A project's Tel en vertel settings; without a row the defaults hold.

    ``pair_definition`` says which two measurements make a pair (issue 10, item 2). Changing it
    goes through :func:`proeftuin.monitoring.recording.set_pair_definition`, which rebuilds the
    project's pairs in the same transaction.
    """

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="monitoring_settings"
    )
    pair_definition = models.CharField(
        _("paren"),
        max_length=20,
        choices=PairDefinitionChoice.choices,
        default=PairDefinitionChoice.BASELINE_END,
        help_text=_(
            "Welke twee metingen de verandering bepalen. Nulmeting → eindmeting: alleen wie "
            "beide heeft telt mee; een tussenmeting is nooit begin of eind."
        ),
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("instellingen Tel en vertel")
        verbose_name_plural = _("instellingen Tel en vertel")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.pair_definition}"


class Pair(models.Model):
    """The maintained analytics table: the start (``baseline_*``) and end (``latest_*``) of the
    pair per trajectory × domain, under the project's pair definition (baseline → end by moment
    by default, or first → latest known; :mod:`proeftuin.core.monitoring.pairing`).

    ``series`` is ``domain`` for the instrument's life domains and ``burden`` for the numbers of
    professionals, organisations and heavy measures (the ``domain`` column then names which).
    Written only by :func:`proeftuin.monitoring.services.refresh_pairs` (``participant`` is the
    trajectory's, copied there).
    """

    class Series(models.TextChoices):
        DOMAIN = "domain", _("leefgebied")
        BURDEN = "burden", _("betrokkenheid en zware middelen")

    # No index of their own: the covering index and unique_pair start with these columns
    # (issue 14 item 5: an import writes about 8 pairs per row). The project, like the batch
    # below, is the trajectory's, copied: no database constraint (decision 0029); deleting a
    # project still takes its pairs along (the collector's CASCADE, and the trajectory's).
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="pairs", db_index=False
    )
    # The trajectory's participant, copied so the effect sums need no join to the trajectories
    # (one pair per person; issue 14 item 1). Derived: written with the pair, never edited. No
    # constraint and no index of its own: the trajectory's key already removes the pair with its
    # person, and a constraint without an index would make every deleted participant scan the
    # pairs (a discarded import deletes a whole batch of them).
    participant = models.ForeignKey(
        Participant,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    series = models.CharField(max_length=10, choices=Series.choices)
    instrument = models.CharField(max_length=64, blank=True)
    domain = models.CharField(max_length=64)
    neighbourhood = models.CharField(max_length=100, blank=True)
    age_group = models.CharField(max_length=10, blank=True)
    period = models.DateField(null=True)
    baseline_on = models.DateField(null=True)
    baseline_score = models.SmallIntegerField(null=True)
    latest_on = models.DateField(null=True)
    latest_score = models.SmallIntegerField(null=True)
    import_batch = batch_field(db_constraint=False)

    all_objects = models.Manager()
    objects = VisibleManager()

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "series", "instrument", "domain"], name="unique_pair"
            )
        ]
        indexes = [
            # Covers the effect figures' GROUP BY (monitoring/pair_sums.py): the pairs of a
            # project come out of the index in group order, without reading the table.
            models.Index(
                fields=[
                    "project",
                    "series",
                    "instrument",
                    "domain",
                    "neighbourhood",
                    "age_group",
                    "period",
                    "baseline_score",
                    "latest_score",
                    "participant",
                    "trajectory",
                    "import_batch",
                ],
                name="pair_sums_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id}/{self.domain}: {self.baseline_score}→{self.latest_score}"


class AccessLog(ChainedEntry):
    """Who read or wrote participant-level data, when, and what (NEN 7513; Logius' *Logboek
    Dataverwerkingen*). Append-only and hash-chained (:mod:`.audit_models`); the beheerder reads
    it. Every field in the chain is text copied at the time, so it survives an erasure: the
    subject is a keyed hash of the participant's pseudonym, never the pseudonym itself."""

    class Action(models.TextChoices):
        PARTICIPANT_LIST = "participant_list", _("Deelnemerslijst bekeken")
        PARTICIPANT = "participant", _("Deelnemer bekeken")
        PARTICIPANT_LOOKUP = "participant_lookup", _("Deelnemer gezocht op cliëntnummer")
        PARTICIPANT_NEW = "participant_new", _("Deelnemer of traject vastgelegd")
        TRAJECTORY = "trajectory", _("Traject bekeken of gewijzigd")
        TRAJECTORY_ADD = "trajectory_add", _("Verhaal, zwaar middel of interventie")
        MEASUREMENT = "measurement", _("Meting geopend")
        MEASUREMENT_NEW = "measurement_new", _("Meting aangemaakt")
        SCORES = "scores", _("Scores gewijzigd")
        DETAILS = "details", _("Gegevens van een meting gewijzigd")
        MEASUREMENT_DELETE = "measurement_delete", _("Meting verwijderd")
        EXPORT_ROWS = "export_rows", _("Gegevens per meting geëxporteerd")
        EXPORT_PARTICIPANT = "export_participant", _("Gegevens van één deelnemer geëxporteerd")
        IMPORT_UPLOAD = "import_upload", _("Spreadsheet geüpload")
        IMPORT_MAPPING = "import_mapping", _("Koppeling van een import bekeken")
        IMPORT_CHECK = "import_check", _("Controle van een import bekeken")
        IMPORT_CANCEL = "import_cancel", _("Import geannuleerd")
        IMPORT = "import", _("Spreadsheet geïmporteerd")
        ERASE = "erase", _("Deelnemer gewist")
        RECORD = "record", _("Gegevens vastgelegd of gewijzigd")
        PURGE = "purge", _("Oude regels van het logboek verwijderd")
        SELF_REPORT_LINK = "self_report_link", _("Zelfrapportagelink gemaakt of ingetrokken")
        SELF_REPORT = "self_report", _("Zelfrapportage ingevuld door de deelnemer")
        SELF_REPORT_VIEW = "self_report_view", _("Zelfrapportage en verschillen bekeken")
        AGREED = "agreed", _("Afgesproken score vastgelegd")
        CASE_VIEW = "case_view", _("Casusverloop bekeken")
        CASE = "case", _("Casusverloop vastgelegd of gewijzigd")
        ROLE_REQUEST = "role_request", _("Rol met deelnemers- of beheertoegang aangevraagd")
        ROLE_APPROVE = "role_approve", _("Aanvraag voor een rol goedgekeurd")
        ROLE_REJECT = "role_reject", _("Aanvraag voor een rol afgewezen")

    class Operation(models.TextChoices):
        READ = "read", _("inzien")
        WRITE = "write", _("wijzigen")

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150)
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    organisation_key = models.CharField(
        _("organisatie-id"), max_length=20, blank=True, db_index=True
    )
    role = models.CharField(_("rol"), max_length=30, blank=True)
    action = models.CharField(_("handeling"), max_length=32, choices=Action.choices)
    operation = models.CharField(
        _("soort"), max_length=10, choices=Operation.choices, default=Operation.READ
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    project_key = models.CharField(_("project-id"), max_length=20, blank=True)
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("deelnemer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(
        _("betrokkene (sleutel)"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Een sleutel afgeleid van het pseudoniem; blijft na wissen bestaan."),
    )
    detail = models.CharField(_("wat"), max_length=300, blank=True)
    ip = models.CharField(_("IP-adres"), max_length=64, blank=True)
    session = models.CharField(_("sessie (sleutel)"), max_length=64, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("inzage in deelnemersgegevens")
        verbose_name_plural = _("inzagelogboek deelnemersgegevens")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}: {self.get_action_display()}"

    def before_chain(self) -> None:
        from .audit import fill_entry

        fill_entry(self)


class MappingTemplate(models.Model):
    """A confirmed column mapping, saved per project to reuse for the next file of the same shape."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="mapping_templates")
    name = models.CharField(_("naam"), max_length=100)
    instrument = models.CharField(_("instrument"), max_length=64)
    mapping = models.JSONField(_("koppeling"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_mapping_template")
        ]
        verbose_name = _("koppelsjabloon")
        verbose_name_plural = _("koppelsjablonen")

    def __str__(self) -> str:
        return self.name


class ImportFile(models.Model):
    """An uploaded spreadsheet on its way through mapping, dry run and commit.

    The file lives in ``MEDIA_ROOT/imports`` under a random name and is deleted after the commit
    (or when the import is cancelled or left for more than a day).
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Geüpload")
        MAPPED = "mapped", _("Koppeling bevestigd")
        QUEUED = "queued", _("Wordt geïmporteerd")
        DONE = "done", _("Geïmporteerd")
        FAILED = "failed", _("Mislukt")
        CANCELLED = "cancelled", _("Geannuleerd")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="import_files")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    original_name = models.CharField(_("bestandsnaam"), max_length=255)
    stored_name = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField(default=0)
    instrument = models.CharField(_("instrument"), max_length=64)
    mapping = models.JSONField(null=True, blank=True)
    #: The intake's suggestion (mapping, previews, refusals), computed once at upload: reading a
    #: file is the expensive part, and the mapping page is loaded many times.
    suggestion = models.JSONField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("importbestand")
        verbose_name_plural = _("importbestanden")

    def __str__(self) -> str:
        return self.original_name


class Job(models.Model):
    """A background job (an import) with its progress, for the page that polls it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        RUNNING = "running", _("Bezig")
        DONE = "done", _("Klaar")
        FAILED = "failed", _("Mislukt")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="monitoring_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, default="import")
    import_file = models.ForeignKey(
        ImportFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("taak")
        verbose_name_plural = _("taken")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class FigureRelease(models.Model):
    """A dated, frozen copy of a project's published (protected) figures.

    Roles without participant-level access see only releases, so they cannot take the figures
    twice and subtract. A new release is refused unless at least the threshold in persons changed
    since the previous one (decision record 0015). ``person_digests`` maps a keyed digest per
    person to a digest of that person's data: it says who changed, never who it is.
    """

    class Reason(models.TextChoices):
        MONTHLY = "monthly", _("maandelijkse vrijgave")
        MILESTONE = "milestone", _("mijlpaal")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="figure_releases")
    released_on = models.DateField(_("stand per"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.MONTHLY)
    threshold = models.PositiveSmallIntegerField()
    persons_changed = models.PositiveIntegerField(null=True, blank=True)
    figures = models.JSONField()
    person_digests = models.JSONField(default=dict)

    class Meta:
        ordering = ["-released_on", "-pk"]
        indexes = [models.Index(fields=["project", "-released_on"])]

    def __str__(self) -> str:
        return f"{self.project_id} @ {self.released_on}"
