"""The OpenAPI document of v1, published at /api/v1/openapi.json and committed in the repo."""

from __future__ import annotations

import threading

from django.utils import translation
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from .problems import API_VERSION

PROBLEM = {
    "type": "object",
    "description": "Foutmelding volgens RFC 9457 (problem+json).",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "code", "reason"],
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}


def only_v1(endpoints):
    """The installation-wide schema (``/api/schema/`` and ``check --deploy``) describes API v1
    only: the old paths are deprecated aliases without a contract of their own."""
    return [e for e in endpoints if e[0].startswith("/api/v1")]


def add_problems(result, generator, request, public):
    """Every operation answers errors as problem+json; say so once, as the ``default``."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    version_header = {
        "API-Version": {
            "description": "Versie van de API.",
            "schema": {"type": "string", "example": API_VERSION},
        }
    }
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for response in operation["responses"].values():
                response.setdefault("headers", {}).update(version_header)
            operation["responses"]["default"] = {
                "description": "Fout (problem+json).",
                "headers": version_header,
                "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            }
    return result


# drf-spectacular's generation is not thread-safe: it patches module-wide settings for a view's
# custom_settings and keeps per-generation state in globals, so two requests at once (under
# gunicorn threads) crossed and answered 500. The document depends only on the code, the view and
# the language: it is generated once per process, under one lock, and then served from memory.
_GENERATION = threading.Lock()
_DOCUMENTS: dict[tuple, tuple[dict, dict]] = {}


class CachedSchemaMixin:
    """Generate the schema once (under :data:`_GENERATION`) and serve the stored document."""

    @extend_schema(**SCHEMA_KWARGS)  # the schema view describes itself as before
    def get(self, request, *args, **kwargs):
        key = (
            type(self).__qualname__,
            request.GET.get("lang") or translation.get_language(),
            request.GET.get("version", ""),
        )
        with _GENERATION:
            if key not in _DOCUMENTS:
                response = super().get(request, *args, **kwargs)
                headers = {"Content-Disposition": response["Content-Disposition"]}
                _DOCUMENTS[key] = (response.data, headers)
        data, headers = _DOCUMENTS[key]
        return Response(data=data, headers=headers)


class SchemaView(CachedSchemaMixin, SpectacularAPIView):
    """The installation-wide schema at ``/api/schema/`` (logged-in users)."""


class OpenApiV1(CachedSchemaMixin, SpectacularAPIView):
    """Public, as the Design Rules ask: the document holds no data, only the contract."""

    permission_classes = [AllowAny]
    authentication_classes = []
    renderer_classes = [OpenApiJsonRenderer]
    urlconf = "proeftuin.api.urls"
    custom_settings = {
        "TITLE": "Proeftuin API",
        "DESCRIPTION": (
            "API v1 van Proeftuin, naar de NLGov REST API Design Rules. Namen in het Nederlands "
            "(de taal van het domein). Fouten als application/problem+json. Zie docs/api.md."
        ),
        "VERSION": API_VERSION,
        "SCHEMA_PATH_PREFIX": "/api/v1",
        "COMPONENT_SPLIT_REQUEST": True,
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "proeftuin.api.schema.add_problems",
        ],
        "SERVERS": [{"url": "/", "description": "Deze installatie"}],
    }

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        # The contract holds no data; tools on other origins may read it (Design Rules API-51).
        response["Access-Control-Allow-Origin"] = "*"
        return response
