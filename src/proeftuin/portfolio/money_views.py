"""Money at a glance: the annual budget and the XLSX exports of the portfolio and its money.

Views only gather rows; the sums come from :mod:`proeftuin.core.money` and the cells go through
:mod:`proeftuin.common.exports` (formula escaping), so screen and file agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from proeftuin.common import listing
from proeftuin.common.exports import download, xlsx_bytes
from proeftuin.core import funding as funding_core
from proeftuin.core import money
from proeftuin.core.access import Capability

from .access import require, visible_project
from .charts import cliff_chart, cliff_point
from .listing import filtered_portfolio
from .models import CLOSED_STATUSES, FundingStream, Project
from .registry_views import new_for_old_total

BUDGET_PAGE_SIZE = 50


def _stream_list(*, funders: bool = False) -> Prefetch:
    """Every project's streams as a plain list (``stream_list``) in one query.

    ``to_attr`` matters at 1,000 projects: a plain ``prefetch_related`` builds a related
    manager's queryset per project, which cost more than the sums themselves.
    """
    streams = FundingStream.objects.select_related("funder") if funders else None
    return Prefetch("funding_streams", queryset=streams, to_attr="stream_list")


def _budget(request, today: date) -> money.Budget:
    projects = list(
        Project.objects.visible_to(request.user)
        .filter(archived_at__isnull=True)
        .only("pk", "name")
        .prefetch_related(_stream_list())
        .order_by("name", "pk")
    )
    pairs = [(p.name, [s.as_core() for s in p.stream_list]) for p in projects]
    years = money.year_range([s for _n, streams in pairs for s in streams], today)
    return money.budget(pairs, years)


@login_required
def budget(request):
    """Money per year × project, incidental and structural, with the portfolio's totals."""
    today = timezone.localdate()
    result = _budget(request, today)
    # The totals (the table's foot) cover every project; the body shows one page of them.
    page = listing.page_of(request, result.projects, BUDGET_PAGE_SIZE)
    return render(
        request,
        "portfolio/budget.html",
        {
            "budget": result,
            "rows": page.object_list,
            "page": page,
            "query": listing.query_without_page(request),
            "new_for_old_total": new_for_old_total(request.user.organisation_id, today),
        },
    )


@login_required
def budget_export(request):
    require(request, Capability.EXPORT)
    result = _budget(request, timezone.localdate())
    header = [_("Project"), _("Jaar"), _("Incidenteel (€)"), _("Structureel (€)"), _("Totaal (€)")]
    rows = [
        [p.name, y.year, y.incidental, y.structural, y.total]
        for p in result.projects
        for y in p.years
    ]
    totals = [[_("Totaal"), y.year, y.incidental, y.structural, y.total] for y in result.totals]
    return download(
        xlsx_bytes({_("Begroting"): (header, rows), _("Totaal per jaar"): (header, totals)}),
        "begroting",
        "xlsx",
    )


@login_required
def portfolio_export(request):
    """The portfolio as the screen shows it (same filter and sort), with cliff and money."""
    require(request, Capability.EXPORT)
    today = timezone.localdate()
    _form, projects = filtered_portfolio(request, today)
    header = [
        _("Project"),
        _("Eigenaar"),
        _("Gemeente"),
        _("Thema's"),
        _("Wijken"),
        _("Fase"),
        _("Status"),
        _("Startdatum"),
        _("Einddatum"),
        _("Klifdatum"),
        _("Wegvallend per jaar binnen 12 maanden (€)"),
        _("Incidenteel dit jaar (€)"),
        _("Structureel dit jaar (€)"),
    ]
    rows = []
    this_year = range(today.year, today.year + 1)
    for p in projects:
        streams = [s.as_core() for s in p.funding_streams.all()]
        cliff = funding_core.funding_cliffs(streams, today, (12,))[0]
        year = money.per_year(streams, this_year)[0]
        rows.append(
            [
                p.name,
                p.owner.name,
                p.municipality.name if p.municipality else "",
                ", ".join(p.theme_labels()),
                ", ".join(h.name for h in p.neighbourhoods.all()),
                p.get_phase_display(),
                p.get_status_display(),
                p.start_date,
                p.end_date,
                p.cliff_date,
                cliff.annual_amount_lost.quantize(money.ZERO),
                year.incidental,
                year.structural,
            ]
        )
    return download(xlsx_bytes({_("Portfolio"): (header, rows)}), "portfolio", "xlsx")


@login_required
def cliffs_export(request):
    """Every incidental stream that ends in the next 24 months, per project."""
    require(request, Capability.EXPORT)
    today = timezone.localdate()
    header = [
        _("Project"),
        _("Stroom"),
        _("Financier"),
        _("Einddatum"),
        _("Maanden tot einde"),
        _("Bedrag per jaar (€)"),
    ]
    rows = []
    projects = (
        Project.objects.visible_to(request.user)
        .filter(archived_at__isnull=True)
        .prefetch_related("funding_streams__funder")
        .order_by("name", "pk")
    )
    for p in projects:
        for s in p.funding_streams.all():
            core = s.as_core()
            if not core.structural and funding_core.ends_within(s.end_date, today, 24):
                rows.append(
                    [
                        p.name,
                        s.label,
                        s.funder.name,
                        s.end_date,
                        funding_core.months_until(s.end_date, today),
                        core.annual_rate().quantize(money.ZERO),
                    ]
                )
    rows.sort(key=lambda r: (r[3], r[0]))
    return download(
        xlsx_bytes({_("Financieringsklif"): (header, rows)}), "financieringsklif", "xlsx"
    )


