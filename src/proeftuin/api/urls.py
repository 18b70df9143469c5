"""API v1 paths: plural Dutch nouns, kebab-case, no trailing slashes (NLGov API Design Rules)."""

from django.urls import path

from . import effects, imports, problems, schema, views

P = "api/v1/projecten/<int:projectId>"

urlpatterns = [
    path("api/v1/openapi.json", schema.OpenApiV1.as_view(), name="api-v1-openapi"),
    path("api/v1/projecten", views.ProjectList.as_view(), name="api-v1-projects"),
    path(P, views.ProjectDetail.as_view(), name="api-v1-project"),
    path(P + "/financieringsstromen", views.FundingList.as_view(), name="api-v1-funding"),
    path(
        P + "/financieringsstromen/<int:id>",
        views.FundingDetail.as_view(),
        name="api-v1-funding-detail",
    ),
    path(P + "/coalitieleden", views.CoalitionList.as_view(), name="api-v1-coalition"),
    path(
        P + "/coalitieleden/<int:id>",
        views.CoalitionDetail.as_view(),
        name="api-v1-coalition-detail",
    ),
    path(P + "/doelen", views.GoalList.as_view(), name="api-v1-goals"),
    path(P + "/doelen/<int:id>", views.GoalDetail.as_view(), name="api-v1-goal"),
    path(P + "/besluiten", views.DecisionList.as_view(), name="api-v1-decisions"),
    path(P + "/besluiten/<int:id>", views.DecisionDetail.as_view(), name="api-v1-decision"),
    path(P + "/effecten", effects.ProjectEffects.as_view(), name="api-v1-effects"),
    path(P + "/imports", imports.ImportUpload.as_view(), name="api-v1-imports"),
    path(P + "/imports/<int:id>", imports.ImportDetail.as_view(), name="api-v1-import"),
    path(
        P + "/imports/<int:id>/bevestiging",
        imports.ImportConfirm.as_view(),
        name="api-v1-import-confirm",
    ),
    path(P + "/taken/<int:id>", imports.JobStatus.as_view(), name="api-v1-job"),
    # Anything else under /api/v1 (a trailing slash, a typo) is a problem+json 404.
    path("api/v1", problems.not_found, name="api-v1-root"),
    path("api/v1/<path:rest>", problems.not_found, name="api-v1-unknown"),
]
