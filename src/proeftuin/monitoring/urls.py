from django.urls import path

from . import importing, views
from .audit import audited
from .models import AccessLog

app_name = "monitoring"

P = "project/<int:pk>/"
T = P + "trajecten/<int:tpk>/"
M = P + "metingen/<int:mpk>/"
IMP = P + "import/<int:ipk>/"
A = AccessLog.Action

#: Views that show only aggregated figures (no participant-level data); everything else is
#: wrapped in :func:`.audit.audited`. The access-log coverage test holds urls.py to this list.
#: The erasure logs itself when it happens; a refused attempt is logged as a view of the person.
#: ``job`` shows an import's progress bar and a count only.
NOT_PARTICIPANT_LEVEL = frozenset({"portfolio", "project", "export", "job", "release_figures"})

urlpatterns = [
    path("portfolio/", views.portfolio, name="portfolio"),
    path(P, views.project_tab, name="project"),
    path(P + "export.<str:fmt>", views.project_export, name="export"),
    path(P + "cijfers-vrijgeven/", views.release_figures, name="release_figures"),
    path(P + "paren/", views.pair_definition, name="pair_definition"),
    path(P + "gegevens.<str:fmt>", audited(A.EXPORT_ROWS)(views.rows_export), name="rows_export"),
    path(P + "deelnemers/", audited(A.PARTICIPANT_LIST)(views.participants), name="participants"),
    path(
        P + "deelnemers/nieuw/",
        audited(A.PARTICIPANT_NEW)(views.participant_new),
        name="participant_new",
    ),
    path(
        P + "deelnemers/<int:participant_pk>/",
        audited(A.PARTICIPANT)(views.participant_detail),
        name="participant",
    ),
    path(
        P + "deelnemers/<int:participant_pk>/wissen/",
        audited(A.PARTICIPANT)(views.participant_erase),
        name="participant_erase",
    ),
    path(T + "bewerken/", audited(A.TRAJECTORY)(views.trajectory_edit), name="trajectory_edit"),
    path(
        T + "meting/nieuw/",
        audited(A.MEASUREMENT_NEW)(views.measurement_new),
        name="measurement_new",
    ),
    path(
        T + "<str:kind>/nieuw/",
        audited(A.TRAJECTORY_ADD)(views.trajectory_add),
        name="trajectory_add",
    ),
    path(M, audited(A.MEASUREMENT)(views.entry), name="entry"),
    path(M + "scores/", audited(A.SCORES)(views.scores), name="scores"),
    path(M + "gegevens/", audited(A.DETAILS)(views.details), name="details"),
    path(
        M + "verwijderen/",
        audited(A.MEASUREMENT_DELETE)(views.measurement_delete),
        name="measurement_delete",
    ),
    path(P + "import/", audited(A.IMPORT_UPLOAD)(importing.upload), name="import"),
    path(IMP + "koppeling/", audited(A.IMPORT_MAPPING)(importing.mapping), name="import_mapping"),
    path(IMP + "controle/", audited(A.IMPORT_CHECK)(importing.check), name="import_check"),
    path(IMP + "annuleren/", audited(A.IMPORT_CANCEL)(importing.cancel), name="import_cancel"),
    path(P + "taken/<int:jpk>/", importing.job, name="job"),
]
