"""The portfolio as its filter and sort show it, for the overview screen and its XLSX export."""

from __future__ import annotations

from datetime import date

from django.db.models import F, OuterRef, Prefetch, Q, Subquery

from proeftuin.core import funding as funding_core

from .forms import PortfolioFilterForm
from .models import CLOSED_STATUSES, FundingStream, Neighbourhood, Project
from .registry import Municipality


def filtered_portfolio(request, today: date) -> tuple[PortfolioFilterForm, object]:
    """The visible projects as the portfolio's filter and sort show them.

    One function for the screen and its XLSX export, so the export holds what the screen shows.
    The cliff date (first end of incidental money still ahead) is computed in the database, so
    filtering and sorting by it work across pages.
    """
    user = request.user
    # The organisation's own neighbourhoods and those of the projects it may see: a semi-join,
    # not a join over every project's links made distinct again over all columns (issue 14).
    linked = Project.neighbourhoods.through.objects.filter(
        project__in=Project.objects.visible_to(user)
    ).values("neighbourhood_id")
    hoods = Neighbourhood.objects.filter(
        Q(organisation_id=user.organisation_id) | Q(pk__in=linked)
    ).select_related("municipality")
    municipalities = Municipality.objects.filter(organisation_id=user.organisation_id)
    form = PortfolioFilterForm(
        request.GET or None, neighbourhoods=hoods, municipalities=municipalities
    )
    projects = (
        Project.objects.visible_to(user)
        .select_related("owner", "municipality")
        # A subquery, not Min() over a join: the join grouped every visible project (all their
        # columns) before the page's LIMIT, 22 ms of the list's ~80 at 1,000 projects (issue 14);
        # the subquery runs for the rows of the page only (or the ones filtered on it).
        .annotate(
            cliff_date=Subquery(
                FundingStream.objects.filter(
                    project_id=OuterRef("pk"),
                    kind=FundingStream.Kind.INCIDENTAL,
                    end_date__gte=today,
                )
                .order_by("end_date")
                .values("end_date")[:1]
            )
        )
    )
    order = ["name", "pk"]
    if form.is_valid():
        data = form.cleaned_data
        if not data["archived"]:
            projects = projects.filter(archived_at__isnull=True)
        if data["q"]:
            projects = projects.filter(
                Q(name__icontains=data["q"]) | Q(summary__icontains=data["q"])
            )
        if data["theme"]:
            projects = projects.filter(themes__icontains=f'"{data["theme"]}"')
        if data["neighbourhood"]:
            projects = projects.filter(
                pk__in=Project.objects.filter(neighbourhoods=data["neighbourhood"]).values("pk")
            )
        if data["municipality"]:
            projects = projects.filter(municipality=data["municipality"])
        if data["phase"]:
            projects = projects.filter(phase=data["phase"])
        if data["status"]:
            projects = projects.filter(status=data["status"])
        if data["participation"]:
            # A form of participation (one of several per project) or a rung on the ladder.
            kind, _sep, key = data["participation"].rpartition(":")
            if kind == "level":
                projects = projects.filter(participation__level=key)
            else:
                projects = projects.filter(participation__forms__icontains=f'"{key}"')
        if data["cliff_within"]:
            projects = projects.filter(
                cliff_date__isnull=False,
                cliff_date__lte=funding_core.add_months(today, data["cliff_within"]),
            ).exclude(status__in=CLOSED_STATUSES)
        if data["sort"] == "klif":
            order = [F("cliff_date").asc(nulls_last=True), "name", "pk"]
    else:
        projects = projects.filter(archived_at__isnull=True)
    projects = projects.prefetch_related(
        "neighbourhoods", Prefetch("funding_streams", queryset=FundingStream.objects.all())
    ).order_by(*order)
    return form, projects
