"""The calendar feed of one user: decision dates, funding cliffs and plan actions (iCalendar).

Scoped like every screen: only projects ``Project.objects.visible_to(user)`` returns, without
archived ones. Events are whole days; their UIDs are stable so a calendar app updates an event
when its date changes instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from proeftuin.portfolio.models import Project
from proeftuin.sustainability.models import OPEN_STATUSES, PlanAction

#: Past events older than this are left out, so the feed stays small.
HISTORY_DAYS = 365


def _base_url() -> str:
    return getattr(settings, "PROEFTUIN_BASE_URL", "").rstrip("/")


def _event(uid: str, day: date, summary: str, description: str, url: str, stamp: datetime):
    event = Event()
    event.add("uid", f"{uid}@proeftuin")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy block in the agenda
    if url:
        event.add("url", url)
    return event


def build_calendar(user, today: date) -> bytes:
    """The user's feed as iCalendar bytes."""
    stamp = datetime.now(UTC).replace(microsecond=0)
    since = today - timedelta(days=HISTORY_DAYS)
    base = _base_url()
    cal = Calendar()
    cal.add("prodid", "-//Proeftuin//Agenda//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Proeftuin: beslisdata, financieringsklif en acties"))
    projects = (
        Project.objects.visible_to(user)
        .filter(archived_at__isnull=True)
        .prefetch_related("funding_streams", "funding_streams__funder", "decisions")
        .select_related("continuation_plan")
    )
    visible_ids = []
    for project in projects:
        visible_ids.append(project.pk)
        plan = getattr(project, "continuation_plan", None)
        if plan is not None and plan.deadline and plan.deadline >= since:
            cal.add_component(
                _event(
                    f"plan-deadline-{plan.pk}",
                    plan.deadline,
                    _("Beslisdatum voortzetting: %(project)s") % {"project": project.name},
                    _("Uiterlijk op deze datum valt het besluit over voortzetting.")
                    + (f" {plan.owner}" if plan.owner else ""),
                    base + reverse("sustainability:plan", args=[project.pk]),
                    stamp,
                )
            )
        for decision in project.decisions.all():
            if decision.decided_on and decision.decided_on >= since:
                cal.add_component(
                    _event(
                        f"decision-{decision.pk}",
                        decision.decided_on,
                        _("Besluit: %(kind)s (%(project)s)")
                        % {"kind": decision.get_kind_display(), "project": project.name},
                        f"{decision.decided_by}: {decision.rationale}",
                        base + reverse("portfolio:decisions", args=[project.pk]),
                        stamp,
                    )
                )
        for stream in project.funding_streams.all():
            if stream.end_date is None or stream.end_date < since or stream.as_core().structural:
                continue
            cal.add_component(
                _event(
                    f"funding-end-{stream.pk}",
                    stream.end_date,
                    _("Einde financiering: %(stream)s (%(project)s)")
                    % {"stream": stream.label, "project": project.name},
                    _("Incidenteel geld van %(funder)s stopt. Is er een plan voor daarna?")
                    % {"funder": stream.funder.name},
                    base + reverse("portfolio:funding", args=[project.pk]),
                    stamp,
                )
            )
    actions = PlanAction.objects.filter(
        plan__project_id__in=visible_ids,
        status__in=OPEN_STATUSES,
        due_date__isnull=False,
        due_date__gte=since,
    ).select_related("plan__project", "owner_user", "owner_partner")
    for action in actions:
        project = action.plan.project
        owner = action.owner_label
        mine = action.owner_user_id == user.pk
        cal.add_component(
            _event(
                f"plan-action-{action.pk}",
                action.due_date,
                (_("Uw actie: %(text)s") if mine else _("Actie: %(text)s"))
                % {"text": action.text[:80]},
                "\n".join(
                    part
                    for part in (
                        action.text,
                        _("Project: %(project)s") % {"project": project.name},
                        _("Eigenaar: %(owner)s") % {"owner": owner} if owner else "",
                        _("Status: %(status)s") % {"status": action.get_status_display()},
                    )
                    if part
                ),
                base + reverse("sustainability:plan", args=[project.pk]),
                stamp,
            )
        )
    return cal.to_ical()
