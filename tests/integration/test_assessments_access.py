"""Every assessment URL × every role of the own tenant × own, shared and foreign project.

The rules (``proeftuin.assessments.access``): reading needs only a visible project; starting and
rating need the ASSESS capability; a self-scan also needs write access to the project (a read
grant is not enough), while an external scan is started by an organisation without write access
and belongs to the organisation that runs it; exports
need EXPORT. A foreign project is a 404 and never shows its name. Anonymous visitors go to the
login page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import resolve
from integration_support import login

from proeftuin.assessments.models import Assessment, Rating
from proeftuin.core.access import CAPABILITIES, Capability, Role

ROLES = [role.value for role in Role]
ASSESS = {r.value for r in Role if Capability.ASSESS in CAPABILITIES[r]}
EXPORT = {r.value for r in Role if Capability.EXPORT in CAPABILITIES[r]}
IND = "integrated_all_domains"
A = "/beoordelingen/project/{pk}/"
SELF = A + "{self_scan}/"
EXT = A + "{external}/"


@dataclass(frozen=True)
class Probe:
    path: str
    method: str = "get"
    roles: set[str] | None = None  # None: every logged-in role
    ok: int = 200
    shared: int | None = None  # the outcome on the read-shared project when it differs
    data: dict = field(default_factory=dict)

    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def rating_data(value="groot"):
    return {f"{IND}-value": value}


PROBES = [
    Probe(A),
    Probe(A, "post", ASSESS),  # an empty start form comes back with errors
    # The project's own people start a self-scan, never an "external" one (the form refuses the
    # choice: 200 with an error); on a project it may only read, an organisation scans externally.
    Probe(
        A, "post", ASSESS, ok=200, shared=302, data={"framework": "four_plus_one", "kind": "extern"}
    ),
    Probe(
        A,
        "post",
        ASSESS,
        ok=302,
        shared=200,
        data={"framework": "four_plus_one", "kind": "zelfscan"},
    ),
    Probe(SELF),
    Probe(SELF + "profiel/"),
    Probe(SELF + "vergelijking/"),
    Probe(SELF + "geschiedenis/"),
    Probe(SELF + "bewijs/{rating}/"),
    Probe(SELF + "export.csv", roles=EXPORT),
    Probe(SELF + "export.xlsx", roles=EXPORT),
    # A self-scan is rated by those with write access: not through a read grant.
    Probe(SELF + f"indicator/{IND}/", "post", ASSESS, ok=302, shared=403, data=rating_data()),
    Probe(SELF + "afronden/", "post", ASSESS, ok=302, shared=403),
    Probe(SELF + "heropenen/", "post", ASSESS, ok=302, shared=403),
    Probe(SELF + "kenmerk/effective_approach/", "post", ASSESS, ok=302, shared=403),
    # An external scan run by the own organisation, also on a project it may only read.
    Probe(EXT + f"indicator/{IND}/", "post", ASSESS, ok=302, data=rating_data()),
    Probe(EXT + "afronden/", "post", ASSESS, ok=302),
    Probe(EXT + "heropenen/", "post", ASSESS, ok=302),
]
GLOBAL = [
    Probe("/beoordelingen/matrix/"),
    Probe("/beoordelingen/matrix/?kader=presence_model"),
    Probe("/beoordelingen/matrix/export.csv", roles=EXPORT),
    Probe("/beoordelingen/matrix/export.xlsx", roles=EXPORT),
]


@pytest.fixture
def world(settings, tmp_path, users, own_project, shared_project, foreign_project):
    settings.MEDIA_ROOT = tmp_path / "media"
    sides = {}
    for side, project, owner in (
        ("own", own_project, "own"),
        ("shared", shared_project, "foreign"),
        ("foreign", foreign_project, "foreign"),
    ):
        leader = users[(owner, "projectleider")]
        self_scan = Assessment.objects.create(
            project=project,
            framework_id="four_plus_one",
            framework_version="1.0",
            kind="zelfscan",
            title=f"Zelfscan {side}",
            organisation=leader.organisation,
            created_by=leader,
        )
        runner = users[("own" if side != "foreign" else "foreign", "onderzoeker")]
        external = Assessment.objects.create(
            project=project,
            framework_id="four_plus_one",
            framework_version="1.0",
            kind="extern",
            title=f"Externe scan {side}",
            organisation=runner.organisation,
            created_by=runner,
        )
        rating = Rating(
            assessment=self_scan,
            indicator_id="one_contact_person",
            rater=leader,
            value="matig",
            evidence="Zie verslag",
        )
        rating.evidence_file.save("verslag.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        rating.evidence_filename = "verslag.pdf"
        rating.save()
        sides[side] = {
            "project": project,
            "pk": project.pk,
            "self_scan": self_scan.pk,
            "external": external.pk,
            "rating": rating.pk,
        }
    return sides


def expected(probe: Probe, role: str, side: str) -> int:
    if side == "foreign":
        return 404
    if probe.roles is not None and role not in probe.roles:
        return 403
    if side == "shared" and probe.shared is not None:
        return probe.shared
    return probe.ok


def run(http, probe: Probe, ids: dict):
    path = probe.path.format(**ids)
    return path, getattr(http, probe.method)(path, probe.data)


@pytest.mark.parametrize("probe", PROBES, ids=[p.label() for p in PROBES])
def test_project_scoped(probe, users, world):
    failures = []
    for role in ("anonymous", *ROLES):
        with transaction.atomic():
            http = Client() if role == "anonymous" else login(users[("own", role)])
            for side in ("own", "shared", "foreign"):
                path, response = run(http, probe, world[side])
                got = response.status_code
                if role == "anonymous":
                    if got != 302 or not response["Location"].startswith("/account/inloggen/"):
                        failures.append(f"anonymous {probe.method} {path} → {got}")
                    continue
                want = expected(probe, role, side)
                if got != want:
                    failures.append(f"{role} on {side}: {probe.method} {path} → {got}, want {want}")
                elif side == "foreign" and world[side]["project"].name.encode() in response.content:
                    failures.append(f"{role}: {path} shows the foreign project's name")
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("probe", GLOBAL, ids=[p.label() for p in GLOBAL])
def test_global(probe, users, world):
    failures = []
    for role in ("anonymous", *ROLES):
        http = Client() if role == "anonymous" else login(users[("own", role)])
        response = getattr(http, probe.method)(probe.path)
        got = response.status_code
        if role == "anonymous":
            if got != 302:
                failures.append(f"anonymous {probe.path} → {got}")
            continue
        want = probe.ok if probe.roles is None or role in probe.roles else 403
        if got != want:
            failures.append(f"{role}: {probe.path} → {got}, want {want}")
        elif got == 200 and b"Project Elders" in response.content:
            failures.append(f"{role}: {probe.path} shows the foreign project")
    assert not failures, "\n".join(failures)


def test_every_assessment_route_is_probed(world):
    """A new assessment URL fails here until someone decides who may use it."""
    from django.urls import URLResolver, get_resolver

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            yield from walk(entry, route) if isinstance(entry, URLResolver) else (route,)

    ours = {r for r in walk(get_resolver()) if r.startswith("beoordelingen/")}
    probed = {resolve(p.path.split("?")[0].format(**world["own"])).route for p in PROBES + GLOBAL}
    assert ours == probed


def test_foreign_tenant_cannot_reach_own_assessments(users, world):
    http = login(users[("foreign", "beheerder")])
    own = world["own"]
    for probe in PROBES:
        path, response = run(http, probe, own)
        assert response.status_code == 404, path
