"""The beheerder's door and the tenant scope of every beheer query."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from proeftuin.accounts.models import RoleRequest, User
from proeftuin.core.access import Capability
from proeftuin.monitoring.models import AccessLog
from proeftuin.portfolio.models import Project, ProjectGrant


def beheerder_required(view: Callable) -> Callable:
    """Logged in, active, with an organisation and the ADMIN capability; otherwise 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.can(Capability.ADMIN):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def colleagues(user: User) -> QuerySet[User]:
    """Users a beheerder may manage: the own organisation's, never an installation superuser and
    never a token's machine account (it has no password; the token screen manages it)."""
    return User.objects.filter(
        organisation_id=user.organisation_id, is_superuser=False, api_token__isnull=True
    )


def own_projects(user: User) -> QuerySet[Project]:
    return Project.objects.filter(owner_id=user.organisation_id).order_by("name")


def outgoing_grants(user: User) -> QuerySet[ProjectGrant]:
    """Shares of the own organisation's projects: the ones the beheerder may revoke."""
    return ProjectGrant.objects.filter(project__owner_id=user.organisation_id).select_related(
        "project", "organisation", "granted_by"
    )


def incoming_grants(user: User) -> QuerySet[ProjectGrant]:
    """Projects of other organisations shared with the own organisation (read only here)."""
    return ProjectGrant.objects.filter(organisation_id=user.organisation_id).select_related(
        "project", "project__owner", "granted_by"
    )


def access_log(user: User) -> QuerySet[AccessLog]:
    """Log rows about the own organisation's data, or made by its users; nothing else."""
    org = user.organisation_id
    # organisation_key stays when the user is deleted; the subject when the participant is erased.
    return AccessLog.objects.filter(
        Q(organisation_key=str(org))
        | Q(project__owner_id=org)
        | Q(participant__organisation_id=org)
        | Q(user__organisation_id=org)
    ).select_related("project", "participant")


def role_requests(user: User) -> QuerySet[RoleRequest]:
    """Requests for roles with four eyes in the own organisation, newest first."""
    return RoleRequest.objects.filter(organisation_id=user.organisation_id).select_related("user")
