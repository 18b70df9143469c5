"""Measurement instruments as data: YAML files, schema-validated at load time, citing sources.

An *instrument* is what a professional (or the participant) fills in at a measurement: a set of
items (life domains, quality-of-life elements) each scored on one ordinal integer scale, for
example self-reliance per life domain from 1 "acute problem" to 5 "fully self-reliant".

Where instruments come from:

1. the shipped files, ``proeftuin/instruments/*.yaml`` (package data, in our own words);
2. installation directories named in ``PROEFTUIN_INSTRUMENTS_DIR`` (several may be given,
   separated by ``os.pathsep``). Their files add instruments (for example a licensed matrix the
   organisation already uses) or replace a shipped one with the same ``id``, without code
   changes. A later directory wins over an earlier one.

Every file is checked against :data:`INSTRUMENT_SCHEMA`, then against the rules JSON Schema cannot
express (consecutive scale values, per-item level texts that cover the scale exactly, unique ids
and aliases, citations of declared sources). The first problem raises
:class:`InstrumentLoadError`, a :class:`~proeftuin.core.datafiles.DataFileError` naming the file,
the path inside it (``items[3].levels[0].text``) and the rule it breaks.

*Onbekend* (unknown) is never a scale value: it is always an allowed answer, stored as such and
never averaged in as a number. The importer accepts it (see :mod:`proeftuin.core.intake`).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import datafiles
from .datafiles import (
    ID,
    LOCALIZED,
    TEXT,
    DataFileError,
    PathPart,
    check_cited,
    check_schema,
    check_unique,
    format_path,
    load_with_overrides,
    make_validator,
    override_dirs,
    parse_yaml,
    read_yaml_file,
)

ENV_VAR = "PROEFTUIN_INSTRUMENTS_DIR"
SHIPPED_PACKAGE = "proeftuin.instruments"

#: The answer that is always allowed and never a scale value.
UNKNOWN = "onbekend"

RESPONDENTS = ("professional", "participant", "together")


class InstrumentLoadError(DataFileError):
    """An instrument file that cannot be used (file, path inside it, rule broken)."""


# --- schema -------------------------------------------------------------------------------------

#: A source code: a seed number ("004") or any short code for a non-seed source ("zrm").
_SOURCE_CODE: dict[str, Any] = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"}
#: A citation: a declared source code, optionally followed by a space and where in it.
_CITATION: dict[str, Any] = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*( \S.*)?$"}

INSTRUMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Proeftuin measurement instrument",
    "type": "object",
    "required": ["id", "version", "name", "description", "sources", "item_label", "scale", "items"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "version": {"type": "string", "minLength": 1},
        "name": LOCALIZED,
        "description": LOCALIZED,
        "operationalisation": LOCALIZED,
        "respondent": {"enum": list(RESPONDENTS)},
        # The instrument asks, per item, where the coping comes from: own strength, network,
        # professional help (the Krachtenwijzer idea; see proeftuin.core.selfreport).
        "support_split": {"type": "boolean"},
        "item_label": LOCALIZED,
        "sources": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "title"],
                "additionalProperties": False,
                "properties": {
                    "code": _SOURCE_CODE,
                    "title": TEXT,
                    "file": TEXT,
                    "url": TEXT,
                    "licence": TEXT,
                    "sections": {"type": "array", "items": TEXT},
                },
            },
        },
        "scale": {
            "type": "object",
            "required": ["levels"],
            "additionalProperties": False,
            "properties": {
                "levels": {
                    "type": "array",
                    "minItems": 2,
                    "maxItems": 11,
                    "items": {
                        "type": "object",
                        "required": ["value", "label"],
                        "additionalProperties": False,
                        "properties": {
                            "value": {"type": "integer", "minimum": 0, "maximum": 10},
                            "label": LOCALIZED,
                            "description": LOCALIZED,
                        },
                    },
                },
            },
        },
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": 40,
            "items": {
                "type": "object",
                "required": ["id", "name", "cites"],
                "additionalProperties": False,
                "properties": {
                    "id": ID,
                    "name": LOCALIZED,
                    "description": LOCALIZED,
                    "question": LOCALIZED,
                    "cites": {"type": "array", "minItems": 1, "items": _CITATION},
                    "aliases": {
                        "type": "array",
                        "uniqueItems": True,
                        "items": {"type": "string", "minLength": 2, "maxLength": 60},
                    },
                    "levels": {
                        "type": "array",
                        "minItems": 2,
                        "items": {
                            "type": "object",
                            "required": ["value", "text"],
                            "additionalProperties": False,
                            "properties": {
                                "value": {"type": "integer", "minimum": 0, "maximum": 10},
                                "text": LOCALIZED,
                            },
                        },
                    },
                },
            },
        },
    },
}

_VALIDATOR = make_validator(INSTRUMENT_SCHEMA)


# --- model --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    nl: str
    en: str

    def get(self, language: str = "nl") -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class Source:
    code: str
    title: str
    file: str | None = None
    url: str | None = None
    licence: str | None = None
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScaleLevel:
    value: int
    label: Text
    description: Text | None = None


@dataclass(frozen=True)
class Scale:
    levels: tuple[ScaleLevel, ...]

    @property
    def min(self) -> int:
        return self.levels[0].value

    @property
    def max(self) -> int:
        return self.levels[-1].value

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.levels)

    def level(self, value: int) -> ScaleLevel:
        for level in self.levels:
            if level.value == value:
                return level
        raise KeyError(value)


@dataclass(frozen=True)
class Item:
    """One thing scored: a life domain, a quality-of-life element."""

    id: str
    name: Text
    cites: tuple[str, ...]
    description: Text | None = None
    question: Text | None = None
    aliases: tuple[str, ...] = ()
    #: Per-item description of each scale value (value → text); empty when the scale says enough.
    levels: Mapping[int, Text] = field(default_factory=dict)


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    name: Text
    description: Text
    item_label: Text
    sources: tuple[Source, ...]
    scale: Scale
    items: tuple[Item, ...]
    operationalisation: Text | None = None
    respondent: str | None = None
    #: Both the self-report and the professional ask where the coping comes from.
    support_split: bool = False
    path: Path | None = None
    #: When an installation file replaced a shipped one: the replaced file.
    overrides: Path | None = None

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def source(self, code: str) -> Source:
        for source in self.sources:
            if source.code == code:
                return source
        raise KeyError(code)

    def header_names(self) -> dict[str, str]:
        """Normalised header text → item id: the item names (nl and en) and their aliases.

        Used by the importer to suggest which spreadsheet column holds which item's score.
        """
        names: dict[str, str] = {}
        for item in self.items:
            for text in (item.id.replace("_", " "), item.name.nl, item.name.en, *item.aliases):
                names.setdefault(normalise_name(text), item.id)
        return names


def normalise_name(text: str) -> str:
    """Lower case, accents removed, punctuation to single spaces: ``"Financiën "`` → ``financien``."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    cleaned = "".join(ch if ch.isalnum() else " " for ch in plain)
    return " ".join(cleaned.split())


