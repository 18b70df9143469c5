"""Importing the project leader's own spreadsheet: upload → mapping → dry run → background commit.

1. **Upload** (XLSX, ODS, CSV, at most 25 MB) is stored in ``MEDIA_ROOT/imports`` under a random
   name and deleted after the commit, a cancel, or a day.
2. **Mapping**: the intake core suggests what each column holds (from Dutch and English headers);
   the user confirms or corrects it and may save it as a template for the project.
3. **Dry run**: every problem by file, sheet, row, column and reason, before anything is written.
4. **Commit**: a background job (:mod:`.jobs`) writes everything in one transaction; the page
   polls its progress.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, fields, replace
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proeftuin.common import intake_text
from proeftuin.core.intake import FIELDS, PHASES, IntakeError, Mapping, SheetPreview, Suggestion
from proeftuin.portfolio.views import project_context

from . import importer, jobs, services
from .access import monitor_project
from .forms import UploadForm
from .models import ImportFile, MappingTemplate, Moment

TAB = "tel-en-vertel"
PLAN_ROWS = 200  # measurements listed on the check screen; the counts cover all
MOMENTS = dict(Moment.choices)


def phase_choices():
    return [
        ("", _("— geen —")),
        ("baseline", _("0-meting")),
        ("interim", _("Tussenmeting")),
        ("end", _("Eindmeting")),
    ]


def field_groups(instrument) -> list[tuple[str, list[tuple[str, str]]]]:
    """The options of a column's select, grouped; values are stored in the mapping as they are."""
    lang = "en" if (get_language() or "nl").startswith("en") else "nl"

    def label(field_id: str) -> str:
        f = FIELDS[field_id]
        return f.label_en if lang == "en" else f.label_nl

    participant = [
        "client_number",
        "household_number",
        "neighbourhood",
        "birth_year",
        "age",
        "trajectory_start",
        "trajectory_end",
        "end_reason",
    ]
    measurement = [
        "measured_on",
        "phase",
        "professionals",
        "organisations",
        "supervision_order",
        "out_of_home_placement",
        "eviction",
        "story",
        "consent",
    ]
    return [
        (
            _("Niet importeren"),
            [
                ("ignore", _("niet importeren")),
                ("drop", _("weglaten (gevoelige gegevens)")),
                ("hash", _("alleen versleuteld bewaren (hash)")),
            ],
        ),
        (_("Deelnemer en traject"), [(f, label(f)) for f in participant if f in FIELDS]),
        (_("Meting"), [(f, label(f)) for f in measurement if f in FIELDS]),
        (
            _("Score per leefgebied"),
            [(f"score:{item.id}", item.name.get(lang)) for item in instrument.items]
            + [
                ("item", _("leefgebied (lange tabel: één rij per leefgebied)")),
                ("score", _("score (lange tabel)")),
            ],
        ),
    ]


def _allowed_targets(instrument) -> set[str]:
    return {value for _group, options in field_groups(instrument) for value, _label in options}


def _import_of(project, ipk: int) -> ImportFile:
    return get_object_or_404(project.import_files, pk=ipk)


def _column_value(column) -> str:
    if column.target == "score" and column.item:
        return f"score:{column.item}"
    return column.target


# --- the suggestion, computed once per upload --------------------------------------------------


_ERROR_FIELDS = {f.name for f in fields(IntakeError)}


def suggestion_to_dict(suggestion: Suggestion, instrument_id: str) -> dict:
    """Plain JSON for :attr:`ImportFile.suggestion`, *without* the sample rows (raw values such
    as client numbers never go into the database; :func:`stored_suggestion` keeps them in a file
    beside the upload, deleted with it)."""
    return {
        "instrument": instrument_id,
        "mapping": suggestion.mapping.to_dict(),
        "previews": [{**asdict(p), "sample": []} for p in suggestion.previews],
        "errors": [asdict(e) for e in suggestion.errors],
        "kind": suggestion.kind,
        "encoding": suggestion.encoding,
        "delimiter": suggestion.delimiter,
    }


