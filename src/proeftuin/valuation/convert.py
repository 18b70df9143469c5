"""Rows → core objects, in one place.

:func:`load` reads a project's effects chain, its MKBA settings, the installation's price
catalogue and the project's own prices, and builds the pure core's ``Chain``, ``PriceList`` and
``Settings``. It also keeps what the screens need to talk about the chain in Dutch: a readable
name and an edit link per core id, and per price where its value comes from.

Nothing is validated here beyond turning stored values into numbers: the core's ``validate``
decides what is wrong, and :mod:`proeftuin.valuation.messages` says it in Dutch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from proeftuin.core import funding as funding_core
from proeftuin.core.valuation import (
    DEFAULT_DISCOUNT_RATE,
    Activity,
    BenefitShare,
    Chain,
    Distribution,
    Effect,
    Estimate,
    Investment,
    Link,
    Measure,
    ParticipantGroup,
    Price,
    PriceList,
    Settings,
    SizeKind,
    cost_key,
    effect_key,
    price_key,
    split_at_decision_year,
)
from proeftuin.core.valuation.pricelist import PriceCatalogue

from . import models
from .monitoring import ObservedInput, observed_inputs
from .prices import catalogue as installation_catalogue

# URL kinds (Dutch slugs) of the chain's elements.
INVESTMENT, ACTIVITY, EFFECT, LINK, PRICE, GROUP = (
    "investering",
    "activiteit",
    "effect",
    "schakel",
    "prijs",
    "groep",
)

FICTIONAL_MARK = "fictief"
"""A project price whose source says this is a made-up example (the demo), shown as such."""


def field_names() -> dict[str, str]:
    """Dutch names of the core's fields, for messages and chart labels."""
    return {
        "size": _("omvang"),
        "participants": _("aantal deelnemers"),
        "deadweight": _("deadweight (wat ook zonder project gebeurt)"),
        "attribution": _("attributie (aandeel van dit project)"),
        "decay": _("afname per jaar"),
        "cost_factor": _("kostenfactor"),
        "value": _("waarde"),
        "price": _("prijs"),
        "start_year": _("startjaar"),
        "duration": _("looptijd"),
        "amounts": _("bedragen per jaar"),
        "party": _("partij"),
        "beneficiaries": _("wie profiteert"),
        "price_key": _("prijs"),
        "horizon": _("horizon"),
        "discount_rate": _("discontovoet"),
        "displacement": _("verdringing (wat elders verloren gaat)"),
        "group": _("deelnemersgroep"),
    }


@dataclass(frozen=True)
class ElementRef:
    """A chain element as the screens name it."""

    core_id: str
    kind: str
    name: str
    url: str | None
    obj: Any = None

    @property
    def kind_label(self) -> str:
        return {
            INVESTMENT: _("investering"),
            ACTIVITY: _("activiteit"),
            EFFECT: _("effect"),
            PRICE: _("prijs"),
            GROUP: _("deelnemersgroep"),
        }.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        """``effect ‘Minder uithuisplaatsingen’``: for use inside a Dutch sentence."""
        return f"{self.kind_label} ‘{self.name}’"


@dataclass(frozen=True)
class PriceInfo:
    """One price as used in this project, and where its value comes from."""

    key: str
    label: str
    unit: str
    value: Estimate | None  # as used (after indexation / the project's override)
    source: str
    price_year: int | None
    origin: str  # "standaard", "installatie" or "project"
    indexation: str = ""
    index_reason: str = ""
    where_to_find: str = ""
    note: str = ""
    listed_value: Estimate | None = None
    listed_source: str = ""
    override: models.PriceOverride | None = None
    used_by: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def fictional(self) -> bool:
        return self.override is not None and FICTIONAL_MARK in self.source.lower()


