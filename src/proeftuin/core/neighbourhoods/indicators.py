"""Neighbourhood indicator sets as YAML: domains, indicators with the direction of "better",
column aliases for the import, and the alarm threshold. Schema-checked, citing sources."""

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

ENV_VAR = "PROEFTUIN_NEIGHBOURHOOD_INDICATORS_DIR"
SHIPPED_PACKAGE = "proeftuin.neighbourhood_indicators"
DEFAULT = "ten_in_five"


class IndicatorSetLoadError(DataFileError):
    """An indicator-set file that cannot be used."""


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Proeftuin neighbourhood indicator set",
    "type": "object",
    "required": ["id", "version", "name", "alarm_at", "sources", "domains", "indicators"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "version": {"type": "string", "minLength": 1},
        "name": LOCALIZED,
        "alarm_at": {"type": "integer", "minimum": 1, "maximum": 40},
        "sources": {"type": "array", "minItems": 1, "items": SEED_SOURCE},
        "domains": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "additionalProperties": False,
                "properties": {"id": ID, "name": LOCALIZED},
            },
        },
        "indicators": {
            "type": "array",
            "minItems": 1,
            "maxItems": 40,
            "items": {
                "type": "object",
                "required": ["id", "domain", "name", "better", "cites"],
                "additionalProperties": False,
                "properties": {
                    "id": ID,
                    "domain": ID,
                    "name": LOCALIZED,
                    "better": {"enum": ["higher", "lower"]},
                    "aliases": {"type": "array", "items": {"type": "string", "minLength": 2}},
                    "cites": {"type": "array", "minItems": 1, "items": SEED_CITATION},
                },
            },
        },
    },
}
_VALIDATOR = make_validator(SCHEMA)


@dataclass(frozen=True)
class Indicator:
    id: str
    domain: str
    name: Mapping[str, str]
    higher_is_better: bool
    aliases: tuple[str, ...]
    cites: tuple[str, ...]

    def label(self, language: str = "nl") -> str:
        return self.name["en" if language == "en" else "nl"]


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    version: str
    name: Mapping[str, str]
    alarm_at: int
    sources: tuple[Mapping[str, Any], ...]
    domains: tuple[tuple[str, Mapping[str, str]], ...]
    indicators: tuple[Indicator, ...]
    path: Path | None = None
    overrides: Path | None = None

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)


def parse_indicator_set(data: Any, file: str | os.PathLike[str] = "<data>", path=None):
    check_schema(data, file, _VALIDATOR, error=IndicatorSetLoadError)

    def fail(parts: Sequence[PathPart], rule: str, detail: str) -> None:
        raise IndicatorSetLoadError.at(file, parts, rule, detail)

    check_unique(data["sources"], "code", ["sources"], "source code", fail)
    check_unique(data["domains"], "id", ["domains"], "domain id", fail)
    check_unique(data["indicators"], "id", ["indicators"], "indicator id", fail)
    codes = [s["code"] for s in data["sources"]]
    domains = {d["id"] for d in data["domains"]}
    for i, raw in enumerate(data["indicators"]):
        if raw["domain"] not in domains:
            fail(
                ["indicators", i, "domain"], "domain-declared", f"unknown domain {raw['domain']!r}"
            )
        for c, citation in enumerate(raw["cites"]):
            check_cited(citation, codes, ["indicators", i, "cites", c], "the file's", fail)
    if data["alarm_at"] > len(data["indicators"]):
        fail(["alarm_at"], "alarm-within-set", "alarm_at is larger than the number of indicators")
    return IndicatorSet(
        id=data["id"],
        version=data["version"],
        name=data["name"],
        alarm_at=data["alarm_at"],
        sources=tuple(data["sources"]),
        domains=tuple((d["id"], d["name"]) for d in data["domains"]),
        indicators=tuple(
            Indicator(
                id=raw["id"],
                domain=raw["domain"],
                name=raw["name"],
                higher_is_better=raw["better"] == "higher",
                aliases=tuple(raw.get("aliases", ())),
                cites=tuple(raw["cites"]),
            )
            for raw in data["indicators"]
        ),
        path=path,
    )


def load_indicator_set_file(path: str | os.PathLike[str]) -> IndicatorSet:
    path = Path(path)
    return parse_indicator_set(read_yaml_file(path, error=IndicatorSetLoadError), path, path)


def shipped_dir() -> Path:
    return Path(str(resources.files(SHIPPED_PACKAGE)))


def load_indicator_sets(environ: Mapping[str, str] | None = None) -> dict[str, IndicatorSet]:
    def load_dir(directory: Path) -> dict[str, IndicatorSet]:
        return datafiles.load_directory(
            directory,
            load_indicator_set_file,
            kind="indicator-set",
            env_var=ENV_VAR,
            error=IndicatorSetLoadError,
        )

    return load_with_overrides([shipped_dir(), *override_dirs(ENV_VAR, None, environ)], load_dir)


_cache = datafiles.StampedCache()


def get_indicator_sets(environ: Mapping[str, str] | None = None) -> dict[str, IndicatorSet]:
    """Like :func:`load_indicator_sets`, cached on the files' modification times and sizes.

    The portfolio and the monitor read the set on every request; parsing the YAML each time
    cost more than the rest of the portfolio page. A changed, added or removed file is picked
    up on the next call, as with the frameworks.
    """
    dirs = [shipped_dir(), *override_dirs(ENV_VAR, None, environ)]
    key = datafiles.directory_stamps(dirs, ENV_VAR, error=IndicatorSetLoadError)
    return dict(_cache.get(key, lambda: load_indicator_sets(environ)))


def default_set() -> IndicatorSet:
    return get_indicator_sets()[DEFAULT]
