"""Portfolio import screens: upload, column mapping with suggestions, dry run, durable import.

Policy advisers and project leaders (CREATE) import into their own organisation's portfolio; an
import of another tenant is a 404.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from proeftuin.common import intake_text
from proeftuin.common.exports import download, xlsx_bytes
from proeftuin.core import portfolio_exchange as core
from proeftuin.core.access import Capability

from . import exchange, exchange_jobs
from .access import require
from .models import Phase, PolicyDomain, Theme
from .registry import PortfolioImport

TEMPLATE_SHEETS = {
    "Projecten": (
        "project.name",
        "project.external_id",
        "project.municipality",
        "project.municipality_code",
        "project.themes",
        "project.start_date",
        "project.end_date",
        "project.phase",
        "stream.label",
        "stream.funder",
        "stream.amount",
        "stream.kind",
        "stream.policy_domain",
    ),
    "Financiering": (
        "project.name",
        "stream.label",
        "stream.funder",
        "stream.amount",
        "stream.start_date",
        "stream.end_date",
        "stream.kind",
        "stream.policy_domain",
    ),
    "Coalitie": (
        "project.name",
        "coalition.organisation",
        "coalition.contact_person",
        "coalition.role",
        "coalition.level",
    ),
    "Doelen": ("project.name", "goal.goal_type", "goal.text", "goal.indicator"),
    "Partners": ("partner.name", "partner.kind", "partner.kvk_number"),
}


#: The fields' names on the mapping screen, in the interface language (the core keeps Dutch).
FIELD_LABELS = {
    "project.name": gettext_lazy("Projectnaam"),
    "project.external_id": gettext_lazy("Extern kenmerk"),
    "project.summary": gettext_lazy("Samenvatting"),
    "project.municipality": gettext_lazy("Gemeente"),
    "project.municipality_code": gettext_lazy("CBS-gemeentecode"),
    "project.themes": gettext_lazy("Thema's"),
    "project.target_group": gettext_lazy("Doelgroep"),
    "project.start_date": gettext_lazy("Startdatum"),
    "project.end_date": gettext_lazy("Einddatum"),
    "project.phase": gettext_lazy("Innovatiefase"),
    "project.status": gettext_lazy("Status"),
    "stream.label": gettext_lazy("Regeling"),
    "stream.funder": gettext_lazy("Financier"),
    "stream.amount": gettext_lazy("Bedrag (€)"),
    "stream.start_date": gettext_lazy("Start financiering"),
    "stream.end_date": gettext_lazy("Einde financiering"),
    "stream.kind": gettext_lazy("Soort geld"),
    "stream.policy_domain": gettext_lazy("Beleidsdomein"),
    "coalition.organisation": gettext_lazy("Coalitiepartner"),
    "coalition.contact_person": gettext_lazy("Contactpersoon"),
    "coalition.role": gettext_lazy("Rol"),
    "coalition.level": gettext_lazy("Niveau van draagvlak"),
    "goal.goal_type": gettext_lazy("Soort doel"),
    "goal.text": gettext_lazy("Doel"),
    "goal.indicator": gettext_lazy("Indicator"),
    "partner.name": gettext_lazy("Naam partnerorganisatie"),
    "partner.kind": gettext_lazy("Soort organisatie"),
    "partner.kvk_number": gettext_lazy("KvK-nummer"),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("Een XLSX-, ODS- of CSV-bestand, hoogstens 10 MB."),
    )


def _own_import(request, import_pk: int) -> PortfolioImport:
    return get_object_or_404(
        PortfolioImport, organisation_id=request.user.organisation_id, pk=import_pk
    )


@login_required
def template(request):
    """The import template: one sheet per kind, a help row under each header, the choice lists."""
    sheets = {}
    for title, keys in TEMPLATE_SHEETS.items():
        header = [core.FIELDS[k][0] for k in keys]
        help_row = [core.HELP.get(k, "") for k in keys]
        sheets[title] = (header, [help_row])
    longest = max(len(Theme.choices), len(Phase.choices), len(PolicyDomain.choices))

    def column(choices):
        labels = [str(label) for _v, label in choices]
        return labels + [""] * (longest - len(labels))

    lists = list(
        zip(column(Theme.choices), column(Phase.choices), column(PolicyDomain.choices), strict=True)
    )
    sheets["Keuzelijsten"] = (
        ["Thema's (lijst)", "Fasen (lijst)", "Beleidsdomeinen (lijst)"],
        lists,
    )
    return download(xlsx_bytes(sheets), "portfolio-sjabloon", "xlsx")


@login_required
def upload(request):
    require(request, Capability.CREATE)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        content = uploaded.read(exchange.LIMITS.max_bytes + 1)
        name = uploaded.name[-200:]
        parsed = exchange.read(content, name)
        problems = parsed.errors
        if not parsed.sheets and not problems:
            form.add_error("file", _("Er staan geen kolommen met een kopregel in dit bestand."))
        elif not problems:
            # Files may name contact persons: an upload older than a week is not kept.
            PortfolioImport.objects.filter(
                organisation_id=request.user.organisation_id,
                created_at__lt=timezone.now() - timedelta(days=7),
            ).exclude(content=b"").update(content=b"")
            imp = PortfolioImport.objects.create(
                organisation=request.user.organisation,
                created_by=request.user,
                original_name=name,
                content=content,
                mapping={s.name: core.default_mapping(s) for s in parsed.sheets},
            )
            return redirect("portfolio:import_detail", import_pk=imp.pk)
    recent = PortfolioImport.objects.filter(organisation_id=request.user.organisation_id)[:10]
    return render(
        request,
        "portfolio/import_upload.html",
        {"form": form, "problems": problems, "recent": recent},
    )


def _sheets_for_screen(imp: PortfolioImport) -> tuple[list[dict], list]:
    parsed = exchange.read(bytes(imp.content), imp.original_name) if imp.content else None
    if parsed is None:
        return [], []
    options = [("", _("Niet importeren"))] + [
        (k, FIELD_LABELS.get(k, label)) for k, (label, _w) in core.FIELDS.items()
    ]
    sheets = []
    for index, sheet in enumerate(parsed.sheets):
        chosen = (imp.mapping or {}).get(sheet.name) or core.default_mapping(sheet)
        sheets.append(
            {
                "index": index,
                "name": sheet.name,
                "rows": len(sheet.rows),
                "columns": [
                    {
                        "letter": c.letter,
                        "header": c.header,
                        "samples": ", ".join(str(v) for v in c.samples),
                        "reason": intake_text.suggestion_reason(
                            c.reason,
                            {**c.reason_params, "label": FIELD_LABELS.get(c.field, c.field)}
                            if c.field
                            else c.reason_params,
                        ),
                        "chosen": chosen.get(c.letter, ""),
                        "input": f"map-{index}-{c.letter}",
                    }
                    for c in sheet.columns
                ],
            }
        )
    return sheets, options


@login_required
def detail(request, import_pk: int):
    """Mapping, dry run and import of one uploaded file."""
    imp = _own_import(request, import_pk)
    require(request, Capability.CREATE)
    running = imp.status in (PortfolioImport.Status.QUEUED, PortfolioImport.Status.RUNNING)
    if request.method == "POST" and not running and imp.status != PortfolioImport.Status.DONE:
        sheets, _options = _sheets_for_screen(imp)
        fields = set(core.FIELDS)
        imp.mapping = {
            sheet["name"]: {
                c["letter"]: value if (value := request.POST.get(c["input"], "")) in fields else ""
                for c in sheet["columns"]
            }
            for sheet in sheets
        } or imp.mapping
        if request.POST.get("action") == "importeren" and imp.status == "gecontroleerd":
            imp.save(update_fields=["mapping"])
            exchange_jobs.start(imp, get_language() or "nl")
            return redirect("portfolio:import_detail", import_pk=imp.pk)
        outcome = exchange.run(imp, request.user, commit=False)
        imp.result = {**outcome.to_dict(), "committed": False}
        imp.status = (
            PortfolioImport.Status.UPLOADED if outcome.problems else PortfolioImport.Status.CHECKED
        )
        imp.save(update_fields=["mapping", "result", "status"])
        return redirect("portfolio:import_detail", import_pk=imp.pk)
    sheets, options = _sheets_for_screen(imp) if imp.content else ([], [])
    template_name = "portfolio/import_detail.html"
    if request.headers.get("HX-Target") == "import-status":
        # The status block polls itself; a boosted link to this page gets the whole page.
        template_name = "portfolio/_import_status.html"
    return render(
        request,
        template_name,
        {
            "imp": imp,
            "sheets": sheets,
            "options": options,
            "running": running,
            "result": imp.result or {},
            "kinds": _kinds(imp.result or {}),
        },
    )


KIND_LABELS = {
    "project": gettext_lazy("Projecten"),
    "financiering": gettext_lazy("Financieringsstromen"),
    "coalitie": gettext_lazy("Coalitieleden"),
    "doel": gettext_lazy("Doelen"),
    "partner": gettext_lazy("Partnerorganisaties"),
    "gemeente": gettext_lazy("Gemeenten"),
}


def _kinds(result: dict) -> list[dict]:
    rows = []
    for kind, label in KIND_LABELS.items():
        counts = {
            b: (result.get(b) or {}).get(kind, 0) for b in ("created", "updated", "unchanged")
        }
        if any(counts.values()):
            rows.append({"label": label, **counts})
    return rows
