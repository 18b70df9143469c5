"""Load framework definitions from YAML files, validate them, and build the model objects.

Where frameworks come from:

1. the shipped files, ``proeftuin/frameworks/*.yaml`` (package data);
2. optionally, installation directories named in ``PROEFTUIN_FRAMEWORKS_DIR`` (several may be
   given, separated by ``os.pathsep``). Their files add frameworks, or replace a shipped one with
   the same ``id``, without code changes. A later directory wins over an earlier one.

Every file is checked in two steps: against :data:`~.schema.FRAMEWORK_SCHEMA`, then against the
semantic rules JSON Schema cannot express (unique ids, rule levels that exist on the scale,
citations of declared sources, rule counts that can be reached). The first problem found raises
:class:`FrameworkLoadError`, whose message names the file, the path inside it (for example
``dimensions[2].indicators[0].source``) and the rule it breaks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from proeftuin.core import datafiles
from proeftuin.core.datafiles import (
    DataFileError,
    PathPart,
    StampedCache,
    check_cited,
    check_unique,
    file_stamps,
    format_path,
    load_with_overrides,
    make_validator,
    override_dirs,
    read_yaml_file,
)

from .model import (
    Dimension,
    Framework,
    Indicator,
    Level,
    Option,
    Rule,
    Scale,
    Source,
    Text,
    TextList,
)
from .schema import FRAMEWORK_SCHEMA

ENV_VAR = "PROEFTUIN_FRAMEWORKS_DIR"
SHIPPED_PACKAGE = "proeftuin.frameworks"

_VALIDATOR = make_validator(FRAMEWORK_SCHEMA)


class FrameworkLoadError(DataFileError):
    """A framework file that cannot be used: which file, where in it, and which rule it breaks."""


def parse_yaml(text: str, file: str | os.PathLike[str]) -> Any:
    """Parse YAML text strictly, turning any YAML problem into a FrameworkLoadError for ``file``."""
    return datafiles.parse_yaml(text, file, error=FrameworkLoadError)


# --- schema and semantic checks -----------------------------------------------------------------


def check_schema(data: Any, file: str | os.PathLike[str]) -> None:
    """Validate ``data`` against the framework schema; raise on the first error in the file.

    "First" is in document order, so that fixing errors top to bottom works; where several
    errors sit at the same place, jsonschema's notion of the most relevant one decides.
    """
    datafiles.check_schema(data, file, _VALIDATOR, error=FrameworkLoadError, document_order=True)


def check_semantics(data: Mapping[str, Any], file: str | os.PathLike[str]) -> None:
    """The rules JSON Schema cannot express. Assumes ``data`` already passed the schema."""

    def fail(parts: Sequence[PathPart], rule: str, detail: str) -> None:
        raise FrameworkLoadError.at(file, parts, rule, detail)

    def unique(items: Sequence[Mapping[str, Any]], key: str, at: list[PathPart], what: str):
        check_unique(items, key, at, what, fail)

    source_codes = [source["code"] for source in data["sources"]]
    unique(data["sources"], "code", ["sources"], "source code")

    levels = data["scale"]["levels"]
    unique(levels, "code", ["scale", "levels"], "scale level")
    level_codes = [level["code"] for level in levels]

    def cited(parts: list[PathPart], citation: str) -> None:
        check_cited(citation, source_codes, parts, "the framework's", fail)

    dimensions = data["dimensions"]
    unique(dimensions, "id", ["dimensions"], "dimension id")
    indicator_at: dict[str, list[PathPart]] = {}
    for d_index, dimension in enumerate(dimensions):
        d_path: list[PathPart] = ["dimensions", d_index]
        cited([*d_path, "source"], dimension["source"])
        own_ids = []
        for i_index, indicator in enumerate(dimension["indicators"]):
            i_path: list[PathPart] = [*d_path, "indicators", i_index]
            if indicator["id"] in indicator_at:
                fail(
                    [*i_path, "id"],
                    "unique-id",
                    f"duplicate indicator id {indicator['id']!r} (also at "
                    f"{format_path(indicator_at[indicator['id']])}); indicator ids must be "
                    "unique in the whole framework",
                )
            indicator_at[indicator["id"]] = [*i_path, "id"]
            own_ids.append(indicator["id"])
            cited([*i_path, "source"], indicator["source"])
        for r_index, rule in enumerate(dimension["summary"]["rules"]):
            r_path: list[PathPart] = [*d_path, "summary", "rules", r_index]
            if rule["level"] not in level_codes:
                fail(
                    [*r_path, "level"],
                    "level-exists",
                    f"level {rule['level']!r} is not on the framework's scale "
                    f"({', '.join(level_codes)})",
                )
            scope = rule.get("indicators") or own_ids
            for s_index, indicator_id in enumerate(rule.get("indicators") or ()):
                if indicator_id not in own_ids:
                    fail(
                        [*r_path, "indicators", s_index],
                        "indicator-exists",
                        f"indicator {indicator_id!r} is not one of this dimension's indicators "
                        f"({', '.join(own_ids)})",
                    )
            if rule["rule"] != "at_least" and "count" in rule:
                fail(
                    [*r_path, "count"],
                    "count-only-for-at-least",
                    f"a {rule['rule']} rule takes no count (only at_least does)",
                )
            if rule["rule"] == "at_least" and rule["count"] > len(scope):
                fail(
                    [*r_path, "count"],
                    "count-reachable",
                    f"count {rule['count']} can never be reached: the rule looks at only "
                    f"{len(scope)} indicator(s)",
                )

    for key in ("sustainability_routes", "financing_strategies"):
        options = data.get(key, [])
        unique(options, "id", [key], "option id")
        for o_index, option in enumerate(options):
            cited([key, o_index, "source"], option["source"])


# --- building the model -------------------------------------------------------------------------


def _text(raw: Mapping[str, str] | None) -> Text | None:
    return Text(nl=raw["nl"], en=raw["en"]) if raw else None


def _text_list(raw: Mapping[str, Sequence[str]] | None) -> TextList | None:
    return TextList(nl=tuple(raw["nl"]), en=tuple(raw["en"])) if raw else None


def _option(raw: Mapping[str, Any]) -> Option:
    return Option(
        id=raw["id"],
        kind=raw.get("kind"),
        name=_text(raw["name"]),
        description=_text(raw["description"]),
        source=raw["source"],
        preconditions=_text_list(raw["preconditions"]),
        advantages=_text_list(raw["advantages"]),
        drawbacks=_text_list(raw["drawbacks"]),
        examples=_text_list(raw.get("examples")),
    )


def build_framework(data: Mapping[str, Any], path: Path | None = None) -> Framework:
    """Build the model from data that has passed both checks."""
    dimensions = []
    for raw_dim in data["dimensions"]:
        indicators = tuple(
            Indicator(
                id=raw["id"],
                text=_text(raw["text"]),
                guiding_questions=_text_list(raw["guiding_questions"]),
                source=raw["source"],
                short_label=_text(raw.get("label")),
                tags=tuple(raw.get("tags", ())),
            )
            for raw in raw_dim["indicators"]
        )
        rules = tuple(
            Rule(
                kind=raw["rule"],
                level=raw["level"],
                count=raw.get("count"),
                indicators=tuple(raw.get("indicators", ())),
                rationale=_text(raw.get("rationale")),
            )
            for raw in raw_dim["summary"]["rules"]
        )
        dimensions.append(
            Dimension(
                id=raw_dim["id"],
                name=_text(raw_dim["name"]),
                description=_text(raw_dim.get("description")),
                source=raw_dim["source"],
                indicators=indicators,
                rules=rules,
                combine=raw_dim["summary"].get("combine", "all"),
            )
        )
    return Framework(
        id=data["id"],
        version=data["version"],
        name=_text(data["name"]),
        description=_text(data["description"]),
        sources=tuple(
            Source(
                code=raw["code"],
                file=raw["file"],
                title=raw["title"],
                sections=tuple(raw.get("sections", ())),
            )
            for raw in data["sources"]
        ),
        scale=Scale(
            levels=tuple(
                Level(
                    code=raw["code"],
                    label=_text(raw["label"]),
                    description=_text(raw.get("description")),
                )
                for raw in data["scale"]["levels"]
            )
        ),
        dimensions=tuple(dimensions),
        sustainability_routes=tuple(_option(raw) for raw in data.get("sustainability_routes", ())),
        financing_strategies=tuple(_option(raw) for raw in data.get("financing_strategies", ())),
        path=path,
    )


def parse_framework(
    data: Any, file: str | os.PathLike[str] = "<data>", path: Path | None = None
) -> Framework:
    """Validate already-parsed data (schema, then semantics) and build the framework."""
    check_schema(data, file)
    check_semantics(data, file)
    return build_framework(data, path)


def load_framework_text(text: str, file: str | os.PathLike[str] = "<text>") -> Framework:
    """Parse, validate and build a framework from YAML text."""
    return parse_framework(parse_yaml(text, file), file)


def load_framework_file(path: str | os.PathLike[str]) -> Framework:
    """Parse, validate and build the framework in one YAML file."""
    path = Path(path)
    return parse_framework(read_yaml_file(path, error=FrameworkLoadError), path, path)


# --- directories --------------------------------------------------------------------------------


def shipped_dir() -> Path:
    """The directory holding the shipped framework files (package data)."""
    return Path(str(resources.files(SHIPPED_PACKAGE)))


def installation_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Installation directories from ``PROEFTUIN_FRAMEWORKS_DIR`` (empty when unset)."""
    return datafiles.installation_dirs(ENV_VAR, environ)


