"""Account administration as a way to participant data (black-box finding, December 2026).

The attack: the beheerder sees no participant-level data, but created a *professional* in the own
organisation, chose its password, logged in as it and read the participants. Now the beheerder
never chooses a password (an invitation link goes to the new user's e-mail) and a role with
participant data waits for a *second* beheerder's approval.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from integration_support import PASSWORD, login

from proeftuin.accounts.models import RoleRequest, User
from proeftuin.administration import roles
from proeftuin.core.access import Capability
from proeftuin.monitoring.models import AccessLog

B = "/beheer/organisatie"
NEW_PASSWORD = "Zelf-gekozen-wachtwoord-42"


def _participants(project) -> str:
    return f"/tel-en-vertel/project/{project.pk}/deelnemers/"


def _link_in_mail(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def _accept(link: str, password: str = NEW_PASSWORD) -> Client:
    http = Client()
    page = http.get(link, follow=True)
    assert page.status_code == 200
    assert page.context["validlink"], "the link should be valid"
    http.post(page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    return http


@pytest.fixture
def second_beheerder(own_org):
    """A second, approved beheerder of the own organisation."""
    user = User(username="tweede-beheerder", organisation=own_org, role="beheerder")
    user.set_password(PASSWORD)
    user.save()
    return user


def _create(http, username="sokpop", role="professional", email="sokpop@example.nl"):
    return http.post(
        f"{B}/gebruikers/nieuw/",
        {
            "username": username,
            "email": email,
            "role": role,
            "password1": "Door-beheerder-gekozen-1",
            "password2": "Door-beheerder-gekozen-1",
        },
    )


def test_beheerder_creates_a_professional_but_never_sets_its_password(users, own_project):
    http = login(users[("own", "beheerder")])
    form = http.get(f"{B}/gebruikers/nieuw/").content.decode()
    assert 'type="password"' not in form
    assert _create(http).status_code == 302
    created = User.objects.get(username="sokpop")
    assert not created.has_usable_password()
    assert not created.check_password("Door-beheerder-gekozen-1")
    assert (
        Client()
        .post("/account/inloggen/", {"username": "sokpop", "password": "Door-beheerder-gekozen-1"})
        .status_code
        != 302
    )
    # The invitation went to the new user's own address, not to the beheerder's screen.
    assert [m.to for m in mail.outbox] == [["sokpop@example.nl"]]
    link = _link_in_mail(mail.outbox[0])
    assert "/account/uitnodiging/" in link
    users_page = http.get(f"{B}/gebruikers/").content.decode()
    assert link.split("/account/")[1] not in users_page


def test_no_password_form_for_the_beheerder_only_a_link_to_the_users_email(users):
    colleague = users[("own", "professional")]
    colleague.email = "prof@example.nl"
    colleague.save()
    http = login(users[("own", "beheerder")])
    new = {"new_password1": "Overgenomen-2026-x", "new_password2": "Overgenomen-2026-x"}
    assert http.post(f"{B}/gebruikers/{colleague.pk}/wachtwoord/", new).status_code == 404
    assert http.get(f"{B}/gebruikers/{colleague.pk}/link/").status_code == 405
    response = http.post(f"{B}/gebruikers/{colleague.pk}/link/")
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)  # unchanged until the user follows the link
    assert [m.to for m in mail.outbox] == [["prof@example.nl"]]
    link = _link_in_mail(mail.outbox[0])
    assert "/account/wachtwoord-herstellen/" in link
    assert link.split("/account/")[1] not in http.get(response["Location"]).content.decode()
    _accept(link)
    colleague.refresh_from_db()
    assert colleague.check_password(NEW_PASSWORD)


def test_invitation_works_once_and_the_new_role_waits_for_a_second_beheerder(
    users, own_project, second_beheerder
):
    requester = users[("own", "beheerder")]
    assert _create(login(requester)).status_code == 302
    link = _link_in_mail(mail.outbox[0])
    _accept(link)
    created = User.objects.get(username="sokpop")
    assert created.check_password(NEW_PASSWORD)
    # Single use: the same link no longer works.
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]

    # Pending: logged in, but no participant data and no recording.
    assert created.role_pending
    assert not created.can(Capability.PARTICIPANT_DATA)
    assert not created.can(Capability.MONITOR)
    sokpop = Client()
    assert (
        sokpop.post(
            "/account/inloggen/", {"username": "sokpop", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )
    assert sokpop.get(_participants(own_project)).status_code == 403

    # The requester cannot approve their own request.
    request = RoleRequest.objects.get(username="sokpop", status="pending")
    response = login(requester).post(f"{B}/goedkeuren/{request.pk}/goedkeuren/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "pending"
    assert sokpop.get(_participants(own_project)).status_code == 403

    # The second beheerder sees it on the screen and approves it.
    second = login(second_beheerder)
    assert "sokpop" in second.get(f"{B}/goedkeuren/").content.decode()
    assert second.post(f"{B}/goedkeuren/{request.pk}/goedkeuren/").status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    assert request.requested_by == requester
    assert request.decided_by == second_beheerder
    assert sokpop.get(_participants(own_project)).status_code == 200
    actions = set(
        AccessLog.objects.filter(organisation_key=str(own_project.owner_id)).values_list(
            "action", flat=True
        )
    )
    assert {"role_request", "role_approve"} <= actions
    assert "sokpop" in second.get(f"{B}/toegangslog/").content.decode()


def test_role_change_to_participant_role_waits_for_approval(users, own_project, second_beheerder):
    colleague = users[("own", "beleidsadviseur")]
    http = login(users[("own", "beheerder")])
    response = http.post(
        f"{B}/gebruikers/{colleague.pk}/",
        {"email": "b@example.nl", "role": "professional", "is_active": "on"},
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == "professional"
    assert colleague.role_pending
    assert login(colleague).get(_participants(own_project)).status_code == 403
    request = RoleRequest.objects.get(user=colleague, status="pending")
    assert request.previous_role == "beleidsadviseur"
    # The account itself cannot approve (it is no beheerder; nor is a beheerder on its own).
    assert login(colleague).post(f"{B}/goedkeuren/{request.pk}/goedkeuren/").status_code == 403
    # Rejected by the second beheerder: back to the old role.
    login(second_beheerder).post(f"{B}/goedkeuren/{request.pk}/afwijzen/")
    colleague.refresh_from_db()
    assert colleague.role == "beleidsadviseur"
    assert not colleague.role_pending
    assert AccessLog.objects.filter(action="role_reject").exists()


def test_changing_the_email_of_a_professional_needs_approval_again(
    users, own_project, second_beheerder
):
    """Otherwise: point the e-mail at yourself, send a reset link, take the account over."""
    victim = users[("own", "professional")]
    http = login(users[("own", "beheerder")])
    http.post(
        f"{B}/gebruikers/{victim.pk}/",
        {"email": "beheerder-zelf@example.nl", "role": "professional", "is_active": "on"},
    )
    victim.refresh_from_db()
    assert victim.role_pending
    assert not victim.can(Capability.PARTICIPANT_DATA)
    request = RoleRequest.objects.get(user=victim, status="pending")
    roles.reject(request, by=second_beheerder)
    victim.refresh_from_db()
    assert victim.email == ""  # the approved address again
    assert victim.can(Capability.PARTICIPANT_DATA)


def test_a_new_beheerder_waits_too_so_no_sock_puppet_approves(users, own_project):
    requester = users[("own", "beheerder")]
    http = login(requester)
    _create(http, username="tweede", role="beheerder", email="tweede@example.nl")
    _create(http, username="sokpop")
    puppet = User.objects.get(username="tweede")
    puppet.set_password(PASSWORD)  # as if the beheerder read the invitation
    puppet.save()
    assert not puppet.can(Capability.ADMIN)
    request = RoleRequest.objects.get(username="sokpop")
    assert login(puppet).post(f"{B}/goedkeuren/{request.pk}/goedkeuren/").status_code == 403
    with pytest.raises(roles.ApprovalRefused) as refused:
        roles.approve(request, by=puppet)
    assert refused.value.code == roles.NOT_BEHEERDER


def test_approval_of_another_tenant_is_404_and_refused(users, own_org):
    foreign_asker = users[("foreign", "beheerder")]
    recruit = User(username="elders-nieuw", organisation=foreign_asker.organisation)
    recruit.role = "professional"
    request = roles.save_account(recruit, by=foreign_asker, new=True)
    http = login(users[("own", "beheerder")])
    assert http.post(f"{B}/goedkeuren/{request.pk}/goedkeuren/").status_code == 404
    assert "elders-nieuw" not in http.get(f"{B}/goedkeuren/").content.decode()
    with pytest.raises(roles.ApprovalRefused) as refused:
        roles.approve(request, by=users[("own", "beheerder")])
    assert refused.value.code == roles.OTHER_ORGANISATION
    request.refresh_from_db()
    assert request.status == "pending"


def test_operator_approves_on_the_command_line_for_a_single_beheerder(users, own_project):
    _create(login(users[("own", "beheerder")]))
    sokpop = User.objects.get(username="sokpop")
    call_command("approve_role", "sokpop")
    sokpop.refresh_from_db()
    assert not sokpop.role_pending
    request = RoleRequest.objects.get(user=sokpop)
    assert request.status == "approved"
    assert request.decided_by is None
    assert request.decided_by_name.startswith("cli:")
    assert AccessLog.objects.filter(action="role_approve", username__startswith="cli:").exists()


def test_the_django_admin_offers_no_password_form_to_a_beheerder(users):
    victim = users[("own", "professional")]
    http = login(users[("own", "beheerder")])
    new = {"password1": "Overgenomen-2026-x", "password2": "Overgenomen-2026-x"}
    for prefix in ("/django-beheer", "/beheer"):
        response = http.post(f"{prefix}/accounts/user/{victim.pk}/password/", new)
        assert response.status_code in (302, 404)
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)
