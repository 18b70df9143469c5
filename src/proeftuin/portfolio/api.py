"""Read-only REST API over the portfolio, scoped exactly like the screens.

Deprecated in favour of API v1 (:mod:`proeftuin.api`); kept for one release.
"""

from __future__ import annotations

from rest_framework import serializers, viewsets

from .models import CoalitionMember, FundingStream, Goal, Project


class FundingStreamSerializer(serializers.ModelSerializer):
    funder = serializers.CharField(source="funder.name")

    class Meta:
        model = FundingStream
        fields = [
            "id",
            "label",
            "funder",
            "amount",
            "start_date",
            "end_date",
            "kind",
            "policy_domain",
        ]


class CoalitionMemberSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", default=None)

    class Meta:
        model = CoalitionMember
        fields = ["id", "organisation", "contact_person", "role", "level", "since", "until"]


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["id", "goal_type", "text", "indicator", "retired", "version"]


class ProjectSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name")
    funding_streams = FundingStreamSerializer(many=True, read_only=True)
    coalition = CoalitionMemberSerializer(many=True, read_only=True)
    goals = GoalSerializer(many=True, read_only=True)
    neighbourhoods = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "owner",
            "summary",
            "themes",
            "target_group",
            "neighbourhoods",
            "start_date",
            "end_date",
            "phase",
            "status",
            "archived_at",
            "funding_streams",
            "coalition",
            "goals",
        ]


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects the caller's organisation owns or was granted; others are 404.

    Deprecated: use /api/v1/projecten (kept for one release, see CHANGELOG)."""

    serializer_class = ProjectSerializer

    def finalize_response(self, request, response, *args, **kwargs):
        from proeftuin.api.problems import mark_deprecated

        response = super().finalize_response(request, response, *args, **kwargs)
        pk = self.kwargs.get("pk")
        return mark_deprecated(response, f"/api/v1/projecten/{pk}" if pk else "/api/v1/projecten")

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .select_related("owner")
            .prefetch_related(
                "funding_streams__funder", "coalition__organisation", "goals", "neighbourhoods"
            )
            .order_by("pk")
        )
