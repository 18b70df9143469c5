"""The neighbourhood monitor's screens: the overview with the alarms, the import (upload,
mapping and dry run, then all or nothing), and one neighbourhood's panel against the city
average with its trend and the required context note."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from proeftuin.common import intake_text
from proeftuin.core.access import Capability
from proeftuin.core.intake.errors import FileRefused
from proeftuin.core.neighbourhoods import monitor, reading

from . import maps, services
from .charts import trend_chart
from .forms import NoteForm, UploadForm
from .models import ContextNote, Upload
from .portfolio_link import pilots_by_area, pilots_in


def _lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def _organisation(request):
    if not request.user.organisation_id:
        raise PermissionDenied
    return request.user.organisation


def _may_edit(request) -> bool:
    return request.user.can(Capability.EDIT)


@login_required
def overview(request):
    organisation = _organisation(request)
    year, panels, notes = services.overview(organisation)
    map_spec, map_problem = maps.overview_map(panels) if year is not None else (None, "")
    pilots = pilots_by_area(request.user, [(p.code, p.name) for p in panels])
    rows = [{"panel": p, "note": notes.get(p.code), "pilots": pilots[p.code]} for p in panels]
    return render(
        request,
        "neighbourhoods/overview.html",
        {
            "year": year,
            "rows": rows,
            "alarms": [r for r in rows if r["panel"].alarm],
            "without_pilot": [r for r in rows if r["panel"].alarm and not r["pilots"]],
            "indicator_set": services.indicator_set(),
            "lang": _lang(),
            "can_edit": _may_edit(request),
            "map_spec": map_spec,
            "map_problem": map_problem,
        },
    )


@login_required
def upload(request):
    organisation = _organisation(request)
    if not _may_edit(request):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # Uploads left for more than a day (never imported) are not kept.
        Upload.objects.filter(
            organisation=organisation, created_at__lt=timezone.now() - timedelta(days=1)
        ).delete()
        file = form.cleaned_data["file"]
        stored = Upload.objects.create(
            organisation=organisation,
            filename=file.name[:255],
            data=file.read(),
            uploaded_by=request.user,
        )
        return redirect("neighbourhoods:check", upload_pk=stored.pk)
    return render(request, "neighbourhoods/upload.html", {"form": form})


def _targets(indicator_set, lang: str) -> list[tuple[str, str]]:
    return [
        ("", _("— niet gebruiken —")),
        (reading.CODE, _("gebiedscode")),
        (reading.NAME, _("naam van de wijk of buurt")),
        (reading.YEAR, _("jaar")),
        *((i.id, i.label(lang)) for i in indicator_set.indicators),
    ]


@login_required
def check(request, upload_pk: int):
    """Mapping and dry run on one page; *Importeren* commits only a clean dry run."""
    organisation = _organisation(request)
    if not _may_edit(request):
        raise PermissionDenied
    stored = get_object_or_404(Upload, pk=upload_pk, organisation=organisation, done=False)
    indicator_set = services.indicator_set()
    try:
        sheet = services.read(bytes(stored.data), stored.filename)
    except FileRefused as exc:
        messages.error(request, intake_text.described(exc.error))
        return redirect("neighbourhoods:upload")
    if request.method == "POST":
        mapping = {
            h: request.POST.get(f"map-{i}", "")
            for i, h in enumerate(sheet.headers)
            if request.POST.get(f"map-{i}")
        }
        year_text = request.POST.get("year", "").strip()
        year = int(year_text) if year_text.isdigit() and 1900 < int(year_text) < 2100 else None
    else:
        mapping = reading.suggest_mapping(sheet.headers, indicator_set)
        year = None
    result = reading.dry_run(sheet, mapping, indicator_set, year=year)
    if request.method == "POST" and request.POST.get("action") == "import":
        if result.ok:
            n = services.commit(organisation, result, stored)
            messages.success(
                request,
                _("%(n)s wijkcijfers geïmporteerd voor %(areas)s gebieden.")
                % {"n": n, "areas": result.areas},
            )
            return redirect("neighbourhoods:overview")
        messages.error(request, _("Niets geïmporteerd: los eerst de problemen op."))
    columns = [
        {"index": i, "header": h, "target": mapping.get(h, "")} for i, h in enumerate(sheet.headers)
    ]
    return render(
        request,
        "neighbourhoods/check.html",
        {
            "upload": stored,
            "columns": columns,
            "targets": _targets(indicator_set, _lang()),
            "result": result,
            "problems": result.problems[:200],
            "year": year or "",
        },
    )


@login_required
def panel(request, code: str):
    """One neighbourhood against the city average, with the trend and the context note."""
    organisation = _organisation(request)
    figures = services.figures_of(organisation)
    year = monitor.latest_year(figures)
    indicator_set = services.indicator_set()
    found = (
        [p for p in monitor.panels(figures, indicator_set, year) if p.code == code] if year else []
    )
    if not found:
        raise Http404
    the_panel = found[0]
    note = ContextNote.objects.filter(organisation=organisation, code=code, year=year).first()
    form = NoteForm(request.POST or None, instance=note) if _may_edit(request) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            saved = form.save(commit=False)
            saved.organisation, saved.code, saved.year = organisation, code, year
            saved.written_by = request.user
            saved.save()
            messages.success(request, _("Toelichting opgeslagen."))
            return redirect("neighbourhoods:panel", code=code)
    lang = _lang()
    rows = []
    for indicator in indicator_set.indicators:
        value, average, is_worse = the_panel.rows[indicator.id]
        rows.append(
            {
                "indicator": indicator,
                "label": indicator.label(lang),
                "value": value,
                "average": average,
                "worse": is_worse,
                "trend": monitor.trend(figures, code, indicator.id),
            }
        )
    return render(
        request,
        "neighbourhoods/panel.html",
        {
            "panel": the_panel,
            "rows": rows,
            "note": note,
            "form": form,
            "pilots": pilots_in(request.user, code, the_panel.name),
            "chart": trend_chart(rows, lang),
            "domains": dict(indicator_set.domains),
            "lang": lang,
        },
    )
