"""How residents take part in a pilot: forms, the level on the participation ladder and the roles,
as a data file (``proeftuin/typologies/participation.yaml``), after seed 001 chapter 3.

Checked against :data:`SCHEMA` and for citations of declared sources. An installation may
replace the file through ``PROEFTUIN_TYPOLOGIES_DIR`` (same ``id``)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from proeftuin.core import datafiles
from proeftuin.core.datafiles import (
    ID,
    LOCALIZED,
    SEED_CITATION,
    SEED_SOURCE,
    DataFileError,
    PathPart,
    check_cited,
    check_schema,
    check_unique,
    load_with_overrides,
    make_validator,
    override_dirs,
    read_yaml_file,
)

ENV_VAR = "PROEFTUIN_TYPOLOGIES_DIR"
SHIPPED_PACKAGE = "proeftuin.typologies"
PARTICIPATION = "participation"


class TypologyLoadError(DataFileError):
    """A typology file that cannot be used."""


_ENTRY = {
    "type": "object",
    "required": ["id", "name", "cites"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "name": LOCALIZED,
        "description": LOCALIZED,
        "cites": {"type": "array", "minItems": 1, "items": SEED_CITATION},
    },
}
_LIST = {"type": "array", "minItems": 1, "maxItems": 12, "items": _ENTRY}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Proeftuin participation typology",
    "type": "object",
    "required": ["id", "version", "sources", "forms", "levels", "roles"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "version": {"type": "string", "minLength": 1},
        "sources": {"type": "array", "minItems": 1, "items": SEED_SOURCE},
        "forms": _LIST,
        "levels": _LIST,
        "roles": _LIST,
    },
}
_VALIDATOR = make_validator(SCHEMA)


@dataclass(frozen=True)
class Entry:
    id: str
    name: Mapping[str, str]
    description: Mapping[str, str] | None
    cites: tuple[str, ...]

    def label(self, language: str = "nl") -> str:
        return self.name["en" if language == "en" else "nl"]


@dataclass(frozen=True)
class Typology:
    id: str
    version: str
    sources: tuple[Mapping[str, Any], ...]
    forms: tuple[Entry, ...]
    levels: tuple[Entry, ...]  # lowest rung first
    roles: tuple[Entry, ...]
    path: Path | None = None
    overrides: Path | None = None

    def choices(self, part: str, language: str = "nl") -> list[tuple[str, str]]:
        return [(e.id, e.label(language)) for e in getattr(self, part)]


def parse_typology(data: Any, file: str | os.PathLike[str] = "<data>", path=None) -> Typology:
    check_schema(data, file, _VALIDATOR, error=TypologyLoadError)

    def fail(parts: Sequence[PathPart], rule: str, detail: str) -> None:
        raise TypologyLoadError.at(file, parts, rule, detail)

    check_unique(data["sources"], "code", ["sources"], "source code", fail)
    codes = [s["code"] for s in data["sources"]]
    parts = {}
    for part in ("forms", "levels", "roles"):
        check_unique(data[part], "id", [part], f"{part[:-1]} id", fail)
        for i, raw in enumerate(data[part]):
            for c, citation in enumerate(raw["cites"]):
                check_cited(citation, codes, [part, i, "cites", c], "the file's", fail)
        parts[part] = tuple(
            Entry(raw["id"], raw["name"], raw.get("description"), tuple(raw["cites"]))
            for raw in data[part]
        )
    return Typology(data["id"], data["version"], tuple(data["sources"]), path=path, **parts)


def load_typology_file(path: str | os.PathLike[str]) -> Typology:
    path = Path(path)
    return parse_typology(read_yaml_file(path, error=TypologyLoadError), path, path)


def shipped_dir() -> Path:
    return Path(str(resources.files(SHIPPED_PACKAGE)))


def load_typologies(environ: Mapping[str, str] | None = None) -> dict[str, Typology]:
    def load_dir(directory: Path) -> dict[str, Typology]:
        return datafiles.load_directory(
            directory, load_typology_file, kind="typology", env_var=ENV_VAR, error=TypologyLoadError
        )

    return load_with_overrides([shipped_dir(), *override_dirs(ENV_VAR, None, environ)], load_dir)


_cache = datafiles.StampedCache()


def get_typologies(environ: Mapping[str, str] | None = None) -> dict[str, Typology]:
    """Like :func:`load_typologies`, cached on the files' stamps (a fresh dict per call)."""
    dirs = [shipped_dir(), *override_dirs(ENV_VAR, None, environ)]
    key = datafiles.directory_stamps(dirs, ENV_VAR, error=TypologyLoadError)
    return dict(_cache.get(key, lambda: load_typologies(environ)))


def participation_typology() -> Typology:
    return get_typologies()[PARTICIPATION]
