from django.urls import path

from . import importing, views

app_name = "monitoring"

P = "project/<int:pk>/"
T = P + "trajecten/<int:tpk>/"
M = P + "metingen/<int:mpk>/"
IMP = P + "import/<int:ipk>/"

urlpatterns = [
    path("portfolio/", views.portfolio, name="portfolio"),
    path(P, views.project_tab, name="project"),
    path(P + "export.<str:fmt>", views.project_export, name="export"),
    path(P + "cijfers-vrijgeven/", views.release_figures, name="release_figures"),
    path(P + "gegevens.<str:fmt>", views.rows_export, name="rows_export"),
    path(P + "deelnemers/", views.participants, name="participants"),
    path(P + "deelnemers/nieuw/", views.participant_new, name="participant_new"),
    path(P + "deelnemers/<int:participant_pk>/", views.participant_detail, name="participant"),
    path(
        P + "deelnemers/<int:participant_pk>/wissen/",
        views.participant_erase,
        name="participant_erase",
    ),
    path(T + "bewerken/", views.trajectory_edit, name="trajectory_edit"),
    path(T + "meting/nieuw/", views.measurement_new, name="measurement_new"),
    path(T + "<str:kind>/nieuw/", views.trajectory_add, name="trajectory_add"),
    path(M, views.entry, name="entry"),
    path(M + "scores/", views.scores, name="scores"),
    path(M + "gegevens/", views.details, name="details"),
    path(M + "verwijderen/", views.measurement_delete, name="measurement_delete"),
    path(P + "import/", importing.upload, name="import"),
    path(IMP + "koppeling/", importing.mapping, name="import_mapping"),
    path(IMP + "controle/", importing.check, name="import_check"),
    path(IMP + "annuleren/", importing.cancel, name="import_cancel"),
    path(P + "taken/<int:jpk>/", importing.job, name="job"),
]