@login_required
def project_money_export(request, pk: int):
    """One project's funding streams and its money per year."""
    project = visible_project(request, pk)
    require(request, Capability.EXPORT)
    streams = list(project.funding_streams.select_related("funder"))
    core = [s.as_core() for s in streams]
    years = money.year_range(core, timezone.localdate())
    stream_header = [
        _("Regeling"),
        _("Financier"),
        _("Bedrag (€)"),
        _("Startdatum"),
        _("Einddatum"),
        _("Soort"),
        _("Beleidsdomein"),
    ]
    stream_rows = [
        [
            s.label,
            s.funder.name,
            s.amount,
            s.start_date,
            s.end_date,
            s.get_kind_display(),
            s.get_policy_domain_display(),
        ]
        for s in streams
    ]
    year_header = [_("Jaar"), _("Incidenteel (€)"), _("Structureel (€)"), _("Totaal (€)")]
    year_rows = [[y.year, y.incidental, y.structural, y.total] for y in money.per_year(core, years)]
    return download(
        xlsx_bytes(
            {
                _("Financieringsstromen"): (stream_header, stream_rows),
                _("Per jaar"): (year_header, year_rows),
            }
        ),
        f"geld-project-{project.pk}",
        "xlsx",
    )


CLIFF_HORIZONS = (6, 12, 24)
CLIFF_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class CliffProject:
    """What a cliff row shows of its project (a link and a name), without a model instance."""

    pk: int
    name: str


def _cliff_rows(request, today: date) -> tuple[list[dict], list[dict]]:
    """Per open project with incidental money ending in 24 months: its cliff amounts (the sort
    keys and the totals) and its streams; and the timeline rows of the chart.

    One query of plain values, in project order: each visible open project's incidental streams
    that end within the horizon (the only ones ``funding_cliffs`` and ``cliff_timeline`` count),
    with the project's and the funder's name. No model instance is built: at 1,000 projects the
    page built some 2,500 of them per request for totals over the whole portfolio (issue 14).
    The page's rows get their :class:`~proeftuin.core.funding.Cliff` objects in ``_with_cliffs``.
    """
    until = [funding_core.add_months(today, h) for h in CLIFF_HORIZONS]
    projects = (
        Project.objects.visible_to(request.user)
        .filter(archived_at__isnull=True)
        .exclude(status__in=CLOSED_STATUSES)
    )
    q = request.GET.get("q", "").strip()
    if q:
        projects = projects.filter(name__icontains=q)
    streams = (
        FundingStream.objects.filter(
            project__in=projects.values("pk"),
            kind=FundingStream.Kind.INCIDENTAL,
            end_date__gte=today,
            end_date__lte=until[-1],
        )
        # The order of the streams is a project's own (Meta.ordering), so its sums are the same.
        .order_by("project__name", "project_id", "end_date", "label")
        .values_list(
            "project_id",
            "project__name",
            "label",
            "funder__name",
            "amount",
            "start_date",
            "end_date",
        )
    )
    rows: list[dict] = []
    timeline: list[dict] = []
    row: dict = {}
    for pk, name, label, funder, amount, start, end in streams:
        rate = funding_core.rate_per_year(amount, start, end)
        if row.get("pk") != pk:
            row = {"pk": pk, "project": CliffProject(pk, name), "streams": [], "first_end": end}
            rows.append(row)
        row["streams"].append((label, amount, start, end, rate))
        timeline.append(cliff_point(name, label, funder, end, rate))
    for row in rows:
        amounts = funding_core.cliff_amounts(
            ((end, rate) for _l, _a, _s, end, rate in row["streams"]), today, until
        )
        row.update({f"m{h}": amount for h, amount in zip(CLIFF_HORIZONS, amounts, strict=True)})
    return rows, timeline


def _with_cliffs(rows: list[dict], today: date) -> list[dict]:
    """The rows of one page with their cliffs per horizon (amount, streams, first end)."""
    for row in rows:
        row["cliffs"] = funding_core.funding_cliffs(
            [
                funding_core.Stream(label, amount, start, end)
                for label, amount, start, end, _rate in row["streams"]
            ],
            today,
            CLIFF_HORIZONS,
        )
    return rows


@login_required
def funding_cliffs(request):
    """Which projects lose how much money a year in the next 6, 12 and 24 months.

    The totals and the chart cover every project that matches the search; the table shows one
    page of them, sorted on the server.
    """
    today = timezone.localdate()
    rows, timeline = _cliff_rows(request, today)
    totals = {h: sum((r[f"m{h}"] for r in rows), Decimal("0")) for h in CLIFF_HORIZONS}
    columns = {
        "project": _("Project"),
        "einde": _("Eerste einddatum"),
        **{f"m{h}": _("≤ %(h)s mnd") % {"h": h} for h in CLIFF_HORIZONS},
    }
    order = listing.sorting(request, columns, "einde")
    if order.key == "project":
        rows.sort(key=lambda r: (r["project"].name.casefold(), r["project"].pk))
    elif order.key == "einde":
        rows.sort(key=lambda r: (r["first_end"] or date.max, r["project"].name.casefold()))
    else:
        rows.sort(key=lambda r: (r[order.key], r["project"].name.casefold()))
    if order.descending:
        rows.reverse()
    page = listing.page_of(request, rows, CLIFF_PAGE_SIZE)
    return render(
        request,
        "portfolio/funding_cliffs.html",
        {
            "rows": _with_cliffs(list(page.object_list), today),
            "page": page,
            "count": len(rows),
            "query": listing.query_without_page(request),
            "q": request.GET.get("q", "").strip(),
            "sort": order,
            "horizons": CLIFF_HORIZONS,
            "totals": totals,
            "chart_spec": cliff_chart(timeline, today) if timeline else None,
            "today": today,
        },
    )
