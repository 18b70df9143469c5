"""Demo data for the registry (issue 11): the municipality with its CBS code, coded
neighbourhoods, a few registry partners and one *nieuw voor oud* entry.

Voorbeeldstad is fictional, so it gets the unused code GM9999; its wijken get the codes WK0999xx
that the demo statistics and the demo map use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from proeftuin.accounts.models import Organisation
from proeftuin.administration.models import Partnership

from .models import Neighbourhood, Project
from .registry import Municipality, NewForOldEntry, PartnerOrganisation

CODE = "GM9999"
#: Registry partners: (name, kind, KvK number or "").
PARTNERS = [
    ("Politie Eenheid Voorbeeldland", "politie", ""),
    ("Zorgverzekeraar Zekerheid", "verzekeraar", "30000001"),
    ("Bakkerij De Korenschoof", "bedrijf", "30000002"),
]
LEDGER_PROJECT = "Werkplaats Westeinde"


def add_demo_registry(municipality_name: str, today: date, order: Sequence[str] = ()) -> None:
    """The registry, CBS codes and the *nieuw voor oud* ledger of the demo. ``order`` lists the
    neighbourhoods in the order of the demo's statistics and map (``WK0999nn``), so the
    monitor, the map and the portfolio speak of one area by one code."""
    tenant = Organisation.objects.get(name=municipality_name)
    city, _ = Municipality.objects.get_or_create(
        organisation=tenant, cbs_code=CODE, defaults={"name": "Voorbeeldstad"}
    )
    hoods = Neighbourhood.objects.filter(organisation=tenant, cbs_code="").order_by("name")
    for index, hood in enumerate(hoods, start=1):
        code = f"WK0999{order.index(hood.name) + 1:02d}" if hood.name in order else None
        hood.municipality, hood.kind = city, "wijk"
        hood.cbs_code = code or f"WK9999{index:02d}"
        hood.save()
    vogelbuurt = Neighbourhood.objects.filter(organisation=tenant, name="Vogelbuurt").first()
    if vogelbuurt is not None:
        for index, name in enumerate(("Merelhof", "Spreeuwenpark"), start=1):
            Neighbourhood.objects.get_or_create(
                organisation=tenant,
                cbs_code=f"BU{vogelbuurt.cbs_code[2:]}{index:02d}",
                defaults={
                    "name": name,
                    "kind": "buurt",
                    "parent": vogelbuurt,
                    "municipality": city,
                },
            )
    Project.objects.filter(owner=tenant, municipality__isnull=True).update(municipality=city)
    for name, kind, kvk in PARTNERS:
        identity, _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": PartnerOrganisation.IDENTITY_KIND[kind]}
        )
        PartnerOrganisation.objects.get_or_create(
            organisation=tenant,
            name=name,
            defaults={"kind": kind, "kvk_number": kvk, "municipality": city, "identity": identity},
        )
        Partnership.objects.get_or_create(organisation=tenant, partner=identity)
    project = Project.objects.filter(owner=tenant, name=LEDGER_PROJECT).first()
    if project is not None and not NewForOldEntry.objects.filter(organisation=tenant).exists():
        entry = NewForOldEntry.objects.create(
            organisation=tenant,
            municipality=city,
            budget_line="Re-integratietrajecten via externe bureaus",
            policy_domain="participatie",
            change=NewForOldEntry.Change.REDUCED,
            amount_per_year=Decimal("85000"),
            since=date(today.year, 1, 1),
            note="Minder inkoop van trajecten; de werkplaats doet dit werk nu zelf.",
        )
        entry.projects.add(project)
