"""Owners, statuses and reminders of plan actions, and the private calendar feed (issue 11 item 5)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar
from integration_support import form_data, login
from test_sustainability import set_cliff

from proeftuin.agenda.models import ActionReminder, CalendarToken
from proeftuin.agenda.tokens import digest
from proeftuin.sustainability.models import ContinuationPlan, PlanAction

TODAY = timezone.localdate()


@pytest.fixture
def adviser(users):
    return login(users[("own", "beleidsadviseur")])


def action_url(project, action=None) -> str:
    base = f"/verduurzaming/{project.pk}/acties"
    return f"{base}/{action.pk}/bewerken/" if action else f"{base}/nieuw/"


# --- owner, status, due date ---------------------------------------------------------------------


def test_an_action_gets_a_user_owner_a_due_date_and_a_status(adviser, users, own_project):
    owner = users[("own", "projectleider")]
    response = adviser.post(
        action_url(own_project),
        {
            "text": "Gesprek met de wethouder",
            "owner_choice": f"user:{owner.pk}",
            "owner": "",
            "due_date": (TODAY + timedelta(days=10)).isoformat(),
            "status": "bezig",
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get(plan__project=own_project)
    assert action.owner_user == owner and action.status == "bezig" and action.is_open
    assert action.owner_label == owner.username
    page = adviser.get(f"/verduurzaming/{own_project.pk}/").content.decode()
    assert owner.username in page and "Bezig" in page

    # A partner without an account is a name; "vervallen" closes the action without "klaar".
    edit = adviser.get(action_url(own_project, action))
    response = adviser.post(
        action_url(own_project, action),
        form_data(edit, owner_choice="", owner="Woningcorporatie Thuis", status="vervallen"),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner_user is None and action.owner_label == "Woningcorporatie Thuis"
    assert not action.is_open and not action.done
    assert action.history.count() == 2  # versioned: every change is in the history


def test_a_user_of_another_tenant_cannot_own_an_action(adviser, users, own_project):
    stranger = users[("foreign", "projectleider")]
    response = adviser.post(
        action_url(own_project),
        {"text": "Iets", "owner_choice": f"user:{stranger.pk}", "status": "open"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner_choice"]
    assert not PlanAction.objects.filter(plan__project=own_project).exists()


def test_a_stale_edit_of_an_action_is_refused(adviser, users, own_project):
    plan = ContinuationPlan.objects.create(project=own_project)
    action = PlanAction.objects.create(plan=plan, text="Begroting", status="open")
    first = adviser.get(action_url(own_project, action))
    other = login(users[("own", "projectleider")])
    second = other.get(action_url(own_project, action))
    assert (
        adviser.post(action_url(own_project, action), form_data(first, status="klaar"))
    ).status_code == 302
    response = other.post(action_url(own_project, action), form_data(second, status="vervallen"))
    assert response.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "klaar"


def test_adopted_actions_do_not_all_share_one_date(adviser, own_project):
    """The finding: all nine actions of one advice had a single date. Now they are spread."""
    set_cliff(own_project, 8)
    advice = adviser.get(f"/verduurzaming/{own_project.pk}/").context["advice"]
    shared = [a.due for a in advice.actions]
    assert len(shared) >= 2 and len(set(shared)) < len(shared)  # the advice shares dates
    adviser.post(f"/verduurzaming/{own_project.pk}/advies-overnemen/")
    actions = list(PlanAction.objects.filter(plan__project=own_project).order_by("position"))
    dues = [a.due_date for a in actions]
    assert len(set(dues)) == len(dues)
    for action, advised in zip(actions, shared, strict=True):
        assert TODAY < action.due_date <= advised  # never later than the advice says
    # Within one advised date the order of the advice is kept.
    for day in set(shared):
        mine = [a.due_date for a, d in zip(actions, shared, strict=True) if d == day]
        assert mine == sorted(mine) and mine[-1] == day


# --- reminders ---------------------------------------------------------------------------------------


@pytest.fixture
def owned(users, own_project, foreign_project):
    """Actions of two owners in the own tenant, in every state."""
    anna = users[("own", "projectleider")]
    anna.email, anna.first_name, anna.last_name = "anna@voorbeeldstad.nl", "Anna", "Jansen"
    anna.save()
    bert = users[("own", "professional")]  # no e-mail address
    plan = ContinuationPlan.objects.create(project=own_project)

    def make(text, days, owner=anna, status="open", project_plan=plan):
        return PlanAction.objects.create(
            plan=project_plan,
            text=text,
            owner_user=owner,
            due_date=TODAY + timedelta(days=days),
            status=status,
        )

    foreign_plan = ContinuationPlan.objects.create(project=foreign_project)
    return {
        "anna": anna,
        "overdue": make("Begroting indienen", -3),
        "soon": make("Gesprek zorgverzekeraar", 5, status="bezig"),
        "later": make("Evaluatie laten doen", 30),
        "done": make("Klaar ding", 1, status="klaar"),
        "lapsed": make("Vervallen ding", 1, status="vervallen"),
        "bert": make("Bert zijn actie", 2, owner=bert),
        # Anna cannot see the foreign project: its action is never in her mail or calendar.
        "foreign": make("Elders geheim", 1, project_plan=foreign_plan),
    }


def run_remind(*args: str) -> str:
    out = io.StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_one_reminder_per_owner_with_overdue_and_soon_due_actions(owned, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = run_remind("--days", "7")
    assert "sent=1" in out and "without_email=1" in out
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@voorbeeldstad.nl"]
    assert "2 acties" in message.subject
    body = message.body
    assert "Beste Anna Jansen" in body
    assert body.index("Te laat:") < body.index("Begroting indienen") < body.index("Binnenkort:")
    assert "Gesprek zorgverzekeraar" in body
    for absent in ("Evaluatie laten doen", "Klaar ding", "Vervallen ding", "Elders geheim"):
        assert absent not in body
    assert f"/verduurzaming/{owned['soon'].plan.project_id}/" in body
    record = ActionReminder.objects.get(user=owned["anna"])
    assert sorted(record.action_ids) == sorted([owned["overdue"].pk, owned["soon"].pk])


def test_reminders_are_idempotent_per_day(owned, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_remind()
    out = run_remind()
    assert "sent=0" in out and "already_sent_today=1" in out
    assert len(mail.outbox) == 1
    # The next day the owner hears again (the overdue action is still open).
    out = run_remind("--today", (TODAY + timedelta(days=1)).isoformat())
    assert "sent=1" in out and len(mail.outbox) == 2


def test_a_dry_run_sends_and_records_nothing(owned, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = run_remind("--dry-run")
    assert "anna@voorbeeldstad.nl" in out and "sent=0" in out
    assert mail.outbox == [] and not ActionReminder.objects.exists()


# --- the calendar feed ---------------------------------------------------------------------------------


def make_link(http) -> str:
    response = http.post("/agenda/")
    assert response.status_code == 200
    url = response.context["new_url"]
    assert url.startswith("http://testserver/agenda/") and url.endswith(".ics")
    return url.removeprefix("http://testserver")


def events(http, path) -> dict[str, object]:
    response = http.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_calendar_feed_holds_decisions_cliffs_and_actions_of_visible_projects(
    owned, users, own_project, shared_project, client
):
    plan = owned["overdue"].plan
    plan.deadline = TODAY + timedelta(days=60)
    plan.save()
    anna = owned["anna"]
    http = login(anna)
    path = make_link(http)
    found = events(client, path)  # no session: the token is the key
    assert f"plan-deadline-{plan.pk}@proeftuin" in found
    stream = own_project.funding_streams.get()
    cliff = found[f"funding-end-{stream.pk}@proeftuin"]
    assert cliff.decoded("DTSTART") == stream.end_date
    assert "Transformatiefonds" in str(cliff["SUMMARY"])
    decision = own_project.decisions.get()  # decided on 1 June 2025: older than a year
    assert f"decision-{decision.pk}@proeftuin" not in found
    decision.decided_on = TODAY - timedelta(days=10)
    decision.save()
    assert f"decision-{decision.pk}@proeftuin" in events(client, path)
    mine = found[f"plan-action-{owned['soon'].pk}@proeftuin"]
    assert str(mine["SUMMARY"]).startswith("Uw actie:")
    assert mine.decoded("DTSTART") == owned["soon"].due_date
    # Another owner's open action is there too (visible project), closed ones are not.
    assert f"plan-action-{owned['bert'].pk}@proeftuin" in found
    for closed in ("done", "lapsed"):
        assert f"plan-action-{owned[closed].pk}@proeftuin" not in found
    # The project shared with the tenant is in; the foreign project is not.
    shared_stream = shared_project.funding_streams.get()
    assert f"funding-end-{shared_stream.pk}@proeftuin" in found
    assert f"plan-action-{owned['foreign'].pk}@proeftuin" not in found
    texts = " ".join(
        f"{e['SUMMARY']} {e['DESCRIPTION']}" for e in events(client, path).values()
    )  # parsed, so a folded line cannot hide a name
    assert "Eén gezin" in texts
    assert "Project Elders" not in texts and "Elders geheim" not in texts


def test_calendar_token_is_stored_hashed_and_can_be_replaced_and_revoked(owned, client):
    anna = owned["anna"]
    http = login(anna)
    first = make_link(http)
    token = first.removeprefix("/agenda/").removesuffix(".ics")
    stored = CalendarToken.objects.get(user=anna)
    assert stored.token_hash == digest(token) and token not in stored.token_hash
    # The page does not show the link again.
    assert token not in http.get("/agenda/").content.decode()
    second = make_link(http)
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert http.post("/agenda/intrekken/").status_code == 302
    assert client.get(second).status_code == 404
    assert not CalendarToken.objects.filter(user=anna).exists()


def test_a_deactivated_users_feed_stops(owned, client):
    anna = owned["anna"]
    path = make_link(login(anna))
    anna.is_active = False
    anna.save()
    assert client.get(path).status_code == 404


def test_an_unknown_token_is_404(client, db):
    assert client.get("/agenda/niet-geldig.ics").status_code == 404


def test_admin_shows_plans_with_owned_actions_and_the_agenda_rows(owned, client):
    from proeftuin.accounts.models import User

    admin_user = User.objects.create_superuser("root", "root@example.org", "x-very-long-pass")
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    plan = owned["overdue"].plan
    page = client.get(f"/django-beheer/sustainability/continuationplan/{plan.pk}/change/")
    assert page.status_code == 200
    assert "Begroting indienen" in page.content.decode()
    for path in ("agenda/calendartoken/", "agenda/actionreminder/"):
        assert client.get(f"/django-beheer/{path}").status_code == 200