def suggestion_from_dict(data: dict, samples: list | None = None) -> Suggestion:
    previews = [SheetPreview(**p) for p in data["previews"]]
    for preview, sample in zip(previews, samples or [], strict=False):
        preview.sample = sample
    return Suggestion(
        mapping=Mapping.from_dict(data["mapping"]),
        previews=previews,
        errors=[
            IntakeError(**{k: v for k, v in e.items() if k in _ERROR_FIELDS})
            for e in data["errors"]
        ],
        kind=data.get("kind"),
        encoding=data.get("encoding"),
        delimiter=data.get("delimiter"),
    )


def _read_samples(import_file: ImportFile) -> list | None:
    try:
        return json.loads(jobs.samples_path(import_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stored_suggestion(import_file: ImportFile, instrument) -> Suggestion:
    """The upload's suggestion: read back, or computed once (in a limited worker) and stored."""
    data = import_file.suggestion
    if data and data.get("instrument") == instrument.id:
        try:
            return suggestion_from_dict(data, _read_samples(import_file))
        except (KeyError, TypeError, ValueError):
            pass  # written by an older version: compute it again
    suggestion = services.suggest(
        jobs.upload_path(import_file), instrument, filename=import_file.original_name
    )
    samples = [p.sample for p in suggestion.previews]
    jobs.samples_path(import_file).write_text(json.dumps(samples), encoding="utf-8")
    import_file.suggestion = suggestion_to_dict(suggestion, instrument.id)
    import_file.save(update_fields=["suggestion"])
    return suggestion


# --- 1. upload ------------------------------------------------------------------------------------


def _previous_import(project, user, pk) -> ImportFile | None:
    """This user's earlier upload in this project whose confirmed mapping a corrected file reuses."""
    if not pk:
        return None
    return (
        ImportFile.objects.filter(project=project, uploaded_by=user, pk=pk)
        .exclude(mapping=None)
        .first()
    )


def accept_upload(project, user, data: dict, previous: ImportFile | None = None) -> ImportFile:
    """Store a checked upload (:class:`.forms.UploadForm`) and its suggestion: the one path for
    the screen and API v1."""
    jobs.sweep_stale_uploads()
    # A new upload replaces this user's unfinished ones (typically: the file was corrected).
    jobs.cancel_pending(project, user)
    file = data["file"]
    extension = Path(file.name).suffix.lower()
    stored = f"{secrets.token_hex(16)}{extension}"
    with open(jobs.imports_dir() / stored, "wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    template = data.get("template")
    mapping = template.mapping if template else None
    instrument = data["instrument"]
    if mapping is None and previous is not None:
        mapping, instrument = previous.mapping, previous.instrument
    import_file = ImportFile.objects.create(
        project=project,
        uploaded_by=user,
        original_name=Path(file.name).name[:255],
        stored_name=stored,
        size=file.size,
        instrument=instrument,
        mapping=mapping,
    )
    stored_suggestion(import_file, services.instrument(instrument))
    return import_file


@login_required
def upload(request, pk: int):
    project = monitor_project(request, pk)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        project=project,
        initial={"previous": request.GET.get("vorige")},
    )
    previous = _previous_import(
        project,
        request.user,
        form.cleaned_data.get("previous") if form.is_valid() else _int(request.GET.get("vorige")),
    )
    if request.method == "POST" and form.is_valid():
        import_file = accept_upload(project, request.user, form.cleaned_data, previous)
        return redirect("monitoring:import_mapping", pk=project.pk, ipk=import_file.pk)
    return render(
        request,
        "monitoring/import_upload.html",
        project_context(
            request,
            project,
            TAB,
            form=form,
            recent=project.monitoring_jobs.select_related("import_file", "created_by")[:10],
            templates=project.mapping_templates.all(),
            previous=previous,
        ),
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- 2. mapping -------------------------------------------------------------------------------------


def _apply_post(mapping: Mapping, post, instrument) -> tuple[Mapping, list[str]]:
    allowed = _allowed_targets(instrument)
    problems = []
    sheets = []
    for i, sheet in enumerate(mapping.sheets):
        columns = []
        for j, column in enumerate(sheet.columns):
            value = post.get(f"s{i}-c{j}-target", _column_value(column))
            phase = post.get(f"s{i}-c{j}-phase", column.phase or "") or None
            if value not in allowed:
                problems.append(
                    _("Kolom %(column)s: kies een betekenis uit de lijst.")
                    % {"column": column.column or column.header}
                )
                value = "ignore"
            if phase is not None and phase not in PHASES:
                phase = None
            item = None
            target = value
            if value.startswith("score:"):
                target, item = "score", value.split(":", 1)[1]
            columns.append(replace(column, target=target, item=item, phase=phase))
        sheet_phase = post.get(f"s{i}-phase", sheet.phase or "") or None
        if sheet_phase is not None and sheet_phase not in PHASES:
            sheet_phase = None
        sheets.append(
            replace(
                sheet,
                include=post.get(f"s{i}-include") == "on",
                phase=sheet_phase,
                columns=tuple(columns),
            )
        )
    return replace(mapping, sheets=tuple(sheets)), problems


def _sheet_rows(mapping: Mapping, suggestion) -> list[dict]:
    previews = {p.name or "": p for p in suggestion.previews} if suggestion else {}
    rows = []
    for i, sheet in enumerate(mapping.sheets):
        preview = previews.get(sheet.name)
        samples: dict[str, list] = {}
        if preview is not None:
            for k, col in enumerate(preview.columns):
                samples[col["column"]] = [
                    "" if row[k] is None else str(row[k])[:40] for row in preview.sample[:3]
                ]
        rows.append(
            {
                "index": i,
                "sheet": sheet,
                "columns": [
                    {
                        "index": j,
                        "c": column,
                        "value": _column_value(column),
                        "samples": samples.get(column.column or "", []),
                        "sensitive": column.sensitive,
                        "reason": intake_text.suggestion_reason(
                            column.reason, column.reason_params
                        ),
                    }
                    for j, column in enumerate(sheet.columns)
                ],
            }
        )
    return rows


@login_required
def mapping(request, pk: int, ipk: int):
    project = monitor_project(request, pk)
    import_file = _import_of(project, ipk)
    if import_file.status not in (ImportFile.Status.UPLOADED, ImportFile.Status.MAPPED):
        return redirect("monitoring:import", pk=project.pk)
    instrument = services.instrument(import_file.instrument)
    suggestion = stored_suggestion(import_file, instrument)
    file_errors = importer.errors_for_display(suggestion.errors)
    current = Mapping.from_dict(import_file.mapping) if import_file.mapping else suggestion.mapping
    problems: list[str] = []
    if request.method == "POST" and not file_errors:
        current, problems = _apply_post(current, request.POST, instrument)
        if not problems:
            import_file.mapping = current.to_dict()
            import_file.status = ImportFile.Status.MAPPED
            import_file.save(update_fields=["mapping", "status"])
            name = request.POST.get("template_name", "").strip()[:100]
            if name:
                MappingTemplate.objects.update_or_create(
                    project=project,
                    name=name,
                    defaults={
                        "instrument": instrument.id,
                        "mapping": current.to_dict(),
                        "created_by": request.user,
                    },
                )
                messages.success(
                    request, _("Koppeling bewaard als sjabloon ‘%(name)s’.") % {"name": name}
                )
            return redirect("monitoring:import_check", pk=project.pk, ipk=import_file.pk)
    return render(
        request,
        "monitoring/import_mapping.html",
        project_context(
            request,
            project,
            TAB,
            import_file=import_file,
            instrument=instrument,
            sheets=_sheet_rows(current, suggestion),
            groups=field_groups(instrument),
            phases=phase_choices(),
            file_errors=file_errors,
            problems=problems,
            from_template=bool(import_file.mapping) and import_file.status == "uploaded",
        ),
    )


# --- 3. dry run and 4. commit --------------------------------------------------------------------


def _dry_run(project, import_file: ImportFile, instrument):
    return services.dry_run(
        project,
        jobs.upload_path(import_file),
        import_file.mapping,
        instrument,
        import_file.original_name,
    )


def dry_run_summary(project, import_file: ImportFile, instrument):
    """The dry run, its problems, the number of blocking errors, whether it may be committed and
    the plan: what the check screen and API v1 decide on."""
    result = _dry_run(project, import_file, instrument)
    listed, error_count = importer.all_errors(result)
    ok = error_count == 0 and result.records.height > 0
    planned = importer.plan(project, result.record_sequence()) if ok else importer.ImportPlan()
    return result, listed, error_count, ok, planned


@login_required
def check(request, pk: int, ipk: int):
    project = monitor_project(request, pk)
    import_file = _import_of(project, ipk)
    if import_file.status != ImportFile.Status.MAPPED or not import_file.mapping:
        if import_file.status == ImportFile.Status.UPLOADED:
            return redirect("monitoring:import_mapping", pk=project.pk, ipk=import_file.pk)
        return redirect("monitoring:import", pk=project.pk)
    try:
        instrument = services.known_instrument(import_file.instrument)
    except services.UnknownInstrument:
        messages.error(
            request,
            _("Het instrument '%(id)s' is niet (meer) geïnstalleerd. Kies de koppeling opnieuw.")
            % {"id": import_file.instrument},
        )
        return redirect("monitoring:import_mapping", pk=project.pk, ipk=import_file.pk)
    result, listed, error_count, ok, planned = dry_run_summary(project, import_file, instrument)
    date_changes = planned.date_changes
    if request.method == "POST":
        confirmed = request.POST.get("confirm_date_changes") == "on"
        if not ok:
            messages.error(request, _("Er zijn nog fouten; er is niets geïmporteerd."))
        elif date_changes and not confirmed:
            messages.error(
                request,
                _("Bevestig eerst dat de gewijzigde datums kloppen; er is niets geïmporteerd."),
            )
        else:
            with transaction.atomic():
                job = jobs.start_import(
                    import_file,
                    request.user,
                    get_language() or "nl",
                    confirm_date_changes=bool(date_changes),
                )
            return redirect("monitoring:job", pk=project.pk, jpk=job.pk)
    records = result.records
    participants = records["participant_key"].n_unique() if records.height else 0
    return render(
        request,
        "monitoring/import_check.html",
        project_context(
            request,
            project,
            TAB,
            import_file=import_file,
            instrument=instrument,
            result=result,
            errors=[e for e in importer.errors_for_display(listed) if e["is_error"]],
            warnings=[e for e in importer.errors_for_display(listed) if not e["is_error"]],
            error_count=error_count,
            ok=ok,
            measurement_count=records.height,
            participant_count=participants,
            plan_counts=planned.counts,
            planned=[
                {"p": p, "moment": MOMENTS.get(p.phase, p.phase)}
                for p in planned.measurements[:PLAN_ROWS]
            ],
            planned_more=max(0, len(planned.measurements) - PLAN_ROWS),
            date_changes=date_changes,
        ),
    )


@login_required
@require_POST
def cancel(request, pk: int, ipk: int):
    project = monitor_project(request, pk)
    import_file = _import_of(project, ipk)
    if import_file.status in (ImportFile.Status.UPLOADED, ImportFile.Status.MAPPED):
        jobs.delete_upload(import_file)
        import_file.status = ImportFile.Status.CANCELLED
        import_file.save(update_fields=["status"])
        messages.success(request, _("Import geannuleerd; het bestand is verwijderd."))
    return redirect("monitoring:import", pk=project.pk)


@login_required
def job(request, pk: int, jpk: int):
    project = monitor_project(request, pk)
    job = get_object_or_404(project.monitoring_jobs.select_related("import_file"), pk=jpk)
    progress, message = jobs.live_progress(job) if not job.finished else (100, job.message)
    context = {"job": job, "progress": progress, "message": message}
    if request.htmx:
        return render(request, "monitoring/_job_status.html", {**context, "project": project})
    return render(request, "monitoring/job.html", project_context(request, project, TAB, **context))
