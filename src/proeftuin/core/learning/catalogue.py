"""The starting catalogue of lessons: seed 001's learning points and the 4+1 method's lessons.

Seed 001 evaluated the pilots of a regional programme to make their lessons "available and
accessible" and drew 28 learning points (11 on citizen participation, 001 §3.4; 17 on integrated
collaboration, 001 §4.2). Seed 004 draws lessons from the 4+1 method. They ship as a data file in
our own words (``proeftuin/learning/data/lessons_catalogue.yaml``), each citing its section, so a
new pilot starts from what earlier ones learned (the *projectencarrousel*, 004 introduction).
"""

from __future__ import annotations

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
    make_validator,
    read_yaml_file,
)

FILE_NAME = "lessons_catalogue.yaml"
KINDS = ("werkte", "werkte_niet", "voorwaarde")
FACTORS = ("succesfactor", "belemmering")
CHARACTERISTICS = (
    "effective_approach",
    "measuring",
    "strategic_coalition",
    "entrepreneurship",
    "sustainability",
)


class CatalogueError(DataFileError):
    """A catalogue file that cannot be used."""


SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "version", "sources", "lessons"],
    "additionalProperties": False,
    "properties": {
        "id": {"const": "lessons_catalogue"},
        "version": TEXT,
        "sources": {"type": "array", "minItems": 1, "items": SEED_SOURCE},
        "lessons": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "kind", "title", "text", "source"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                    "kind": {"enum": list(KINDS)},
                    "factor": {"enum": list(FACTORS)},
                    "characteristic": {"enum": list(CHARACTERISTICS)},
                    "title": LOCALIZED,
                    "text": LOCALIZED,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "source": SEED_CITATION,
                },
            },
        },
    },
}
_VALIDATOR = make_validator(SCHEMA)


@dataclass(frozen=True)
class CatalogueLesson:
    id: str
    kind: str
    factor: str
    characteristic: str
    title: dict[str, str]
    text: dict[str, str]
    tags: tuple[str, ...]
    source: str


def load_file(path: Path) -> tuple[CatalogueLesson, ...]:
    data = read_yaml_file(path, error=CatalogueError)
    check_schema(data, path, _VALIDATOR, error=CatalogueError, document_order=True)

    def fail(parts, rule, detail):
        raise CatalogueError.at(path, parts, rule, detail)

    check_unique(data["lessons"], "id", ["lessons"], "lesson id", fail)
    codes = [s["code"] for s in data["sources"]]
    for index, item in enumerate(data["lessons"]):
        check_cited(item["source"], codes, ["lessons", index, "source"], "the catalogue's", fail)
    return tuple(
        CatalogueLesson(
            id=i["id"],
            kind=i["kind"],
            factor=i.get("factor", ""),
            characteristic=i.get("characteristic", ""),
            title=i["title"],
            text=i["text"],
            tags=tuple(i.get("tags", ())),
            source=i["source"],
        )
        for i in data["lessons"]
    )


def shipped_file() -> Path:
    return Path(str(resources.files("proeftuin.learning") / "data" / FILE_NAME))


@cache
def catalogue() -> tuple[CatalogueLesson, ...]:
    """The shipped starting catalogue (read once)."""
    return load_file(shipped_file())