@dataclass
class ProjectValuation:
    """A project's chain as core objects, plus the Dutch names and links the screens need."""

    project: Any
    analysis: models.Analysis
    base_year: int
    settings: Settings
    rate_is_default: bool
    chain: Chain
    prices: PriceList
    catalogue: PriceCatalogue
    investments: list[models.Investment]
    activities: list[models.Activity]
    effects: list[models.Effect]
    links: list[models.Link]
    overrides: list[models.PriceOverride]
    groups: list[models.ParticipantGroup] = field(default_factory=list)
    sunk: list[tuple[str, int, float]] = field(default_factory=list)
    elements: dict[str, ElementRef] = field(default_factory=dict)
    price_info: dict[str, PriceInfo] = field(default_factory=dict)
    observed: dict[int, ObservedInput] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.investments or self.effects)

    def ref(self, core_id: str | None) -> ElementRef | None:
        if core_id is None:
            return None
        if core_id in self.elements:
            return self.elements[core_id]
        if core_id in self.price_info:
            info = self.price_info[core_id]
            return ElementRef(core_id, PRICE, info.label, self.prices_url)
        return None

    def name(self, core_id: str | None) -> str:
        ref = self.ref(core_id)
        return ref.label if ref else f"‘{core_id}’"

    @property
    def prices_url(self) -> str:
        return reverse("valuation:prices", args=[self.project.pk])

    def link_rows(self) -> list[dict]:
        """The links with the names of both ends, for tables."""
        return [
            {"link": link, "source": self.name(link.source), "target": self.name(link.target)}
            for link in self.links
        ]

    def parameter_names(self) -> dict[str, str]:
        """Readable names for the core's parameter keys (tornado bars, exports)."""
        names = field_names()
        result: dict[str, str] = {}
        for effect in self.effects:
            for name in ("size", "participants", "deadweight", "attribution", "decay"):
                result[effect_key(effect.core_id, name)] = f"{effect.indicator}: {names[name]}"
        for investment in self.investments:
            result[cost_key(investment.core_id)] = f"{investment.name}: {names['cost_factor']}"
        for key, info in self.price_info.items():
            result[price_key(key)] = f"{info.label}: {names['price']}"
        return result

    def unlinked_streams(self) -> list:
        """Funding streams of the project that no MKBA investment takes its money from: the
        money would otherwise be typed twice, or missed (one source of truth)."""
        linked = {row.funding_stream_id for row in self.investments if row.funding_stream_id}
        return [s for s in self.project.funding_streams.all() if s.pk not in linked]

    def effect_row(self, core_id: str) -> models.Effect | None:
        ref = self.elements.get(core_id)
        return ref.obj if ref and ref.kind == EFFECT else None


def analysis_for(project) -> models.Analysis:
    """The project's MKBA settings, or unsaved defaults (nothing is written on a read)."""
    try:
        return project.valuation_analysis
    except models.Analysis.DoesNotExist:
        return models.Analysis(project=project)


def base_year_of(project, analysis: models.Analysis) -> int:
    """The decision year: the year the analysis looks forward from and the price year.

    The guidance values a decision: what is spent before it is sunk and cannot be changed by
    it. Unset, it is the current year.
    """
    return analysis.base_year or date.today().year


def stream_amounts(row: models.Investment, last_year: int) -> dict[str, object]:
    """The investment's amounts by year: from its funding stream when linked (one source of
    truth for money), else as typed in the MKBA."""
    stream = row.funding_stream
    if stream is None:
        return row.amounts
    spread = funding_core.amounts_by_year(stream.as_core(), last_year)
    return {str(year): float(amount) for year, amount in spread.items()}


def split_sunk(
    row: models.Investment, base_year: int, amounts: dict | None = None
) -> tuple[dict[str, object], list[tuple[str, int, float]]]:
    """The amounts from the decision year on, and the earlier ones as sunk costs (shown apart)."""
    raw = row.amounts if amounts is None else amounts
    try:
        by_year = {int(year): float(amount) for year, amount in raw.items()}
    except (TypeError, ValueError, AttributeError):
        return raw, []  # not numbers: the core's validation names it
    ahead, sunk = split_at_decision_year(by_year, base_year)
    later = {str(base_year + offset): amount for offset, amount in ahead.items()}
    return later, [(row.name, year, amount) for year, amount in sorted(sunk.items())]


def settings_of(analysis: models.Analysis) -> tuple[Settings, bool]:
    if analysis.discount_rate is None:
        return Settings(DEFAULT_DISCOUNT_RATE, int(analysis.horizon)), True
    rate = float(Decimal(analysis.discount_rate) / 100)
    return Settings(rate, int(analysis.horizon)), False


def _estimate(low, likely, high, distribution=Distribution.PERT) -> Estimate:
    likely = float(likely)
    return Estimate(
        likely if low is None else float(low),
        likely,
        likely if high is None else float(high),
        Distribution(distribution),
    )


