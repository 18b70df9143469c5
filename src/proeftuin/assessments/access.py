"""Who may start, rate and finalise an assessment.

The role must have :attr:`Capability.ASSESS` (beheerder, beleidsadviseur, projectleider,
onderzoeker), and the project must be visible to the user's organisation. On top of that:

* a **self-scan** is the project's own scan: starting, rating and finalising it need write access
  to the project (the owner, or an organisation with an "edit" grant);
* an **external scan** is an evaluator's: anyone with ASSESS who can see the project but has no
  write access to it may start one (an onderzoeker of a knowledge institute holding a read grant,
  say). It belongs to the organisation that started it; only that organisation's raters rate and
  finalise it, so the project's own people can neither change an evaluator's judgement nor
  present their own judgement as an external one.

Everyone who can see the project can read every assessment of it. A finalised assessment is
locked for everyone.
"""

from __future__ import annotations

from proeftuin.core.access import Capability
from proeftuin.portfolio.models import Project

from .models import Assessment


def has_write_access(user, project: Project) -> bool:
    return Project.objects.writable_by(user).filter(pk=project.pk).exists()


def can_start(user, project: Project, kind: str | None = None) -> bool:
    """Whether the user may start an assessment (of ``kind``, or of any kind) on the project."""
    if not user.can(Capability.ASSESS):
        return False
    if kind == Assessment.Kind.SELF:
        return has_write_access(user, project)
    if kind == Assessment.Kind.EXTERNAL:
        return not has_write_access(user, project)
    return True


def may_rate(user, assessment: Assessment) -> bool:
    """Whether the user is one of the assessment's possible raters (locked or not)."""
    if not user.can(Capability.ASSESS):
        return False
    if assessment.kind == Assessment.Kind.SELF:
        return has_write_access(user, assessment.project)
    return user.organisation_id == assessment.organisation_id


def can_rate(user, assessment: Assessment) -> bool:
    """Whether the user may rate (and finalise) the assessment now."""
    return assessment.is_open and may_rate(user, assessment)


def can_export(user) -> bool:
    return user.can(Capability.EXPORT)
