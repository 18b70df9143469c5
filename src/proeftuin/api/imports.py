"""Importing monitoring rows through API v1, with the screen's intake: upload → check → job.

1. ``POST …/imports`` (multipart, ``bestand``): the screen's upload form and
   :func:`~proeftuin.monitoring.importing.accept_upload`; the answer holds the suggested mapping's
   problems, if any.
2. ``GET …/imports/{id}``: the status and, once the mapping is accepted, the dry run's problems by
   sheet, row and column.
3. ``POST …/imports/{id}/bevestiging``: accept the suggested mapping (the client has read it),
   dry run, and queue the commit as a background job (202, ``Location`` of the job). Errors: 400
   with every problem in ``invalidParams``; changed dates not confirmed: 409.
4. ``GET …/taken/{id}``: the job's progress.

Needs the *monitor* capability, like the screen; every step that shows file contents is in the
access log (the same actions as the screen's steps).
"""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from proeftuin.monitoring import importer, importing, jobs, services
from proeftuin.monitoring.access import monitor_project
from proeftuin.monitoring.audit import record
from proeftuin.monitoring.forms import UploadForm
from proeftuin.monitoring.models import AccessLog, ImportFile, Job

from .base import V1View
from .problems import Conflict


class MeldingSerializer(serializers.Serializer):
    blad = serializers.CharField()
    rij = serializers.IntegerField(allow_null=True)
    kolom = serializers.CharField()
    reden = serializers.CharField()
    actie = serializers.CharField(allow_blank=True)
    isFout = serializers.BooleanField()


class ImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportFile.Status.choices)
    bestandsnaam = serializers.CharField()
    instrument = serializers.CharField()
    meldingen = MeldingSerializer(many=True)


class UploadSerializer(serializers.Serializer):
    bestand = serializers.FileField(help_text="XLSX, ODS of CSV, tot 25 MB.")
    instrument = serializers.CharField(required=False, help_text="Id van het instrument.")
    sjabloon = serializers.IntegerField(
        required=False,
        help_text="Id van een koppelsjabloon van dit project (een eerder bevestigde koppeling).",
    )


class ConfirmSerializer(serializers.Serializer):
    datumsBevestigd = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Waar: de gewijzigde datums van bestaande metingen kloppen.",
    )


class TaakSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Job.Status.choices)
    voortgang = serializers.IntegerField(help_text="0 tot 100.")
    melding = serializers.CharField(allow_blank=True)
    klaar = serializers.BooleanField()


def _meldingen(errors) -> list[dict]:
    return [
        {
            "blad": e["sheet"],
            "rij": e["row"],
            "kolom": e["column"],
            "reden": str(e["reason"]),
            "actie": str(e["action"] or ""),
            "isFout": e["is_error"],
        }
        for e in importer.errors_for_display(errors)
    ]


def _import_body(import_file: ImportFile, errors) -> dict:
    return {
        "id": import_file.pk,
        "status": import_file.status,
        "bestandsnaam": import_file.original_name,
        "instrument": import_file.instrument,
        "meldingen": _meldingen(errors),
    }


def _taak(job: Job) -> dict:
    progress, message = jobs.live_progress(job) if not job.finished else (100, job.message)
    return {
        "id": job.pk,
        "status": job.status,
        "voortgang": progress,
        "melding": message or "",
        "klaar": bool(job.finished),
    }


class ImportBase(V1View):
    scope_group = "tel-en-vertel"

    def project(self):
        return monitor_project(self.request, self.kwargs["projectId"])

    def import_file(self, project) -> ImportFile:
        return get_object_or_404(project.import_files, pk=self.kwargs["id"])


