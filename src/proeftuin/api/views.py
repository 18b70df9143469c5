"""API v1 portfolio resources: projects and their funding, coalition, goals and decisions.

Same visibility and roles as the screens: a project is reached only through
:func:`~proeftuin.portfolio.access.visible_project` (a foreign tenant's id is a 404) and every
write checks the role table with :func:`~proeftuin.portfolio.access.require`. Writes go through
the screens' model forms (see :mod:`.writing`).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from proeftuin.administration.pickers import pickable_organisations
from proeftuin.core.access import Capability
from proeftuin.portfolio.access import require, visible_project
from proeftuin.portfolio.forms import (
    CoalitionMemberForm,
    DecisionForm,
    FundingStreamForm,
    GoalForm,
    ProjectForm,
)
from proeftuin.portfolio.models import Project

from . import serializers, writing
from .base import V1View

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="De ETag die u las, bijvoorbeeld \"3\" (of stuur het veld 'versie' mee).",
)
NO_CONTENT = {204: OpenApiResponse(description="Verwijderd.")}


def _with_etag(response: Response, instance) -> Response:
    if hasattr(instance, "version"):
        response["ETag"] = writing.etag(instance)
    return response


# Projects --------------------------------------------------------------------------------------


class ProjectList(mixins.ListModelMixin, V1View):
    """Projects the organisation owns or was granted, oldest first; create one for the own
    organisation (role with *aanmaken*)."""

    serializer_class = serializers.ProjectSerializer

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .select_related("owner")
            .prefetch_related("neighbourhoods")
            .order_by("pk")
        )

    def get(self, request):
        return self.list(request)

    def post(self, request):
        require(request, Capability.CREATE)
        checked = self.get_serializer(data=request.data)
        checked.is_valid(raise_exception=True)
        owner = request.user.organisation
        data = writing.neighbourhood_data(
            writing.form_data(ProjectForm, None, checked.validated_data), owner
        )
        form = ProjectForm(data, owner=owner)
        project = writing.save(form, self.serializer_class, save=form.save_with_owner)
        body = self.get_serializer(project).data
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}/{project.pk}"
        return _with_etag(response, project)


class ProjectDetail(V1View):
    """One project. Changing it needs the version you read (If-Match or ``versie``)."""

    serializer_class = serializers.ProjectSerializer

    def get_object(self):
        return visible_project(self.request, self.kwargs["projectId"])

    def get(self, request, **kwargs):
        project = self.get_object()
        return _with_etag(Response(self.get_serializer(project).data), project)

    def _update(self, request, partial: bool):
        project = self.get_object()
        require(request, Capability.EDIT, project)
        checked = self.get_serializer(project, data=request.data, partial=partial)
        checked.is_valid(raise_exception=True)
        version = writing.check_version(request, project, checked.validated_data)
        data = writing.neighbourhood_data(
            writing.form_data(ProjectForm, project, checked.validated_data), project.owner
        )
        data["edit_version"] = version
        form = ProjectForm(data, instance=project, owner=project.owner)
        saved = writing.save(form, self.serializer_class, save=form.save_with_owner)
        saved = visible_project(request, saved.pk)
        return _with_etag(Response(self.get_serializer(saved).data), saved)

    @extend_schema(parameters=[IF_MATCH])
    def put(self, request, **kwargs):
        return self._update(request, partial=False)

    @extend_schema(parameters=[IF_MATCH])
    def patch(self, request, **kwargs):
        return self._update(request, partial=True)


# Child rows -------------------------------------------------------------------------------------


class ChildMixin:
    """A project's child rows, reached through the project (never by a bare id)."""

    related: str
    form_class: type
    create_capability = Capability.EDIT
    picker = False  # the form offers organisations: limit them like the screen does

    def project(self):
        return visible_project(self.request, self.kwargs["projectId"])

    def get_queryset(self):
        project = self.project()
        rows = getattr(project, self.related).all()
        if self.picker:
            rows = rows.select_related(
                "funder" if self.related == "funding_streams" else "organisation"
            )
        return rows.order_by("pk")

    def form_kwargs(self, project) -> dict:
        if self.picker:
            return {
                "organisations": pickable_organisations(self.request.user.organisation_id, project)
            }
        return {}

    def attach(self, project, form):
        def attach(obj):
            obj.project = project
            reason = form.cleaned_data.get("change_reason")
            if reason:
                obj._change_reason = reason
            if hasattr(obj, "recorded_by_id"):
                obj.recorded_by = self.request.user

        return attach


