"""The portfolio as its filter and sort show it, for the overview screen and its XLSX export."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Min, Prefetch, Q

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
    hoods = (
        Neighbourhood.objects.filter(
            Q(organisation_id=user.organisation_id)
            | Q(projects__in=Project.objects.visible_to(user))
        )
        .select_related("municipality")
        .distinct()
    )
    municipalities = Municipality.objects.filter(organisation_id=user.organisation_id)
    form = PortfolioFilterForm(
        request.GET or None, neighbourhoods=hoods, municipalities=municipalities
    )
    projects = (
        Project.objects.visible_to(user)
        .select_related("owner", "municipality")
        .annotate(
            cliff_date=Min(
                "funding_streams__end_date",
                filter=Q(
                    funding_streams__kind=FundingStream.Kind.INCIDENTAL,
                    funding_streams__end_date__gte=today,
                ),
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
