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


def build(org, user, start: int, stop: int, *, hoods: list | None = None) -> None:
    """Projects ``start`` … ``stop - 1``, each with what every portfolio-wide page shows: money
    ending within a year, an assessment, pairs with a release, a neighbourhood with figures
    (an alarm; one of ``hoods`` when given), and a signal."""
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
        if hoods:
            project.neighbourhoods.add(hoods[i % len(hoods)])
        else:
            _area(org, project, i, indicators)
        FundingStream.objects.create(
            project=project,
            funder=funder,
            label=f"Subsidie {i:04d}",
            amount=Decimal("120000"),
            start_date=today - timedelta(days=365),
            end_date=today + timedelta(days=20 + (37 * i) % 700),
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
        for _ in range(2):
            add_trajectory(project, {"housing": 1}, {"housing": 3})
        releases.create_release(project, require_difference=False)


def _area(org, project, i: int, indicators) -> None:
    """A neighbourhood of its own for the project, with figures worse than the city's (an alarm)."""
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


def bulk_build(org, user, start: int, stop: int, hoods: list[Neighbourhood]) -> None:
    """Many projects cheaply (bulk inserts): money, an assessment, a signal, one of ``hoods``."""
    today = timezone.localdate()
    funder = _funder(org)
    projects = Project.objects.bulk_create(
        Project(
            owner=org,
            name=f"{i:04d} Groot project",
            summary="Een project om de schaal te meten.",
            themes=["jeugd_gezin"],
            start_date=date(2025, 1, 1),
            end_date=date(2028, 12, 31),
            phase="implementatie",
        )
        for i in range(start, stop)
    )
    through = Project.neighbourhoods.through
    through.objects.bulk_create(
        through(project_id=p.pk, neighbourhood_id=hoods[i % len(hoods)].pk)
        for i, p in enumerate(projects)
    )
    FundingStream.objects.bulk_create(
        FundingStream(
            project=p,
            funder=funder,
            label=f"Subsidie {p.name}",
            amount=Decimal("120000"),
            start_date=today - timedelta(days=365),
            end_date=today + timedelta(days=20 + (37 * i) % 700),
            kind=FundingStream.Kind.INCIDENTAL,
        )
        for i, p in enumerate(projects)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            project=p,
            framework_id=FW,
            framework_version="1.0",
            kind=Assessment.Kind.SELF,
            title=f"Zelfscan {p.name}",
            organisation=org,
            created_by=user,
        )
        for p in projects
    )
    Rating.objects.bulk_create(
        Rating(assessment=a, indicator_id="integrated_all_domains", rater=user, value="groot")
        for a in assessments
    )
    Signal.objects.bulk_create(
        Signal(
            organisation=org,
            addressed_to=org,
            raised_by=user,
            title=f"Signaal {p.name}",
            what="Wat wij zien in de wijk.",
            kind="knelpunt",
            taxonomy_version="1",
            project=p,
            submitted_on=today,
            deadline=today + timedelta(days=42),
        )
        for p in projects
    )


def test_portfolio_wide_pages_do_not_grow_with_the_portfolio(users, own_org):
    """At 300 projects each page is as large as at 60 (both beyond one page of rows): what grows
    with the portfolio is the number of pages, not the page. 1,000 projects: bench/README.md."""
    leader = users[("own", "projectleider")]
    build(own_org, leader, 0, 3)  # the areas with figures (alarms) and a few measured projects
    hoods = list(Neighbourhood.objects.filter(organisation=own_org, cbs_code__startswith="WK"))
    bulk_build(own_org, leader, 100, 160, hoods)
    build(
        own_org, leader, 3, 15, hoods=hoods
    )  # more measured projects than the effects page shows at once
    http = login(users[("own", "beleidsadviseur")])
    small = {page: len(http.get(path).content) for page, path in PAGES.items()}
    bulk_build(own_org, leader, 1000, 1240, hoods)
    build(own_org, leader, 15, 40, hoods=hoods)
    large = {page: len(http.get(path).content) for page, path in PAGES.items()}
    grown = {
        page: (small[page], large[page])
        for page in PAGES
        # A few bytes more for larger counts and page numbers; never another row.
        if large[page] > small[page] * 1.05 + 500
    }
    assert not grown, grown
    assert all(size < 200_000 for size in large.values()), large


@pytest.mark.django_db
def test_a_project_page_asks_for_write_access_once(users, own_project):
    """The Tel en vertel tab asked the database three times whether the user may write to the
    project (the buttons, the participant link, the release button); now once per request."""
    for _ in range(3):
        add_trajectory(own_project, {"housing": 1}, {"housing": 3})
    http = login(users[("own", "projectleider")])
    for path in (f"/tel-en-vertel/project/{own_project.pk}/", f"/projecten/{own_project.pk}/"):
        http.get(path)
        _n, sql = queries(http, path)
        asked = [q for q in sql if "portfolio_projectgrant" in q and "SELECT 1 AS" in q]
        assert len(asked) == 1, (path, asked)
        streams = [q for q in sql if 'FROM "portfolio_fundingstream"' in q]
        assert len(streams) <= 1, (path, streams)
