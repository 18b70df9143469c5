from django.urls import path

from . import cases, importing, portfolio, selfreport, views
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
#: ``self_report_fill`` is the participant's own page: no account, only the questions; the
#: submission logs itself (as the participant) through the write path.
# The pair definition is a project setting: choosing it shows no participant (the rebuild of the
# pairs it causes is logged by the write path, recording.set_pair_definition).
NOT_PARTICIPANT_LEVEL = frozenset(
    {
        "portfolio",
        "project",
        "export",
        "job",
        "release_figures",
        "self_report_fill",
        "pair_definition",
    }
)

urlpatterns = [
    path("portfolio/", portfolio.portfolio, name="portfolio"),
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
    path(T + "casusverloop/", audited(A.CASE_VIEW)(cases.case), name="case"),
    path(
        T + "casusverloop/stap/",
        audited(A.CASE)(cases.case_event_add),
        name="case_event_add",
    ),
    path(
        T + "casusverloop/stap/<int:epk>/verwijderen/",
        audited(A.CASE)(cases.case_event_delete),
        name="case_event_delete",
    ),
    path(
        T + "casusverloop/referentie/",
        audited(A.CASE)(cases.case_reference),
        name="case_reference",
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
    path(
        M + "zelfrapportage/",
        audited(A.SELF_REPORT_VIEW)(selfreport.self_report),
        name="self_report",
    ),
    path(
        M + "zelfrapportage/link/",
        audited(A.SELF_REPORT_LINK)(selfreport.self_report_link),
        name="self_report_link",
    ),
    path(
        M + "zelfrapportage/link/<int:lpk>/intrekken/",
        audited(A.SELF_REPORT_LINK)(selfreport.self_report_revoke),
        name="self_report_revoke",
    ),
    path(
        M + "zelfrapportage/afspraak/",
        audited(A.AGREED)(selfreport.agreed),
        name="self_report_agreed",
    ),
    path("zelf/<str:token>/", selfreport.fill, name="self_report_fill"),
    path(P + "import/", audited(A.IMPORT_UPLOAD)(importing.upload), name="import"),
    path(IMP + "koppeling/", audited(A.IMPORT_MAPPING)(importing.mapping), name="import_mapping"),
    path(IMP + "controle/", audited(A.IMPORT_CHECK)(importing.check), name="import_check"),
    path(IMP + "annuleren/", audited(A.IMPORT_CANCEL)(importing.cancel), name="import_cancel"),
    path(P + "taken/<int:jpk>/", importing.job, name="job"),
]