# --- semantic checks ----------------------------------------------------------------------------


def check_semantics(data: Mapping[str, Any], file: str | os.PathLike[str]) -> None:
    """The rules JSON Schema cannot express. Assumes ``data`` already passed the schema."""

    def fail(parts: Sequence[PathPart], rule: str, detail: str) -> None:
        raise InstrumentLoadError.at(file, parts, rule, detail)

    check_unique(data["sources"], "code", ["sources"], "source code", fail)
    codes = [source["code"] for source in data["sources"]]

    values = [level["value"] for level in data["scale"]["levels"]]
    expected = list(range(values[0], values[0] + len(values)))
    if values != expected:
        at = next(i for i, (v, e) in enumerate(zip(values, expected, strict=True)) if v != e)
        fail(
            ["scale", "levels", at, "value"],
            "scale-consecutive",
            f"scale values must be consecutive integers, lowest first; expected {expected[at]}, "
            f"found {values[at]}",
        )

    item_at: dict[str, int] = {}
    alias_at: dict[str, list[PathPart]] = {}
    for i_index, item in enumerate(data["items"]):
        i_path: list[PathPart] = ["items", i_index]
        if item["id"] in item_at:
            fail(
                [*i_path, "id"],
                "unique-id",
                f"duplicate item id {item['id']!r} (also at "
                f"{format_path(['items', item_at[item['id']]])})",
            )
        item_at[item["id"]] = i_index
        for c_index, citation in enumerate(item["cites"]):
            check_cited(citation, codes, [*i_path, "cites", c_index], "the instrument's", fail)
        names = [
            ([*i_path, "name", "nl"], item["name"]["nl"]),
            ([*i_path, "name", "en"], item["name"]["en"]),
        ]
        names += [
            ([*i_path, "aliases", a], alias) for a, alias in enumerate(item.get("aliases", ()))
        ]
        own: set[str] = set()
        for parts, text in names:
            key = normalise_name(text)
            if not key:
                fail(parts, "alias-text", f"{text!r} has no letters or digits")
            if key in alias_at and key not in own:
                fail(
                    parts,
                    "unique-alias",
                    f"name or alias {text!r} is also used by {format_path(alias_at[key])}; the "
                    "importer could not tell the two items apart",
                )
            alias_at.setdefault(key, parts)
            own.add(key)
        if "levels" in item:
            item_values = [level["value"] for level in item["levels"]]
            if sorted(item_values) != values or len(set(item_values)) != len(item_values):
                fail(
                    [*i_path, "levels"],
                    "levels-cover-scale",
                    f"the item's level texts must describe each scale value exactly once "
                    f"({values}); found {item_values}",
                )


# --- building -----------------------------------------------------------------------------------