def _investment(row: models.Investment, base_year: int, amounts_ahead=None) -> Investment:
    raw = row.amounts if amounts_ahead is None else amounts_ahead
    try:
        amounts = {int(year) - base_year: float(amount) for year, amount in raw.items()}
    except (TypeError, ValueError, AttributeError):
        # Not numbers by year (edited outside the forms): the core's validation names it.
        amounts = {0: math.nan}
    factor = Estimate(
        1.0 if row.cost_low is None else row.cost_low,
        1.0,
        1.0 if row.cost_high is None else row.cost_high,
    )
    party, domain = row.party, row.domain
    if row.funding_stream is not None:  # who pays, from which domain: as under Financiering
        party, domain = row.funding_stream.funder.name, row.funding_stream.policy_domain
    return Investment.by_year(
        row.core_id, party, domain, amounts, cost_factor=factor, name=row.name
    )


def _effect(row: models.Effect, base_year: int, observed: ObservedInput | None) -> Effect:
    dist = row.distribution
    # Years before the decision year are sunk: only what is still ahead counts.
    offset = (row.start_year or base_year) - base_year
    duration = row.duration
    if offset < 0 and duration is not None:
        duration = max(duration + offset, 0) or None
        if duration is None:
            offset = 10_000  # over before the decision: outside every horizon
    size = _estimate(row.size_low, row.size_likely, row.size_high, dist)
    participants = _estimate(
        row.participants_low, row.participants_likely, row.participants_high, dist
    )
    source = row.source
    if observed is not None and row.observed:
        size = observed.size
        participants = observed.participants or participants
        source = observed.source or source
    return Effect(
        id=row.core_id,
        indicator=row.indicator,
        price_key=row.price_key,
        size=size,
        participants=participants,
        beneficiaries=[
            BenefitShare(share.party, share.domain, float(share.share))
            for share in row.shares.all()
        ],
        size_kind=SizeKind(row.size_kind),
        start_year=max(0, offset),
        duration=duration,
        # Shares are bounded in [0, 1]: drawn from PERT whatever the effect's own distribution.
        decay=_estimate(row.decay_low, row.decay_likely, row.decay_high),
        deadweight=_estimate(row.deadweight_low, row.deadweight_likely, row.deadweight_high),
        attribution=_estimate(row.attribution_low, row.attribution_likely, row.attribution_high),
        basis=row.basis,
        source=source,
        group=f"g{row.group_id}" if row.group_id else "",
        displacement=_estimate(
            row.displacement_low, row.displacement_likely, row.displacement_high
        ),
        measure=Measure(row.measure),
        transfer=row.transfer,
    )


def _group(row: models.ParticipantGroup) -> ParticipantGroup:
    return ParticipantGroup(
        row.core_id, row.name, _estimate(row.size_low, row.size_likely, row.size_high)
    )


def cpi_factor(catalogue: PriceCatalogue, from_year: int | None, to_year: int) -> float | None:
    """CPI factor from a price year to the base year; 1 when equal, ``None`` without figures."""
    if from_year is None or from_year == to_year:
        return 1.0
    series = catalogue.indices.get("cpi", {})
    if from_year not in series or to_year not in series:
        return None
    return series[to_year] / series[from_year]


def _override_price(
    row: models.PriceOverride,
    listed: Price | None,
    catalogue: PriceCatalogue | None = None,
    base_year: int | None = None,
) -> Price:
    value = (
        None
        if row.value_likely is None
        else _estimate(row.value_low, row.value_likely, row.value_high)
    )
    if value is not None and catalogue is not None and base_year is not None:
        # A project price of another year, in constant prices of the base year (CBS CPI).
        factor = cpi_factor(catalogue, row.price_year, base_year)
        if factor is not None and factor != 1.0:
            value = value.scaled(factor)
    return Price(
        row.key,
        value,
        row.label or (listed.label if listed else row.key),
        row.unit or (listed.unit if listed else ""),
        row.source,
        row.price_year,
    )