class ChildList(ChildMixin, mixins.ListModelMixin, V1View):
    def get(self, request, **kwargs):
        return self.list(request)

    def post(self, request, **kwargs):
        project = self.project()
        require(request, self.create_capability, project)
        checked = self.get_serializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = writing.form_data(self.form_class, None, checked.validated_data)
        form = self.form_class(data, **self.form_kwargs(project))
        row = writing.save(form, self.serializer_class, attach=self.attach(project, form))
        row = get_object_or_404(getattr(project, self.related), pk=row.pk)
        response = Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}/{row.pk}"
        return _with_etag(response, row)


class ChildDetail(ChildMixin, V1View):
    deletable = False

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["id"])

    def get(self, request, **kwargs):
        row = self.get_object()
        return _with_etag(Response(self.get_serializer(row).data), row)

    def _update(self, request, partial: bool):
        row = self.get_object()
        project = row.project
        require(request, Capability.EDIT, project)
        checked = self.get_serializer(row, data=request.data, partial=partial)
        checked.is_valid(raise_exception=True)
        version = writing.check_version(request, row, checked.validated_data)
        data = writing.form_data(self.form_class, row, checked.validated_data)
        data["edit_version"] = version
        form = self.form_class(data, instance=row, **self.form_kwargs(project))
        writing.save(form, self.serializer_class, attach=self.attach(project, form))
        row = self.get_object()
        return _with_etag(Response(self.get_serializer(row).data), row)

    def _delete(self, request):
        row = self.get_object()
        require(request, Capability.EDIT, row.project)
        if request.headers.get("If-Match"):
            writing.check_version(request, row, {})
        row.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class UpdatableChildDetail(ChildDetail):
    @extend_schema(parameters=[IF_MATCH])
    def put(self, request, **kwargs):
        return self._update(request, partial=False)

    @extend_schema(parameters=[IF_MATCH])
    def patch(self, request, **kwargs):
        return self._update(request, partial=True)


class DeletableChildDetail(UpdatableChildDetail):
    @extend_schema(parameters=[IF_MATCH], responses=NO_CONTENT)
    def delete(self, request, **kwargs):
        return self._delete(request)


class Funding:
    serializer_class = serializers.FinancieringsstroomSerializer
    related = "funding_streams"
    form_class = FundingStreamForm
    picker = True


class Coalition:
    serializer_class = serializers.CoalitielidSerializer
    related = "coalition"
    form_class = CoalitionMemberForm
    picker = True


class Goals:
    serializer_class = serializers.DoelSerializer
    related = "goals"
    form_class = GoalForm


class Decisions:
    serializer_class = serializers.BesluitSerializer
    related = "decisions"
    form_class = DecisionForm
    create_capability = Capability.DECIDE


class FundingList(Funding, ChildList):
    """Funding streams of a project."""


class FundingDetail(Funding, DeletableChildDetail):
    """One funding stream; deleting it is allowed, as on the screen."""


class CoalitionList(Coalition, ChildList):
    """Coalition members of a project, with their level of backing (004 §3.1)."""


class CoalitionDetail(Coalition, DeletableChildDetail):
    """One coalition member."""


class GoalList(Goals, ChildList):
    """Goals of a project (000 §7.4.1)."""


class GoalDetail(Goals, UpdatableChildDetail):
    """One goal. Goals are retired (``vervallen``), never deleted; a change needs a reason."""


class DecisionList(Decisions, ChildList):
    """Decisions about the pilot's future. Recording one needs the role that may decide."""


class DecisionDetail(Decisions, ChildDetail):
    """One decision. Decisions are append-only: no change, no deletion."""
