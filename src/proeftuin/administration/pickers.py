"""Which organisations a picker may offer to a user of one tenant.

An organisation is pickable when it is the user's own, a partner the beheerder added
(:class:`~proeftuin.administration.models.Partnership`), or already linked to one of the own
organisation's projects (coalition member, funder, grant) or to the project being edited. Other
municipalities' partners stay out of the list.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from proeftuin.accounts.models import Organisation

from .models import Partnership


def pickable_organisations(organisation_id: int | None, project=None) -> QuerySet[Organisation]:
    """The organisations a user of ``organisation_id`` may choose, optionally for ``project``."""
    from proeftuin.portfolio.models import CoalitionMember, FundingStream, Project, ProjectGrant

    if organisation_id is None:
        return Organisation.objects.none()
    scope = Q(owner_id=organisation_id)
    if project is not None and project.pk:
        scope |= Q(pk=project.pk)
    projects = Project.objects.filter(scope).values("pk")
    linked = (
        Q(pk=organisation_id)
        | Q(pk__in=Partnership.objects.filter(organisation_id=organisation_id).values("partner_id"))
        | Q(pk__in=projects.values("owner_id"))
        | Q(pk__in=CoalitionMember.objects.filter(project__in=projects).values("organisation_id"))
        | Q(pk__in=FundingStream.objects.filter(project__in=projects).values("funder_id"))
        | Q(pk__in=ProjectGrant.objects.filter(project__in=projects).values("organisation_id"))
    )
    return Organisation.objects.filter(linked).order_by("name")
