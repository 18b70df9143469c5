from django.urls import path

from .api import ProjectEffectsView

urlpatterns = [
    path(
        "projecten/<int:pk>/effecten/",
        ProjectEffectsView.as_view(),
        name="api-monitoring-effects",
    ),
]
