"""Who may see and change Tel en vertel data, on top of the portfolio's tenancy rules.

- Aggregated, suppressed figures (the tab, the portfolio comparison, the API, the effect
  exports): anyone who can see the project (exports need ``EXPORT``).
- Participant-level data (participant pages, the entry screen, row exports): the role needs
  ``PARTICIPANT_DATA`` **and** the organisation needs write access to the project (the owner, or an
  edit grant). A read-only share never opens participant data.
- Changing data (measurements, stories, imports): ``MONITOR``, a write capability.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from proeftuin.core.access import Capability
from proeftuin.portfolio.access import require, visible_project, writable
from proeftuin.portfolio.models import Project


def may_see_participants(request, project: Project) -> bool:
    return request.user.can(Capability.PARTICIPANT_DATA) and writable(request, project)


def may_monitor(request, project: Project) -> bool:
    return request.user.can(Capability.MONITOR, write_access=writable(request, project))


def participant_project(request, pk: int) -> Project:
    """The project, when the user may see its participant-level data (else 404/403)."""
    project = visible_project(request, pk)
    if not may_see_participants(request, project):
        raise PermissionDenied
    return project


def monitor_project(request, pk: int) -> Project:
    """The project, when the user may record data in it (else 404/403)."""
    project = visible_project(request, pk)
    require(request, Capability.MONITOR, project)
    return project


def permissions(request, project: Project) -> dict[str, bool]:
    return {
        "can_monitor": may_monitor(request, project),
        "can_see_participants": may_see_participants(request, project),
        "can_export": request.user.can(Capability.EXPORT),
    }