def _text(raw: Mapping[str, str] | None) -> Text | None:
    return Text(nl=raw["nl"], en=raw["en"]) if raw else None


def build_instrument(data: Mapping[str, Any], path: Path | None = None) -> Instrument:
    """Build the model from data that passed both checks."""
    levels = tuple(
        ScaleLevel(
            value=raw["value"], label=_text(raw["label"]), description=_text(raw.get("description"))
        )
        for raw in data["scale"]["levels"]
    )
    items = tuple(
        Item(
            id=raw["id"],
            name=_text(raw["name"]),
            cites=tuple(raw["cites"]),
            description=_text(raw.get("description")),
            question=_text(raw.get("question")),
            aliases=tuple(raw.get("aliases", ())),
            levels={level["value"]: _text(level["text"]) for level in raw.get("levels", ())},
        )
        for raw in data["items"]
    )
    return Instrument(
        id=data["id"],
        version=data["version"],
        name=_text(data["name"]),
        description=_text(data["description"]),
        item_label=_text(data["item_label"]),
        sources=tuple(
            Source(
                code=raw["code"],
                title=raw["title"],
                file=raw.get("file"),
                url=raw.get("url"),
                licence=raw.get("licence"),
                sections=tuple(raw.get("sections", ())),
            )
            for raw in data["sources"]
        ),
        scale=Scale(levels=levels),
        items=items,
        operationalisation=_text(data.get("operationalisation")),
        respondent=data.get("respondent"),
        support_split=bool(data.get("support_split", False)),
        path=path,
    )


def parse_instrument(
    data: Any, file: str | os.PathLike[str] = "<data>", path: Path | None = None
) -> Instrument:
    """Validate already-parsed data (schema, then semantics) and build the instrument."""
    check_schema(data, file, _VALIDATOR, error=InstrumentLoadError)
    check_semantics(data, file)
    return build_instrument(data, path)


def load_instrument_text(text: str, file: str | os.PathLike[str] = "<text>") -> Instrument:
    """Parse, validate and build an instrument from YAML text."""
    return parse_instrument(parse_yaml(text, file, error=InstrumentLoadError), file)


def load_instrument_file(path: str | os.PathLike[str]) -> Instrument:
    """Parse, validate and build the instrument in one YAML file."""
    path = Path(path)
    return parse_instrument(read_yaml_file(path, error=InstrumentLoadError), path, path)


# --- directories --------------------------------------------------------------------------------


def shipped_dir() -> Path:
    """The directory holding the shipped instrument files (package data)."""
    return Path(str(resources.files(SHIPPED_PACKAGE)))


def load_directory(directory: Path) -> dict[str, Instrument]:
    """Every instrument in one directory; two files with the same id are an error."""
    return datafiles.load_directory(
        directory,
        load_instrument_file,
        kind="instrument",
        env_var=ENV_VAR,
        error=InstrumentLoadError,
    )


def load_instruments(
    extra_dirs: Iterable[str | os.PathLike[str]] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    include_shipped: bool = True,
) -> dict[str, Instrument]:
    """All instruments by id: the shipped ones, then the installation's additions and overrides.

    ``extra_dirs`` defaults to the directories in ``PROEFTUIN_INSTRUMENTS_DIR`` (read from
    ``environ``, default ``os.environ``). An instrument from an installation directory replaces a
    shipped one with the same id; its ``overrides`` attribute then names the replaced file.
    """
    dirs = [shipped_dir()] if include_shipped else []
    return load_with_overrides(
        [*dirs, *override_dirs(ENV_VAR, extra_dirs, environ)], load_directory
    )


def load_instruments_skipping_broken(
    on_error: Callable[[InstrumentLoadError], None],
    *,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Instrument]:
    """Like :func:`load_instruments`, but an installation file (or directory) that does not load
    is passed to ``on_error`` and left out, so the good files of an installation keep working.
    The shipped files must always load: their errors are raised."""

    def load_dir(directory: Path) -> dict[str, Instrument]:
        if directory == shipped_dir():
            return load_directory(directory)
        found: dict[str, Instrument] = {}
        try:
            files = datafiles.yaml_files(directory, ENV_VAR, error=InstrumentLoadError)
        except InstrumentLoadError as exc:
            on_error(exc)
            return found
        for file in files:
            try:
                item = load_instrument_file(file)
            except InstrumentLoadError as exc:
                on_error(exc)
                continue
            if item.id in found:
                on_error(
                    InstrumentLoadError(
                        file,
                        "id",
                        "unique-instrument-id",
                        f"instrument id {item.id!r} is also defined in {found[item.id].path}",
                    )
                )
                continue
            found[item.id] = item
        return found

    return load_with_overrides([shipped_dir(), *override_dirs(ENV_VAR, None, environ)], load_dir)


#: Ids of the shipped instruments.
LIFE_DOMAINS = "life_domains_self_reliance"
QUALITY_OF_LIFE = "quality_of_life_check"