class ImportUpload(ImportBase):
    """Upload a spreadsheet for the project's monitoring rows (step 1)."""

    parser_classes = [MultiPartParser]
    serializer_class = UploadSerializer

    @extend_schema(request=UploadSerializer, responses={201: ImportSerializer})
    def post(self, request, **kwargs):
        project = self.project()
        default = services.instrument().id
        form = UploadForm(
            {
                "instrument": request.data.get("instrument") or default,
                "template": request.data.get("sjabloon") or "",
            },
            {"file": request.FILES["bestand"]} if "bestand" in request.FILES else {},
            project=project,
        )
        if not form.is_valid():
            names = {"file": "bestand", "instrument": "instrument", "template": "sjabloon"}
            raise exceptions.ValidationError(
                {names.get(k, k): [str(m) for m in v] for k, v in form.errors.items()}
            )
        import_file = importing.accept_upload(project, request.user, form.cleaned_data)
        suggestion = importing.stored_suggestion(
            import_file, services.instrument(import_file.instrument)
        )
        record(request, AccessLog.Action.IMPORT_UPLOAD, project)
        response = Response(_import_body(import_file, suggestion.errors), status=201)
        response["Location"] = f"{request.path}/{import_file.pk}"
        return response


class ImportDetail(ImportBase):
    """An upload's status and problems (step 2); the dry run's once the mapping is accepted."""

    serializer_class = ImportSerializer

    def get(self, request, **kwargs):
        project = self.project()
        import_file = self.import_file(project)
        instrument = services.instrument(import_file.instrument)
        errors = []
        if import_file.status == ImportFile.Status.UPLOADED:
            errors = importing.stored_suggestion(import_file, instrument).errors
        elif import_file.status == ImportFile.Status.MAPPED and import_file.mapping:
            _result, errors, _count, _ok, _plan = importing.dry_run_summary(
                project, import_file, instrument
            )
        record(request, AccessLog.Action.IMPORT_CHECK, project, detail=str(import_file.pk))
        return Response(_import_body(import_file, errors))


class ImportConfirm(ImportBase):
    """Accept the suggested mapping, check, and queue the import as a background job (step 3)."""

    parser_classes = [JSONParser]
    serializer_class = ConfirmSerializer

    @extend_schema(
        request=ConfirmSerializer,
        responses={202: OpenApiResponse(TaakSerializer, description="Import in de wachtrij.")},
    )
    def post(self, request, **kwargs):
        project = self.project()
        import_file = self.import_file(project)
        checked = ConfirmSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        if import_file.status not in (ImportFile.Status.UPLOADED, ImportFile.Status.MAPPED):
            raise Conflict(_("Deze import is al bevestigd, geannuleerd of klaar."))
        instrument = services.known_instrument(import_file.instrument)
        if not import_file.mapping:
            suggestion = importing.stored_suggestion(import_file, instrument)
            if suggestion.errors and any(e.is_error for e in suggestion.errors):
                raise exceptions.ValidationError(_problems(suggestion.errors))
            import_file.mapping = suggestion.mapping.to_dict()
        import_file.status = ImportFile.Status.MAPPED
        import_file.save(update_fields=["mapping", "status"])
        record(request, AccessLog.Action.IMPORT_CHECK, project, detail=str(import_file.pk))
        _result, listed, _count, ok, planned = importing.dry_run_summary(
            project, import_file, instrument
        )
        if not ok:
            raise exceptions.ValidationError(
                _problems(listed) or {"bestand": [_("Het bestand bevat geen metingen.")]}
            )
        if planned.date_changes and not checked.validated_data["datumsBevestigd"]:
            raise Conflict(
                _(
                    "De import verandert datums van bestaande metingen. Controleer ze en stuur "
                    "datumsBevestigd: true."
                )
            )
        with transaction.atomic():
            job = jobs.start_import(
                import_file,
                request.user,
                get_language() or "nl",
                confirm_date_changes=bool(planned.date_changes),
            )
        job.refresh_from_db()
        response = Response(_taak(job), status=status.HTTP_202_ACCEPTED)
        response["Location"] = f"/api/v1/projecten/{project.pk}/taken/{job.pk}"
        return response


def _problems(errors) -> dict:
    rows = [e for e in importer.errors_for_display(errors) if e["is_error"]]
    return {
        f"{e['file']} {e['sheet']} rij {e['row'] or '-'} kolom {e['column'] or '-'}".strip(): [
            str(e["reason"])
        ]
        for e in rows
    }


class JobStatus(ImportBase):
    """The import job's progress (step 4): poll until ``klaar``."""

    serializer_class = TaakSerializer

    def get(self, request, **kwargs):
        project = self.project()
        job = get_object_or_404(project.monitoring_jobs, pk=self.kwargs["id"])
        return Response(_taak(job))
