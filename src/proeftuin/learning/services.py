"""The one write path for signals and lessons: every create and every move passes here."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from proeftuin.accounts.models import Organisation, User
from proeftuin.core.access import Capability
from proeftuin.core.learning import lifecycle
from proeftuin.core.learning.taxonomy import Taxonomy, load_taxonomy

from .models import Signal, SignalEvent


def taxonomy() -> Taxonomy:
    return load_taxonomy()


def signals_of(user) -> QuerySet[Signal]:
    """Signals raised in or addressed to the user's organisation; nothing else (tenancy)."""
    if not user.is_authenticated or user.organisation_id is None:
        return Signal.objects.none()
    org = user.organisation_id
    return Signal.objects.filter(Q(organisation_id=org) | Q(addressed_to_id=org))


def addressees_for(user) -> QuerySet[Organisation]:
    """Where the user may send a signal: the own organisation, its partners (either way) and
    the owners of the projects it can see. Never an unrelated organisation."""
    from proeftuin.administration.models import Partnership
    from proeftuin.portfolio.models import Project

    org = user.organisation_id
    ids = {org}
    ids |= set(Partnership.objects.filter(organisation_id=org).values_list("partner_id", flat=True))
    ids |= set(Partnership.objects.filter(partner_id=org).values_list("organisation_id", flat=True))
    ids |= set(Project.objects.visible_to(user).values_list("owner_id", flat=True))
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def may_handle(user, signal: Signal) -> bool:
    """Only the addressee's policy side moves a signal."""
    return signal.addressed_to_id == user.organisation_id and user.can(Capability.HANDLE_SIGNAL)


def handlers_of(organisation_id: int) -> QuerySet[User]:
    """The people of the organisation who may own a signal on the policy side."""
    from proeftuin.core.access import CAPABILITIES, Role

    roles = [r.value for r in Role if Capability.HANDLE_SIGNAL in CAPABILITIES[r]]
    return User.objects.filter(organisation_id=organisation_id, role__in=roles, is_active=True)


@transaction.atomic
def raise_signal(signal: Signal, user, today: date | None = None) -> Signal:
    """Save a new signal for the user's organisation, with its deadline and first event."""
    today = today or timezone.localdate()
    tax = taxonomy()
    signal.organisation_id = user.organisation_id
    if signal.addressed_to_id is None:
        signal.addressed_to_id = user.organisation_id
    signal.raised_by = user
    signal.status = lifecycle.State.SUBMITTED.value
    signal.taxonomy_version = tax.version
    signal.submitted_on = today
    signal.deadline = lifecycle.response_deadline(today, tax.response_days)
    signal.save()
    SignalEvent.objects.create(
        signal=signal, source="", target=signal.status, reason=signal.title, by=user
    )
    index_signal(signal)
    return signal


def index_signal(signal: Signal) -> None:
    from .search import Kind, index

    index(
        Kind.SIGNAL,
        signal.pk,
        title=signal.title,
        body=f"{signal.what}\n{signal.blocker}\n{signal.where}",
        project_id=signal.project_id,
        organisation_id=signal.organisation_id,
        addressed_to_id=signal.addressed_to_id,
    )


def index_lesson(lesson) -> None:
    from .search import Kind, index

    index(
        Kind.LESSON,
        lesson.pk,
        title=lesson.title,
        body=f"{lesson.text}\n{lesson.evidence_text}",
        project_id=lesson.project_id,
    )


@transaction.atomic
def move_signal(signal: Signal, user, target: str, reason: str, owner: User | None) -> Signal:
    """Move a signal one step; raises :class:`lifecycle.TransitionError` when not allowed."""
    locked = Signal.objects.select_for_update().get(pk=signal.pk)
    owner = owner or locked.owner
    if owner is not None and not handlers_of(locked.addressed_to_id).filter(pk=owner.pk).exists():
        raise lifecycle.TransitionError("owner-required")  # only the addressee's policy side
    move = lifecycle.check_move(locked.status, target, reason, str(owner.pk) if owner else "")
    locked.status = move.target.value
    locked.owner = owner
    locked.save()
    SignalEvent.objects.create(
        signal=locked,
        source=move.source.value,
        target=move.target.value,
        reason=move.reason,
        by=user,
    )
    return locked


def save_lesson(lesson, project, user):
    """Save a new lesson of ``project``; the evidence scan must belong to the same project."""
    from .models import Lesson

    assert isinstance(lesson, Lesson)
    if lesson.evidence_assessment_id and lesson.evidence_assessment.project_id != project.pk:
        raise ValueError("evidence from another project")
    lesson.project = project
    lesson.created_by = user
    if lesson.evidence_kind != "scan":
        lesson.evidence_assessment = None
    lesson.save()
    index_lesson(lesson)
    return lesson


def save_close_out(
    project,
    user,
    reason: str,
    outcome: str,
    answers: dict[str, str],
    expected_version: int | None = None,
):
    """Create or update the project's end evaluation (one per project).

    An existing evaluation is only changed against the version its editor saw (a missing version
    counts as stale): two people finishing the form at once must not silently overwrite each
    other. Raises :class:`~proeftuin.common.versioning.StaleEdit`."""
    from proeftuin.common.versioning import StaleEdit

    from .models import CloseOut

    close_out = CloseOut.objects.select_for_update().filter(project=project).first()
    if close_out is None:
        return CloseOut.objects.create(
            project=project,
            reason=reason,
            outcome=outcome,
            answers=answers,
            created_by=user,
        )
    if expected_version is None or expected_version != close_out.version:
        raise StaleEdit
    close_out.reason = reason
    close_out.outcome = outcome
    close_out.answers = answers
    close_out.version += 1
    close_out.save()
    return close_out
