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
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
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

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 8
make_user = _shared_conftest().make_user

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


def _ids(project) -> dict[str, int]:
    return {
        "financieringsstromen": project.funding_streams.first().pk,
        "coalitieleden": project.coalition.first().pk,
        "doelen": project.goals.first().pk,
        "besluiten": project.decisions.first().pk,
    }


@pytest.fixture
def world(own_org, partner_org, settings):
    settings.PROEFTUIN_API_RATE = "100000/minute"
    cache.clear()
    adviser = make_user(own_org, "beleidsadviseur")
    return adviser, make_project(own_org)


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
    for name, pk in _ids(own_project).items():
        if f"/{name}/" in operation.path:
            path_parameters["id"] = pk
    app = get_wsgi_application()
    SCHEMA.app = app
    strategy = operation.as_strategy(
        mode, path_parameters=path_parameters, headers={"Authorization": f"Bearer {secret}"}
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
        case.validate_response(response, checks=checks)

    run()
