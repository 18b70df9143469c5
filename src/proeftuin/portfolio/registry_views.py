"""Screens for municipalities and their neighbourhoods, the partner registry and the ledger.

Everything here belongs to the user's own organisation: another tenant's row is a 404. Reading is
for every logged-in user; policy advisers and project leaders (CREATE) maintain the lists; the
nieuw-voor-oud ledger is a budget decision, kept by those who may DECIDE.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from proeftuin.core.access import Capability

from .access import require
from .registry import Municipality, NewForOldEntry, PartnerOrganisation
from .registry_forms import (
    MunicipalityForm,
    NeighbourhoodCsvForm,
    NeighbourhoodForm,
    NewForOldForm,
    PartnerForm,
)
from .registry_services import import_areas, save_partner

MAX_CSV_BYTES = 2 * 1024 * 1024


def _own(model, request, pk: int):
    return get_object_or_404(model, organisation_id=request.user.organisation_id, pk=pk)


@login_required
def municipalities(request):
    tenant = request.user.organisation
    form = None
    if request.user.can(Capability.CREATE):
        form = MunicipalityForm(request.POST or None, tenant=tenant)
    if request.method == "POST":
        require(request, Capability.CREATE)
        if form.is_valid():
            municipality = form.save()
            messages.success(request, _("Gemeente toegevoegd."))
            return redirect("portfolio:municipality", municipality_pk=municipality.pk)
    rows = Municipality.objects.filter(organisation=tenant)
    return render(request, "portfolio/municipalities.html", {"rows": rows, "form": form})


@login_required
def municipality(request, municipality_pk: int):
    item = _own(Municipality, request, municipality_pk)
    can_edit = request.user.can(Capability.CREATE)
    form = NeighbourhoodForm(request.POST or None, municipality=item) if can_edit else None
    if request.method == "POST":
        require(request, Capability.CREATE)
        if form.is_valid():
            form.save()
            messages.success(request, _("Wijk toegevoegd."))
            return redirect("portfolio:municipality", municipality_pk=item.pk)
    return render(
        request,
        "portfolio/municipality.html",
        {
            "municipality": item,
            "rows": item.neighbourhoods.select_related("parent").order_by("cbs_code", "name"),
            "form": form,
            "csv_form": NeighbourhoodCsvForm() if can_edit else None,
        },
    )


@login_required
@require_POST
def municipality_import(request, municipality_pk: int):
    """Bring in a CBS list of wijken and buurten; every wrong row is named and nothing changes."""
    item = _own(Municipality, request, municipality_pk)
    require(request, Capability.CREATE)
    form = NeighbourhoodCsvForm(request.POST, request.FILES)
    problems = ()
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            messages.error(request, _("Het bestand is groter dan 2 MB."))
            return redirect("portfolio:municipality", municipality_pk=item.pk)
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        result = import_areas(item, text)
        if not result.problems:
            messages.success(
                request,
                _(
                    "Wijken en buurten ingelezen: %(new)d nieuw, %(upd)d bijgewerkt, %(same)d al gelijk."
                )
                % {"new": result.created, "upd": result.updated, "same": result.unchanged},
            )
            return redirect("portfolio:municipality", municipality_pk=item.pk)
        problems = [(p.line, area_problem_text(p)) for p in result.problems]
    return render(
        request,
        "portfolio/municipality.html",
        {
            "municipality": item,
            "rows": item.neighbourhoods.select_related("parent").order_by("cbs_code", "name"),
            "form": NeighbourhoodForm(municipality=item),
            "csv_form": form,
            "problems": problems,
        },
    )


@login_required
def partners(request):
    tenant = request.user.organisation
    form = PartnerForm(request.POST or None, tenant=tenant)
    if request.method == "POST":
        require(request, Capability.CREATE)
        if form.is_valid():
            save_partner(form, request.user)
            messages.success(request, _("Partnerorganisatie toegevoegd."))
            return redirect("portfolio:partners")
    rows = PartnerOrganisation.objects.filter(organisation=tenant).select_related("municipality")
    return render(
        request,
        "portfolio/partners.html",
        {"rows": rows, "form": form if request.user.can(Capability.CREATE) else None},
    )


@login_required
def partner_edit(request, partner_pk: int):
    item = _own(PartnerOrganisation, request, partner_pk)
    require(request, Capability.CREATE)
    form = PartnerForm(request.POST or None, instance=item, tenant=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        save_partner(form, request.user)
        messages.success(request, _("Opgeslagen."))
        return redirect("portfolio:partners")
    return render(request, "portfolio/registry_form.html", {"form": form, "title": item.name})


def new_for_old_total(organisation_id: int | None, today=None) -> Decimal:
    """Money a year that moved from old spending to pilots as structural money, up to today."""
    today = today or timezone.localdate()
    total = NewForOldEntry.objects.filter(
        organisation_id=organisation_id, since__lte=today
    ).aggregate(total=Sum("amount_per_year"))["total"]
    return total or Decimal("0")


@login_required
def new_for_old(request):
    tenant = request.user.organisation
    may = request.user.can(Capability.DECIDE)
    form = NewForOldForm(request.POST or None, tenant=tenant) if may else None
    if request.method == "POST":
        require(request, Capability.DECIDE)
        if form.is_valid():
            form.save()
            messages.success(request, _("Opgeslagen."))
            return redirect("portfolio:new_for_old")
    rows = (
        NewForOldEntry.objects.filter(organisation=tenant)
        .select_related("municipality")
        .prefetch_related("projects")
    )
    return render(
        request,
        "portfolio/new_for_old.html",
        {"rows": rows, "form": form, "total": new_for_old_total(tenant.pk if tenant else None)},
    )


@login_required
def new_for_old_edit(request, entry_pk: int):
    item = _own(NewForOldEntry, request, entry_pk)
    require(request, Capability.DECIDE)
    form = NewForOldForm(request.POST or None, instance=item, tenant=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Opgeslagen."))
        return redirect("portfolio:new_for_old")
    return render(request, "portfolio/registry_form.html", {"form": form, "title": str(item)})


#: What is wrong with a row of a CBS list of wijken and buurten (codes of core.cbs_areas).
AREA_PROBLEMS = {
    "empty": _lazy("Het bestand is leeg."),
    "no_name_column": _lazy("Geen kolom met de naam gevonden (bijvoorbeeld 'naam' of 'regio')."),
    "no_code": _lazy("Geen wijkcode (WK + 6 cijfers) of buurtcode (BU + 8)."),
    "other_municipality": _lazy("%(code)s hoort niet bij gemeente %(municipality)s."),
    "no_name": _lazy("%(code)s heeft geen naam."),
    "duplicate": _lazy("%(code)s staat twee keer in het bestand."),
}


def area_problem_text(problem) -> str:
    """One problem of the CBS list in the reader's language."""
    return str(AREA_PROBLEMS.get(problem.code, problem.code)) % problem.params
