"""Municipalities, their neighbourhoods, the partner registry and the *nieuw voor oud* ledger.

Why here: a regional evaluator records whose pilot it is (issue 11, item 2), neighbourhoods come
from a managed list with CBS codes instead of free text (so "Noordwijk" exists once), partner
organisations are maintained by policy advisers and project leaders themselves, and old spending
that now pays for pilots is recorded per municipality (seed 004 §5.4.4, *nieuw voor oud*).
Every row belongs to one tenant (``organisation``); views reach it only through that scope.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proeftuin.accounts.models import Organisation

from .models import PolicyDomain

GEMEENTE_CODE = RegexValidator(
    r"^GM\d{4}$", _("Een CBS-gemeentecode is GM gevolgd door 4 cijfers, bijvoorbeeld GM0363.")
)
WIJK_CODE = r"^WK\d{6}$"
BUURT_CODE = r"^BU\d{8}$"
KVK_NUMBER = RegexValidator(r"^\d{8}$", _("Een KvK-nummer heeft precies 8 cijfers."))


class Municipality(models.Model):
    """A municipality (*gemeente*) with its CBS code, as one tenant records it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="municipalities"
    )
    cbs_code = models.CharField(
        _("CBS-gemeentecode"),
        max_length=6,
        validators=[GEMEENTE_CODE],
        help_text=_("Bijvoorbeeld GM0363 voor Amsterdam."),
    )
    name = models.CharField(_("naam"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cbs_code"], name="unique_municipality_code"
            )
        ]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.cbs_code = (self.cbs_code or "").strip().upper()


class PartnerOrganisation(models.Model):
    """A partner the tenant works with: not a tenant, no accounts.

    It stands for an :class:`~proeftuin.accounts.models.Organisation` row (``identity``), so the
    existing coalition and funder pickers, reports and history name it without a second way of
    referring to organisations; saving it makes it pickable through a Partnership.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "gemeente", _("Gemeente")
        CARE_PROVIDER = "zorgaanbieder", _("Zorgaanbieder")
        WELFARE = "welzijn", _("Welzijnsorganisatie")
        HOUSING = "woningcorporatie", _("Woningcorporatie")
        POLICE = "politie", _("Politie")
        INSURER = "verzekeraar", _("Zorgverzekeraar")
        BUSINESS = "bedrijf", _("Bedrijf")
        FUND = "fonds", _("Fonds")
        EDUCATION = "onderwijs", _("Onderwijs")
        KNOWLEDGE = "kennisinstelling", _("Kennisinstelling")
        RESIDENTS = "bewonersinitiatief", _("Bewonersinitiatief")
        OTHER = "overig", _("Overig")

    #: The organisation kind the pickers, the advisor and the funding core already understand.
    IDENTITY_KIND = {
        "gemeente": Organisation.Kind.MUNICIPALITY,
        "zorgaanbieder": Organisation.Kind.WELFARE,
        "welzijn": Organisation.Kind.WELFARE,
        "woningcorporatie": Organisation.Kind.HOUSING,
        "politie": Organisation.Kind.POLICE,
        "verzekeraar": Organisation.Kind.HEALTH_INSURER,
        "bedrijf": Organisation.Kind.BUSINESS,
        "fonds": Organisation.Kind.FUND,
        "onderwijs": Organisation.Kind.KNOWLEDGE,
        "kennisinstelling": Organisation.Kind.KNOWLEDGE,
        "bewonersinitiatief": Organisation.Kind.RESIDENTS,
        "overig": Organisation.Kind.RESIDENTS,
    }

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partner_registry"
    )
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=32, choices=Kind.choices)
    kvk_number = models.CharField(
        _("KvK-nummer"),
        max_length=8,
        blank=True,
        validators=[KVK_NUMBER],
        help_text=_("Niet verplicht. 8 cijfers."),
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partners",
    )
    identity = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="registry_entries", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_registry_name")
        ]
        verbose_name = _("partnerorganisatie")
        verbose_name_plural = _("partnerorganisaties")

    def __str__(self) -> str:
        return self.name


class NeighbourhoodKind(models.TextChoices):
    WIJK = "wijk", _("Wijk")
    BUURT = "buurt", _("Buurt")


class NewForOldEntry(models.Model):
    """Old spending stopped or reduced that now funds pilots as structural money (004 §5.4.4)."""

    class Change(models.TextChoices):
        STOPPED = "gestopt", _("Gestopt")
        REDUCED = "verminderd", _("Verminderd")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="new_for_old_entries"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="new_for_old_entries",
    )
    budget_line = models.CharField(_("begrotingspost"), max_length=200)
    policy_domain = models.CharField(
        _("beleidsdomein"), max_length=20, choices=PolicyDomain.choices
    )
    change = models.CharField(
        _("wat is er gebeurd?"), max_length=12, choices=Change.choices, default=Change.REDUCED
    )
    amount_per_year = models.DecimalField(
        _("bedrag per jaar (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0"), message=_("Een bedrag kan niet negatief zijn."))
        ],
    )
    since = models.DateField(_("vanaf"))
    projects = models.ManyToManyField(
        "portfolio.Project",
        verbose_name=_("projecten die dit geld nu structureel krijgen"),
        related_name="new_for_old_entries",
    )
    note = models.TextField(_("toelichting"), blank=True)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["-since", "budget_line"]
        verbose_name = _("nieuw-voor-oud-regel")
        verbose_name_plural = _("nieuw voor oud")

    def __str__(self) -> str:
        return f"{self.budget_line} ({self.municipality})"


class PortfolioImport(models.Model):
    """An uploaded portfolio file, its confirmed mapping, and the durable job that imports it.

    The file is kept in the row (portfolio files are small and hold no participant data) so that a
    worker on another machine can run the import; it is emptied once the import is done.
    """

    class Status(models.TextChoices):
        UPLOADED = "geupload", _("Geüpload")
        CHECKED = "gecontroleerd", _("Gecontroleerd")
        QUEUED = "wachtrij", _("In de wachtrij")
        RUNNING = "bezig", _("Bezig")
        DONE = "klaar", _("Klaar")
        FAILED = "mislukt", _("Mislukt")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="portfolio_imports"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    original_name = models.CharField(max_length=200)
    content = models.BinaryField(editable=False)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("portfolio-import")
        verbose_name_plural = _("portfolio-imports")

    def __str__(self) -> str:
        return self.original_name
