"""The daily reminder: one e-mail per owner with their overdue and soon-due plan actions.

``proeftuin remind`` runs :func:`send_reminders` once a day (cron or a systemd timer, see
docs/operations.md). It is idempotent per day: an owner who already got today's message gets no
second one, however often the command runs. Only actions on projects the owner may still see
are named, and only owners with an e-mail address and an active account are written to.

A partner from the registry has no account and the registry holds no e-mail address: a
partner's action is reminded to the person who created it (the first person in its history). When
no creator can be written to about it (an import or a script made it, or the creator left, moved to
another organisation or has no e-mail address), the projectleiders of the project's owner hear of
it instead: a partner's action must not go unreminded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from proeftuin.core.access import Role
from proeftuin.core.agenda import ActionDue, Reminder, reminders
from proeftuin.portfolio.models import Project
from proeftuin.sustainability.models import OPEN_STATUSES, PlanAction

from .models import ActionReminder

DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Outcome:
    sent: int
    already_sent: int
    no_address: int


def _creators(action_ids: list[int]) -> dict[int, int]:
    """Action id → the user who created it: the earliest history row that names a person."""
    creators: dict[int, int] = {}
    rows = (
        PlanAction.history.filter(id__in=action_ids, history_user__isnull=False)
        .order_by("history_date", "history_id")
        .values_list("id", "history_user_id")
    )
    for action_id, user_id in rows:
        creators.setdefault(action_id, user_id)
    return creators


def _candidates(today: date, days: int) -> list[ActionDue]:
    rows = PlanAction.objects.filter(
        Q(owner_user__isnull=False, owner_user__is_active=True) | Q(owner_partner__isnull=False),
        status__in=OPEN_STATUSES,
        due_date__isnull=False,
        plan__project__archived_at__isnull=True,
    ).select_related("plan__project", "owner_partner")
    rows = list(rows)
    creators = _creators([a.pk for a in rows if a.owner_user_id is None])
    reachable = _reachable_creators(rows, creators)
    leaders = _projectleiders(
        {a.plan.project.owner_id for a in rows if a.owner_user_id is None and a.pk not in reachable}
    )
    due = []
    for a in rows:
        project = a.plan.project
        partner = a.owner_partner.name if a.owner_user_id is None else ""
        if not partner:
            recipients = [a.owner_user_id]
        elif a.pk in reachable:
            recipients = [creators[a.pk]]
        else:
            recipients = leaders.get(project.owner_id, [])
        due.extend(
            ActionDue(a.pk, r, a.due_date, a.text, project.name, project.pk, partner)
            for r in recipients
        )
    return due


def _reachable_creators(rows: list[PlanAction], creators: dict[int, int]) -> set[int]:
    """The partner actions whose creator can be written to about them: an active account with
    an e-mail address that still sees the project (else the projectleiders are, not no one)."""
    projects: dict[int, set[int]] = {}
    for a in rows:
        if a.pk in creators:
            projects.setdefault(creators[a.pk], set()).add(a.plan.project_id)
    users = get_user_model().objects.filter(pk__in=projects, is_active=True).exclude(email="")
    seen = {user.pk: _visible_projects(user, projects[user.pk]) for user in users}
    return {
        a.pk for a in rows if a.pk in creators and a.plan.project_id in seen.get(creators[a.pk], ())
    }


def _visible_projects(user, among: set[int] | None = None) -> set[int]:
    """The ids of the projects (of ``among``, if given) that ``user`` may see today: an owner
    or creator who lost access to a project is not written to about it."""
    projects = Project.objects.visible_to(user)
    if among is not None:
        projects = projects.filter(pk__in=among)
    return set(projects.values_list("pk", flat=True))


def _projectleiders(organisations: set[int]) -> dict[int, list[int]]:
    """Organisation id → its active projectleiders (whose role is not waiting for approval)."""
    leaders: dict[int, list[int]] = {}
    rows = (
        get_user_model()
        .objects.filter(
            organisation_id__in=organisations,
            role=Role.PROJECTLEIDER,
            role_pending=False,
            is_active=True,
        )
        .order_by("pk")
        .values_list("organisation_id", "pk")
    )
    for organisation, user in rows:
        leaders.setdefault(organisation, []).append(user)
    return leaders


def _message(user, reminder: Reminder, today: date) -> tuple[str, str]:
    base = getattr(settings, "PROEFTUIN_BASE_URL", "").rstrip("/")
    context = {
        "user": user,
        "overdue": reminder.overdue,
        "due_soon": reminder.due_soon,
        "today": today,
        "links": {
            a.project_id: base + reverse("sustainability:plan", args=[a.project_id])
            for a in (*reminder.overdue, *reminder.due_soon)
        },
    }
    n = len(reminder.action_ids)
    subject = translation.ngettext(
        "Proeftuin: %(n)d actie vraagt uw aandacht",
        "Proeftuin: %(n)d acties vragen uw aandacht",
        n,
    ) % {"n": n}
    return subject, render_to_string("agenda/reminder_email.txt", context)


def send_reminders(
    today: date, days: int = DEFAULT_DAYS, *, dry_run: bool = False
) -> tuple[Outcome, list[tuple[str, str]]]:
    """Send today's reminders. Returns the counts and (address, subject) of each message."""
    users = get_user_model().objects.select_related("organisation")
    sent, already, no_address = 0, 0, 0
    messages: list[tuple[str, str]] = []
    for reminder in reminders(_candidates(today, days), today, days):
        user = users.get(pk=reminder.owner_id)
        visible = _visible_projects(user)
        scoped = Reminder(
            reminder.owner_id,
            tuple(a for a in reminder.overdue if a.project_id in visible),
            tuple(a for a in reminder.due_soon if a.project_id in visible),
        )
        if not scoped.action_ids:
            continue
        if not user.email:
            no_address += 1
            continue
        if ActionReminder.objects.filter(user=user, sent_on=today).exists():
            already += 1
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _message(user, scoped, today)
        messages.append((user.email, subject))
        if dry_run:
            continue
        try:
            with transaction.atomic():
                # Recorded first: a second run the same day finds the row and sends nothing.
                ActionReminder.objects.create(
                    user=user, sent_on=today, action_ids=scoped.action_ids
                )
                send_mail(subject, body, None, [user.email])
        except IntegrityError:  # a parallel run got there first
            already += 1
            messages.pop()
            continue
        sent += 1
    return Outcome(sent, already, no_address), messages
