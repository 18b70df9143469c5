"""The municipal portfolio of pilots: projects, coalition, funding, goals and decisions.

Every row belongs to an organisation through its project's owner; other organisations see a
project only through an explicit :class:`ProjectGrant`. Views reach rows only through
:meth:`ProjectQuerySet.visible_to`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proeftuin.accounts.models import Organisation
from proeftuin.common.versioning import VersionedModel
from proeftuin.core import coalition as coalition_core
from proeftuin.core import funding as funding_core


class Theme(models.TextChoices):
    """Themes from the seeds' pilots (004 ch.2 cases; 002 neighbourhood-team themes)."""

    YOUTH_FAMILY = "jeugd_gezin", _("Jeugd en gezin")
    INFORMAL_CARE = "mantelzorg", _("Mantelzorg en informele zorg")
    DEBT = "schulden", _("Schulden en armoede")
    NEIGHBOURHOOD = "wijk", _("Wijk en buurt")
    MENTAL_HEALTH = "ggz", _("Psychische gezondheid")
    PARTICIPATION = "participatie", _("Participatie en werk")
    HOUSING = "wonen", _("Wonen")
    ELDERLY = "ouderen", _("Ouderen")
    SAFETY = "veiligheid", _("Veiligheid")


class Phase(models.TextChoices):
    """The four phases of collaborative innovation (seed 000 §2.4.3)."""

    IDEA = "ideevorming", _("Ideevorming")
    SELECTION = "selectie", _("Selectie")
    IMPLEMENTATION = "implementatie", _("Implementatie")
    DIFFUSION = "verspreiding", _("Verspreiding")


class Status(models.TextChoices):
    DRAFT = "concept", _("Concept")
    RUNNING = "lopend", _("Lopend")
    PAUSED = "gepauzeerd", _("Gepauzeerd")
    COMPLETED = "afgerond", _("Afgerond")
    STOPPED = "gestopt", _("Gestopt")


#: A completed or stopped project has no funding cliff ahead and gets no continuation warning.
CLOSED_STATUSES = (Status.COMPLETED, Status.STOPPED)


class Neighbourhood(models.Model):
    """A wijk or buurt of a municipality, from a managed list with CBS codes.

    Projects pick from this list (no free text), so a neighbourhood exists once. Rows from before
    the list had a municipality keep working without a code.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="neighbourhoods"
    )
    municipality = models.ForeignKey(
        "portfolio.Municipality",
        verbose_name=_("gemeente"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="neighbourhoods",
    )
    #: CBS code: WK + 6 digits for a wijk, BU + 8 digits for a buurt (the neighbourhood
    #: statistics monitor links on it).
    cbs_code = models.CharField(_("CBS-code"), max_length=10, blank=True)
    kind = models.CharField(
        _("soort"),
        max_length=5,
        choices=[("wijk", _("Wijk")), ("buurt", _("Buurt"))],
        default="wijk",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ligt in wijk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buurten",
    )
    name = models.CharField(_("naam"), max_length=100)

    class Meta:
        ordering = ["name", "cbs_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cbs_code"],
                condition=~Q(cbs_code=""),
                name="unique_neighbourhood_code",
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(cbs_code=""),
                name="unique_neighbourhood",
            ),
        ]
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")

    def __str__(self) -> str:
        if self.municipality_id:
            return f"{self.name} ({self.municipality.name})"
        return self.name

    def clean(self) -> None:
        import re

        self.cbs_code = (self.cbs_code or "").strip().upper()
        pattern = r"^WK\d{6}$" if self.kind == "wijk" else r"^BU\d{8}$"
        if self.cbs_code and not re.fullmatch(pattern, self.cbs_code):
            raise ValidationError(
                {"cbs_code": _("Een wijkcode is WK + 6 cijfers, een buurtcode BU + 8 cijfers.")}
            )


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        """Projects the user's organisation owns or was granted; nothing for anyone else."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        org = user.organisation_id
        granted = ProjectGrant.objects.filter(organisation_id=org).values("project_id")
        return self.filter(Q(owner_id=org) | Q(pk__in=granted))

    def writable_by(self, user) -> ProjectQuerySet:
        """Projects the user's organisation owns or holds an edit grant for."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        org = user.organisation_id
        granted = ProjectGrant.objects.filter(
            organisation_id=org, level=ProjectGrant.Level.EDIT
        ).values("project_id")
        return self.filter(Q(owner_id=org) | Q(pk__in=granted))


class Project(VersionedModel):
    """A pilot (*proeftuin*)."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    name = models.CharField(_("naam"), max_length=200)
    summary = models.TextField(_("samenvatting"), help_text=_("Waar is het project voor?"))
    themes = models.JSONField(_("thema's"), default=list, blank=True)
    target_group = models.CharField(_("doelgroep"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        "portfolio.Municipality",
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("De gemeente van wie het project is."),
    )
    #: An optional id from another system, so a re-import finds the same project.
    external_id = models.CharField(_("extern kenmerk"), max_length=100, blank=True)
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("wijken"), blank=True, related_name="projects"
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    phase = models.CharField(_("innovatiefase"), max_length=20, choices=Phase.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    archived_at = models.DateTimeField(_("gearchiveerd op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"], m2m_fields=[])

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projecten")
        indexes = [models.Index(fields=["owner", "archived_at"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("De einddatum ligt vóór de startdatum.")})
        unknown = set(self.themes or []) - set(Theme.values)
        if unknown:
            raise ValidationError({"themes": _("Onbekend thema: %s") % ", ".join(sorted(unknown))})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels.get(t, t)) for t in self.themes]

    # Core views over the related rows -------------------------------------------------------

    def core_streams(self) -> list[funding_core.Stream]:
        return [s.as_core() for s in self.funding_streams.all()]

    def funding_cliffs(self, today: date | None = None) -> list[funding_core.Cliff]:
        return funding_core.funding_cliffs(self.core_streams(), today or timezone.localdate())

    def coalition_coverage(self, today: date | None = None) -> coalition_core.CoverageMatrix:
        return coalition_core.coverage(
            (m.as_core() for m in self.coalition.select_related("organisation")),
            today or timezone.localdate(),
        )


class ProjectGrant(models.Model):
    """An explicit share of a project with another organisation, usually a coalition partner."""

    class Level(models.TextChoices):
        VIEW = "lezen", _("Lezen")
        EDIT = "bewerken", _("Lezen en bewerken")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="project_grants",
    )
    level = models.CharField(_("toegang"), max_length=10, choices=Level.choices, default=Level.VIEW)
    granted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="unique_grant")
        ]
        verbose_name = _("deling")
        verbose_name_plural = _("delingen")

    def __str__(self) -> str:
        return f"{self.project} → {self.organisation} ({self.get_level_display()})"


