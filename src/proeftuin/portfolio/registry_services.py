"""The one write path for registry partners and for CBS neighbourhood lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from proeftuin.accounts.models import Organisation
from proeftuin.administration.models import Partnership
from proeftuin.core import cbs_areas

from .models import Neighbourhood
from .registry import Municipality, PartnerOrganisation


@transaction.atomic
def save_partner(form, user) -> PartnerOrganisation:
    """Save a registry partner and make it pickable as funder or coalition member.

    The partner stands for an Organisation row with the same name (found or made), which the
    existing funder and coalition pickers offer through a Partnership with the tenant.
    """
    partner: PartnerOrganisation = form.save(commit=False)
    kind = PartnerOrganisation.IDENTITY_KIND.get(partner.kind, Organisation.Kind.RESIDENTS)
    identity, _created = Organisation.objects.get_or_create(
        name=partner.name, defaults={"kind": kind}
    )
    partner.identity = identity
    partner.save()
    if identity.pk != partner.organisation_id:
        Partnership.objects.get_or_create(
            organisation_id=partner.organisation_id,
            partner=identity,
            defaults={"added_by": user},
        )
    return partner


@dataclass(frozen=True)
class AreaImport:
    created: int
    updated: int
    unchanged: int
    problems: tuple[cbs_areas.Problem, ...]


def import_areas(municipality: Municipality, text: str, *, apply: bool = True) -> AreaImport:
    """Bring the wijken and buurten of a CBS CSV into the municipality's list, all or nothing.

    Idempotent: a code already in the list is updated (name, parent) or left alone. A row without
    a code of the same name (from before the list had codes) gets the code instead of a twin.
    With problems nothing is written.
    """
    areas, problems = cbs_areas.read(text, municipality.cbs_code)
    if problems or not apply:
        return AreaImport(0, 0, 0, tuple(problems))
    created = updated = unchanged = 0
    org = municipality.organisation_id
    with transaction.atomic():
        by_code = {
            n.cbs_code: n
            for n in Neighbourhood.objects.filter(organisation_id=org, cbs_code__gt="")
        }
        for area in areas:  # wijken first, so a buurt finds its parent
            parent = by_code.get(area.parent) if area.parent else None
            row = by_code.get(area.code)
            if row is None:
                row = Neighbourhood.objects.filter(
                    organisation_id=org, cbs_code="", name__iexact=area.name
                ).first()
            if row is None:
                row = Neighbourhood(organisation_id=org)
                created += 1
            elif (
                row.cbs_code == area.code
                and row.name == area.name
                and row.kind == area.kind
                and row.parent_id == (parent.pk if parent else None)
                and row.municipality_id == municipality.pk
            ):
                unchanged += 1
                continue
            else:
                updated += 1
            row.cbs_code, row.name, row.kind = area.code, area.name, area.kind
            row.municipality, row.parent = municipality, parent
            row.save()
            by_code[area.code] = row
    return AreaImport(created, updated, unchanged, ())
