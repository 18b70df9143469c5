"""Administration inside the tenant (issue 8, item 1).

The finding: a beheerder of one municipality used the Django admin to read every tenant's users and
access log, open another tenant's password forms, move themself into the other municipality and
then read its participants. Each step is tried here, through the old admin and the new screens.
"""

from __future__ import annotations

import pytest
from integration_support import PASSWORD, login

from proeftuin.accounts.models import Organisation, User
from proeftuin.administration.models import Partnership
from proeftuin.administration.pickers import pickable_organisations
from proeftuin.monitoring.models import AccessLog
from proeftuin.portfolio.models import ProjectGrant

B = "/beheer/organisatie"


@pytest.fixture
def victim_log(users, own_project):
    """An access-log row about the own tenant (Voorbeeldstad), written by its professional."""
    who = users[("own", "professional")]
    return AccessLog.objects.create(
        user=who,
        username=who.username,
        organisation=who.organisation.name,
        action=AccessLog.Action.PARTICIPANT_LIST,
        project=own_project,
        detail="geheime-inzage-voorbeeldstad",
    )


def test_beheerder_of_another_tenant_cannot_cross_into_voorbeeldstad(
    users, own_project, own_org, foreign_org, victim_log
):
    """The attack of the issue, step by step, by the beheerder of the foreign tenant."""
    attacker = users[("foreign", "beheerder")]
    victim = users[("own", "projectleider")]
    http = login(attacker)

    # 1. Other tenants' users and access log: not in the Django admin, not in the beheer screens.
    for path in (
        "/beheer/accounts/user/",
        "/django-beheer/accounts/user/",
        "/beheer/monitoring/accesslog/",
        "/django-beheer/monitoring/accesslog/",
        f"{B}/gebruikers/",
        f"{B}/toegangslog/",
        f"{B}/toegangslog/export.csv",
    ):
        response = http.get(path)
        body = response.content.decode()
        assert victim.username not in body, path
        assert "geheime-inzage-voorbeeldstad" not in body, path
        if path.startswith(("/beheer/accounts", "/beheer/monitoring", "/django-beheer/")):
            assert response.status_code == 404, path

    # 2. Their password forms: 404, and the password stays.
    for path in (
        f"/django-beheer/accounts/user/{victim.pk}/password/",
        f"{B}/gebruikers/{victim.pk}/wachtwoord/",
        f"{B}/gebruikers/{victim.pk}/",
    ):
        assert http.get(path).status_code == 404, path
    new = {"new_password1": "Overgenomen-door-B-2026", "new_password2": "Overgenomen-door-B-2026"}
    assert http.post(f"{B}/gebruikers/{victim.pk}/wachtwoord/", new).status_code == 404
    assert http.post(f"{B}/gebruikers/{victim.pk}/link/").status_code == 404
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)

    # 3. Moving into Voorbeeldstad: the admin is closed, the beheer form ignores the field.
    http.post(
        f"/django-beheer/accounts/user/{attacker.pk}/change/",
        {"organisation": own_org.pk, "role": "beheerder", "username": attacker.username},
    )
    http.post(
        f"{B}/gebruikers/{attacker.pk}/",
        {"organisation": own_org.pk, "role": "professional", "is_superuser": "on"},
    )
    attacker.refresh_from_db()
    assert attacker.organisation_id == foreign_org.pk
    assert attacker.role == "beheerder"
    assert not attacker.is_superuser

    # 4. And so Voorbeeldstad's participants stay out of reach.
    for path in (
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/",
        f"/tel-en-vertel/project/{own_project.pk}/gegevens.csv",
    ):
        assert http.get(path).status_code == 404, path


def test_superuser_alone_uses_the_django_admin(users, client):
    root = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/django-beheer/accounts/user/").status_code == 200
    assert client.get("/beheer/").status_code == 404  # the old address is gone
    for role in ("beheerder", "beleidsadviseur"):
        assert login(users[("own", role)]).get("/django-beheer/").status_code == 404


