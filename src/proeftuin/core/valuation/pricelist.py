"""The social price list (*maatschappelijke prijslijst*) as versioned, schema-checked YAML data.

An indicative MKBA puts money on effects with unit values: what one avoided out-of-home placement,
eviction or crisis admission is worth (seed 004 §2.2.2). Those values are data, not code:

1. the shipped files, ``proeftuin/pricelists/*.yaml`` (package data);
2. installation directories named in ``PROEFTUIN_PRICELISTS_DIR`` (several may be given,
   separated by ``os.pathsep``). Their entries add prices or replace a shipped price **with the
   same key**, so a municipality can fill in its own figures without code changes. A later
   directory wins over an earlier one; the replaced file is remembered (``PriceEntry.overrides``).

Every unit value carries a source, a price year and an indexation rule. A value nobody can source
is ``onbekend`` (unknown) — never a made-up number: the engine then leaves the effect out of the
balance and reports what the value would have to be to change the conclusion (``appraisal``).
An ``onbekend`` entry says where a municipality can find its own figure (``where_to_find``).

Each file is checked against :data:`PRICELIST_SCHEMA`, then against rules JSON Schema cannot
express (unique keys, citations of declared sources, low ≤ likely ≤ high, a price year for every
known value, index series for the years they are used with). The first problem raises
:class:`PriceListLoadError`, a :class:`~proeftuin.core.datafiles.DataFileError` naming the file,
the path inside it (``prices[2].value.low``) and the rule it breaks.

No Django here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from proeftuin.core.datafiles import (
    DataFileError,
    PathPart,
    check_schema,
    format_path,
    installation_dirs,
    make_validator,
    parse_yaml,
    read_yaml_file,
    yaml_files,
)
from proeftuin.core.valuation.indices import shipped_cpi
from proeftuin.core.valuation.model import Distribution, Estimate, Price, PriceList

ENV_VAR = "PROEFTUIN_PRICELISTS_DIR"
SHIPPED_PACKAGE = "proeftuin.pricelists"

UNKNOWN = "onbekend"
"""The value of a price nobody could source. Stored and shown as such, never counted as zero."""

INDEXATION_RULES = ("geen", "cpi", "cao_lonen")
"""How a value is brought from its price year to the analysis' base year.

