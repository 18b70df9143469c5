"""Reference scenarios "zonder aanpak" as data: what the team would have expected without the
approach, step by step, each step with its assumption and its source.

Files: the shipped ``proeftuin/case_references/*.yaml`` plus directories in
``PROEFTUIN_CASE_REFERENCES_DIR`` (same ``id`` replaces). Checked against :data:`SCHEMA`, then
that every citation names a declared source. A step names a price-list key or carries no price
(the professional fills in a project price); it never carries an unsourced euro figure.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
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

ENV_VAR = "PROEFTUIN_CASE_REFERENCES_DIR"
SHIPPED_PACKAGE = "proeftuin.case_references"


class ReferenceLoadError(DataFileError):
    """A reference-scenario file that cannot be used."""


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Proeftuin reference scenario (zonder aanpak)",
    "type": "object",
    "required": ["id", "version", "name", "description", "sources", "steps"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "version": {"type": "string", "minLength": 1},
        "name": LOCALIZED,
        "description": LOCALIZED,
        "sources": {"type": "array", "minItems": 1, "items": SEED_SOURCE},
        "steps": {
            "type": "array",
            "minItems": 1,
            "maxItems": 40,
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "service",
                    "start_month",
                    "units",
                    "unit",
                    "assumption",
                    "cites",
                ],
                "additionalProperties": False,
                "properties": {
                    "id": ID,
                    "service": LOCALIZED,
                    "provider": LOCALIZED,
                    "start_month": {"type": "integer", "minimum": 0, "maximum": 120},
                    "months": {"type": "integer", "minimum": 0, "maximum": 120},
                    "units": {"type": "number", "exclusiveMinimum": 0},
                    "unit": LOCALIZED,
                    "price_key": {"type": "string", "pattern": "^[a-z0-9_-]{1,80}$"},
                    "assumption": LOCALIZED,
                    "cites": {"type": "array", "minItems": 1, "items": SEED_CITATION},
                },
            },
        },
    },
}

_VALIDATOR = make_validator(SCHEMA)


@dataclass(frozen=True)
class Step:
    id: str
    service: Mapping[str, str]
    provider: Mapping[str, str] | None
    start_month: int
    months: int
    units: float
    unit: Mapping[str, str]
    price_key: str | None
    assumption: Mapping[str, str]
    cites: tuple[str, ...]

    def dates(self, start: date) -> tuple[date, date | None]:
        """The step's start and end from the case's start (a month is 30 days here: the
        reference is an estimate, and the assumption says so)."""
        begin = start + timedelta(days=30 * self.start_month)
        end = begin + timedelta(days=30 * self.months) if self.months else None
        return begin, end


@dataclass(frozen=True)
class Reference:
    id: str
    version: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    sources: tuple[Mapping[str, Any], ...]
    steps: tuple[Step, ...]
    path: Path | None = None
    overrides: Path | None = None


def parse_reference(data: Any, file: str | os.PathLike[str] = "<data>", path=None) -> Reference:
    check_schema(data, file, _VALIDATOR, error=ReferenceLoadError)

    def fail(parts: Sequence[PathPart], rule: str, detail: str) -> None:
        raise ReferenceLoadError.at(file, parts, rule, detail)

    check_unique(data["sources"], "code", ["sources"], "source code", fail)
    check_unique(data["steps"], "id", ["steps"], "step id", fail)
    codes = [source["code"] for source in data["sources"]]
    for s_index, step in enumerate(data["steps"]):
        for c_index, citation in enumerate(step["cites"]):
            check_cited(citation, codes, ["steps", s_index, "cites", c_index], "the file's", fail)
    steps = tuple(
        Step(
            id=raw["id"],
            service=raw["service"],
            provider=raw.get("provider"),
            start_month=raw["start_month"],
            months=raw.get("months", 0),
            units=float(raw["units"]),
            unit=raw["unit"],
            price_key=raw.get("price_key"),
            assumption=raw["assumption"],
            cites=tuple(raw["cites"]),
        )
        for raw in data["steps"]
    )
    return Reference(
        id=data["id"],
        version=data["version"],
        name=data["name"],
        description=data["description"],
        sources=tuple(data["sources"]),
        steps=steps,
        path=path,
    )


def load_reference_file(path: str | os.PathLike[str]) -> Reference:
    path = Path(path)
    return parse_reference(read_yaml_file(path, error=ReferenceLoadError), path, path)


def shipped_dir() -> Path:
    return Path(str(resources.files(SHIPPED_PACKAGE)))


def _load_directory(directory: Path) -> dict[str, Reference]:
    return datafiles.load_directory(
        directory,
        load_reference_file,
        kind="reference",
        env_var=ENV_VAR,
        error=ReferenceLoadError,
    )


def load_references(
    extra_dirs: Iterable[str | os.PathLike[str]] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Reference]:
    """All reference scenarios by id: shipped, then the installation's (same id replaces)."""
    return load_with_overrides(
        [shipped_dir(), *override_dirs(ENV_VAR, extra_dirs, environ)], _load_directory
    )


_cache = datafiles.StampedCache()


def get_references(environ: Mapping[str, str] | None = None) -> dict[str, Reference]:
    """Like :func:`load_references`, cached on the files' stamps (a fresh dict per call)."""
    dirs = [shipped_dir(), *override_dirs(ENV_VAR, None, environ)]
    key = datafiles.directory_stamps(dirs, ENV_VAR, error=ReferenceLoadError)
    return dict(_cache.get(key, lambda: load_references(environ=environ)))