def framework_files(directory: Path) -> list[Path]:
    """The framework files in one directory, in a stable order."""
    return datafiles.yaml_files(
        directory, ENV_VAR, error=FrameworkLoadError, label="framework directory"
    )


def load_directory(directory: Path) -> dict[str, Framework]:
    """Every framework in one directory; two files with the same id are an error."""
    return datafiles.load_directory(
        directory,
        load_framework_file,
        kind="framework",
        env_var=ENV_VAR,
        error=FrameworkLoadError,
        label="framework directory",
    )


def load_frameworks(
    extra_dirs: Iterable[str | os.PathLike[str]] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    include_shipped: bool = True,
) -> dict[str, Framework]:
    """All frameworks by id: the shipped ones, then the installation's additions and overrides.

    ``extra_dirs`` defaults to the directories in ``PROEFTUIN_FRAMEWORKS_DIR`` (read from
    ``environ``, default ``os.environ``). A framework from an installation directory replaces a
    shipped one with the same id; its ``overrides`` attribute then names the shipped file.
    """
    dirs = [shipped_dir()] if include_shipped else []
    return load_with_overrides(
        [*dirs, *override_dirs(ENV_VAR, extra_dirs, environ)], load_directory
    )


_cache = StampedCache()


def get_frameworks(environ: Mapping[str, str] | None = None) -> dict[str, Framework]:
    """Like :func:`load_frameworks` (shipped + ``PROEFTUIN_FRAMEWORKS_DIR``), but cached.

    The cache is keyed on the list of framework files with their modification times and sizes,
    so an added, changed or removed file is picked up on the next call without a restart. The
    dict returned is a fresh copy; the Framework objects in it are immutable and shared.
    """
    dirs = installation_dirs(environ)
    files = file_stamps(
        path for directory in (shipped_dir(), *dirs) for path in framework_files(directory)
    )
    key = (tuple(str(d) for d in dirs), files)
    return dict(_cache.get(key, lambda: load_frameworks(environ=environ)))
