"""Plan actions owned by a partner from the registry, and who may own an action (issue 11 item 5)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar
from integration_support import form_data, login

from proeftuin.api import tokens
from proeftuin.portfolio.registry import PartnerOrganisation
from proeftuin.sustainability.models import ContinuationPlan, PlanAction

TODAY = timezone.localdate()


@pytest.fixture
def adviser(users):
    return login(users[("own", "beleidsadviseur")])


@pytest.fixture
def partner(own_org):
    return PartnerOrganisation.objects.create(
        organisation=own_org,
        name="Woningcorporatie Thuis",
        kind="woningcorporatie",
        identity=own_org,
    )


@pytest.fixture
def foreign_partner(foreign_org):
    return PartnerOrganisation.objects.create(
        organisation=foreign_org, name="Hun geheime partner", kind="bedrijf", identity=foreign_org
    )


def new_url(project) -> str:
    return f"/verduurzaming/{project.pk}/acties/nieuw/"


def choice_values(response) -> dict[str, list[str]]:
    """The owner select's option values per optgroup label."""
    groups: dict[str, list[str]] = {}
    for label, options in response.context["form"].fields["owner_choice"].choices:
        if isinstance(options, list | tuple):
            groups[str(label)] = [str(value) for value, _name in options]
    return groups


def test_the_owner_select_groups_colleagues_and_the_tenants_partners(
    adviser, users, own_project, partner, foreign_partner
):
    response = adviser.get(new_url(own_project))
    groups = choice_values(response)
    assert set(groups) == {"Collega's", "Partners"}
    assert f"user:{users[('own', 'projectleider')].pk}" in groups["Collega's"]
    assert groups["Partners"] == [f"partner:{partner.pk}"]
    page = response.content.decode()
    assert '<optgroup label="Partners">' in page and "Woningcorporatie Thuis" in page
    assert "Hun geheime partner" not in page


def test_a_partner_owns_an_action_and_shows_everywhere(adviser, own_project, partner):
    response = adviser.post(
        new_url(own_project),
        {"text": "Woningen aanpassen", "owner_choice": f"partner:{partner.pk}", "status": "open"},
    )
    assert response.status_code == 302
    action = PlanAction.objects.get(plan__project=own_project)
    assert action.owner_partner == partner and action.owner_user is None
    assert action.owner_label == "Woningcorporatie Thuis"
    page = adviser.get(f"/verduurzaming/{own_project.pk}/").content.decode()
    assert "Woningcorporatie Thuis" in page
    report = adviser.get(f"/rapporten/project/{own_project.pk}.html").content.decode()
    assert "<td>Woningcorporatie Thuis</td>" in report
    # The edit form shows the partner chosen, and switching to "nobody" clears it.
    edit = adviser.get(f"/verduurzaming/{own_project.pk}/acties/{action.pk}/bewerken/")
    assert edit.context["form"]["owner_choice"].value() == f"partner:{partner.pk}"
    adviser.post(
        f"/verduurzaming/{own_project.pk}/acties/{action.pk}/bewerken/",
        form_data(edit, owner_choice=""),
    )
    action.refresh_from_db()
    assert action.owner_partner is None and action.owner_user is None


