"""The JSON Schema every framework file must satisfy, checked when the file is loaded.

The schema covers the *shape* of a framework. Rules that JSON Schema cannot express (unique ids,
a rule's level must be one of the framework's scale levels, a citation must name a declared
source) are checked by :mod:`proeftuin.core.frameworks.loader` after the schema passes.

Shape, in short::

    id, version, name{nl,en}, description{nl,en}
    sources[]:    {code: "004", file, title, sections[]?}
    scale:        {levels[]: {code, label{nl,en}, description{nl,en}?}}   # lowest first
    dimensions[]: {id, name, description, source, indicators[], summary}
      indicators[]: {id, label{nl,en}?, text{nl,en}, guiding_questions{nl[],en[]}, source, tags[]?}
      summary:      {combine: all|any, rules[]: {rule, level, count?, indicators[]?, rationale?}}
    sustainability_routes[]?, financing_strategies[]?:
                  {id, kind?, name, description, source, preconditions, advantages, drawbacks}

*Onbekend* (unknown) is never a scale level: it is always an allowed answer and is handled by the
scoring rules, so the schema refuses a level with that code.
"""

from __future__ import annotations

from typing import Any

from proeftuin.core.datafiles import ID, LOCALIZED, LOCALIZED_LIST, SEED_CITATION, SEED_SOURCE

#: The answer that is always allowed and never a scale level.
UNKNOWN = "onbekend"

#: Codes a scale level may not use, because they mean "unknown".
RESERVED_LEVEL_CODES = (UNKNOWN, "unknown")

#: The summary rule kinds the scoring module understands.
RULE_KINDS = ("at_least", "all_at_least", "median_at_least")

_LEVEL_CODE: dict[str, Any] = {
    "type": "string",
    "pattern": "^[a-z][a-z0-9_]*$",
    "not": {"enum": list(RESERVED_LEVEL_CODES)},
}

_LEVEL: dict[str, Any] = {
    "type": "object",
    "required": ["code", "label"],
    "additionalProperties": False,
    "properties": {"code": _LEVEL_CODE, "label": LOCALIZED, "description": LOCALIZED},
}

_INDICATOR: dict[str, Any] = {
    "type": "object",
    "required": ["id", "text", "guiding_questions", "source"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "label": LOCALIZED,
        "text": LOCALIZED,
        "guiding_questions": LOCALIZED_LIST,
        "source": SEED_CITATION,
        "tags": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "pattern": "^[a-z0-9_.:-]+$"},
        },
    },
}

_RULE: dict[str, Any] = {
    "type": "object",
    "required": ["rule", "level"],
    "additionalProperties": False,
    "properties": {
        "rule": {"enum": list(RULE_KINDS)},
        "level": _LEVEL_CODE,
        "count": {"type": "integer", "minimum": 1},
        "indicators": {"type": "array", "minItems": 1, "uniqueItems": True, "items": ID},
        "rationale": LOCALIZED,
    },
    "allOf": [
        {
            "if": {"properties": {"rule": {"const": "at_least"}}, "required": ["rule"]},
            "then": {"required": ["count"]},
        }
    ],
}

_SUMMARY: dict[str, Any] = {
    "type": "object",
    "required": ["rules"],
    "additionalProperties": False,
    "properties": {
        "combine": {"enum": ["all", "any"]},
        "rules": {"type": "array", "minItems": 1, "items": _RULE},
    },
}

_DIMENSION: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "indicators", "summary", "source"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "name": LOCALIZED,
        "description": LOCALIZED,
        "source": SEED_CITATION,
        "indicators": {"type": "array", "minItems": 1, "items": _INDICATOR},
        "summary": _SUMMARY,
    },
}

_OPTION: dict[str, Any] = {
    "type": "object",
    "required": [
        "id",
        "name",
        "description",
        "source",
        "preconditions",
        "advantages",
        "drawbacks",
    ],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "kind": {"enum": ["network", "financing"]},
        "name": LOCALIZED,
        "description": LOCALIZED,
        "source": SEED_CITATION,
        "preconditions": LOCALIZED_LIST,
        "advantages": LOCALIZED_LIST,
        "drawbacks": LOCALIZED_LIST,
        "examples": LOCALIZED_LIST,
    },
}

#: The framework schema (JSON Schema draft 2020-12), as a plain dict.
FRAMEWORK_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://proeftuin.example/schemas/framework.json",
    "title": "Proeftuin assessment framework",
    "type": "object",
    "required": ["id", "version", "name", "description", "sources", "scale", "dimensions"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "version": {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)*$"},
        "name": LOCALIZED,
        "description": LOCALIZED,
        "sources": {"type": "array", "minItems": 1, "items": SEED_SOURCE},
        "scale": {
            "type": "object",
            "required": ["levels"],
            "additionalProperties": False,
            "properties": {"levels": {"type": "array", "minItems": 2, "items": _LEVEL}},
        },
        "dimensions": {"type": "array", "minItems": 1, "items": _DIMENSION},
        "sustainability_routes": {"type": "array", "items": _OPTION},
        "financing_strategies": {"type": "array", "items": _OPTION},
    },
}