def load(
    project, *, price_catalogue: PriceCatalogue | None = None, live: bool = False
) -> ProjectValuation:
    """Read the project's chain and prices and build the core objects (see the module docstring).

    ``live``: the reader may see the project's participant-level data, so observed figures may be
    the live ones; otherwise they are the released ones (``observed_inputs``).

    Raises :class:`~proeftuin.core.valuation.pricelist.PriceListLoadError` when the installation's
    price list is broken; everything else is left to the core's validation.
    """
    price_catalogue = price_catalogue or installation_catalogue()
    language = get_language() or "nl"
    analysis = analysis_for(project)
    base_year = base_year_of(project, analysis)
    settings, rate_is_default = settings_of(analysis)
    pk = project.pk

    investments = list(
        project.value_investments.select_related(
            "party_organisation", "funding_stream", "funding_stream__funder"
        )
    )
    activities = list(project.value_activities.all())
    effects = list(project.value_effects.prefetch_related("shares", "shares__party_organisation"))
    links = list(project.value_links.all())
    groups = list(project.value_groups.all())
    overrides = list(project.value_prices.all())
    observed = observed_inputs(project, live=live)

    elements: dict[str, ElementRef] = {}
    for kind, rows in (
        (INVESTMENT, investments),
        (ACTIVITY, activities),
        (EFFECT, effects),
        (GROUP, groups),
    ):
        for row in rows:
            elements[row.core_id] = ElementRef(
                row.core_id,
                kind,
                str(row),
                reverse("valuation:edit", args=[pk, kind, row.pk]),
                row,
            )

    listed = price_catalogue.to_price_list(base_year=base_year, language=language)
    extra = [
        _override_price(row, listed.get(row.key), price_catalogue, base_year) for row in overrides
    ]
    prices = price_catalogue.to_price_list(base_year=base_year, extra=extra, language=language)

    used_by: dict[str, list[str]] = {}
    for row in effects:
        used_by.setdefault(row.price_key, []).append(row.indicator)
    price_info: dict[str, PriceInfo] = {}
    for entry in price_catalogue.entries.values():
        indexed = price_catalogue.index(entry, base_year)
        price_info[entry.key] = PriceInfo(
            key=entry.key,
            label=entry.label.get(language),
            unit=entry.unit.get(language),
            value=indexed.value,
            source=entry.source,
            price_year=entry.price_year,
            origin="installatie" if entry.overrides else "standaard",
            indexation=entry.indexation,
            index_reason=indexed.reason,
            where_to_find=entry.where_to_find.get(language) if entry.where_to_find else "",
            note=entry.note.get(language) if entry.note else "",
            listed_value=entry.value,
            listed_source=entry.source,
            used_by=tuple(used_by.get(entry.key, ())),
        )
    for row, price in zip(overrides, extra, strict=True):
        before = price_info.get(row.key)
        price_info[row.key] = PriceInfo(
            key=row.key,
            label=price.label,
            unit=price.unit,
            value=price.value,
            source=row.source,
            price_year=row.price_year,
            origin="project",
            indexation="cpi" if row.price_year not in (None, base_year) else "",
            index_reason=""
            if cpi_factor(price_catalogue, row.price_year, base_year) is not None
            else "no_figures",
            where_to_find=before.where_to_find if before else "",
            note=row.note or (before.note if before else ""),
            listed_value=before.listed_value if before else None,
            listed_source=before.listed_source if before else "",
            override=row,
            used_by=tuple(used_by.get(row.key, ())),
        )

    sunk: list[tuple[str, int, float]] = []
    chain_investments = []
    last_year = base_year + settings.horizon - 1
    for row in investments:
        ahead, before = split_sunk(row, base_year, stream_amounts(row, last_year))
        sunk.extend(before)
        chain_investments.append(_investment(row, base_year, ahead))
    chain = Chain(
        investments=chain_investments,
        activities=[Activity(row.core_id, row.name, row.description) for row in activities],
        effects=[_effect(row, base_year, observed.get(row.pk)) for row in effects],
        links=[Link(row.source, row.target, row.assumption) for row in links],
        name=project.name,
        groups=[_group(row) for row in groups],
    )
    return ProjectValuation(
        project=project,
        analysis=analysis,
        base_year=base_year,
        settings=settings,
        rate_is_default=rate_is_default,
        chain=chain,
        prices=prices,
        catalogue=price_catalogue,
        investments=investments,
        activities=activities,
        effects=effects,
        links=links,
        overrides=overrides,
        groups=groups,
        sunk=sunk,
        elements=elements,
        price_info=price_info,
        observed=observed,
    )