``geen``: not indexed (the value is already in the base year's prices, or is not money over time);
``cpi``: CBS consumer price index; ``cao_lonen``: CBS index of collectively agreed wages (for
values that are mostly staff time). The CPI figures are shipped (``proeftuin/indices/cpi_cbs.yaml``,
CBS table 83131NED, marked *indicatief*); other index figures an installation may add under
``indices`` in its own price list file, which also overrides the shipped CPI. Without figures
nothing is indexed, and the result says so.
"""


class PriceListLoadError(DataFileError):
    """A price-list file that cannot be used (file, path inside it, rule broken)."""


# --- schema -------------------------------------------------------------------------------------

_TEXT = {
    "type": "object",
    "properties": {"nl": {"type": "string", "minLength": 1}, "en": {"type": "string"}},
    "required": ["nl"],
    "additionalProperties": False,
}
_NUMBER = {"type": "number"}
_VALUE = {
    "oneOf": [
        {"const": UNKNOWN},
        _NUMBER,
        {
            "type": "object",
            "properties": {
                "low": _NUMBER,
                "likely": _NUMBER,
                "high": _NUMBER,
                "distribution": {"enum": [d.value for d in Distribution]},
            },
            "required": ["low", "likely", "high"],
            "additionalProperties": False,
        },
    ]
}

PRICELIST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Proeftuin social price list",
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
        "version": {"type": "string", "minLength": 1},
        "name": _TEXT,
        "description": _TEXT,
        "currency": {"const": "EUR"},
        "sources": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "minLength": 1},
                    "title": {"type": "string", "minLength": 1},
                    "file": {"type": "string"},
                    "url": {"type": "string"},
                    "sections": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["code", "title"],
                "additionalProperties": False,
            },
        },
        "indices": {
            "type": "object",
            "propertyNames": {"enum": list(INDEXATION_RULES)},
            "additionalProperties": {
                "type": "object",
                "propertyNames": {"pattern": "^[12][0-9]{3}$"},
                "additionalProperties": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "prices": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_]*$"},
                    "label": _TEXT,
                    "unit": _TEXT,
                    "domain": {
                        "enum": [
                            "jeugd",
                            "wmo",
                            "participatie",
                            "zorg",
                            "wonen",
                            "veiligheid",
                            "overig",
                        ]
                    },
                    "value": _VALUE,
                    "source": {"type": "string", "minLength": 1},
                    "price_year": {"type": ["integer", "null"], "minimum": 1900, "maximum": 2200},
                    "indexation": {"enum": list(INDEXATION_RULES)},
                    "where_to_find": _TEXT,
                    "note": _TEXT,
                },
                "required": ["key", "label", "unit", "value", "source", "indexation"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["id", "version", "name", "currency", "sources", "prices"],
    "additionalProperties": False,
}

_VALIDATOR = make_validator(PRICELIST_SCHEMA)


# --- model --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """A Dutch text with an optional English translation."""

    nl: str
    en: str = ""

    def get(self, language: str = "nl") -> str:
        return (self.en or self.nl) if language.startswith("en") else self.nl

    def __str__(self) -> str:
        return self.nl


@dataclass(frozen=True, slots=True)
class PriceEntry:
    """One unit value on the price list, with everything needed to judge it.

    ``value is None`` is *onbekend*. ``origin`` is the file the entry came from and ``overrides``
    the file of the entry it replaced (an installation's own figure over the shipped one).
    """

    key: str
    label: Text
    unit: Text
    value: Estimate | None
    source: str
    indexation: str
    price_year: int | None = None
    domain: str | None = None
    where_to_find: Text | None = None
    note: Text | None = None
    list_id: str = ""
    list_version: str = ""
    origin: Path | None = None
    overrides: Path | None = None

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class PriceListInfo:
    """One loaded price-list file: which list, which version, where from."""

    id: str
    version: str
    name: Text
    description: Text | None
    sources: tuple[Mapping[str, Any], ...]
    path: Path | None


@dataclass(frozen=True, slots=True)
class Indexed:
    """A value brought to a base year, and whether that could actually be done."""

    value: Estimate | None
    factor: float | None  # None: not indexed
    reason: str  # "" indexed or not needed; "no_rule", "no_figures", "unknown_value"


@dataclass(frozen=True)
class PriceCatalogue:
    """All price lists merged by key: the shipped one plus an installation's additions."""

    entries: dict[str, PriceEntry] = field(default_factory=dict)
    lists: tuple[PriceListInfo, ...] = ()
    indices: dict[str, dict[int, float]] = field(default_factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def get(self, key: str) -> PriceEntry | None:
        return self.entries.get(key)

    @property
    def version_label(self) -> str:
        return ", ".join(f"{info.id} {info.version}" for info in self.lists)

    def index(self, entry: PriceEntry, base_year: int | None) -> Indexed:
        """The entry's value in prices of ``base_year`` (see :data:`INDEXATION_RULES`)."""
        if entry.value is None:
            return Indexed(None, None, "unknown_value")
        if base_year is None or entry.price_year is None or entry.price_year == base_year:
            return Indexed(entry.value, 1.0, "")
        if entry.indexation == "geen":
            return Indexed(entry.value, None, "no_rule")
        series = self.indices.get(entry.indexation, {})
        if entry.price_year not in series or base_year not in series:
            return Indexed(entry.value, None, "no_figures")
        factor = series[base_year] / series[entry.price_year]
        return Indexed(entry.value.scaled(factor), factor, "")

    def to_price_list(
        self,
        *,
        base_year: int | None = None,
        extra: Iterable[Price] = (),
        language: str = "nl",
    ) -> PriceList:
        """A core :class:`PriceList`: every entry (indexed where possible), then ``extra``.

        ``extra`` (a project's own prices) replaces entries with the same key.
        """
        prices: dict[str, Price] = {}
        for entry in self.entries.values():
            prices[entry.key] = Price(
                entry.key,
                self.index(entry, base_year).value,
                entry.label.get(language),
                entry.unit.get(language),
                entry.source,
                entry.price_year,
            )
        for price in extra:
            prices[price.key] = price
        return PriceList.of(prices.values(), name=self.version_label, version=self.version_label)


# --- semantic checks ----------------------------------------------------------------------------


def _estimate(raw: Any) -> Estimate | None:
    if raw == UNKNOWN:
        return None
    if isinstance(raw, int | float):
        return Estimate.exact(float(raw))
    return Estimate(
        float(raw["low"]),
        float(raw["likely"]),
        float(raw["high"]),
        Distribution(raw.get("distribution", Distribution.PERT.value)),
    )


def check_semantics(data: Mapping[str, Any], file: str | os.PathLike[str]) -> None:
    """The rules JSON Schema cannot express; raise :class:`PriceListLoadError` on the first."""

    def fail(parts: Sequence[PathPart], rule: str, detail: str) -> None:
        raise PriceListLoadError(file, format_path(parts), rule, detail)

    codes = [s["code"] for s in data["sources"]]
    for i, code in enumerate(codes):
        if code in codes[:i]:
            fail(["sources", i, "code"], "unique-source", f"source code {code!r} is declared twice")
    indices = data.get("indices", {})
    seen: dict[str, int] = {}
    for i, raw in enumerate(data["prices"]):
        at: list[PathPart] = ["prices", i]
        key = raw["key"]
        if key in seen:
            fail(
                [*at, "key"], "unique-key", f"price key {key!r} is also used by prices[{seen[key]}]"
            )
        seen[key] = i
        citation = raw["source"].strip()
        if not any(citation == c or citation.startswith(f"{c} ") for c in codes):
            fail(
                [*at, "source"],
                "cited-source",
                f"source {citation!r} does not start with a declared source code "
                f"({', '.join(codes)}); cite it as '<code> <section>'",
            )
        value = raw["value"]
        if value == UNKNOWN:
            if "where_to_find" not in raw:
                fail(
                    [*at, "where_to_find"],
                    "unknown-needs-where-to-find",
                    "an onbekend price must say where a municipality can find its own figure",
                )
            continue
        points = (
            [value]
            if isinstance(value, int | float)
            else [value[k] for k in ("low", "likely", "high")]
        )
        if not all(math.isfinite(p) for p in points):
            fail([*at, "value"], "finite", "a price must be a finite number")
        if not isinstance(value, int | float):
            if value["low"] > value["high"]:
                fail([*at, "value", "low"], "range-order", "low is above high")
            if not value["low"] <= value["likely"] <= value["high"]:
                fail([*at, "value", "likely"], "range-order", "likely lies outside [low, high]")
            if value.get("distribution") == Distribution.LOGNORMAL.value and value["low"] <= 0:
                fail([*at, "value", "low"], "lognormal-positive", "a lognormal value needs low > 0")
        if raw.get("price_year") is None:
            fail(
                [*at, "price_year"],
                "known-needs-price-year",
                "a known value needs the year its prices are in",
            )
        rule = raw["indexation"]
        years = {int(year) for year in indices.get(rule, {})}
        if rule != "geen" and rule in indices and raw["price_year"] not in years:
            fail(
                [*at, "price_year"],
                "index-covers-price-year",
                f"indices.{rule} has no figure for price year {raw['price_year']}",
            )


def _text(raw: Mapping[str, str] | None) -> Text | None:
    return Text(raw["nl"], raw.get("en", "")) if raw else None


def parse_price_list(
    data: Any, file: str | os.PathLike[str] = "<data>", path: Path | None = None
) -> tuple[PriceListInfo, list[PriceEntry], dict[str, dict[int, float]]]:
    """Validate already-parsed data (schema, then semantics) and build its entries."""
    try:
        check_schema(data, file, _VALIDATOR)
    except DataFileError as exc:
        raise PriceListLoadError(exc.file, exc.path, exc.rule, exc.detail) from None
    check_semantics(data, file)
    info = PriceListInfo(
        id=data["id"],
        version=data["version"],
        name=_text(data["name"]),  # type: ignore[arg-type]
        description=_text(data.get("description")),
        sources=tuple(data["sources"]),
        path=path,
    )
    entries = [
        PriceEntry(
            key=raw["key"],
            label=_text(raw["label"]),  # type: ignore[arg-type]
            unit=_text(raw["unit"]),  # type: ignore[arg-type]
            value=_estimate(raw["value"]),
            source=raw["source"].strip(),
            indexation=raw["indexation"],
            price_year=raw.get("price_year"),
            domain=raw.get("domain"),
            where_to_find=_text(raw.get("where_to_find")),
            note=_text(raw.get("note")),
            list_id=data["id"],
            list_version=data["version"],
            origin=path,
        )
        for raw in data["prices"]
    ]
    indices = {
        rule: {int(year): float(v) for year, v in series.items()}
        for rule, series in data.get("indices", {}).items()
    }
    return info, entries, indices


def load_price_list_text(text: str, file: str | os.PathLike[str] = "<text>"):
    """Parse, validate and build a price list from YAML text."""
    try:
        data = parse_yaml(text, file)
    except DataFileError as exc:
        raise PriceListLoadError(exc.file, exc.path, exc.rule, exc.detail) from exc
    return parse_price_list(data, file)


def load_price_list_file(path: str | os.PathLike[str]):
    """Parse, validate and build the price list in one YAML file."""
    path = Path(path)
    try:
        data = read_yaml_file(path)
    except DataFileError as exc:
        raise PriceListLoadError(exc.file, exc.path, exc.rule, exc.detail) from exc
    return parse_price_list(data, path, path)


# --- directories --------------------------------------------------------------------------------


def shipped_dir() -> Path:
    """The directory holding the shipped price-list files (package data)."""
    return Path(str(resources.files(SHIPPED_PACKAGE)))


def _load_directory(directory: Path) -> PriceCatalogue:
    """Every price list in one directory; one key in two files of the same directory is an error."""
    try:
        files = yaml_files(directory, ENV_VAR)
    except DataFileError as exc:
        raise PriceListLoadError(exc.file, exc.path, exc.rule, exc.detail) from exc
    entries: dict[str, PriceEntry] = {}
    lists: list[PriceListInfo] = []
    indices: dict[str, dict[int, float]] = {}
    for file in files:
        info, found, file_indices = load_price_list_file(file)
        for i, entry in enumerate(found):
            if entry.key in entries:
                raise PriceListLoadError(
                    file,
                    f"prices[{i}].key",
                    "unique-key",
                    f"price key {entry.key!r} is also defined in {entries[entry.key].origin}",
                )
            entries[entry.key] = entry
        lists.append(info)
        for rule, series in file_indices.items():
            indices.setdefault(rule, {}).update(series)
    return PriceCatalogue(entries, tuple(lists), indices)


def load_price_catalogue(
    extra_dirs: Iterable[str | os.PathLike[str]] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    include_shipped: bool = True,
) -> PriceCatalogue:
    """The shipped price list, then each installation directory's entries on top, by key.

    ``extra_dirs`` defaults to the directories in ``PROEFTUIN_PRICELISTS_DIR`` (read from
    ``environ``, default ``os.environ``).
    """
    entries: dict[str, PriceEntry] = {}
    lists: list[PriceListInfo] = []
    indices: dict[str, dict[int, float]] = {}
    if include_shipped:
        # The shipped CBS CPI (a data file with its source); a list's own figures override it.
        indices["cpi"] = dict(shipped_cpi().values)
    dirs: list[Path] = [shipped_dir()] if include_shipped else []
    dirs += (
        installation_dirs(ENV_VAR, environ) if extra_dirs is None else [Path(d) for d in extra_dirs]
    )
    for directory in dirs:
        found = _load_directory(directory)
        for key, entry in found.entries.items():
            replaced = entries.get(key)
            if replaced is not None:
                entry = replace(entry, overrides=replaced.overrides or replaced.origin)
            entries[key] = entry
        lists.extend(found.lists)
        for rule, series in found.indices.items():
            indices.setdefault(rule, {}).update(series)
    return PriceCatalogue(entries, tuple(lists), indices)
