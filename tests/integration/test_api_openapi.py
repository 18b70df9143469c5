"""The committed OpenAPI document is the served one, and it is complete."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import yaml
from django.test import Client, RequestFactory
from django.urls import resolve

from proeftuin.api.openapi import COMMITTED


def test_served_schema_equals_the_committed_file(db):
    response = Client().get("/api/v1/openapi.json")  # public, as the Design Rules ask
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert response["Access-Control-Allow-Origin"] == "*"
    served = response.json()
    committed = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    assert served == committed, (
        "docs/api/openapi.yaml differs from the schema the code serves: run `make openapi` "
        "and commit the result."
    )


def test_schema_follows_the_design_rules(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path, item in schema["paths"].items():
        assert path.startswith("/api/v1/") and not path.endswith("/"), path
        for operation in item.values():
            # Every error is problem+json.
            default = operation["responses"]["default"]
            assert "application/problem+json" in default["content"]
    # No free-form objects: every response property has a type (issue 11: the effects endpoint).
    text = COMMITTED.read_text(encoding="utf-8")
    assert "additionalProperties: {}" not in text
    effects = schema["components"]["schemas"]["Effecten"]
    assert {"drempel", "vrijgegeven", "groepen"} <= set(effects["properties"])
    assert "bearerAuth" in schema["components"]["securitySchemes"]


def test_schemas_under_concurrent_requests_answer_the_same_document(db):
    """drf-spectacular's generator is not thread-safe: threads answered 500 (black-box finding).

    The views are called straight (no database in the threads), both schema views at once, with
    the generated documents dropped first so the threads do generate them."""
    from proeftuin.accounts.models import User
    from proeftuin.api import schema

    schema._DOCUMENTS.clear()
    factory = RequestFactory()
    someone = User(username="lezer")  # authenticated, never saved
    paths = ["/api/schema/", "/api/v1/openapi.json"]

    def fetch(n: int) -> tuple[str, int, bytes]:
        path = paths[n % 2]
        request = factory.get(path)
        request.user = someone
        response = resolve(path).func(request)
        response.render()
        return path, response.status_code, response.content

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(fetch, range(24)))
    assert {status for _path, status, _body in answers} == {200}
    for path in paths:
        assert len({body for p, _status, body in answers if p == path}) == 1, path
