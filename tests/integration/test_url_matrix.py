"""Every URL of the project × every role × own, shared and foreign project.

The table below is the specification. ``test_every_url_pattern_is_in_the_table`` walks the URLconf
and fails when a pattern appears that the table does not know (or the table names one that is
gone), so a new view cannot ship without someone deciding who may use it.

Expected outcome for a logged-in user of the own tenant:

* a project of another tenant (``foreign``): 404, and the page does not contain the project;
* the own tenant's project (``own``): the probe's success status when the role has the capability,
  403 when it has not;
* a project shared with the own tenant read-only (``shared``, grant level "lezen"): reading works,
  every write capability is 403.

Anonymous visitors are sent to the login page (the JSON API answers 403 instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from integration_support import login

from proeftuin.administration.models import Partnership
from proeftuin.assessments.models import Assessment, Rating
from proeftuin.core.access import CAPABILITIES, Capability, Role
from proeftuin.portfolio.models import ProjectGrant
from proeftuin.sustainability.models import ContinuationPlan, PlanAction

ROLES = [role.value for role in Role]
SIDES = ("own", "shared", "foreign")
ANONYMOUS = "anonymous"
LOGIN = "login"  # expected outcome: a redirect to the login page

# Who may do what, written out by hand so that an accidental change to CAPABILITIES fails here
# (test_capability_table_matches_core_access) instead of silently widening access.
MAY = {
    Capability.VIEW: set(ROLES),
    Capability.CREATE: {"beheerder", "beleidsadviseur", "projectleider"},
    Capability.EDIT: {"beheerder", "beleidsadviseur", "projectleider"},
    Capability.DECIDE: {"beheerder", "beleidsadviseur"},
    Capability.ARCHIVE: {"beheerder", "beleidsadviseur"},
    Capability.SHARE: {"beheerder", "beleidsadviseur", "projectleider"},
    Capability.ADMIN: {"beheerder"},
    Capability.MONITOR: {"projectleider", "professional"},
    Capability.PARTICIPANT_DATA: {"projectleider", "professional"},
    Capability.PLAN: {"beheerder", "beleidsadviseur", "projectleider"},
    Capability.ASSESS: {"beheerder", "beleidsadviseur", "projectleider", "onderzoeker"},
    Capability.EXPORT: {"beheerder", "beleidsadviseur", "projectleider", "onderzoeker"},
    Capability.VALUE: {"beheerder", "beleidsadviseur", "projectleider"},
    Capability.RAISE_SIGNAL: {"beheerder", "beleidsadviseur", "projectleider", "professional"},
    Capability.HANDLE_SIGNAL: {"beheerder", "beleidsadviseur"},
}
WRITE = {Capability.EDIT, Capability.DECIDE, Capability.ARCHIVE, Capability.SHARE, Capability.PLAN}
# Participant-level data opens only to organisations with write access (owner or edit grant).
WRITE |= {Capability.MONITOR, Capability.PARTICIPANT_DATA}
WRITE |= {Capability.VALUE}  # the effects chain (maatschappelijke waarde)


@dataclass(frozen=True)
class Probe:
    """One request against one URL pattern.

    ``path`` is a template filled per side with ``pk``, ``goal_pk``, ``grant_pk`` and
    ``child_coalitie`` / ``child_financiering`` / ``child_doelen``. ``cap`` is the capability the
    view requires (None: any logged-in user). ``fixed`` overrides everything for logged-in users
    (a 405 or 404 that does not depend on role or tenant).
    """

    path: str
    method: str = "get"
    cap: Capability | None = None
    ok: int = 200
    anon: int | str = LOGIN
    fixed: int | None = None
    data: dict = field(default_factory=dict)
    json: bool = False  # send ``data`` as application/json (API v1)

    @property
    def project_scoped(self) -> bool:
        return "{pk}" in self.path

    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


P = "/projecten/{pk}"
TV = "/tel-en-vertel/project/{pk}"  # Tel en vertel (monitoring)
TVT = TV + "/trajecten/{trajectory_pk}"
TVM = TV + "/metingen/{measurement_pk}"
TVI = TV + "/import/{import_pk}"
KINDS = ("coalitie", "financiering", "doelen")
AB = "/beoordelingen/project/{pk}"
VD = "/verduurzaming/{pk}"  # the Verduurzaming tab and continuation plan
AS = AB + "/{assessment_pk}"
WD = "/waarde/{pk}"  # Maatschappelijke waarde (valuation)
VALUE_KINDS = ("investering", "activiteit", "effect", "schakel", "prijs")
BH = "/beheer/organisatie"  # beheer inside the tenant (proeftuin.administration)
V1 = "/api/v1/projecten/{pk}"  # API v1: 401 for anonymous, problem+json everywhere
V1_CHILDREN = {
    "financieringsstromen": "child_financiering",
    "coalitieleden": "child_coalitie",
    "doelen": "child_doelen",
    "besluiten": "decision_pk",
}


def v1_probes() -> dict[str, list[Probe]]:
    """API v1: the same roles as the screens. An empty POST is a 400 and a PATCH without a
    version a 412 for a role that may write; DELETE only where the screens allow it."""
    ed = Capability.EDIT
    table: dict[str, list[Probe]] = {
        "api/v1/openapi.json": [Probe("/api/v1/openapi.json", anon=200)],
        "api/v1": [Probe("/api/v1", fixed=404, anon=404)],
        "api/v1/<path:rest>": [Probe("/api/v1/projecten/", fixed=404, anon=404)],
        "api/v1/projecten": [
            Probe("/api/v1/projecten", anon=401),
            Probe("/api/v1/projecten", "post", Capability.CREATE, 400, 401, json=True),
        ],
        "api/v1/projecten/<int:projectId>": [
            Probe(V1, anon=401),
            Probe(V1, "patch", ed, 412, 401, json=True),
            Probe(V1, "delete", fixed=405, anon=401),
        ],
        "api/v1/projecten/<int:projectId>/effecten": [Probe(V1 + "/effecten", anon=401)],
        # Import of monitoring rows: the screen's intake, the monitor capability.
        "api/v1/projecten/<int:projectId>/imports": [
            Probe(V1 + "/imports", "post", Capability.MONITOR, 400, 401),  # no file
            Probe(V1 + "/imports", fixed=405, anon=401),
        ],
        "api/v1/projecten/<int:projectId>/imports/<int:id>": [
            Probe(V1 + "/imports/{import_pk}", cap=Capability.MONITOR, anon=401)
        ],
        "api/v1/projecten/<int:projectId>/imports/<int:id>/bevestiging": [
            # The matrix's import has a bad score: checked, refused, never committed.
            Probe(
                V1 + "/imports/{import_pk}/bevestiging",
                "post",
                Capability.MONITOR,
                400,
                401,
                json=True,
            )
        ],
        "api/v1/projecten/<int:projectId>/taken/<int:id>": [
            Probe(V1 + "/taken/{job_pk}", cap=Capability.MONITOR, anon=401)
        ],
    }
    for name, key in V1_CHILDREN.items():
        create = Capability.DECIDE if name == "besluiten" else ed
        item = V1 + f"/{name}/{{{key}}}"
        table[f"api/v1/projecten/<int:projectId>/{name}"] = [
            Probe(V1 + f"/{name}", anon=401),
            Probe(V1 + f"/{name}", "post", create, 400, 401, json=True),
        ]
        probes = [Probe(item, anon=401)]
        if name != "besluiten":
            probes.append(Probe(item, "patch", ed, 412, 401, json=True))
        if name in ("financieringsstromen", "coalitieleden"):
            probes.append(Probe(item, "delete", ed, 204, 401))
        table[f"api/v1/projecten/<int:projectId>/{name}/<int:id>"] = probes
    return table


LS = "/leren/signalen"  # signals from practice to policy (proeftuin.learning, issue 12)
LP = "/leren/project/{pk}"  # the Leren tab: lessons and the end evaluation

# Route (as ResolverMatch.route spells it) → the probes that exercise it.
TABLE: dict[str, list[Probe]] = {
    "": [Probe("/", ok=302, anon=302)],
    "favicon.ico": [Probe("/favicon.ico", ok=301, anon=301)],
    "toegankelijkheid/": [Probe("/toegankelijkheid/", anon=200)],
    "account/inloggen/": [Probe("/account/inloggen/", anon=200)],
    "account/uitloggen/": [
        Probe("/account/uitloggen/", method="post", ok=302, anon=302),
        Probe("/account/uitloggen/", fixed=405, anon=405),
    ],
    # Own account (issue 8): every logged-in user, for themselves only; no ids in the paths.
    "account/": [Probe("/account/")],
    "account/tweede-factor/": [Probe("/account/tweede-factor/", ok=302)],  # no device: set-up
    "account/tweede-factor/instellen/": [Probe("/account/tweede-factor/instellen/")],
    "account/wachtwoord-wijzigen/": [Probe("/account/wachtwoord-wijzigen/")],
    "account/wachtwoord-gewijzigd/": [Probe("/account/wachtwoord-gewijzigd/")],
    "account/wachtwoord-vergeten/": [Probe("/account/wachtwoord-vergeten/", anon=200)],
    "account/wachtwoord-vergeten/verstuurd/": [
        Probe("/account/wachtwoord-vergeten/verstuurd/", anon=200)
    ],
    "account/wachtwoord-herstellen/<uidb64>/<token>/": [
        # A forged link shows "no longer valid" (200) and changes nothing.
        Probe("/account/wachtwoord-herstellen/MQ/ongeldig-token/", anon=200)
    ],
    "account/wachtwoord-hersteld/": [Probe("/account/wachtwoord-hersteld/", anon=200)],
    "account/uitnodiging/<uidb64>/<token>/": [
        # A forged invitation shows "no longer valid" (200) and sets nothing.
        Probe("/account/uitnodiging/MQ/ongeldig-token/", anon=200)
    ],
    # OIDC is not configured in the matrix: both ends answer 404.
    "account/oidc/inloggen/": [Probe("/account/oidc/inloggen/", fixed=404, anon=404)],
    "account/oidc/terug/": [Probe("/account/oidc/terug/", fixed=404, anon=404)],
    "i18n/setlang/": [
        Probe("/i18n/setlang/", method="post", data={"language": "nl"}, ok=302, anon=302)
    ],
    "projecten/": [Probe("/projecten/")],
    "projecten/nieuw/": [
        Probe("/projecten/nieuw/", cap=Capability.CREATE),
        # An empty form is re-rendered with errors (200), never saved.
        Probe("/projecten/nieuw/", method="post", cap=Capability.CREATE),
    ],
    "projecten/financieringsklif/": [Probe("/projecten/financieringsklif/")],
    # Money at a glance and the registry (issue 11). Tenant-scoped lists, no project in the path;
    # empty POSTs re-render the form with errors (200). Foreign ids: test_registry.py.
    "projecten/financieringsklif/export.xlsx": [
        Probe("/projecten/financieringsklif/export.xlsx", cap=Capability.EXPORT)
    ],
    "projecten/export.xlsx": [Probe("/projecten/export.xlsx", cap=Capability.EXPORT)],
    "projecten/importeren/": [
        Probe("/projecten/importeren/", cap=Capability.CREATE),
        Probe("/projecten/importeren/", method="post", cap=Capability.CREATE),
    ],
    "projecten/importeren/sjabloon.xlsx": [Probe("/projecten/importeren/sjabloon.xlsx")],
    # A POST saves the mapping and runs the dry run (rolled back), then redirects to the page.
    "projecten/importeren/<int:import_pk>/": [
        Probe("/projecten/importeren/{portfolio_import_pk}/", cap=Capability.CREATE),
        Probe(
            "/projecten/importeren/{portfolio_import_pk}/",
            method="post",
            cap=Capability.CREATE,
            ok=302,
        ),
    ],
    "projecten/begroting/": [Probe("/projecten/begroting/")],
    "projecten/begroting/export.xlsx": [
        Probe("/projecten/begroting/export.xlsx", cap=Capability.EXPORT)
    ],
    "projecten/gemeenten/": [
        Probe("/projecten/gemeenten/"),
        Probe("/projecten/gemeenten/", method="post", cap=Capability.CREATE),
    ],
    "projecten/gemeenten/<int:municipality_pk>/": [
        Probe("/projecten/gemeenten/{municipality_pk}/"),
        Probe("/projecten/gemeenten/{municipality_pk}/", method="post", cap=Capability.CREATE),
    ],
    "projecten/gemeenten/<int:municipality_pk>/import/": [
        Probe(
            "/projecten/gemeenten/{municipality_pk}/import/", method="post", cap=Capability.CREATE
        ),
        Probe("/projecten/gemeenten/{municipality_pk}/import/", fixed=405),
    ],
    "projecten/partners/": [
        Probe("/projecten/partners/"),
        Probe("/projecten/partners/", method="post", cap=Capability.CREATE),
    ],
    "projecten/partners/<int:partner_pk>/bewerken/": [
        Probe("/projecten/partners/{partner_pk}/bewerken/", cap=Capability.CREATE),
        Probe("/projecten/partners/{partner_pk}/bewerken/", method="post", cap=Capability.CREATE),
    ],
    "projecten/nieuw-voor-oud/": [
        Probe("/projecten/nieuw-voor-oud/"),
        Probe("/projecten/nieuw-voor-oud/", method="post", cap=Capability.DECIDE),
    ],
    "projecten/nieuw-voor-oud/<int:entry_pk>/bewerken/": [
        Probe("/projecten/nieuw-voor-oud/{ledger_pk}/bewerken/", cap=Capability.DECIDE),
        Probe(
            "/projecten/nieuw-voor-oud/{ledger_pk}/bewerken/", method="post", cap=Capability.DECIDE
        ),
    ],
    "projecten/<int:pk>/": [Probe(P + "/")],
    "projecten/<int:pk>/bewerken/": [
        Probe(P + "/bewerken/", cap=Capability.EDIT),
        Probe(P + "/bewerken/", method="post", cap=Capability.EDIT),
    ],
    "projecten/<int:pk>/archiveren/": [
        Probe(P + "/archiveren/", method="post", cap=Capability.ARCHIVE, ok=302),
        Probe(P + "/archiveren/", fixed=405),
    ],
    "projecten/<int:pk>/coalitie/": [Probe(P + "/coalitie/")],
    "projecten/<int:pk>/financiering/": [Probe(P + "/financiering/")],
    "projecten/<int:pk>/financiering/export.xlsx": [
        Probe(P + "/financiering/export.xlsx", cap=Capability.EXPORT)
    ],
    "projecten/<int:pk>/doelen/": [Probe(P + "/doelen/")],
    "projecten/<int:pk>/doelen/<int:goal_pk>/versies/": [Probe(P + "/doelen/{goal_pk}/versies/")],
    "projecten/<int:pk>/besluiten/": [
        Probe(P + "/besluiten/"),
        Probe(P + "/besluiten/", method="post", cap=Capability.DECIDE),
    ],
    # Participation of residents (issue 13): anyone who sees the project reads it; EDIT changes it.
    "projecten/<int:pk>/participatie/": [
        Probe(P + "/participatie/"),
        Probe(
            P + "/participatie/",
            method="post",
            cap=Capability.EDIT,
            ok=302,
            data={"forms": ["delivery"], "level": "advising"},
        ),
    ],
    "projecten/<int:pk>/delen/": [
        Probe(P + "/delen/"),
        Probe(P + "/delen/", method="post", cap=Capability.SHARE),
    ],
    "projecten/<int:pk>/delen/<int:grant_pk>/intrekken/": [
        Probe(P + "/delen/{grant_pk}/intrekken/", method="post", cap=Capability.SHARE, ok=302),
        Probe(P + "/delen/{grant_pk}/intrekken/", fixed=405),
    ],
    "projecten/<int:pk>/geschiedenis/": [Probe(P + "/geschiedenis/")],
    "projecten/<int:pk>/<str:kind>/nieuw/": [
        *(Probe(P + f"/{kind}/nieuw/", cap=Capability.EDIT) for kind in KINDS),
        Probe(P + "/onbekend/nieuw/", fixed=404),
    ],
    "projecten/<int:pk>/<str:kind>/<int:child_pk>/bewerken/": [
        Probe(P + f"/{kind}/{{child_{kind}}}/bewerken/", cap=Capability.EDIT) for kind in KINDS
    ],
    "projecten/<int:pk>/<str:kind>/<int:child_pk>/verwijderen/": [
        Probe(P + "/coalitie/{child_coalitie}/verwijderen/", "post", Capability.EDIT, ok=302),
        Probe(
            P + "/financiering/{child_financiering}/verwijderen/", "post", Capability.EDIT, ok=302
        ),
        # Goals are retired, never deleted.
        Probe(P + "/doelen/{child_doelen}/verwijderen/", method="post", fixed=404),
        Probe(P + "/coalitie/{child_coalitie}/verwijderen/", fixed=405),
    ],
    # The PDF variant is rendered by WeasyPrint (slow): see test_pdf_report below.
    r"rapporten/project/(?P<pk>\d+)\.(?P<fmt>pdf|html|docx|odt)$": [
        Probe("/rapporten/project/{pk}.html"),
        Probe("/rapporten/project/{pk}.docx"),
    ],
    # The download buttons queue the editable report as a job (inline in the matrix) and poll it;
    # its file is for the project's viewers in the organisation that made it.
    "rapporten/project/<int:pk>/maken/<str:fmt>/": [
        Probe("/rapporten/project/{pk}/maken/docx/", method="post", ok=302),
        Probe("/rapporten/project/{pk}/maken/docx/", fixed=405),
    ],
    "rapporten/project/<int:pk>/taken/<int:job_pk>/": [
        Probe("/rapporten/project/{pk}/taken/{report_job_pk}/")
    ],
    "rapporten/project/<int:pk>/taken/<int:job_pk>/bestand/": [
        Probe("/rapporten/project/{pk}/taken/{report_job_pk}/bestand/")
    ],
    # The portfolio report lists what the user may see (no ids in the path).
    r"rapporten/portfolio\.(?P<fmt>pdf|html|docx|odt)$": [
        Probe("/rapporten/portfolio.html"),
        Probe("/rapporten/portfolio.odt"),
    ],
    # The calendar link page and its revocation: every logged-in user, for themselves only.
    "agenda/": [Probe("/agenda/"), Probe("/agenda/", method="post")],
    "agenda/intrekken/": [
        Probe("/agenda/intrekken/", method="post", ok=302),
        Probe("/agenda/intrekken/", fixed=405),
    ],
    # The feed's token is its only key: an unknown token is a 404 for everyone.
    "agenda/<str:token>.ics": [Probe("/agenda/onbekend-token.ics", fixed=404, anon=404)],
    "api/": [Probe("/api/", anon=403)],
    "api/<drf_format_suffix:format>": [Probe("/api/.json", anon=403)],
    "api/projecten/$": [Probe("/api/projecten/", anon=403)],
    r"api/projecten\.(?P<format>[a-z0-9]+)/?$": [Probe("/api/projecten.json", anon=403)],
    "api/projecten/(?P<pk>[^/.]+)/$": [Probe("/api/projecten/{pk}/", anon=403)],
    r"api/projecten/(?P<pk>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": [
        Probe("/api/projecten/{pk}.json", anon=403)
    ],
    # The OpenAPI schema describes the API, not data, but is for logged-in users only (issue 8).
    "api/schema/": [Probe("/api/schema/")],
    # Assessments. The probes use an external scan run by the own tenant, which its ASSESS roles
    # may rate on a read-shared project too; self-scans (write access needed) and the other
    # nuances are in test_assessments_access.py.
    "beoordelingen/matrix/": [Probe("/beoordelingen/matrix/")],
    "beoordelingen/matrix/export.<str:fmt>": [
        Probe("/beoordelingen/matrix/export.csv", cap=Capability.EXPORT),
        Probe("/beoordelingen/matrix/export.pdf", fixed=404),
    ],
    "beoordelingen/project/<int:pk>/": [
        Probe(AB + "/"),
        # An empty start form is re-rendered with errors (200), never saved.
        Probe(AB + "/", method="post", cap=Capability.ASSESS),
    ],
    "beoordelingen/project/<int:pk>/<int:apk>/": [Probe(AS + "/")],
    "beoordelingen/project/<int:pk>/<int:apk>/indicator/<slug:indicator_id>/": [
        Probe(
            AS + "/indicator/integrated_all_domains/",
            method="post",
            cap=Capability.ASSESS,
            ok=302,
            data={"integrated_all_domains-value": "onbekend"},
        ),
        Probe(AS + "/indicator/integrated_all_domains/", fixed=405),
    ],
    "beoordelingen/project/<int:pk>/<int:apk>/afronden/": [
        Probe(AS + "/afronden/", method="post", cap=Capability.ASSESS, ok=302),
        Probe(AS + "/afronden/", fixed=405),
    ],
    # Reopening without a reason and rating a characteristic without a level redirect back with a
    # message (302); both need ASSESS and being one of the scan's raters.
    "beoordelingen/project/<int:pk>/<int:apk>/heropenen/": [
        Probe(AS + "/heropenen/", method="post", cap=Capability.ASSESS, ok=302),
        Probe(AS + "/heropenen/", fixed=405),
    ],
    "beoordelingen/project/<int:pk>/<int:apk>/kenmerk/<slug:dimension_id>/": [
        Probe(AS + "/kenmerk/effective_approach/", method="post", cap=Capability.ASSESS, ok=302),
        Probe(AS + "/kenmerk/effective_approach/", fixed=405),
    ],
    "beoordelingen/project/<int:pk>/<int:apk>/profiel/": [Probe(AS + "/profiel/")],
    "beoordelingen/project/<int:pk>/<int:apk>/vergelijking/": [Probe(AS + "/vergelijking/")],
    "beoordelingen/project/<int:pk>/<int:apk>/geschiedenis/": [Probe(AS + "/geschiedenis/")],
    "beoordelingen/project/<int:pk>/<int:apk>/export.<str:fmt>": [
        Probe(AS + "/export.xlsx", cap=Capability.EXPORT)
    ],
    "beoordelingen/project/<int:pk>/<int:apk>/bewijs/<int:rating_pk>/": [
        Probe(AS + "/bewijs/{rating_pk}/")
    ],
    # Verduurzaming: reading the tab needs a visible project; the plan needs PLAN with write
    # access. Empty POSTs re-render the form with errors (200), never saved.
    "verduurzaming/<int:pk>/": [Probe(VD + "/")],
    "verduurzaming/<int:pk>/advies-overnemen/": [
        Probe(VD + "/advies-overnemen/", method="post", cap=Capability.PLAN, ok=302),
        Probe(VD + "/advies-overnemen/", fixed=405),
    ],
    "verduurzaming/<int:pk>/bewerken/": [
        Probe(VD + "/bewerken/", cap=Capability.PLAN),
        Probe(VD + "/bewerken/", method="post", cap=Capability.PLAN),
    ],
    "verduurzaming/<int:pk>/acties/nieuw/": [
        Probe(VD + "/acties/nieuw/", cap=Capability.PLAN),
        Probe(VD + "/acties/nieuw/", method="post", cap=Capability.PLAN),
    ],
    "verduurzaming/<int:pk>/acties/<int:action_pk>/bewerken/": [
        Probe(VD + "/acties/{plan_action_pk}/bewerken/", cap=Capability.PLAN)
    ],
    "verduurzaming/<int:pk>/acties/<int:action_pk>/gedaan/": [
        Probe(VD + "/acties/{plan_action_pk}/gedaan/", "post", Capability.PLAN, ok=302),
        Probe(VD + "/acties/{plan_action_pk}/gedaan/", fixed=405),
    ],
    "verduurzaming/<int:pk>/acties/<int:action_pk>/verwijderen/": [
        Probe(VD + "/acties/{plan_action_pk}/verwijderen/", "post", Capability.PLAN, ok=302),
        Probe(VD + "/acties/{plan_action_pk}/verwijderen/", fixed=405),
    ],
    # Tel en vertel. Aggregated, suppressed figures for whoever sees the project; participant
    # data and recording need PARTICIPANT_DATA / MONITOR and write access. Empty POSTs re-render
    # with errors (200) or redirect back (302); nothing is saved.
    "tel-en-vertel/portfolio/": [Probe("/tel-en-vertel/portfolio/")],
    "tel-en-vertel/project/<int:pk>/": [Probe(TV + "/")],
    "tel-en-vertel/project/<int:pk>/export.<str:fmt>": [
        Probe(TV + "/export.csv", cap=Capability.EXPORT),
        Probe(TV + "/export.xlsx", cap=Capability.EXPORT),
        Probe(TV + "/export.pdf", fixed=404),
    ],
    "tel-en-vertel/project/<int:pk>/cijfers-vrijgeven/": [
        Probe(TV + "/cijfers-vrijgeven/", method="post", cap=Capability.EDIT, ok=302),
        Probe(TV + "/cijfers-vrijgeven/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/paren/": [
        # An invalid (empty) choice redirects back to the tab with a message; nothing changes.
        Probe(TV + "/paren/", method="post", cap=Capability.EDIT, ok=302),
        Probe(TV + "/paren/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/gegevens.<str:fmt>": [
        Probe(TV + "/gegevens.csv", cap=Capability.PARTICIPANT_DATA),
        Probe(TV + "/gegevens.pdf", fixed=404),
    ],
    "tel-en-vertel/project/<int:pk>/deelnemers/": [
        Probe(TV + "/deelnemers/", cap=Capability.PARTICIPANT_DATA)
    ],
    "tel-en-vertel/project/<int:pk>/deelnemers/nieuw/": [
        Probe(TV + "/deelnemers/nieuw/", cap=Capability.MONITOR),
        Probe(TV + "/deelnemers/nieuw/", method="post", cap=Capability.MONITOR),
    ],
    "tel-en-vertel/project/<int:pk>/deelnemers/<int:participant_pk>/": [
        Probe(TV + "/deelnemers/{participant_pk}/", cap=Capability.PARTICIPANT_DATA)
    ],
    # Without the typed confirmation the POST erases nothing and returns to the participant.
    "tel-en-vertel/project/<int:pk>/deelnemers/<int:participant_pk>/wissen/": [
        Probe(
            TV + "/deelnemers/{participant_pk}/wissen/",
            method="post",
            cap=Capability.MONITOR,
            ok=302,
        ),
        Probe(TV + "/deelnemers/{participant_pk}/wissen/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/trajecten/<int:tpk>/bewerken/": [
        Probe(TVT + "/bewerken/", cap=Capability.MONITOR),
        Probe(TVT + "/bewerken/", method="post", cap=Capability.MONITOR),
    ],
    "tel-en-vertel/project/<int:pk>/trajecten/<int:tpk>/meting/nieuw/": [
        Probe(TVT + "/meting/nieuw/", cap=Capability.MONITOR),
        Probe(TVT + "/meting/nieuw/", method="post", cap=Capability.MONITOR),
    ],
    "tel-en-vertel/project/<int:pk>/trajecten/<int:tpk>/<str:kind>/nieuw/": [
        *(
            Probe(TVT + f"/{kind}/nieuw/", cap=Capability.MONITOR)
            for kind in ("verhaal", "zwaar-middel", "interventie")
        ),
        Probe(TVT + "/verhaal/nieuw/", method="post", cap=Capability.MONITOR),
    ],
    "tel-en-vertel/project/<int:pk>/metingen/<int:mpk>/": [
        Probe(TVM + "/", cap=Capability.MONITOR),
        Probe(TVM + "/", method="post", cap=Capability.MONITOR, ok=302),
    ],
    "tel-en-vertel/project/<int:pk>/metingen/<int:mpk>/scores/": [
        Probe(TVM + "/scores/", method="post", cap=Capability.MONITOR, ok=302),
        Probe(TVM + "/scores/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/metingen/<int:mpk>/gegevens/": [
        Probe(TVM + "/gegevens/", method="post", cap=Capability.MONITOR, ok=302),
        Probe(TVM + "/gegevens/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/metingen/<int:mpk>/verwijderen/": [
        Probe(TVM + "/verwijderen/", method="post", cap=Capability.MONITOR, ok=302),
        Probe(TVM + "/verwijderen/", fixed=405),
    ],
    # Case timeline (issue 13): participant-level, so MONITOR with write access on every screen.
    "tel-en-vertel/project/<int:pk>/trajecten/<int:tpk>/casusverloop/": [
        Probe(TVT + "/casusverloop/", cap=Capability.MONITOR)
    ],
    "tel-en-vertel/project/<int:pk>/trajecten/<int:tpk>/casusverloop/stap/": [
        Probe(
            TVT + "/casusverloop/stap/",
            method="post",
            cap=Capability.MONITOR,
            ok=302,
            data={"lane": "actual", "service": "Coach", "started_on": "2025-02-01", "units": "1"},
        ),
        Probe(TVT + "/casusverloop/stap/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/trajecten/<int:tpk>/casusverloop/stap/<int:epk>/verwijderen/": [
        Probe(
            TVT + "/casusverloop/stap/{case_event_pk}/verwijderen/",
            method="post",
            cap=Capability.MONITOR,
            ok=302,
        ),
        Probe(TVT + "/casusverloop/stap/{case_event_pk}/verwijderen/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/trajecten/<int:tpk>/casusverloop/referentie/": [
        Probe(
            TVT + "/casusverloop/referentie/",
            method="post",
            cap=Capability.MONITOR,
            ok=302,
            data={"reference": "crisis_path"},
        ),
        Probe(TVT + "/casusverloop/referentie/", fixed=405),
    ],
    # Neighbourhood monitor (issue 13): the own organisation's figures; importing and writing
    # the context note need EDIT. Not project-scoped: no shared or foreign side.
    "wijken/": [Probe("/wijken/")],
    "wijken/import/": [
        Probe("/wijken/import/", cap=Capability.EDIT),
        Probe("/wijken/import/", method="post", cap=Capability.EDIT),  # no file: the form again
    ],
    "wijken/import/<int:upload_pk>/": [
        Probe("/wijken/import/{hood_upload_pk}/", cap=Capability.EDIT),
        Probe(
            "/wijken/import/{hood_upload_pk}/",
            method="post",
            cap=Capability.EDIT,
            data={"action": "check", "map-0": "code"},
        ),
    ],
    "wijken/<str:code>/": [
        Probe("/wijken/{hood_code}/"),
        Probe(
            "/wijken/{hood_code}/",
            method="post",
            cap=Capability.EDIT,
            ok=302,
            data={"text": "Toelichting van de wijkregisseur."},
        ),
        Probe("/wijken/WK999999/", fixed=404),
    ],
    # Self-report (issue 13): the professional's pages need MONITOR; the participant's page is
    # public (no account), reached by a one-time token only; a bogus token is a 404 for everyone.
    "tel-en-vertel/project/<int:pk>/metingen/<int:mpk>/zelfrapportage/": [
        Probe(TVM + "/zelfrapportage/", cap=Capability.MONITOR)
    ],
    "tel-en-vertel/project/<int:pk>/metingen/<int:mpk>/zelfrapportage/link/": [
        Probe(TVM + "/zelfrapportage/link/", method="post", cap=Capability.MONITOR),
        Probe(TVM + "/zelfrapportage/link/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/metingen/<int:mpk>/zelfrapportage/link/<int:lpk>/intrekken/": [
        Probe(
            TVM + "/zelfrapportage/link/{self_link_pk}/intrekken/",
            method="post",
            cap=Capability.MONITOR,
            ok=302,
        ),
        Probe(TVM + "/zelfrapportage/link/{self_link_pk}/intrekken/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/metingen/<int:mpk>/zelfrapportage/afspraak/": [
        Probe(
            TVM + "/zelfrapportage/afspraak/",
            method="post",
            cap=Capability.MONITOR,
            ok=302,
            data={"score-housing": "3"},
        ),
        Probe(TVM + "/zelfrapportage/afspraak/", fixed=405),
    ],
    "tel-en-vertel/zelf/<str:token>/": [
        Probe("/tel-en-vertel/zelf/{self_token}/", fixed=200, anon=200),
        Probe("/tel-en-vertel/zelf/geen-geldige-link-0000/", fixed=404, anon=404),
    ],
    "tel-en-vertel/project/<int:pk>/import/": [
        Probe(TV + "/import/", cap=Capability.MONITOR),
        Probe(TV + "/import/", method="post", cap=Capability.MONITOR),
    ],
    "tel-en-vertel/project/<int:pk>/import/<int:ipk>/koppeling/": [
        Probe(TVI + "/koppeling/", cap=Capability.MONITOR),
        Probe(TVI + "/koppeling/", method="post", cap=Capability.MONITOR, ok=302),
    ],
    # The stored file has an error: the dry run lists it and the POST imports nothing (200).
    "tel-en-vertel/project/<int:pk>/import/<int:ipk>/controle/": [
        Probe(TVI + "/controle/", cap=Capability.MONITOR),
        Probe(TVI + "/controle/", method="post", cap=Capability.MONITOR),
    ],
    "tel-en-vertel/project/<int:pk>/import/<int:ipk>/annuleren/": [
        Probe(TV + "/import/{cancel_import_pk}/annuleren/", "post", Capability.MONITOR, ok=302),
        Probe(TV + "/import/{cancel_import_pk}/annuleren/", fixed=405),
    ],
    "tel-en-vertel/project/<int:pk>/taken/<int:jpk>/": [
        Probe(TV + "/taken/{job_pk}/", cap=Capability.MONITOR)
    ],
    "api/tel-en-vertel/projecten/<int:pk>/effecten/": [
        Probe("/api/tel-en-vertel/projecten/{pk}/effecten/", anon=403)
    ],
    # Maatschappelijke waarde. Reading needs a visible project; every change needs VALUE with
    # write access. Element 999999 does not exist, so an allowed role gets 404 and the others 403:
    # the role is checked first. Real elements, autosave and bad input: test_valuation.py.
    "waarde/<int:pk>/": [Probe(WD + "/")],
    "waarde/<int:pk>/werkplaats/": [Probe(WD + "/werkplaats/")],
    "waarde/<int:pk>/werkplaats/<str:kind>/<int:item_pk>/": [
        Probe(WD + "/werkplaats/effect/999999/", method="post", cap=Capability.VALUE, ok=404),
        Probe(WD + "/werkplaats/onbekend/1/", method="post", fixed=404),
        Probe(WD + "/werkplaats/effect/999999/", fixed=405),
    ],
    "waarde/<int:pk>/resultaten/": [Probe(WD + "/resultaten/")],
    "waarde/<int:pk>/prijzen/": [Probe(WD + "/prijzen/")],
    "waarde/<int:pk>/instellingen/": [
        Probe(WD + "/instellingen/", cap=Capability.VALUE),
        Probe(WD + "/instellingen/", method="post", cap=Capability.VALUE),
    ],
    "waarde/<int:pk>/export.xlsx": [Probe(WD + "/export.xlsx", cap=Capability.EXPORT)],
    "waarde/<int:pk>/<str:kind>/nieuw/": [
        *(Probe(WD + f"/{kind}/nieuw/", cap=Capability.VALUE) for kind in VALUE_KINDS),
        Probe(WD + "/effect/nieuw/", method="post", cap=Capability.VALUE),
        Probe(WD + "/onbekend/nieuw/", fixed=404),
    ],
    "waarde/<int:pk>/<str:kind>/<int:item_pk>/bewerken/": [
        Probe(WD + "/effect/999999/bewerken/", cap=Capability.VALUE, ok=404)
    ],
    "waarde/<int:pk>/<str:kind>/<int:item_pk>/verwijderen/": [
        Probe(WD + "/investering/999999/verwijderen/", "post", Capability.VALUE, ok=404),
        Probe(WD + "/investering/999999/verwijderen/", fixed=405),
    ],
    # Beheer inside the tenant (issue 8): the beheerder only, the own organisation only. Empty
    # POSTs re-render the form with errors (200), never saved. The ids are the own tenant's;
    # test_beheer_with_foreign_ids_is_404 puts in the foreign tenant's.
    "beheer/organisatie/": [Probe(BH + "/", cap=Capability.ADMIN)],
    "beheer/organisatie/gebruikers/": [Probe(BH + "/gebruikers/", cap=Capability.ADMIN)],
    "beheer/organisatie/gebruikers/nieuw/": [
        Probe(BH + "/gebruikers/nieuw/", cap=Capability.ADMIN),
        Probe(BH + "/gebruikers/nieuw/", method="post", cap=Capability.ADMIN),
    ],
    "beheer/organisatie/gebruikers/<int:user_pk>/": [
        Probe(BH + "/gebruikers/{colleague_pk}/", cap=Capability.ADMIN),
        Probe(BH + "/gebruikers/{colleague_pk}/", method="post", cap=Capability.ADMIN),
    ],
    # No password form for the beheerder: a link to the user's own e-mail (POST only).
    "beheer/organisatie/gebruikers/<int:user_pk>/link/": [
        Probe(BH + "/gebruikers/{colleague_pk}/link/", "post", Capability.ADMIN, ok=302),
        Probe(BH + "/gebruikers/{colleague_pk}/link/", fixed=405),
    ],
    # Four eyes on roles with participant data or administration.
    "beheer/organisatie/goedkeuren/": [Probe(BH + "/goedkeuren/", cap=Capability.ADMIN)],
    "beheer/organisatie/goedkeuren/<int:request_pk>/goedkeuren/": [
        Probe(BH + "/goedkeuren/{request_pk}/goedkeuren/", "post", Capability.ADMIN, ok=302),
        Probe(BH + "/goedkeuren/{request_pk}/goedkeuren/", fixed=405),
    ],
    "beheer/organisatie/goedkeuren/<int:request_pk>/afwijzen/": [
        Probe(BH + "/goedkeuren/{request_pk}/afwijzen/", "post", Capability.ADMIN, ok=302),
        Probe(BH + "/goedkeuren/{request_pk}/afwijzen/", fixed=405),
    ],
    "beheer/organisatie/delingen/": [
        Probe(BH + "/delingen/", cap=Capability.ADMIN),
        Probe(BH + "/delingen/", method="post", cap=Capability.ADMIN),
    ],
    "beheer/organisatie/delingen/<int:grant_pk>/intrekken/": [
        Probe(BH + "/delingen/{grant_pk}/intrekken/", "post", Capability.ADMIN, ok=302),
        Probe(BH + "/delingen/{grant_pk}/intrekken/", fixed=405),
    ],
    "beheer/organisatie/partners/": [
        Probe(BH + "/partners/", cap=Capability.ADMIN),
        Probe(BH + "/partners/", method="post", cap=Capability.ADMIN),
    ],
    "beheer/organisatie/partners/<int:partnership_pk>/verwijderen/": [
        Probe(BH + "/partners/{partnership_pk}/verwijderen/", "post", Capability.ADMIN, ok=302),
        Probe(BH + "/partners/{partnership_pk}/verwijderen/", fixed=405),
    ],
    "beheer/organisatie/api-sleutels/": [
        Probe(BH + "/api-sleutels/", cap=Capability.ADMIN),
        Probe(BH + "/api-sleutels/", method="post", cap=Capability.ADMIN),
    ],
    "beheer/organisatie/api-sleutels/<int:token_pk>/intrekken/": [
        Probe(BH + "/api-sleutels/{token_pk}/intrekken/", "post", Capability.ADMIN, ok=302),
        Probe(BH + "/api-sleutels/{token_pk}/intrekken/", fixed=405),
    ],
    **v1_probes(),
    "beheer/organisatie/toegangslog/": [Probe(BH + "/toegangslog/", cap=Capability.ADMIN)],
    "beheer/organisatie/toegangslog/export.csv": [
        Probe(BH + "/toegangslog/export.csv", cap=Capability.ADMIN)
    ],
    # Learning (issue 12). Signals belong to the own organisation (a foreign one is a 404:
    # test_learning_signals.py); empty POSTs re-render the form (200), never saved.
    "leren/signalen/": [Probe(LS + "/")],
    "leren/signalen/nieuw/": [
        Probe(LS + "/nieuw/", cap=Capability.RAISE_SIGNAL),
        Probe(LS + "/nieuw/", method="post", cap=Capability.RAISE_SIGNAL),
    ],
    "leren/signalen/export.<str:fmt>": [
        Probe(LS + "/export.csv", cap=Capability.EXPORT),
        Probe(LS + "/export.xlsx", cap=Capability.EXPORT),
        Probe(LS + "/export.pdf", fixed=404),
    ],
    "leren/signalen/<int:signal_pk>/": [Probe(LS + "/{signal_pk}/")],
    "leren/signalen/<int:signal_pk>/status/": [
        Probe(LS + "/{signal_pk}/status/", method="post", cap=Capability.HANDLE_SIGNAL),
        Probe(LS + "/{signal_pk}/status/", fixed=405),
    ],
    "leren/lessen/catalogus/": [Probe("/leren/lessen/catalogus/")],
    # Search is scoped per user (test_learning_search.py); every logged-in user may search.
    "leren/zoeken/": [Probe("/leren/zoeken/", data={"q": "wijkteams"})],
    # Protected aggregates only (test_learning_benchmark.py): every logged-in user.
    "leren/benchmark/": [Probe("/leren/benchmark/")],
    "leren/project/<int:pk>/": [Probe(LP + "/")],
    "leren/project/<int:pk>/lessen/nieuw/": [
        Probe(LP + "/lessen/nieuw/", cap=Capability.EDIT),
        Probe(LP + "/lessen/nieuw/", method="post", cap=Capability.EDIT),
    ],
    # The shared catalogue: the owner's SHARE roles only (a read grant is 403).
    "leren/project/<int:pk>/catalogus/": [
        Probe(LP + "/catalogus/", cap=Capability.SHARE),
        Probe(LP + "/catalogus/", method="post", cap=Capability.SHARE, ok=302),
    ],
    "leren/project/<int:pk>/catalogus/intrekken/": [
        Probe(LP + "/catalogus/intrekken/", method="post", cap=Capability.SHARE, ok=302),
        Probe(LP + "/catalogus/intrekken/", fixed=405),
    ],
    "leren/project/<int:pk>/eindevaluatie/": [
        Probe(LP + "/eindevaluatie/", cap=Capability.EDIT),
        Probe(LP + "/eindevaluatie/", method="post", cap=Capability.EDIT),
    ],
}

ADMIN_PREFIX = "django-beheer/"


def _join(route1: str, route2: str) -> str:
    """Join routes the way ResolverMatch.route does (a nested regex loses its leading ^)."""
    if not route1:
        return route2
    return route1 + route2.removeprefix("^")


def walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = _join(prefix, str(entry.pattern))
        if isinstance(entry, URLResolver):
            yield from walk(entry, route)
        else:
            assert isinstance(entry, URLPattern)
            yield route


def project_routes() -> set[str]:
    return {r for r in walk(get_resolver()) if not r.startswith(ADMIN_PREFIX)}


def test_every_url_pattern_is_in_the_table():
    routes = project_routes()
    unknown = routes - TABLE.keys()
    gone = TABLE.keys() - routes
    assert not unknown, f"URL patterns without an access expectation in TABLE: {sorted(unknown)}"
    assert not gone, f"TABLE names patterns that no longer exist: {sorted(gone)}"
    assert any(r.startswith(ADMIN_PREFIX) for r in walk(get_resolver())), "admin not mounted"


def test_capability_table_matches_core_access():
    for capability, roles in MAY.items():
        assert {r.value for r in Role if capability in CAPABILITIES[r]} == roles, capability


PROBES = [(route, probe) for route, probes in TABLE.items() for probe in probes]


@pytest.fixture
def world(own_project, foreign_project, shared_project, partner_org, users, settings, tmp_path):
    """The three projects with every id a URL needs, per side."""
    # Each project gets a grant to revoke (the shared one already has the grant to the own tenant).
    ProjectGrant.objects.create(project=own_project, organisation=partner_org, level="lezen")
    ProjectGrant.objects.create(project=foreign_project, organisation=partner_org, level="lezen")
    sides = {}
    for side, project in (
        ("own", own_project),
        ("shared", shared_project),
        ("foreign", foreign_project),
    ):
        sides[side] = {
            "project": project,
            "pk": project.pk,
            "goal_pk": project.goals.get().pk,
            "grant_pk": project.grants.order_by("pk").first().pk,
            "child_coalitie": project.coalition.get().pk,
            "child_financiering": project.funding_streams.get().pk,
            "child_doelen": project.goals.get().pk,
            "decision_pk": project.decisions.get().pk,
        }
    # An external scan per project, run by the own tenant where it can see the project, with a
    # rating that carries an evidence document.
    settings.MEDIA_ROOT = tmp_path / "media"
    for side, ids in sides.items():
        runner = users[("foreign" if side == "foreign" else "own", "onderzoeker")]
        scan = Assessment.objects.create(
            project=ids["project"],
            framework_id="four_plus_one",
            framework_version="1.0",
            kind="extern",
            title="Externe scan",
            organisation=runner.organisation,
            created_by=runner,
        )
        rating = Rating(assessment=scan, indicator_id="one_contact_person", rater=runner)
        rating.evidence_file.save("bewijs.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        rating.save()
        ids.update(assessment_pk=scan.pk, rating_pk=rating.pk)
    # A continuation plan with one action per project (sustainability).
    for ids in sides.values():
        plan = ContinuationPlan.objects.create(project=ids["project"])
        ids["plan_action_pk"] = PlanAction.objects.create(plan=plan, text="Actie").pk
    # Beheer: a colleague to manage and a partner organisation per tenant ("shared" belongs to
    # the foreign tenant, like its project).
    for side, ids in sides.items():
        tenant = "own" if side == "own" else "foreign"
        colleague = users[(tenant, "professional")]
        ids["colleague_pk"] = colleague.pk
        ids["partnership_pk"] = Partnership.objects.get_or_create(
            organisation=colleague.organisation, partner=partner_org
        )[0].pk
        # An open request for a role with participant data, asked by the tenant's beheerder.
        from proeftuin.accounts.models import User
        from proeftuin.administration import roles

        asker = users[(tenant, "beheerder")]
        recruit = User(
            username=f"recruit-{side}", organisation=asker.organisation, role="professional"
        )
        ids["request_pk"] = roles.save_account(recruit, by=asker, new=True).pk
    # API v1: a token per tenant to revoke ("shared" belongs to the foreign tenant).
    from proeftuin.api import tokens

    for side, ids in sides.items():
        issuer = users[("own" if side == "own" else "foreign", "beheerder")]
        ids["token_pk"] = tokens.issue(
            issuer, name="Matrix", role="financier", scopes=["portfolio:lezen"], days=1
        )[0].pk
    # A finished report job per project, made by the tenant that sees it, with its file.
    from proeftuin.monitoring.models import Job
    from proeftuin.reporting import jobs as report_jobs

    for side, ids in sides.items():
        maker = users[("foreign" if side == "foreign" else "own", "beleidsadviseur")]
        job = Job.objects.create(
            project=ids["project"],
            created_by=maker,
            kind=report_jobs.KIND,
            status="done",
            progress=100,
            result={"fmt": "docx", "language": "nl"},
        )
        report_jobs.file_path(job).write_bytes(b"PK\x03\x04 docx")
        ids["report_job_pk"] = job.pk
    # Registry and ledger of the own tenant (issue 11); non-project URLs use the own ids.
    sides["own"].update(registry_ids(own_project))
    # Tel en vertel: a participant with a trajectory and a scored baseline per project, an import
    # whose file has one bad score (checked, never committed), one to cancel, and a finished job.
    for ids in sides.values():
        ids.update(monitoring_ids(ids["project"], settings))
    # Learning: a signal per side, raised in the tenant that owns the side's project.
    from proeftuin.learning import services as learning
    from proeftuin.learning.models import Signal

    for side, ids in sides.items():
        raiser = users[("own" if side == "own" else "foreign", "professional")]
        signal = Signal(title="Signaal", kind="regel_blokkeert", what="Wat", blocker="Regel")
        ids["signal_pk"] = learning.raise_signal(signal, raiser).pk
    # The neighbourhood monitor (organisation-level): one area with figures and an upload.
    from proeftuin.neighbourhoods.models import Figure, Upload

    Figure.objects.create(
        organisation=own_project.owner, code="WK000101", name="Oost", year=2024,
        indicator="income", value=25.0,
    )  # fmt: skip
    upload = Upload.objects.create(
        organisation=own_project.owner,
        filename="wijken.csv",
        data=b"Codering;Naam;Perioden;Inkomen\nWK000101;Oost;2024;25\n",
    )
    for ids in sides.values():
        ids.update(hood_code="WK000101", hood_upload_pk=upload.pk)
    return sides


def registry_ids(project) -> dict:
    from datetime import date

    from proeftuin.portfolio.registry import (
        Municipality,
        NewForOldEntry,
        PartnerOrganisation,
        PortfolioImport,
    )

    tenant = project.owner
    municipality = Municipality.objects.create(organisation=tenant, cbs_code="GM0363", name="A")
    partner = PartnerOrganisation.objects.create(
        organisation=tenant, name="Politie", kind="politie", identity=tenant
    )
    entry = NewForOldEntry.objects.create(
        organisation=tenant,
        municipality=municipality,
        budget_line="Maatwerk",
        policy_domain="wmo",
        amount_per_year=1000,
        since=date(2025, 1, 1),
    )
    upload = PortfolioImport.objects.create(
        organisation=tenant, original_name="p.csv", content=b"Projectnaam;Startdatum\nM;1-1-2025\n"
    )
    return {
        "municipality_pk": municipality.pk,
        "partner_pk": partner.pk,
        "ledger_pk": entry.pk,
        "portfolio_import_pk": upload.pk,
    }


def monitoring_ids(project, settings) -> dict:
    from datetime import date

    from proeftuin.core import intake
    from proeftuin.core.instruments import LIFE_DOMAINS
    from proeftuin.monitoring import jobs, services
    from proeftuin.monitoring.models import (
        ImportFile,
        Job,
        Measurement,
        Participant,
        Score,
        Trajectory,
    )

    settings.PROEFTUIN_JOBS_INLINE = True
    participant = Participant.objects.create(
        organisation=project.owner,
        pseudonym=services.pseudonym_for(project.owner_id, f"C-{project.pk}"),
    )
    trajectory = Trajectory.objects.create(
        participant=participant, project=project, started_on=date(2025, 2, 1)
    )
    measurement = Measurement.objects.create(
        trajectory=trajectory,
        measured_on=date(2025, 2, 3),
        moment="baseline",
        instrument=LIFE_DOMAINS,
    )
    Score.objects.create(measurement=measurement, item="housing", value=2)
    content = "Cliëntnummer;Datum;Meetmoment;Wonen\nC-1;03-02-2025;0-meting;9\n"
    stored = f"matrix-{project.pk}.csv"
    (jobs.imports_dir() / stored).write_text(content, encoding="utf-8")
    instrument = services.instrument(LIFE_DOMAINS)
    suggestion = intake.suggest_mapping(jobs.imports_dir() / stored, instrument, filename="m.csv")
    mapping = suggestion.mapping
    checked = ImportFile.objects.create(
        project=project,
        original_name="monitor.csv",
        stored_name=stored,
        instrument=LIFE_DOMAINS,
        mapping=mapping.to_dict(),
        status="mapped",
    )
    cancel = ImportFile.objects.create(
        project=project,
        original_name="weg.csv",
        stored_name=f"weg-{project.pk}.csv",
        instrument=LIFE_DOMAINS,
    )
    job = Job.objects.create(project=project, import_file=checked, status="done", progress=100)
    from datetime import timedelta

    from django.utils import timezone

    from proeftuin.core import selfreport
    from proeftuin.monitoring.models import CaseEvent, SelfReportLink

    self_token = f"matrix-self-report-{project.pk:06d}"
    self_link = SelfReportLink.objects.create(
        measurement=measurement,
        token_digest=selfreport.token_digest(self_token),
        expires_at=timezone.now() + timedelta(days=3),
    )
    case_event = CaseEvent.objects.create(
        trajectory=trajectory, lane="actual", service="Coach", started_on=date(2025, 2, 1)
    )
    return {
        "case_event_pk": case_event.pk,
        "self_token": self_token,
        "self_link_pk": self_link.pk,
        "participant_pk": participant.pk,
        "trajectory_pk": trajectory.pk,
        "measurement_pk": measurement.pk,
        "import_pk": checked.pk,
        "cancel_import_pk": cancel.pk,
        "job_pk": job.pk,
    }


def expected(probe: Probe, role: str, side: str | None) -> int:
    if probe.fixed is not None:
        return probe.fixed
    if side == "foreign":
        return 404
    if probe.cap is not None:
        if role not in MAY[probe.cap]:
            return 403
        if side == "shared" and probe.cap in WRITE:
            return 403
    return probe.ok


def call(http, probe: Probe, ids: dict):
    path = probe.path.format(**ids)
    if probe.json:
        return path, getattr(http, probe.method)(path, probe.data, content_type="application/json")
    return path, getattr(http, probe.method)(path, probe.data)


def check(http, probe: Probe, role: str, side: str | None, ids: dict) -> str | None:
    """Make the request; return a description of the mismatch, or None when it is as expected."""
    path, response = call(http, probe, ids)
    got = response.status_code
    if role == ANONYMOUS:
        if probe.anon == LOGIN:
            location = response.get("Location", "")
            if got == 302 and location.startswith("/account/inloggen/?next="):
                return None
            want = "302 to the login page"
        elif got == probe.anon:
            return None
        else:
            want = probe.anon
    else:
        want = expected(probe, role, side)
        if got == want:
            if side != "foreign" or ids["project"].name.encode() not in response.content:
                return None
            want = "404 without the foreign project's name in the page"
    return f"{role} on {side or '-'}: {probe.method.upper()} {path} → {got}, expected {want}"


@pytest.mark.parametrize(("route", "probe"), PROBES, ids=[p.label() for _r, p in PROBES])
def test_access(route, probe, users, world):
    """One probe for anonymous and every role of the own tenant, on every side.

    Each role runs in a savepoint that is rolled back, so a POST by one role (archive, delete,
    revoke) does not change what the next role meets; the fixtures are built once per probe.
    """
    # The probe really exercises the pattern it is listed under.
    assert resolve(probe.path.format(**world["own"])).route == route

    sides = SIDES if probe.project_scoped else (None,)
    failures = []
    for role in (ANONYMOUS, *ROLES):
        with transaction.atomic():
            http = Client() if role == ANONYMOUS else login(users[("own", role)])
            for side in sides:
                failure = check(http, probe, role, side, world[side or "own"])
                if failure:
                    failures.append(failure)
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


# Beyond the matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize(("side", "status"), [("own", 200), ("shared", 200), ("foreign", 404)])
def test_pdf_report(side, status, users, world, client_for):
    http = client_for(users[("own", "onderzoeker")])
    response = http.get(f"/rapporten/project/{world[side]['pk']}.pdf")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
    else:
        assert world[side]["project"].name.encode() not in response.content


def test_pdf_report_anonymous_redirects_to_login(world, client):
    response = client.get(f"/rapporten/project/{world['own']['pk']}.pdf")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/?next=")


def test_api_list_holds_only_visible_projects(users, world, client_for):
    http = client_for(users[("own", "financier")])
    response = http.get("/api/projecten/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {world["own"]["pk"], world["shared"]["pk"]}


def test_api_detail_of_foreign_project_is_404(users, world, client_for):
    http = client_for(users[("own", "beheerder")])
    response = http.get(f"/api/projecten/{world['foreign']['pk']}/")
    assert response.status_code == 404
    assert b"Project Elders" not in response.content
    # And the other way round: the foreign tenant cannot read the own project.
    other = client_for(users[("foreign", "beheerder")])
    assert other.get(f"/api/projecten/{world['own']['pk']}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        # Own project, but the child/goal/grant id belongs to another project.
        "/projecten/{own}/coalitie/{foreign_coalitie}/bewerken/",
        "/projecten/{own}/financiering/{foreign_financiering}/bewerken/",
        "/projecten/{own}/doelen/{foreign_goal}/bewerken/",
        "/projecten/{own}/doelen/{foreign_goal}/versies/",
    ],
)
def test_child_of_another_project_is_404(path, users, world, client_for):
    http = client_for(users[("own", "beheerder")])
    ids = {
        "own": world["own"]["pk"],
        "foreign_coalitie": world["foreign"]["child_coalitie"],
        "foreign_financiering": world["foreign"]["child_financiering"],
        "foreign_goal": world["foreign"]["goal_pk"],
    }
    response = http.get(path.format(**ids))
    assert response.status_code == 404
    assert "Niet gevonden" in response.content.decode()


@pytest.mark.parametrize("kind", ["coalitie", "financiering"])
def test_deleting_a_child_of_another_project_is_404(kind, users, world, client_for):
    http = client_for(users[("own", "beheerder")])
    child = world["foreign"][f"child_{kind}"]
    response = http.post(f"/projecten/{world['own']['pk']}/{kind}/{child}/verwijderen/")
    assert response.status_code == 404
    project = world["foreign"]["project"]
    assert project.coalition.count() == 1
    assert project.funding_streams.count() == 1


def test_revoking_a_grant_of_another_project_is_404(users, world, client_for):
    http = client_for(users[("own", "beheerder")])
    foreign_grant = world["foreign"]["grant_pk"]
    response = http.post(f"/projecten/{world['own']['pk']}/delen/{foreign_grant}/intrekken/")
    assert response.status_code == 404
    assert ProjectGrant.objects.filter(pk=foreign_grant).exists()


def test_read_grant_shows_project_but_offers_no_edit(users, world, client_for):
    http = client_for(users[("own", "beleidsadviseur")])
    shared = world["shared"]
    response = http.get(f"/projecten/{shared['pk']}/")
    assert response.status_code == 200
    assert shared["project"].name in response.content.decode()
    assert f"/projecten/{shared['pk']}/bewerken/" not in response.content.decode()
    response = http.post(f"/projecten/{shared['pk']}/bewerken/", {"name": "Overschreven"})
    assert response.status_code == 403
    shared["project"].refresh_from_db()
    assert shared["project"].name == "Gedeeld project"


def test_edit_grant_allows_editing_but_not_sharing_or_archiving(users, world, client_for):
    grant = ProjectGrant.objects.get(project=world["shared"]["project"])
    grant.level = ProjectGrant.Level.EDIT
    grant.save()
    http = client_for(users[("own", "beleidsadviseur")])
    pk = world["shared"]["pk"]
    assert http.get(f"/projecten/{pk}/bewerken/").status_code == 200
    assert http.get(f"/projecten/{pk}/doelen/nieuw/").status_code == 200
    assert http.post(f"/projecten/{pk}/archiveren/").status_code == 403
    assert http.post(f"/projecten/{pk}/delen/", {}).status_code == 403


# Beheer inside the tenant: foreign ids ------------------------------------------------------------

BEHEER_PROBES = [
    (route, probe)
    for route, probe in PROBES
    if route.startswith("beheer/organisatie/") and "{" in probe.path and probe.fixed is None
]


@pytest.mark.parametrize(
    ("route", "probe"), BEHEER_PROBES, ids=[p.label() for _r, p in BEHEER_PROBES]
)
def test_beheer_with_foreign_ids_is_404(route, probe, users, world):
    """The own beheerder with the foreign tenant's user, grant and partnership ids: 404, no data."""
    http = login(users[("own", "beheerder")])
    path, response = call(http, probe, world["foreign"])
    assert response.status_code == 404, path
    assert users[("foreign", "professional")].username.encode() not in response.content


def test_beheer_probes_cover_every_id_route():
    routes = {r for r, _p in BEHEER_PROBES}
    assert routes == {r for r in TABLE if r.startswith("beheer/organisatie/") and "<" in r}


# The Django admin: installation superusers only ----------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_admin_index_closed_to_every_role(role, users, client_for):
    http = client_for(users[("own", role)])
    assert http.get("/django-beheer/").status_code == 404
    assert http.get("/django-beheer/accounts/user/").status_code == 404


def test_admin_anonymous_goes_to_admin_login(client):
    response = client.get("/django-beheer/portfolio/project/")
    assert response.status_code == 302
    assert response["Location"].startswith("/django-beheer/login/")


def test_admin_changelist_for_superuser(own_org, client):
    from proeftuin.accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/django-beheer/portfolio/project/").status_code == 200
    assert client.get("/django-beheer/accounts/user/").status_code == 200
