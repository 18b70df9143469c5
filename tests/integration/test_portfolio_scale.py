"""Pages that scale with what a person reads (issue 14 item 2).

Every page that lists the whole portfolio shows one page of it, sorted and filtered on the
server, with totals over the whole filtered set. Two guards keep it so:

- the number of queries of each page is the same with 5 projects as with 30 (no N+1);
- the size of each page does not grow with the portfolio beyond one page of rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from integration_support import login
from test_monitoring_builders import add_trajectory

from proeftuin.accounts.models import Organisation
from proeftuin.assessments.models import Assessment, Rating
from proeftuin.core.neighbourhoods.indicators import default_set
from proeftuin.learning.models import Signal
from proeftuin.monitoring import releases
from proeftuin.neighbourhoods.models import Figure
from proeftuin.portfolio.models import FundingStream, Neighbourhood, Project

FW = "four_plus_one"

#: Every portfolio-wide page (path, what a reader sees on it).
PAGES = {
    "portfolio list": "/projecten/",
    "funding cliff": "/projecten/financieringsklif/",
    "budget": "/projecten/begroting/",
    "assessments matrix": f"/beoordelingen/matrix/?kader={FW}",
    "effects page": "/tel-en-vertel/portfolio/",
    "neighbourhood monitor": "/wijken/",
    "signals": "/leren/signalen/",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True


def _funder(org) -> Organisation:
    return Organisation.objects.get_or_create(name="Fonds Schaal", defaults={"kind": "fonds"})[0]


def build(org, user, start: int, stop: int, *, monitored: bool = True) -> None:
    """Projects ``start`` … ``stop - 1``, each with what every portfolio-wide page shows: money
    ending within a year, an assessment, pairs with a release, a neighbourhood with figures
    (an alarm), and a signal."""
    today = timezone.localdate()
    funder = _funder(org)
    indicators = default_set().indicators
    if not Figure.objects.filter(organisation=org, code="GM0999").exists():
        Figure.objects.bulk_create(
            Figure(
                organisation=org, code="GM0999", name="Stad", year=2024, indicator=i.id, value=50
            )
            for i in indicators
        )
    for i in range(start, stop):
        name = f"{i:04d} Schaalproject"
        project = Project.objects.create(
            owner=org,
            name=name,
            summary="Een project om de schaal te meten.",
            themes=["jeugd_gezin"],
            start_date=date(2025, 1, 1),
            end_date=date(2028, 12, 31),
            phase="implementatie",
        )
        code = f"WK{9000 + i:06d}"
        hood = Neighbourhood.objects.create(organisation=org, name=f"Wijk {i:04d}", cbs_code=code)
        project.neighbourhoods.add(hood)
        Figure.objects.bulk_create(
            Figure(
                organisation=org,
                code=code,
                name=hood.name,
                year=2024,
                indicator=ind.id,
                value=20 if ind.higher_is_better else 80,
            )
            for ind in indicators
        )
        FundingStream.objects.create(
            project=project,
            funder=funder,
            label=f"Subsidie {i:04d}",
            amount=Decimal("120000"),
            start_date=today - timedelta(days=365),
            end_date=today + timedelta(days=30 + 7 * i),
            kind=FundingStream.Kind.INCIDENTAL,
        )
        assessment = Assessment.objects.create(
            project=project,
            framework_id=FW,
            framework_version="1.0",
            kind=Assessment.Kind.SELF,
            title=f"Zelfscan {i:04d}",
            organisation=org,
            created_by=user,
            status="definitief" if i % 2 else "open",
            finalised_at=timezone.now() if i % 2 else None,
        )
        Rating.objects.create(
            assessment=assessment, indicator_id="integrated_all_domains", rater=user, value="groot"
        )
        Signal.objects.create(
            organisation=org,
            addressed_to=org,
            raised_by=user,
            title=f"Signaal {i:04d}",
            what="Wat wij zien in de wijk.",
            kind="knelpunt",
            taxonomy_version="1",
            project=project,
            submitted_on=today,
            deadline=today + timedelta(days=42),
        )
        if monitored:
            for _ in range(2):
                add_trajectory(project, {"housing": 1}, {"housing": 3})
            releases.create_release(project, require_difference=False)


def queries(http, path: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_portfolio_wide_pages_take_as_many_queries_for_30_projects_as_for_5(users, own_org):
    user = users[("own", "beleidsadviseur")]
    build(own_org, users[("own", "projectleider")], 0, 5)
    http = login(user)
    for path in PAGES.values():
        http.get(path)  # warm: the session, the frameworks and the instruments load once
    few = {page: queries(http, path) for page, path in PAGES.items()}
    build(own_org, users[("own", "projectleider")], 5, 30)
    many = {page: queries(http, path) for page, path in PAGES.items()}
    grown = {page: (few[page][0], many[page][0]) for page in PAGES if many[page][0] != few[page][0]}
    assert not grown, grown
    # And each stays a bounded, small number.
    assert all(n <= 40 for n, _sql in many.values()), {p: n for p, (n, _s) in many.items()}
