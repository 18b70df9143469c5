from django.urls import path

from . import exchange_views, money_views, participation, registry_views, views

app_name = "portfolio"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("nieuw/", views.project_create, name="create"),
    path("financieringsklif/", money_views.funding_cliffs, name="cliffs"),
    path("financieringsklif/export.xlsx", money_views.cliffs_export, name="cliffs_export"),
    path("export.xlsx", money_views.portfolio_export, name="export"),
    path("importeren/", exchange_views.upload, name="import"),
    path("importeren/sjabloon.xlsx", exchange_views.template, name="import_template"),
    path("importeren/<int:import_pk>/", exchange_views.detail, name="import_detail"),
    path("begroting/", money_views.budget, name="budget"),
    path("begroting/export.xlsx", money_views.budget_export, name="budget_export"),
    path("gemeenten/", registry_views.municipalities, name="municipalities"),
    path("gemeenten/<int:municipality_pk>/", registry_views.municipality, name="municipality"),
    path(
        "gemeenten/<int:municipality_pk>/import/",
        registry_views.municipality_import,
        name="municipality_import",
    ),
    path("partners/", registry_views.partners, name="partners"),
    path("partners/<int:partner_pk>/bewerken/", registry_views.partner_edit, name="partner_edit"),
    path("nieuw-voor-oud/", registry_views.new_for_old, name="new_for_old"),
    path(
        "nieuw-voor-oud/<int:entry_pk>/bewerken/",
        registry_views.new_for_old_edit,
        name="new_for_old_edit",
    ),
    path("<int:pk>/", views.project_detail, name="project"),
    path("<int:pk>/bewerken/", views.project_edit, name="edit"),
    path("<int:pk>/archiveren/", views.project_archive, name="archive"),
    path("<int:pk>/coalitie/", views.coalition, name="coalition"),
    path("<int:pk>/financiering/", views.funding, name="funding"),
    path(
        "<int:pk>/financiering/export.xlsx",
        money_views.project_money_export,
        name="project_money_export",
    ),
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
