"""Money at a glance and the portfolio's XLSX exports (issue 11, items 1 and 3)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from integration_support import make_project
from openpyxl import load_workbook

from proeftuin.portfolio.models import FundingStream
from proeftuin.portfolio.registry import Municipality, NewForOldEntry


def _stream(project, *, label, amount, start, end, kind="incidenteel"):
    return FundingStream.objects.create(
        project=project,
        funder=project.owner,
        label=label,
        amount=Decimal(amount),
        start_date=start,
        end_date=end,
        kind=kind,
        policy_domain="wmo",
    )


def _sheet(response, title=None):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[title] if title else book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_funding_total_includes_structural_money(users, own_project, client_for):
    # Finding: the Financiering chart and total left out structural money.
    _stream(
        own_project,
        label="Wmo structureel",
        amount="50000",
        start=date(2025, 1, 1),
        end=None,
        kind="structureel",
    )
    http = client_for(users[("own", "financier")])
    response = http.get(f"/projecten/{own_project.pk}/financiering/")
    years = {y.year: y for y in response.context["annual"]}
    assert years[2025].structural == Decimal("50000.00")
    assert years[2025].incidental > 0  # the 240.000 Transformatiefonds of 2025-2026
    total = response.context["annual_total"]
    assert total.structural >= Decimal("100000.00")  # at least 2025 and 2026
    assert total.total == total.incidental + total.structural
    streams_in_chart = {v["stream"] for v in response.context["chart_spec"]["data"]["values"]}
    assert "Wmo structureel" in streams_in_chart


def test_portfolio_sorts_and_filters_by_cliff_date(users, own_org, client_for):
    today = timezone.localdate()
    late = make_project(own_org, name="A laat")  # fixture stream ends 2026-12-31
    FundingStream.objects.filter(project=late).update(end_date=today + timedelta(days=600))
    soon = make_project(own_org, name="Z snel")
    FundingStream.objects.filter(project=soon).update(end_date=today + timedelta(days=40))
    none = make_project(own_org, name="M geen")
    FundingStream.objects.filter(project=none).update(kind="structureel", end_date=None)
    http = client_for(users[("own", "beleidsadviseur")])
    names = [r["project"].name for r in http.get("/projecten/?sort=klif").context["rows"]]
    assert names == ["Z snel", "A laat", "M geen"]
    within = [r["project"].name for r in http.get("/projecten/?cliff_within=6").context["rows"]]
    assert within == ["Z snel"]


def test_budget_view_and_export_agree(users, own_project, client_for):
    _stream(
        own_project,
        label="Structureel",
        amount="10000",
        start=date(2026, 1, 1),
        end=None,
        kind="structureel",
    )
    http = client_for(users[("own", "beleidsadviseur")])
    budget = http.get("/projecten/begroting/").context["budget"]
    row = budget.projects[0]
    by_year = {y.year: y for y in row.years}
    assert by_year[2026].structural == Decimal("10000.00")
    assert by_year[2025].incidental + by_year[2026].incidental == Decimal("240000.00")
    rows = _sheet(http.get("/projecten/begroting/export.xlsx"), "Totaal per jaar")
    exported = {r[1]: r for r in rows[1:]}
    assert exported[2026][3] == 10000
    assert exported[2026][4] == float(budget.totals[budget.years.index(2026)].total)


def test_portfolio_export_holds_what_the_filter_shows_and_escapes_formulas(
    users, own_org, own_project, client_for
):
    make_project(own_org, name='=HYPERLINK("http://x")')
    amsterdam = Municipality.objects.create(
        organisation=own_org, cbs_code="GM0363", name="Amsterdam"
    )
    own_project.municipality = amsterdam
    own_project.save()
    http = client_for(users[("own", "onderzoeker")])
    rows = _sheet(http.get(f"/projecten/export.xlsx?municipality={amsterdam.pk}"))
    assert [r[0] for r in rows[1:]] == [own_project.name]
    assert rows[1][2] == "Amsterdam"
    every = _sheet(http.get("/projecten/export.xlsx"))
    assert '\'=HYPERLINK("http://x")' in [r[0] for r in every[1:]]


def test_cliff_and_project_money_exports(users, own_project, foreign_project, client_for):
    FundingStream.objects.filter(project=own_project).update(
        end_date=timezone.localdate() + timedelta(days=90)
    )
    http = client_for(users[("own", "projectleider")])
    cliff = _sheet(http.get("/projecten/financieringsklif/export.xlsx"))
    assert [(r[0], r[1]) for r in cliff[1:]] == [(own_project.name, "Transformatiefonds")]
    money = _sheet(http.get(f"/projecten/{own_project.pk}/financiering/export.xlsx"), "Per jaar")
    assert sum(r[3] for r in money[1:]) == 240000
    assert http.get(f"/projecten/{foreign_project.pk}/financiering/export.xlsx").status_code == 404


def test_the_portfolio_shows_money_made_structural_by_the_ledger(
    users, own_org, own_project, client_for
):
    amsterdam = Municipality.objects.create(organisation=own_org, cbs_code="GM0363", name="A")
    http = client_for(users[("own", "beleidsadviseur")])
    response = http.post(
        "/projecten/nieuw-voor-oud/",
        {
            "municipality": amsterdam.pk,
            "budget_line": "Individuele begeleiding",
            "policy_domain": "wmo",
            "change": "verminderd",
            "amount_per_year": "125.000",
            "since": "2026-01-01",
            "projects": [own_project.pk],
        },
    )
    assert response.status_code == 302
    entry = NewForOldEntry.objects.get()
    assert entry.amount_per_year == Decimal("125000")
    page = http.get("/projecten/").content.decode()
    assert "125.000" in page
    from proeftuin.sustainability.services import project_advice

    advice = project_advice(own_project, date(2026, 6, 1))
    option = {s.id: s for s in advice.advice.strategies}["new_for_old"]
    assert any("Individuele begeleiding" in t.nl for t in option.context)
    # A project leader may read the ledger but not write it.
    leader = client_for(users[("own", "projectleider")])
    assert leader.post("/projecten/nieuw-voor-oud/", {}).status_code == 403


def test_the_funding_cliff_reads_only_the_streams_it_counts(
    users, own_org, own_project, client_for, django_assert_num_queries
):
    """Issue 14: the cliff reads a project's incidental streams ending within 24 months only
    (and their funder in the same query); the rest of its money changes nothing on the page."""
    today = timezone.localdate()
    FundingStream.objects.filter(project=own_project).delete()
    year_ago = today - timedelta(days=365)
    _stream(own_project, label="Klif", amount="120000", start=year_ago, end=today + timedelta(90))
    _stream(own_project, label="Later", amount="99000", start=year_ago, end=today + timedelta(900))
    _stream(own_project, label="Voorbij", amount="77000", start=year_ago, end=today - timedelta(1))
    _stream(own_project, label="Vast", amount="50000", start=year_ago, end=None, kind="structureel")
    http = client_for(users[("own", "beleidsadviseur")])
    http.get("/projecten/financieringsklif/")  # warm: the session and the user load once
    # Session, user, organisation, the streams with their project's and funder's names, the
    # new-for-old total: a column read per stream would show here as one more query per stream.
    with django_assert_num_queries(5):
        response = http.get("/projecten/financieringsklif/")
    [row] = [r for r in response.context["rows"] if r["project"].pk == own_project.pk]
    assert [s[0] for s in row["streams"]] == ["Klif"]
    assert [c.streams for c in row["cliffs"]] == [("Klif",), ("Klif",), ("Klif",)]
    assert row["first_end"] == today + timedelta(90)
    drawn = {v["stream"] for v in response.context["chart_spec"]["data"]["values"]}
    assert drawn == {"Klif"}


def test_the_portfolio_list_finds_the_cliff_date_per_row_without_grouping_the_portfolio(
    users, own_org, client_for, django_assert_num_queries
):
    """Issue 14: the cliff date (first end of incidental money still ahead) is a subquery per
    row of the page, not an aggregate that groups every visible project before the LIMIT."""
    today = timezone.localdate()
    project = make_project(own_org, name="Twee stromen")
    FundingStream.objects.filter(project=project).update(end_date=today + timedelta(days=100))
    year_ago = today - timedelta(days=365)
    _stream(project, label="Al voorbij", amount="1000", start=year_ago, end=today - timedelta(1))
    _stream(project, label="Eerst", amount="1000", start=year_ago, end=today + timedelta(40))
    _stream(project, label="Vast", amount="1000", start=year_ago, end=None, kind="structureel")
    http = client_for(users[("own", "beleidsadviseur")])
    http.get("/projecten/")  # warm: the session and the user load once
    with django_assert_num_queries(13) as queries:
        response = http.get("/projecten/")
    [row] = [r for r in response.context["rows"] if r["project"].pk == project.pk]
    assert row["project"].cliff_date == today + timedelta(40)
    assert not [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]


def _old_cliff_page(user, today, q=""):
    """The funding cliff as it was computed before issue 14's rewrite: every visible open project's
    streams as models, ``funding_cliffs`` per project, ``cliff_timeline`` per project."""
    from proeftuin.core import funding as funding_core
    from proeftuin.portfolio.charts import cliff_chart, cliff_timeline
    from proeftuin.portfolio.models import CLOSED_STATUSES, Project

    horizon_end = funding_core.add_months(today, 24)
    projects = (
        Project.objects.visible_to(user)
        .filter(archived_at__isnull=True)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("name", "pk")
        .prefetch_related("funding_streams__funder")
    )
    if q:
        projects = projects.filter(name__icontains=q)
    rows, timeline = [], []
    for project in projects:
        streams = list(project.funding_streams.all())
        core = [s.as_core() for s in streams]
        cliffs = funding_core.funding_cliffs(core, today, (6, 12, 24))
        if not cliffs[-1].streams:
            continue
        rows.append({"project": project, "cliffs": cliffs, "first_end": cliffs[-1].first_end})
        timeline += cliff_timeline(project, streams, core, today, horizon_end)
    totals = {
        c.months: sum((r["cliffs"][i].annual_amount_lost for r in rows), Decimal("0"))
        for i, c in enumerate(rows[0]["cliffs"] if rows else [])
    }
    return rows, totals, (cliff_chart(timeline, today) if timeline else None)


def _cliff_portfolio(own_org, foreign_org, today):
    """75 projects (more than a page): one to four streams each, ending before, within 6, 12, 24
    months and beyond, structural money, equal names and equal amounts (ties in every sort),
    closed and archived projects, a project shared by another tenant and one it keeps."""
    from proeftuin.portfolio.models import ProjectGrant

    for i in range(75):
        project = make_project(own_org, name=f"Klif {i}")
        # Equal names on purpose (make_project names a neighbourhood after the project).
        project.name = f"Project {i % 23:02d}" if i % 7 else "Gelijk"
        project.save()
        FundingStream.objects.filter(project=project).delete()
        for j in range(1 + i % 4):
            start = today - timedelta(days=30 + 53 * i + 11 * j)
            end = today + timedelta(days=(97 * i + 211 * j) % 900 - 60)
            kind = "structureel" if (i + j) % 9 == 0 else "incidenteel"
            _stream(
                project,
                label=f"Stroom {j}",
                amount=f"{10000 + (i * 7919 + j * 104729) % 250000}.{(i * 37 + j) % 100:02d}",
                start=start,
                end=end,
                kind=kind,
            )
        if i % 13 == 5:
            project.status = "afgerond" if i % 2 else "gestopt"
            project.save()
        if i % 17 == 3:
            project.archived_at = timezone.now()
            project.save()
    for i, name in enumerate(["Gedeeld", "Elders"]):
        project = make_project(foreign_org, name=name)
        FundingStream.objects.filter(project=project).update(end_date=today + timedelta(90 + i))
        if name == "Gedeeld":
            ProjectGrant.objects.create(project=project, organisation=own_org, level="lezen")


#: Orders, pages and a search of the funding cliff page.
CLIFF_QUERIES = [
    "",
    "?pagina=2",
    "?sorteer=project",
    "?sorteer=-project&pagina=2",
    "?sorteer=m6",
    "?sorteer=-m12",
    "?sorteer=-m24&pagina=2",
    "?sorteer=-einde",
    "?q=project+1",
]


def test_the_funding_cliff_shows_the_same_figures_as_every_projects_cliffs(
    users, own_org, foreign_org, client_for
):
    """Issue 14: the page no longer builds every project's streams to total them; its totals,
    count, rows (in every order, on every page) and chart are what ``funding_cliffs`` and
    ``cliff_timeline`` give per project, to the last digit."""
    from urllib.parse import parse_qs

    today = timezone.localdate()
    _cliff_portfolio(own_org, foreign_org, today)
    user = users[("own", "beleidsadviseur")]
    http = client_for(user)
    for query in CLIFF_QUERIES:
        response = http.get(f"/projecten/financieringsklif/{query}")
        assert response.status_code == 200
        params = {k: v[0] for k, v in parse_qs(query.lstrip("?")).items()}
        rows, totals, chart = _old_cliff_page(user, today, params.get("q", ""))
        assert len(rows) > 50 or params.get("q")
        assert "Elders" not in {r["project"].name for r in rows}
        assert "Gedeeld" in {r["project"].name for r in rows} or params.get("q")
        context = response.context
        assert context["count"] == len(rows), query
        assert context["totals"] == totals, query
        assert context["chart_spec"] == chart, query
        key = params.get("sorteer", "einde").lstrip("-")
        if key == "project":
            rows.sort(key=lambda r: (r["project"].name.casefold(), r["project"].pk))
        elif key == "einde":
            rows.sort(key=lambda r: (r["first_end"], r["project"].name.casefold()))
        else:
            i = {"m6": 0, "m12": 1, "m24": 2}[key]
            rows.sort(
                key=lambda r, i=i: (r["cliffs"][i].annual_amount_lost, r["project"].name.casefold())
            )
        if params.get("sorteer", "").startswith("-"):
            rows.reverse()
        first = (int(params.get("pagina", "1")) - 1) * 50
        expected = [
            (r["project"].pk, r["project"].name, r["first_end"], r["cliffs"])
            for r in rows[first:][:50]
        ]
        shown = [
            (r["project"].pk, r["project"].name, r["first_end"], r["cliffs"])
            for r in context["rows"]
        ]
        assert shown == expected, query
        for r in context["rows"]:
            assert [r[f"m{c.months}"] for c in r["cliffs"]] == [
                c.annual_amount_lost for c in r["cliffs"]
            ]


def test_the_funding_cliff_builds_no_model_per_project_or_stream(
    users, own_org, foreign_org, client_for, django_assert_num_queries
):
    """Issue 14: the totals, the order and the chart come from plain values; no Project or
    FundingStream instance is built, whatever the portfolio's size (the page's rows included)."""
    from django.db.models.signals import post_init

    from proeftuin.portfolio.models import Project

    _cliff_portfolio(own_org, foreign_org, timezone.localdate())
    http = client_for(users[("own", "beleidsadviseur")])
    http.get("/projecten/financieringsklif/")  # warm: the session and the user load once
    built = []

    def count(sender, **kwargs):
        built.append(sender.__name__)

    for model in (Project, FundingStream):
        post_init.connect(count, sender=model)
    try:
        # Session, user, the open projects' incidental streams ending within 24 months (with the
        # project's and the funder's name), the organisation.
        with django_assert_num_queries(5):
            response = http.get("/projecten/financieringsklif/")
    finally:
        for model in (Project, FundingStream):
            post_init.disconnect(count, sender=model)
    assert response.context["count"] > 50
    assert built == []


def test_the_portfolio_filter_offers_neighbourhoods_without_a_server_side_cursor(
    users, own_org, foreign_org, shared_project, client_for
):
    """Issue 14: the filter's neighbourhoods are the organisation's own and those of the projects
    it may see, each once, read in one plain query: no join with DISTINCT over every link, and no
    ``iterator()`` (on PostgreSQL a server-side cursor, three round trips) for a short list."""
    from unittest import mock

    from django.db.models.query import QuerySet

    from proeftuin.portfolio.models import Neighbourhood, Project

    elders = make_project(foreign_org, name="Alleen elders")
    shared_hoods = set(shared_project.neighbourhoods.values_list("pk", flat=True))
    assert shared_hoods
    http = client_for(users[("own", "beleidsadviseur")])
    with mock.patch.object(QuerySet, "iterator", side_effect=AssertionError("iterator()")):
        response = http.get("/projecten/")
        offered = {
            value.value
            for value, _label in response.context["form"]["neighbourhood"].field.choices
            if value
        }
    expected = (
        set(Neighbourhood.objects.filter(organisation=own_org).values_list("pk", flat=True))
        | shared_hoods
    )
    assert offered == expected
    assert not offered & set(elders.neighbourhoods.values_list("pk", flat=True))
    assert Project.objects.filter(pk=shared_project.pk, owner=foreign_org).exists()
