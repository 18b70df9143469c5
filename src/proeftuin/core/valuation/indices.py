"""The shipped CPI series: a data file with its source, validated like the other data files.

Why: a project price from another price year must be brought to the decision year's constant
prices before it is set against costs of that year (the discount rate is real). The series is
CBS's CPI (StatLine table 83131NED); an installation's own price-list file may override it with
``indices: {cpi: ...}``. The file says whether its figures are checked or *indicatief*.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from proeftuin.core.datafiles import DataFileError, check_schema, make_validator, read_yaml_file

SHIPPED_PACKAGE = "proeftuin.indices"
CPI_FILE = "cpi_cbs.yaml"


class IndexLoadError(DataFileError):
    """A price index file that cannot be used (file, path inside it, rule broken)."""


SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
        "status": {"enum": ["definitief", "indicatief"]},
        "base": {"type": "string", "minLength": 1},
        "source": {
            "type": "object",
            "properties": {
                "publisher": {"type": "string", "minLength": 1},
                "table": {"type": "string", "minLength": 1},
                "title": {"type": "string", "minLength": 1},
                "url": {"type": "string"},
            },
            "required": ["publisher", "table", "title"],
            "additionalProperties": False,
        },
        "note": {
            "type": "object",
            "properties": {"nl": {"type": "string"}, "en": {"type": "string"}},
            "required": ["nl"],
            "additionalProperties": False,
        },
        "series": {
            "type": "object",
            "minProperties": 2,
            "propertyNames": {"pattern": "^[12][0-9]{3}$"},
            "additionalProperties": {"type": "number", "exclusiveMinimum": 0},
        },
    },
    "required": ["id", "status", "base", "source", "series"],
    "additionalProperties": False,
}


@dataclass(frozen=True, slots=True)
class IndexSeries:
    """A yearly index with its source: ``values[year]`` on the stated base."""

    id: str
    status: str
    base: str
    table: str
    title: str
    values: dict[int, float]

    @property
    def indicative(self) -> bool:
        return self.status == "indicatief"

    def factor(self, from_year: int, to_year: int) -> float | None:
        """Multiply a price of ``from_year`` by this to get prices of ``to_year``."""
        if from_year not in self.values or to_year not in self.values:
            return None
        return self.values[to_year] / self.values[from_year]


def load_index_file(path: str | Path) -> IndexSeries:
    """Read and validate one index file; raise ``IndexLoadError`` naming file, path and rule."""
    data = read_yaml_file(path, error=IndexLoadError)
    check_schema(data, path, make_validator(SCHEMA), error=IndexLoadError, document_order=True)
    return IndexSeries(
        id=data["id"],
        status=data["status"],
        base=data["base"],
        table=data["source"]["table"],
        title=data["source"]["title"],
        values={int(year): float(value) for year, value in data["series"].items()},
    )


@lru_cache(maxsize=1)
def shipped_cpi() -> IndexSeries:
    """The CPI series shipped with Proeftuin (package data)."""
    return load_index_file(Path(str(resources.files(SHIPPED_PACKAGE))) / CPI_FILE)
