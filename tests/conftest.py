"""Shared fixtures: two tenants, one user per role in each, and projects owned by each.

``own`` is Gemeente Voorbeeldstad's world; ``foreign`` is another municipality that must never see
the first one's data (and the other way round).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from proeftuin.accounts.models import Organisation, User
from proeftuin.core.access import Role
from proeftuin.portfolio.models import (
    CoalitionMember,
    Decision,
    FundingStream,
    Goal,
    Neighbourhood,
    Project,
    ProjectGrant,
)

PASSWORD = "correct-horse-battery"  # noqa: S105


@pytest.fixture
def own_org(db) -> Organisation:
    return Organisation.objects.create(name="Gemeente Voorbeeldstad", kind="gemeente")


@pytest.fixture
def foreign_org(db) -> Organisation:
    return Organisation.objects.create(name="Gemeente Elders", kind="gemeente")


@pytest.fixture
def partner_org(own_org) -> Organisation:
    """A welfare organisation the own tenant's beheerder added as a partner (so pickable)."""
    from proeftuin.administration.models import Partnership

    partner = Organisation.objects.create(name="Welzijn Partner", kind="welzijn_zorg")
    Partnership.objects.create(organisation=own_org, partner=partner)
    return partner


def make_user(org: Organisation, role: str, username: str | None = None) -> User:
    user = User(username=username or f"{role}-{org.pk}", organisation=org, role=role)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def users(own_org, foreign_org) -> dict[tuple[str, str], User]:
    """``users[("own", "beleidsadviseur")]`` and so on, for every role in both tenants."""
    return {
        (side, role.value): make_user(org, role.value)
        for side, org in (("own", own_org), ("foreign", foreign_org))
        for role in Role
    }


def make_project(org: Organisation, name: str = "Eén gezin, één plan", **extra) -> Project:
    project = Project.objects.create(
        owner=org,
        name=name,
        summary="Eén regisseur en één plan per gezin.",
        themes=["jeugd_gezin"],
        start_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31),
        phase="implementatie",
        **extra,
    )
    hood = Neighbourhood.objects.create(organisation=org, name=f"Oost-{org.pk}-{name[:10]}")
    project.neighbourhoods.add(hood)
    CoalitionMember.objects.create(
        project=project,
        organisation=org,
        role="uitvoerder",
        level="uitvoerend",
        contact_person="A. de Vries",
    )
    FundingStream.objects.create(
        project=project,
        funder=org,
        label="Transformatiefonds",
        amount=Decimal("240000"),
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
        kind="incidenteel",
        policy_domain="jeugd",
    )
    Goal.objects.create(project=project, goal_type="resultaat", text="Minder uithuisplaatsingen")
    Decision.objects.create(
        project=project,
        kind="doorgaan",
        decided_by="Stuurgroep",
        decided_on=date(2025, 6, 1),
        rationale="Goed op weg",
    )
    return project


@pytest.fixture
def own_project(own_org) -> Project:
    return make_project(own_org)


@pytest.fixture
def foreign_project(foreign_org) -> Project:
    return make_project(foreign_org, name="Project Elders")


@pytest.fixture
def shared_project(foreign_org, own_org) -> Project:
    """Owned by the foreign tenant, shared read-only with the own tenant."""
    project = make_project(foreign_org, name="Gedeeld project")
    ProjectGrant.objects.create(project=project, organisation=own_org, level="lezen")
    return project


@pytest.fixture
def client_for(client):
    """``client_for(user)`` logs the user in through the real login form (axes needs a request)."""

    def login(user: User):
        response = client.post(
            "/account/inloggen/", {"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302, "login failed"
        return client

    return login
