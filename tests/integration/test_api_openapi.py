"""The committed OpenAPI document is the served one, and it is complete."""

from __future__ import annotations

import yaml
from django.test import Client

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
