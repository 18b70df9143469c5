"""The effects chain of a project (Effectenarena) and the settings of its indicative MKBA.

Seed 004 §2.2.1: stakeholders map investments → activities (measures) → effects, and ask who
invests and who benefits; every arrow carries an if-then assumption (the theory of change,
004 §2.1). These rows hold that map; :mod:`proeftuin.valuation.convert` turns them into the pure
core's objects in one place, and the core does all the arithmetic.

Every amount is an increment against the reference scenario without the project
(*nulalternatief*). Years are calendar years here; the conversion maps them onto offsets from the
analysis' base year.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proeftuin.accounts.models import Organisation
from proeftuin.common.versioning import VersionedModel
from proeftuin.core.valuation import DEFAULT_HORIZON, Basis, Distribution, SizeKind
from proeftuin.portfolio.models import PolicyDomain, Project

DEFAULT_SEED = 2026
DEFAULT_DRAWS = 20_000
MAX_DRAWS = 100_000


class Analysis(VersionedModel):
    """How the project's indicative MKBA adds up the years: rate, horizon, base year, Monte Carlo.

    One per project, created on the first save of the settings; until then the defaults apply.
    """

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="valuation_analysis"
    )
    reference_scenario = models.TextField(
        _("nulalternatief"),
        blank=True,
        help_text=_(
            "Wat gebeurt er zonder het project? Alle effecten en kosten zijn het verschil met "
            "deze situatie (004 §2.2.2)."
        ),
    )
    discount_rate = models.DecimalField(
        _("discontovoet (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Reëel, per jaar. Leeg: de standaardwaarde (zie de bron hieronder)."),
    )
    horizon = models.PositiveSmallIntegerField(
        _("horizon (jaren)"),
        default=DEFAULT_HORIZON,
        help_text=_("Hoeveel jaar de analyse vooruitkijkt, vanaf het basisjaar."),
    )
    base_year = models.PositiveSmallIntegerField(
        _("basisjaar"),
        null=True,
        blank=True,
        help_text=_(
            "Het beslisjaar: het eerste jaar van de analyse en het prijsjaar (constante prijzen "
            "van dit jaar). Eerdere bedragen zijn verzonken kosten: ze staan apart, buiten de "
            "netto contante waarde. Leeg: het lopende jaar."
        ),
    )
    seed = models.PositiveIntegerField(
        _("startgetal Monte Carlo"),
        default=DEFAULT_SEED,
        help_text=_("Hetzelfde startgetal geeft dezelfde trekkingen: de uitkomst is herhaalbaar."),
    )
    draws = models.PositiveIntegerField(_("aantal trekkingen"), default=DEFAULT_DRAWS)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("MKBA-instellingen")
        verbose_name_plural = _("MKBA-instellingen")

    def __str__(self) -> str:
        return f"{self.project}"


class PartyMixin(models.Model):
    """A party is an organisation in Proeftuin, or a name typed in (a party without an account)."""

    party_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partij (organisatie)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    party_name = models.CharField(
        _("partij (naam)"),
        max_length=200,
        blank=True,
        help_text=_("Staat de partij niet in de lijst? Typ haar naam, bijvoorbeeld 'Inwoners'."),
    )
    domain = models.CharField(_("beleidsdomein"), max_length=20, choices=PolicyDomain.choices)

    class Meta:
        abstract = True

    @property
    def party(self) -> str:
        if self.party_organisation_id:
            return self.party_organisation.name
        return self.party_name.strip()


class Investment(PartyMixin, VersionedModel):
    """Money one party puts in from one policy domain, by calendar year (who invests)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="value_investments")
    name = models.CharField(_("omschrijving"), max_length=200)
    amounts = models.JSONField(
        _("bedragen per jaar"),
        default=dict,
        blank=True,
        help_text=_("Per kalenderjaar het extra bedrag ten opzichte van het nulalternatief."),
    )
    cost_low = models.FloatField(_("kostenfactor laag"), null=True, blank=True)
    cost_high = models.FloatField(_("kostenfactor hoog"), null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    funding_stream = models.ForeignKey(
        "portfolio.FundingStream",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="value_investments",
        verbose_name=_("financieringsstroom"),
        help_text=_(
            "Eén bron voor geld: kies de financieringsstroom, dan komen financier, domein en "
            "bedragen per jaar uit Financiering en hoeft u ze hier niet over te typen."
        ),
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("investering")
        verbose_name_plural = _("investeringen")

    def __str__(self) -> str:
        return self.name

    @property
    def core_id(self) -> str:
        return f"i{self.pk}"

    def amounts_by_year(self) -> dict[str, object]:
        """The stored amounts by year, sorted, for display (the converter judges the values)."""
        if not isinstance(self.amounts, dict):
            return {}
        return dict(sorted(self.amounts.items(), key=lambda item: str(item[0])))

    @property
    def total(self) -> float:
        try:
            return float(sum(float(a) for a in self.amounts.values()))
        except (TypeError, ValueError):
            return float("nan")


class Activity(VersionedModel):
    """A measure the money pays for: the middle of the chain."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="value_activities")
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")

    def __str__(self) -> str:
        return self.name

    @property
    def core_id(self) -> str:
        return f"a{self.pk}"


class MeasureChoice(models.TextChoices):
    GROSS = "gross", _("bruto (voor deadweight, attributie en verdringing)")
    NET = "net", _("netto (al het verschil met het nulalternatief)")


class ParticipantGroup(VersionedModel):
    """A group of participants declared once and shared by its effects (the same families).

    Monte Carlo draws the group's size once per draw for all its effects, and the participant
    tipping point moves every effect of the group together.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="value_groups")
    name = models.CharField(_("naam"), max_length=200, help_text=_("Bijvoorbeeld ‘gezinnen’."))
    size_low = models.FloatField(_("aantal laag"), null=True, blank=True)
    size_likely = models.FloatField(_("aantal waarschijnlijk"))
    size_high = models.FloatField(_("aantal hoog"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("deelnemersgroep")
        verbose_name_plural = _("deelnemersgroepen")

    def __str__(self) -> str:
        return self.name

    @property
    def core_id(self) -> str:
        return f"g{self.pk}"


class ObservedMeasure(models.TextChoices):
    """Figures of *tel en vertel* that can feed an effect's size (the paired change per
    participant between the 0-meting and the latest measurement)."""

    HEAVY_MEASURES = (
        "heavy_measures",
        _("minder zware middelen (OTS, uithuisplaatsing, uitzetting)"),
    )
    PROFESSIONALS = "professionals", _("minder betrokken hulpverleners")
    ORGANISATIONS = "organisations", _("minder betrokken organisaties")
    #: The case timeline (issue 13): reference "zonder aanpak" minus the actual help, in € per
    #: person, found by observation. An effect of kind ``amount`` (the size is in euros): no price.
    CASE_COSTS = "case_costs", _("lagere kosten volgens het casusverloop (€ per casus)")


class Effect(VersionedModel):
    """An outcome the project causes, with its size as low / likely / high and who benefits.

    ``basis`` says whether the numbers are assumed (workshop, expert judgement; 004 §2.3 allows
    that when there is no measurement) or observed (monitoring, *tel en vertel*). Observed values
    can later come from the monitoring capability through
    :func:`proeftuin.valuation.monitoring.observed_inputs`.
    """

    class Kind(models.TextChoices):
        PROBABILITY = SizeKind.PROBABILITY.value, _("kans (aandeel van de deelnemers)")
        QUANTITY = SizeKind.QUANTITY.value, _("hoeveelheid per deelnemer")
        AMOUNT = SizeKind.AMOUNT.value, _("bedrag in euro per deelnemer (geen prijs nodig)")

    class BasisChoice(models.TextChoices):
        ASSUMED = Basis.ASSUMED.value, _("aangenomen")
        OBSERVED = Basis.OBSERVED.value, _("waargenomen")

    class DistributionChoice(models.TextChoices):
        PERT = Distribution.PERT.value, _("PERT (standaard)")
        TRIANGULAR = Distribution.TRIANGULAR.value, _("driehoek")
        NORMAL = Distribution.NORMAL.value, _("normaal")
        LOGNORMAL = Distribution.LOGNORMAL.value, _("lognormaal")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="value_effects")
    indicator = models.CharField(
        _("indicator"),
        max_length=200,
        help_text=_("Wat verandert er, bijvoorbeeld 'Minder uithuisplaatsingen'."),
    )
    description = models.TextField(_("omschrijving"), blank=True)
    size_kind = models.CharField(
        _("soort omvang"), max_length=20, choices=Kind.choices, default=Kind.PROBABILITY
    )
    size_low = models.FloatField(_("omvang laag"), null=True, blank=True)
    size_likely = models.FloatField(_("omvang waarschijnlijk"))
    size_high = models.FloatField(_("omvang hoog"), null=True, blank=True)
    distribution = models.CharField(
        _("verdeling"),
        max_length=20,
        choices=DistributionChoice.choices,
        default=DistributionChoice.PERT,
        help_text=_("Hoe Monte Carlo laag / waarschijnlijk / hoog leest."),
    )
    participants_low = models.FloatField(_("deelnemers laag"), null=True, blank=True)
    participants_likely = models.FloatField(_("deelnemers waarschijnlijk"))
    participants_high = models.FloatField(_("deelnemers hoog"), null=True, blank=True)
    participant_label = models.CharField(
        _("deelnemers heten"),
        max_length=60,
        default="deelnemers",
        help_text=_("Meervoud, voor de zinnen in de uitkomst: 'gezinnen', 'huurders'."),
    )
    case_phrase = models.CharField(
        _("als het effect optreedt"),
        max_length=200,
        blank=True,
        help_text=_(
            "Voor het omslagpunt in gewone taal: 'bij 12 van de 100 gezinnen … "
            "een uithuisplaatsing wordt voorkomen'."
        ),
    )
    start_year = models.PositiveSmallIntegerField(
        _("startjaar"), null=True, blank=True, help_text=_("Leeg: het basisjaar.")
    )
    duration = models.PositiveSmallIntegerField(
        _("looptijd (jaren)"), null=True, blank=True, help_text=_("Leeg: tot de horizon.")
    )
    decay_low = models.FloatField(_("afname laag"), null=True, blank=True)
    decay_likely = models.FloatField(_("afname per jaar"), default=0.0)
    decay_high = models.FloatField(_("afname hoog"), null=True, blank=True)
    deadweight_low = models.FloatField(_("deadweight laag"), null=True, blank=True)
    deadweight_likely = models.FloatField(_("deadweight"), default=0.0)
    deadweight_high = models.FloatField(_("deadweight hoog"), null=True, blank=True)
    attribution_low = models.FloatField(_("attributie laag"), null=True, blank=True)
    attribution_likely = models.FloatField(_("attributie"), default=1.0)
    attribution_high = models.FloatField(_("attributie hoog"), null=True, blank=True)
    price_key = models.CharField(
        _("prijs"),
        max_length=80,
        blank=True,
        help_text=_("Leeg bij een bedrag in euro per deelnemer: dat is al een waarde."),
    )
    basis = models.CharField(
        _("basis"), max_length=20, choices=BasisChoice.choices, default=BasisChoice.ASSUMED
    )
    observed_measure = models.CharField(
        _("waargenomen in de monitoring"),
        max_length=30,
        choices=ObservedMeasure.choices,
        blank=True,
        help_text=_(
            "Bij waargenomen: welk cijfer uit tel en vertel de omvang levert. Leeg: de omvang "
            "blijft zoals hier ingevuld."
        ),
    )
    observed_source = models.CharField(
        _("bron van de waarneming"),
        max_length=300,
        blank=True,
        help_text=_("Bij waargenomen: welke meting, welke periode (bijv. 0- en 1-meting 2025)."),
    )
    source = models.TextField(
        _("onderbouwing"), blank=True, help_text=_("Waarop berust de schatting?")
    )
    group = models.ForeignKey(
        ParticipantGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="effects",
        verbose_name=_("deelnemersgroep"),
        help_text=_(
            "Gebeurt dit effect bij een groep die ook andere effecten heeft (dezelfde gezinnen)? "
            "Kies de groep; dan telt het aantal deelnemers van de groep, niet dat hierboven."
        ),
    )
    measure = models.CharField(
        _("soort omvang"),
        max_length=10,
        choices=MeasureChoice.choices,
        default=MeasureChoice.GROSS,
        help_text=_(
            "Bruto: gemeten bij de deelnemers (voor/na); deadweight, attributie en verdringing "
            "worden toegepast. Netto: al het verschil met het nulalternatief (bijvoorbeeld met "
            "een vergelijkingsgroep); dan worden ze niet nog eens toegepast."
        ),
    )
    displacement_low = models.FloatField(_("verdringing laag"), null=True, blank=True)
    displacement_likely = models.FloatField(
        _("verdringing"),
        default=0.0,
        help_text=_(
            "Het deel van het effect dat elders verloren gaat (een baan die een ander niet "
            "krijgt). Tussen 0 en 1."
        ),
    )
    displacement_high = models.FloatField(_("verdringing hoog"), null=True, blank=True)
    transfer = models.BooleanField(
        _("overdracht"),
        default=False,
        help_text=_(
            "Een overdracht (zoals minder bijstandsuitkeringen) verschuift geld tussen partijen "
            "en is geen welvaartswinst: apart getoond, buiten het saldo."
        ),
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("effect")
        verbose_name_plural = _("effecten")

    def __str__(self) -> str:
        return self.indicator

    @property
    def core_id(self) -> str:
        return f"e{self.pk}"

    @property
    def observed(self) -> bool:
        return self.basis == self.BasisChoice.OBSERVED


class BenefitShare(PartyMixin, VersionedModel):
    """The share of an effect's value that lands with one party in one domain (who benefits)."""

    effect = models.ForeignKey(Effect, on_delete=models.CASCADE, related_name="shares")
    share = models.FloatField(_("aandeel"), help_text=_("Tussen 0 en 1; 0,8 is 80%."))
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("batenaandeel")
        verbose_name_plural = _("batenaandelen")

    def __str__(self) -> str:
        return f"{self.party} ({self.get_domain_display()}): {self.share:g}"


class Link(VersionedModel):
    """An arrow in the chain with its if-then assumption (theory of change, 004 §2.1).

    ``source`` and ``target`` are the core ids of chain elements (``i12``, ``a3``, ``e7``).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="value_links")
    source = models.CharField(_("van"), max_length=20)
    target = models.CharField(_("naar"), max_length=20)
    assumption = models.TextField(
        _("als-dan-aanname"),
        blank=True,
        help_text=_(
            "Als …, dan …: bijvoorbeeld 'als één regisseur het gezin volgt, dan werken "
            "hulpverleners minder langs elkaar heen'."
        ),
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("schakel")
        verbose_name_plural = _("schakels")

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class PriceOverride(VersionedModel):
    """A project's own unit value, always with its source: fills an *onbekend* price, replaces a
    listed one, or adds a price the list does not have. Leaving the value empty keeps it onbekend.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="value_prices")
    key = models.SlugField(_("sleutel"), max_length=80)
    label = models.CharField(_("omschrijving"), max_length=200, blank=True)
    unit = models.CharField(_("eenheid"), max_length=100, blank=True)
    value_low = models.FloatField(_("waarde laag (€)"), null=True, blank=True)
    value_likely = models.FloatField(
        _("waarde (€)"), null=True, blank=True, help_text=_("Leeg laten: de prijs blijft onbekend.")
    )
    value_high = models.FloatField(_("waarde hoog (€)"), null=True, blank=True)
    source = models.CharField(
        _("bron"),
        max_length=500,
        help_text=_("Waar komt dit bedrag vandaan? Bijvoorbeeld 'inkoopcontract jeugdhulp 2025'."),
    )
    price_year = models.PositiveSmallIntegerField(_("prijsjaar"), null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="unique_value_price_override")
        ]
        verbose_name = _("projectprijs")
        verbose_name_plural = _("projectprijzen")

    def __str__(self) -> str:
        return self.label or self.key

    @property
    def known(self) -> bool:
        return self.value_likely is not None
