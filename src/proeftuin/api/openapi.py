"""The v1 OpenAPI document as data, and where its committed copy lives."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings

from .schema import _GENERATION, OpenApiV1

#: The committed contract; `make openapi` rewrites it, a test compares it with the served one.
COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.yaml"


def document() -> dict:
    """The schema exactly as /api/v1/openapi.json serves it, as plain JSON types."""
    with _GENERATION, patched_settings(OpenApiV1.custom_settings):
        generator = SchemaGenerator(urlconf=OpenApiV1.urlconf)
        schema = generator.get_schema(request=None, public=True)
    return json.loads(json.dumps(schema))


def as_yaml(schema: dict) -> str:
    return yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=100)