def test_a_foreign_tenants_partner_is_refused(adviser, own_project, foreign_partner):
    response = adviser.post(
        new_url(own_project),
        {"text": "Iets", "owner_choice": f"partner:{foreign_partner.pk}", "status": "open"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner_choice"]
    assert not PlanAction.objects.filter(plan__project=own_project).exists()


def test_an_action_cannot_have_both_a_user_and_a_partner_as_owner(users, own_project, partner):
    plan = ContinuationPlan.objects.create(project=own_project)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanAction.objects.create(
            plan=plan,
            text="Twee eigenaars",
            owner_user=users[("own", "projectleider")],
            owner_partner=partner,
        )


def test_machine_accounts_and_inactive_users_are_no_owners(adviser, users, own_project):
    """Black-box finding: the owner list offered API machine accounts, revoked tokens too."""
    issuer = users[("own", "beheerder")]
    live, _secret = tokens.issue(
        issuer, name="Koppeling", role=issuer.role, scopes=["portfolio:lezen"], days=30
    )
    revoked, _secret = tokens.issue(
        issuer, name="Oud", role=issuer.role, scopes=["portfolio:lezen"], days=30
    )
    revoked.revoked_at = timezone.now()
    revoked.save()
    gone = users[("own", "professional")]
    gone.is_active = False
    gone.save()
    response = adviser.get(new_url(own_project))
    colleagues = choice_values(response)["Collega's"]
    for user in (live.account, revoked.account, gone):
        assert f"user:{user.pk}" not in colleagues
    assert f"user:{users[('own', 'projectleider')].pk}" in colleagues
    refused = adviser.post(
        new_url(own_project),
        {"text": "Iets", "owner_choice": f"user:{live.account.pk}", "status": "open"},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["owner_choice"]


@pytest.fixture
def partner_action(adviser, users, own_project, partner):
    """A partner's action due in three days, created by the adviser through the screen."""
    creator = users[("own", "beleidsadviseur")]
    creator.email, creator.first_name, creator.last_name = "bea@voorbeeldstad.nl", "Bea", "Smit"
    creator.save()
    response = adviser.post(
        new_url(own_project),
        {
            "text": "Woningen aanpassen",
            "owner_choice": f"partner:{partner.pk}",
            "due_date": (TODAY + timedelta(days=3)).isoformat(),
            "status": "open",
        },
    )
    assert response.status_code == 302
    return PlanAction.objects.get(plan__project=own_project)


def test_the_creator_is_reminded_of_a_partners_action(partner_action, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = io.StringIO()
    call_command("remind", "--days", "7", stdout=out)
    assert "sent=1" in out.getvalue()
    (message,) = mail.outbox
    assert message.to == ["bea@voorbeeldstad.nl"]
    assert "Woningen aanpassen" in message.body
    assert "Woningcorporatie Thuis" in message.body


def remind_projectleider(users) -> str:
    """Run today's reminders; return the address the own projectleider's mail went to."""
    leader = users[("own", "projectleider")]
    leader.email = "lea@voorbeeldstad.nl"
    leader.save()
    out = io.StringIO()
    call_command("remind", "--days", "7", stdout=out)
    assert "sent=1" in out.getvalue(), out.getvalue()
    (message,) = mail.outbox
    assert "Woningen aanpassen" in message.body
    assert "Woningcorporatie Thuis" in message.body
    return message.to[0]


def test_a_partners_action_without_a_known_creator_goes_to_the_projectleider(
    own_project, partner, users, settings
):
    """Made by an import or a script (no person in its history): someone must still hear of it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = ContinuationPlan.objects.create(project=own_project)
    action = PlanAction.objects.create(
        plan=plan,
        text="Woningen aanpassen",
        owner_partner=partner,
        due_date=TODAY + timedelta(days=3),
        status="open",
    )
    assert not action.history.filter(history_user__isnull=False).exists()
    assert remind_projectleider(users) == "lea@voorbeeldstad.nl"


@pytest.mark.parametrize(
    "change",
    ["left", "moved_away", "no_address"],
)
def test_a_partners_action_whose_creator_cannot_be_written_to_goes_to_the_projectleider(
    change, partner_action, users, foreign_org, settings
):
    """The creator left, moved to another organisation (so no longer sees the plan), or has no
    e-mail address: the projectleiders hear of it instead of no one."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    creator = users[("own", "beleidsadviseur")]
    if change == "left":
        creator.is_active = False
    elif change == "moved_away":
        creator.organisation = foreign_org
    else:
        creator.email = ""
    creator.save()
    assert remind_projectleider(users) == "lea@voorbeeldstad.nl"


def test_the_calendar_shows_a_partners_action_with_the_partners_name(partner_action, users, client):
    http = login(users[("own", "projectleider")])  # sees the plan, did not create the action
    url = http.post("/agenda/").context["new_url"].removeprefix("http://testserver")
    cal = Calendar.from_ical(client.get(url).content)
    found = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    event = found[f"plan-action-{partner_action.pk}@proeftuin"]
    assert str(event["SUMMARY"]).startswith("Actie:")
    assert "Eigenaar: Woningcorporatie Thuis" in str(event["DESCRIPTION"])