class CoalitionMember(VersionedModel):
    """An organisation and/or person in the coalition, with role and level of backing (004 §3.1)."""

    class RoleChoice(models.TextChoices):
        COMMISSIONER = "opdrachtgever", _("Opdrachtgever")
        FUNDER = "financier", _("Financier")
        EXECUTOR = "uitvoerder", _("Uitvoerder")
        RESEARCHER = "onderzoeker", _("Onderzoeker")
        FACILITATOR = "procesbegeleider", _("Procesbegeleider")
        PARTNER = "partner", _("Partner")

    class Level(models.TextChoices):
        DELIVERY = "uitvoerend", _("Uitvoerend")
        MANAGEMENT = "management", _("Management")
        CIVIL_SERVICE = "ambtelijk", _("Ambtelijk")
        POLITICAL = "bestuurlijk", _("Bestuurlijk")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="coalition")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coalition_memberships",
    )
    contact_person = models.CharField(_("contactpersoon"), max_length=200, blank=True)
    contact_function = models.CharField(_("functie"), max_length=200, blank=True)
    role = models.CharField(_("rol"), max_length=20, choices=RoleChoice.choices)
    level = models.CharField(_("niveau van draagvlak"), max_length=20, choices=Level.choices)
    since = models.DateField(_("sinds"), null=True, blank=True)
    until = models.DateField(_("tot"), null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["organisation__name", "level"]
        verbose_name = _("coalitielid")
        verbose_name_plural = _("coalitieleden")

    def __str__(self) -> str:
        who = self.organisation.name if self.organisation else self.contact_person
        return f"{who} ({self.get_level_display()})"

    def clean(self) -> None:
        if not self.organisation_id and not self.contact_person.strip():
            raise ValidationError(_("Vul een organisatie of een contactpersoon in (of beide)."))
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": _("De einddatum ligt vóór de begindatum.")})

    def as_core(self) -> coalition_core.Backing:
        return coalition_core.Backing(
            organisation=self.organisation.name if self.organisation else self.contact_person,
            level=self.level,
            person=self.contact_person,
            since=self.since,
            until=self.until,
        )


class PolicyDomain(models.TextChoices):
    """Budget silos where money comes from and benefits land (004 §5.4.1)."""

    YOUTH = "jeugd", _("Jeugd")
    WMO = "wmo", _("Wmo")
    PARTICIPATION = "participatie", _("Participatie")
    HEALTH = "zorg", _("Zorg en gezondheid")
    HOUSING = "wonen", _("Wonen")
    SAFETY = "veiligheid", _("Veiligheid")
    OTHER = "overig", _("Overig")


class FundingStream(VersionedModel):
    """Money from one funder for one period: incidental (temporary) or structural."""

    class Kind(models.TextChoices):
        INCIDENTAL = "incidenteel", _("Incidenteel")
        STRUCTURAL = "structureel", _("Structureel")
        #: Earned income: the service sold on a market (tickets, products, fees of clients).
        MARKET = "marktopbrengst", _("Marktopbrengst")
        #: Earned income: a business pays for the service (not a donation or sponsoring).
        BUSINESS = "betaling_bedrijf", _("Betaling door een bedrijf")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding_streams")
    funder = models.ForeignKey(
        Organisation, verbose_name=_("financier"), on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("naam van de regeling"), max_length=200)
    amount = models.DecimalField(
        _("bedrag (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0"), message=_("Een bedrag kan niet negatief zijn."))
        ],
        help_text=_("Het totaal over de hele periode; bij structureel zonder einddatum: per jaar."),
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    kind = models.CharField(
        _("soort"), max_length=20, choices=Kind.choices, default=Kind.INCIDENTAL
    )
    policy_domain = models.CharField(
        _("beleidsdomein"), max_length=20, choices=PolicyDomain.choices
    )
    conditions = models.TextField(_("voorwaarden"), blank=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["end_date", "label"]
        verbose_name = _("financieringsstroom")
        verbose_name_plural = _("financieringsstromen")

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("De einddatum ligt vóór de startdatum.")})
        if self.kind == self.Kind.INCIDENTAL and not self.end_date:
            raise ValidationError(
                {"end_date": _("Incidenteel geld heeft een einddatum: wanneer stopt het?")}
            )

    def as_core(self) -> funding_core.Stream:
        return funding_core.Stream(
            label=self.label,
            amount=self.amount,
            start=self.start_date,
            end=self.end_date,
            # Only incidental money (a grant or subsidy for a period) makes a funding cliff;
            # earned income goes on as long as the service is sold.
            structural=self.kind != self.Kind.INCIDENTAL,
            earned=self.kind in (self.Kind.MARKET, self.Kind.BUSINESS),
            # Read the payer's kind only when it is loaded: a list of projects stays one query.
            payer_kind=self.funder.kind if FundingStream.funder.is_cached(self) else "",
        )


