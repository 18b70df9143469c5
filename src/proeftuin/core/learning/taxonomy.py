"""The signal taxonomy: what the partners agree counts as a signal (003 §5.2.4, digest 003 A).

Seed 003 recommends that the municipality and the teams give "exchanging signals" a shared
meaning in a co-creation meeting. That shared meaning is a data file, versioned, with a default
in the package (``proeftuin/learning/data/signal_taxonomy.yaml``). An installation replaces it by
putting its own ``signal_taxonomy.yaml`` in a directory named in ``PROEFTUIN_LEARNING_DIR``
(the last directory that has one wins). Every signal stores the taxonomy version it was raised
under, so a new version does not rewrite old signals.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from proeftuin.core.datafiles import (
    LOCALIZED,
    SEED_CITATION,
    SEED_SOURCE,
    TEXT,
    DataFileError,
    check_cited,
    check_schema,
    check_unique,
    installation_dirs,
    make_validator,
    read_yaml_file,
)

ENV_VAR = "PROEFTUIN_LEARNING_DIR"
FILE_NAME = "signal_taxonomy.yaml"


class TaxonomyError(DataFileError):
    """A taxonomy file that cannot be used (file, path inside it, rule broken)."""


_TERM = {
    "type": "object",
    "required": ["id", "name", "description", "source"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        "name": LOCALIZED,
        "description": LOCALIZED,
        "source": SEED_CITATION,
    },
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "version", "name", "agreed_by", "response_days", "sources", "kinds"],
    "additionalProperties": False,
    "properties": {
        "id": {"const": "signal_taxonomy"},
        "version": TEXT,
        "name": LOCALIZED,
        "agreed_by": LOCALIZED,
        "response_days": {"type": "integer", "minimum": 1, "maximum": 365},
        "sources": {"type": "array", "minItems": 1, "items": SEED_SOURCE},
        "levels": {"type": "array", "items": _TERM},
        "kinds": {"type": "array", "minItems": 1, "items": _TERM},
    },
}
_VALIDATOR = make_validator(SCHEMA)


@dataclass(frozen=True)
class Term:
    id: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    source: str

    def label(self, lang: str) -> str:
        return self.name.get(lang) or self.name["nl"]


@dataclass(frozen=True)
class Taxonomy:
    version: str
    name: Mapping[str, str]
    agreed_by: Mapping[str, str]
    response_days: int
    levels: tuple[Term, ...]
    kinds: tuple[Term, ...]
    path: str

    def kind(self, kind_id: str) -> Term | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    def level(self, level_id: str) -> Term | None:
        return next((t for t in self.levels if t.id == level_id), None)


def _terms(items: list[dict]) -> tuple[Term, ...]:
    return tuple(Term(i["id"], i["name"], i["description"], i["source"]) for i in items)


def load_file(path: Path) -> Taxonomy:
    """Read, validate and build one taxonomy file; any problem is a :class:`TaxonomyError`."""
    data = read_yaml_file(path, error=TaxonomyError)
    check_schema(data, path, _VALIDATOR, error=TaxonomyError, document_order=True)

    def fail(parts, rule, detail):
        raise TaxonomyError.at(path, parts, rule, detail)

    codes = [s["code"] for s in data["sources"]]
    for group in ("levels", "kinds"):
        items = data.get(group, [])
        check_unique(items, "id", [group], "id", fail)
        for index, item in enumerate(items):
            check_cited(item["source"], codes, [group, index, "source"], "the taxonomy's", fail)
    return Taxonomy(
        version=str(data["version"]),
        name=data["name"],
        agreed_by=data["agreed_by"],
        response_days=data["response_days"],
        levels=_terms(data.get("levels", [])),
        kinds=_terms(data["kinds"]),
        path=str(path),
    )


def shipped_file() -> Path:
    return Path(str(resources.files("proeftuin.learning") / "data" / FILE_NAME))


def taxonomy_file(environ: Mapping[str, str] | None = None) -> Path:
    """The file in force: the last installation directory that has one, else the shipped one."""
    for directory in reversed(
        installation_dirs(ENV_VAR, os.environ if environ is None else environ)
    ):
        candidate = directory / FILE_NAME
        if candidate.is_file():
            return candidate
    return shipped_file()


@cache
def _load_cached(path: str, mtime_ns: int) -> Taxonomy:
    return load_file(Path(path))


def load_taxonomy(environ: Mapping[str, str] | None = None) -> Taxonomy:
    """The taxonomy in force, re-read when its file changes."""
    path = taxonomy_file(environ)
    return _load_cached(str(path), path.stat().st_mtime_ns)
