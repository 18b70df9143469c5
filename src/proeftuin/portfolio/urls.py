from django.urls import path

from . import participation, views

app_name = "portfolio"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("nieuw/", views.project_create, name="create"),
    path("financieringsklif/", views.funding_cliffs, name="cliffs"),
    path("<int:pk>/", views.project_detail, name="project"),
    path("<int:pk>/bewerken/", views.project_edit, name="edit"),
    path("<int:pk>/archiveren/", views.project_archive, name="archive"),
    path("<int:pk>/coalitie/", views.coalition, name="coalition"),
    path("<int:pk>/financiering/", views.funding, name="funding"),
    path("<int:pk>/doelen/", views.goals, name="goals"),
    path("<int:pk>/doelen/<int:goal_pk>/versies/", views.goal_history, name="goal_history"),
    path("<int:pk>/besluiten/", views.decisions, name="decisions"),
    path("<int:pk>/participatie/", participation.participation, name="participation"),
    path("<int:pk>/delen/", views.grants, name="grants"),
    path("<int:pk>/delen/<int:grant_pk>/intrekken/", views.grant_revoke, name="grant_revoke"),
    path("<int:pk>/geschiedenis/", views.history, name="history"),
    path("<int:pk>/<str:kind>/nieuw/", views.child_edit, name="child_add"),
    path("<int:pk>/<str:kind>/<int:child_pk>/bewerken/", views.child_edit, name="child_edit"),
    path(
        "<int:pk>/<str:kind>/<int:child_pk>/verwijderen/", views.child_delete, name="child_delete"
    ),
]