class Goal(VersionedModel):
    """A goal, typed after seed 000 §7.4.1 and versioned because goals set in advance go stale
    (000 §2.5.2). Each change records its reason in the history."""

    class GoalType(models.TextChoices):
        KNOWLEDGE = "kennis", _("Kennisdoel")
        LEARNING = "leer", _("Leerdoel")
        DEVELOPMENT = "ontwikkel", _("Ontwikkeldoel")
        POLICY = "beleid", _("Beleidsdoel")
        OUTCOME = "resultaat", _("Resultaatdoel")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goals")
    goal_type = models.CharField(_("soort doel"), max_length=20, choices=GoalType.choices)
    text = models.TextField(_("doel"))
    indicator = models.CharField(_("indicator"), max_length=300, blank=True)
    retired = models.BooleanField(_("vervallen"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal_type", "pk"]
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")

    def __str__(self) -> str:
        return self.text[:80]


class Decision(models.Model):
    """A decision about the pilot's future, with who decided, when and why. Append-only."""

    class Kind(models.TextChoices):
        CONTINUE = "doorgaan", _("Doorgaan")
        STOP = "stoppen", _("Stoppen")
        SCALE = "opschalen", _("Opschalen")
        ADJUST = "bijstellen", _("Bijstellen")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("besluit"), max_length=20, choices=Kind.choices)
    decided_by = models.CharField(
        _("besloten door"), max_length=200, help_text=_("Bijvoorbeeld: wethouder Zorg, stuurgroep")
    )
    decided_on = models.DateField(_("datum"))
    rationale = models.TextField(_("onderbouwing"))
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.decided_on})"


# The registry models live in their own module; importing it here registers them with the app.
from . import registry  # noqa: E402, F401
