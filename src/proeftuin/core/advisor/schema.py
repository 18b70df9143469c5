"""The JSON Schema every advisor rules file must satisfy, checked when the file is loaded.

Shape, in short::

    id, version, framework (the framework whose dimensions and +1 options the rules name)
    sources[]:       {code: "004", file, title, sections[]?}
    deadline?:       {months_before_cliff, minimum_months_to_decide?, source, rationale{nl,en}}
    rules[]?:        {id, priority, when, title{nl,en}, advice{nl,en}, actions{nl[],en[]}, source,
                      routes[]?, strategies[]?, due_within_months?}
    preconditions?:  {<route or strategy id>: [{index, when, basis{nl,en}}]}
    disabled_rules?: [rule id]       # an installation file can switch a shipped rule off

``when`` is a condition (see :mod:`.conditions`). Priorities: a lower number comes first.
Rules JSON Schema cannot express (unique ids, routes and dimensions that exist in the framework,
as many English actions as Dutch ones, citations of declared sources, one test per condition
mapping) are checked by :mod:`.loader` after the schema passes.
"""

from __future__ import annotations

from typing import Any

from proeftuin.core.coalition import BACKING_LEVELS
from proeftuin.core.datafiles import ID, LOCALIZED, LOCALIZED_LIST, SEED_CITATION, SEED_SOURCE

from .model import OUTCOMES

_SHARE: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 1}
_OUTCOME: dict[str, Any] = {"enum": list(OUTCOMES)}
_REF = {"$ref": "#/$defs/condition"}

CONDITION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 2,
    "additionalProperties": False,
    "properties": {
        "all": {"type": "array", "minItems": 1, "items": _REF},
        "any": {"type": "array", "minItems": 1, "items": _REF},
        "not": _REF,
        "dimension": ID,
        "outcome": {
            "anyOf": [
                _OUTCOME,
                {"type": "array", "minItems": 1, "uniqueItems": True, "items": _OUTCOME},
            ]
        },
        "scan": {"enum": ["missing", "present"]},
        "scan_coverage_below": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "missing_level": {"enum": list(BACKING_LEVELS)},
        "backed_level": {"enum": list(BACKING_LEVELS)},
        "months_to_cliff_at_most": {"type": "integer", "minimum": 0, "maximum": 240},
        "incidental_share_at_least": _SHARE,
        "funding": {"enum": ["missing", "present"]},
        "benefits": {"enum": ["unknown", "known"]},
        "benefits_elsewhere_at_least": _SHARE,
    },
    "dependentRequired": {"dimension": ["outcome"], "outcome": ["dimension"]},
}

RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "priority", "when", "title", "advice", "actions", "source"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "priority": {"type": "integer", "minimum": 1, "maximum": 999},
        "when": _REF,
        "title": LOCALIZED,
        "advice": LOCALIZED,
        "actions": LOCALIZED_LIST,
        "source": SEED_CITATION,
        "routes": {"type": "array", "uniqueItems": True, "items": ID},
        "strategies": {"type": "array", "uniqueItems": True, "items": ID},
        "due_within_months": {"type": "integer", "minimum": 0, "maximum": 60},
    },
}

RULES_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Proeftuin +1 advisor rules",
    "type": "object",
    "required": ["id", "version", "framework", "sources"],
    "additionalProperties": False,
    "$defs": {"condition": CONDITION_SCHEMA},
    "properties": {
        "id": ID,
        "version": {"type": "string", "minLength": 1},
        "framework": ID,
        "description": LOCALIZED,
        "sources": {
            "type": "array",
            "minItems": 1,
            "items": SEED_SOURCE,
        },
        "deadline": {
            "type": "object",
            "required": ["months_before_cliff", "source", "rationale"],
            "additionalProperties": False,
            "properties": {
                "months_before_cliff": {"type": "integer", "minimum": 0, "maximum": 60},
                "minimum_months_to_decide": {"type": "integer", "minimum": 0, "maximum": 12},
                "source": SEED_CITATION,
                "rationale": LOCALIZED,
            },
        },
        "rules": {"type": "array", "items": RULE_SCHEMA},
        "preconditions": {
            "type": "object",
            "propertyNames": ID,
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["index", "when", "basis"],
                    "additionalProperties": False,
                    "properties": {
                        "index": {"type": "integer", "minimum": 0},
                        "when": _REF,
                        "basis": LOCALIZED,
                    },
                },
            },
        },
        "disabled_rules": {"type": "array", "uniqueItems": True, "items": ID},
    },
}
