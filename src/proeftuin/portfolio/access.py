"""Tenancy-aware lookups for views: a foreign project is a 404, a missing capability a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from proeftuin.core.access import Capability

from .models import Project


def visible_project(request, pk: int) -> Project:
    """The project if the user's organisation may see it; otherwise 404, never data."""
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related("owner"), pk=pk
    )


def writable(request, project: Project) -> bool:
    """Whether the user's organisation may change ``project`` (the owner, or an edit grant).

    Asked once per request, user and project however many parts of a page ask (the Tel en
    vertel tab asked three times); a new request asks the database again.
    """
    memo = request.__dict__.setdefault("_proeftuin_writable", {})
    key = (request.user.pk, project.pk)
    if key not in memo:
        memo[key] = Project.objects.writable_by(request.user).filter(pk=project.pk).exists()
    return memo[key]


def require(request, capability: Capability, project: Project | None = None) -> None:
    """Raise 403 unless the user's role has ``capability`` (and write access to ``project``)."""
    user = request.user
    write_access = True
    if project is not None:
        if capability in (Capability.SHARE, Capability.ARCHIVE):
            write_access = project.owner_id == user.organisation_id
        else:
            write_access = writable(request, project)
    if not user.can(capability, write_access=write_access):
        raise PermissionDenied


def permissions_for(request, project: Project) -> dict[str, bool]:
    """What the template may offer on this project (buttons shown only when they would work)."""
    user = request.user
    may_write = writable(request, project)
    owner = project.owner_id == user.organisation_id
    return {
        "can_edit": user.can(Capability.EDIT, write_access=may_write),
        "can_decide": user.can(Capability.DECIDE, write_access=may_write),
        "can_archive": user.can(Capability.ARCHIVE, write_access=owner),
        "can_share": user.can(Capability.SHARE, write_access=owner),
    }
