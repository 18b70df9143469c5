"""Contract tests generated from the committed OpenAPI document with schemathesis.

Every operation of API v1 gets generated requests, valid and invalid, against the Django app
in-process (WSGI), with a token that may read and write. The responses must never be a 500 and
must conform to the schema: status, content type (problem+json for errors), headers and body.
Bounded (few examples per operation, no deadline) so the whole file stays well under 2 minutes.
"""

from __future__ import annotations

import pytest
import schemathesis
import yaml
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from integration_support import _shared_conftest, make_project
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from proeftuin.api import tokens
from proeftuin.api.openapi import COMMITTED
from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import jobs

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 8
make_user = _shared_conftest().make_user
PASSWORD = _shared_conftest().PASSWORD

SCHEMA = schemathesis.openapi.from_dict(yaml.safe_load(COMMITTED.read_text(encoding="utf-8")))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _negatable(operation) -> bool:
    """Only a body or a query parameter can be made invalid: the path ids are real ones."""
    raw = operation.definition.raw
    return "requestBody" in raw or any(p.get("in") == "query" for p in raw.get("parameters", []))


CASES = [
    pytest.param(op, mode, id=f"{op.label} {mode.value}")
    for op in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or _negatable(op)
]


def _monitoring_ids(project) -> dict[str, int]:
    """An upload and a finished job to read (their ids fill ``{id}``)."""
    from proeftuin.monitoring.models import ImportFile, Job

    upload = ImportFile.objects.create(
        project=project, original_name="m.csv", stored_name="m.csv", instrument=LIFE_DOMAINS
    )
    (jobs.imports_dir() / "m.csv").write_text("Cliëntnummer;Datum\nC1;01-02-2025\n")
    job = Job.objects.create(project=project, import_file=upload, status="done", progress=100)
    return {"import": upload.pk, "job": job.pk}


def _ids(project) -> dict[str, int]:
    return {
        "financieringsstromen": project.funding_streams.first().pk,
        "coalitieleden": project.coalition.first().pk,
        "doelen": project.goals.first().pk,
        "besluiten": project.decisions.first().pk,
    }


@pytest.fixture
def keep_connection():
    """Requests in-process share the test's transaction: like Django's test client, do not let
    the end of a request close the database connection (on PostgreSQL that ends the test)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(own_org, partner_org, settings, tmp_path, keep_connection):
    settings.PROEFTUIN_API_RATE = "100000/minute"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True
    cache.clear()
    adviser = make_user(own_org, "beleidsadviseur")
    return adviser, make_project(own_org)


def session_for(user) -> tuple[dict[str, str], dict[str, str]]:
    """Cookies and CSRF header of a projectleider's session (no token can import: a token's
    role never has *monitor*)."""
    http = Client()
    http.get("/account/inloggen/")
    response = http.post("/account/inloggen/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    csrf = http.cookies["csrftoken"].value
    cookies = {
        django_settings.SESSION_COOKIE_NAME: http.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value,
        "csrftoken": csrf,
    }
    return cookies, {"X-CSRFToken": csrf}


@pytest.mark.parametrize(("operation", "mode"), CASES)
def test_operation_conforms(operation, mode, world):
    adviser, own_project = world
    _token, secret = tokens.issue(
        adviser,
        name="Contract",
        role="beleidsadviseur",
        scopes=["portfolio:schrijven", "tel-en-vertel:lezen"],
        days=1,
    )
    path_parameters = {"projectId": own_project.pk}
    headers = {"Authorization": f"Bearer {secret}"}
    cookies = None
    for name, pk in _ids(own_project).items():
        if f"/{name}/" in operation.path:
            path_parameters["id"] = pk
    if "/imports" in operation.path or "/taken/" in operation.path:
        cookies, headers = session_for(make_user(own_project.owner, "projectleider"))
        ids = _monitoring_ids(own_project)
        path_parameters["id"] = ids["job" if "/taken/" in operation.path else "import"]
    app = get_wsgi_application()
    SCHEMA.app = app
    strategy = operation.as_strategy(
        mode, path_parameters=path_parameters, headers=headers, cookies=cookies
    )
    checks = CHECKS + ([negative_data_rejection] if mode == GenerationMode.NEGATIVE else [])

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(app=app)
        statuses.add(response.status_code)
        case.validate_response(response, checks=checks)

    statuses: set[int] = set()
    # Django's test client (used for the login above) reconnects these after each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    run()
    # The requests got past authentication and the role check: the operation was exercised.
    assert statuses - {401, 403}, f"{operation.label}: only {sorted(statuses)}"