def test_beheerder_creates_a_user_in_the_own_organisation_only(users, own_org, foreign_org):
    beheerder = users[("own", "beheerder")]
    http = login(beheerder)
    response = http.post(
        f"{B}/gebruikers/nieuw/",
        {
            "username": "nieuw",
            "email": "nieuw@example.nl",
            "role": "beheerder",
            "organisation": foreign_org.pk,
            "is_superuser": "on",
            "is_staff": "on",
            "password1": "Lange-zin-met-woorden-9",
            "password2": "Lange-zin-met-woorden-9",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="nieuw")
    assert created.organisation_id == own_org.pk
    assert not created.is_superuser
    # No password of the beheerder's choosing: the new user chooses it through the invitation.
    assert not created.has_usable_password()


def test_create_form_offers_no_organisation_and_no_password(users):
    http = login(users[("own", "beheerder")])
    page = http.get(f"{B}/gebruikers/nieuw/").content.decode()
    assert 'name="organisation"' not in page
    assert 'name="is_superuser"' not in page
    assert 'name="password1"' not in page


def test_nobody_changes_their_own_role(users):
    beheerder = users[("own", "beheerder")]
    http = login(beheerder)
    page = http.get(f"{B}/gebruikers/{beheerder.pk}/").content.decode()
    assert 'name="role"' not in page
    assert 'name="is_active"' not in page
    response = http.post(
        f"{B}/gebruikers/{beheerder.pk}/",
        {"first_name": "Bea", "email": "bea@example.nl", "role": "professional"},
    )
    assert response.status_code == 302
    beheerder.refresh_from_db()
    assert beheerder.role == "beheerder"
    assert beheerder.is_active
    assert beheerder.first_name == "Bea"


def test_beheerder_changes_a_colleagues_role_and_deactivates(users):
    colleague = users[("own", "professional")]
    http = login(users[("own", "beheerder")])
    response = http.post(
        f"{B}/gebruikers/{colleague.pk}/",
        {"email": "p@example.nl", "role": "projectleider"},  # is_active unticked
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == "projectleider"
    assert colleague.role_pending  # a role with participant data: four eyes
    assert not colleague.is_active


def test_superuser_in_the_organisation_is_out_of_the_beheerders_reach(users, own_org):
    root = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    root.organisation = own_org
    root.save()
    http = login(users[("own", "beheerder")])
    assert "root" not in http.get(f"{B}/gebruikers/").content.decode()
    assert http.post(f"{B}/gebruikers/{root.pk}/link/").status_code == 404


def test_access_log_is_tenant_scoped_searchable_and_exported(users, victim_log, foreign_project):
    other = users[("foreign", "professional")]
    AccessLog.objects.create(
        user=other,
        username=other.username,
        organisation=other.organisation.name,
        action=AccessLog.Action.EXPORT_ROWS,
        project=foreign_project,
        detail="inzage-elders",
    )
    http = login(users[("own", "beheerder")])
    page = http.get(f"{B}/toegangslog/").content.decode()
    assert "geheime-inzage-voorbeeldstad" in page
    assert "inzage-elders" not in page
    assert "geheime" not in http.get(f"{B}/toegangslog/?action=export_rows").content.decode()
    assert "geheime" in http.get(f"{B}/toegangslog/?q=geheime").content.decode()
    assert "geheime" not in http.get(f"{B}/toegangslog/?q=niets-van-dit").content.decode()
    export = http.get(f"{B}/toegangslog/export.csv")
    assert export.status_code == 200
    assert export["Cache-Control"] == "no-store"
    text = export.content.decode("utf-8-sig")
    assert "geheime-inzage-voorbeeldstad" in text
    assert "inzage-elders" not in text


def test_grants_are_scoped_and_revocable(users, own_project, foreign_project, partner_org):
    mine = ProjectGrant.objects.create(project=own_project, organisation=partner_org)
    theirs = ProjectGrant.objects.create(project=foreign_project, organisation=partner_org)
    http = login(users[("own", "beheerder")])
    page = http.get(f"{B}/delingen/").content.decode()
    assert own_project.name in page
    assert foreign_project.name not in page
    assert http.post(f"{B}/delingen/{theirs.pk}/intrekken/").status_code == 404
    assert ProjectGrant.objects.filter(pk=theirs.pk).exists()
    assert http.post(f"{B}/delingen/{mine.pk}/intrekken/").status_code == 302
    assert not ProjectGrant.objects.filter(pk=mine.pk).exists()


def test_grant_form_offers_only_own_projects_and_pickable_organisations(
    users, own_project, foreign_project, own_org, foreign_org
):
    stranger = Organisation.objects.create(name="Welzijn Elders", kind="welzijn_zorg")
    ProjectGrant.objects.create(project=foreign_project, organisation=stranger)
    http = login(users[("own", "beheerder")])
    form = http.get(f"{B}/delingen/").context["form"]
    assert list(form.fields["project"].queryset) == [own_project]
    assert stranger not in form.fields["organisation"].queryset
    response = http.post(
        f"{B}/delingen/", {"project": foreign_project.pk, "organisation": own_org.pk}
    )
    assert response.status_code == 200
    assert not ProjectGrant.objects.filter(project=foreign_project, organisation=own_org).exists()


def test_partner_is_added_by_name_and_becomes_pickable(users, own_org, foreign_org):
    http = login(users[("own", "beheerder")])
    assert "Buurtteam Noord" not in {o.name for o in pickable_organisations(own_org.pk)}
    response = http.post(
        f"{B}/partners/", {"name": "  Buurtteam   Noord ", "kind": "welzijn_zorg", "city": ""}
    )
    assert response.status_code == 302
    partner = Organisation.objects.get(name="Buurtteam Noord")
    assert partner in pickable_organisations(own_org.pk)
    assert partner not in pickable_organisations(foreign_org.pk)
    # An existing organisation is linked, not duplicated; the own organisation is refused.
    http.post(f"{B}/partners/", {"name": "buurtteam noord", "kind": "fonds"})
    assert Organisation.objects.filter(name__iexact="buurtteam noord").count() == 1
    response = http.post(f"{B}/partners/", {"name": own_org.name, "kind": "gemeente"})
    assert response.status_code == 200
    assert not Partnership.objects.filter(organisation=own_org, partner=own_org).exists()


def test_partner_of_another_tenant_cannot_be_removed(users, own_org, foreign_org):
    elders = Organisation.objects.create(name="Buurtzorg Elders", kind="welzijn_zorg")
    theirs = Partnership.objects.create(organisation=foreign_org, partner=elders)
    http = login(users[("own", "beheerder")])
    assert elders.name not in http.get(f"{B}/partners/").content.decode()
    assert http.post(f"{B}/partners/{theirs.pk}/verwijderen/").status_code == 404
    assert Partnership.objects.filter(pk=theirs.pk).exists()


def test_menu_shows_beheer_only_to_the_beheerder(users, own_project):
    link = f'href="{B}/"'
    assert link in login(users[("own", "beheerder")]).get("/projecten/").content.decode()
    assert link not in login(users[("own", "projectleider")]).get("/projecten/").content.decode()


def test_access_log_screen_shows_who_from_where_and_survives_a_deleted_user(users, own_project):
    professional = users[("own", "professional")]
    assert (
        login(professional).get(f"/tel-en-vertel/project/{own_project.pk}/deelnemers/").status_code
        == 200
    )
    beheerder = login(users[("own", "beheerder")])
    page = beheerder.get("/beheer/organisatie/toegangslog/").content.decode()
    assert "127.0.0.1" in page and "professional" in page
    export = beheerder.get("/beheer/organisatie/toegangslog/export.csv").content.decode()
    assert "127.0.0.1" in export and "IP-adres" in export
    # The row stays in the organisation's log after the account is gone.
    assert AccessLog.objects.filter(user=professional).exists()
    professional.delete()
    again = beheerder.get("/beheer/organisatie/toegangslog/export.csv").content.decode()
    assert again.count("127.0.0.1") == export.count("127.0.0.1")
