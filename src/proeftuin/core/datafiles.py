"""Generic helpers for the data files Proeftuin loads at start-up.

Every configurable definition (a framework, an instrument, the advisor's rules, a price list) is a
YAML file that an installation may add or override. The helpers here give those loaders one
behaviour:

- :func:`parse_yaml` parses with a *safe* loader (libyaml when available) that refuses duplicate
  keys, which PyYAML would otherwise silently resolve by keeping the last one;
- :func:`check_schema` validates against a JSON Schema and raises on the most relevant problem
  (optionally the first one in document order);
- every problem is a :class:`DataFileError` naming the **file**, the **path inside it** (for
  example ``domains[3].levels[0].text.nl``) and the **rule** it breaks (a JSON Schema keyword such
  as ``required``, or a loader rule such as ``unique-id``). Each helper takes an ``error`` class,
  so that a loader raises its own subclass (``FrameworkLoadError``, ``InstrumentLoadError``…);
- shared schema fragments (:data:`LOCALIZED` text ``{nl, en}``, :data:`SEED_SOURCE`, a
  :data:`SEED_CITATION`…) and semantic checks (:func:`check_unique`, :func:`check_cited`);
- :func:`installation_dirs` and :func:`yaml_files` find the files an installation adds through an
  environment variable (several directories separated by ``os.pathsep``);
  :func:`load_directory` and :func:`load_with_overrides` load them by ``id``, a later directory
  replacing an earlier one's definition and recording which file it ``overrides``.

No Django here: the loaders run in the pure core and in tests without settings.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Self, TypeVar

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

SUFFIXES = (".yaml", ".yml")

PathPart = str | int


class DataFileError(Exception):
    """A data file that cannot be used: which file, where in it, and which rule it breaks."""

    def __init__(self, file: str | os.PathLike[str], path: str, rule: str, detail: str) -> None:
        self.file = str(file)
        self.path = path
        self.rule = rule
        self.detail = detail
        where = f"{self.file}: {path}" if path else self.file
        super().__init__(f"{where}: {detail} [rule: {rule}]")

    @classmethod
    def at(
        cls, file: str | os.PathLike[str], parts: Iterable[PathPart], rule: str, detail: str
    ) -> Self:
        """The error for the place ``parts`` (``["items", 2, "id"]``) inside ``file``."""
        return cls(file, format_path(parts), rule, detail)

    @classmethod
    def from_error(cls, error: DataFileError, detail: str | None = None) -> Self:
        """The same problem as ``error``, as this class (optionally with another detail)."""
        return cls(error.file, error.path, error.rule, error.detail if detail is None else detail)


#: The class a helper raises; a loader passes its own subclass of :class:`DataFileError`.
ErrorClass = type[DataFileError]

#: ``fail(parts, rule, detail)``: raise the loader's error for a place in the file being checked.
Fail = Callable[[Sequence[PathPart], str, str], Any]


def format_path(parts: Iterable[PathPart]) -> str:
    """``["domains", 2, "levels", 0, "text"]`` → ``domains[2].levels[0].text``; root is ``(root)``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(root)"


# --- YAML ---------------------------------------------------------------------------------------


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader (libyaml when available) that refuses duplicate mapping keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key; the safe constructor reports it below
            duplicate = False
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        with contextlib.suppress(TypeError):
            seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(
    text: str, file: str | os.PathLike[str], *, error: ErrorClass = DataFileError
) -> Any:
    """Parse YAML text strictly; any YAML problem becomes an ``error`` for ``file``.

    The path of such an error is the line and column of the problem, the rule is ``yaml``.
    """
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(file, where, "yaml", f"not valid YAML: {problem}") from exc


def read_yaml_file(path: str | os.PathLike[str], *, error: ErrorClass = DataFileError) -> Any:
    """Read and strictly parse one YAML file (UTF-8)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(path, "", "yaml", f"not UTF-8 text: {exc}") from exc
    except OSError as exc:
        raise error(path, "", "read", f"cannot read the file: {exc}") from exc
    return parse_yaml(text, path, error=error)


# --- JSON Schema: shared fragments ---------------------------------------------------------------
# Plain dicts, shared by the loaders' schemas; never modify them in place.

#: An identifier: lower case, digits and underscores, starting with a letter.
ID: dict[str, Any] = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 64}

#: A non-empty string.
TEXT: dict[str, Any] = {"type": "string", "minLength": 1}

#: A bilingual text, both languages required: ``{nl: "...", en: "..."}``.
LOCALIZED: dict[str, Any] = {
    "type": "object",
    "required": ["nl", "en"],
    "additionalProperties": False,
    "properties": {"nl": TEXT, "en": TEXT},
}

#: A bilingual list of texts, both languages required and non-empty: ``{nl: [...], en: [...]}``.
LOCALIZED_LIST: dict[str, Any] = {
    "type": "object",
    "required": ["nl", "en"],
    "additionalProperties": False,
    "properties": {
        "nl": {"type": "array", "minItems": 1, "items": TEXT},
        "en": {"type": "array", "minItems": 1, "items": TEXT},
    },
}

#: A citation: the three-digit seed code, a space, then where in it, e.g. "004 §3.1".
SEED_CITATION: dict[str, Any] = {"type": "string", "pattern": r"^[0-9]{3} \S.*$"}

#: A declared seed source: ``{code: "004", file, title, sections[]?}``.
SEED_SOURCE: dict[str, Any] = {
    "type": "object",
    "required": ["code", "file", "title"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "pattern": "^[0-9]{3}$"},
        "file": TEXT,
        "title": TEXT,
        "sections": {"type": "array", "items": TEXT},
    },
}


# --- JSON Schema: validation ----------------------------------------------------------------------


def make_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator for ``schema``; the schema itself is checked first (a bug, not user input)."""
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _error_path(error: ValidationError) -> list[PathPart]:
    """The path of a schema error, pointing at the offending key itself where we can tell.

    For ``required`` jsonschema gives the object lacking the key; we add the missing key so the
    message reads ``...levels[0].text``. The same for a single unexpected key under
    ``additionalProperties``.
    """
    parts: list[PathPart] = list(error.absolute_path)
    instance = error.instance
    if error.validator == "required" and isinstance(instance, Mapping):
        missing = [key for key in error.validator_value if key not in instance]
        if missing:
            parts.append(missing[0])
    elif error.validator == "additionalProperties" and isinstance(instance, Mapping):
        allowed = set(error.schema.get("properties", {}))
        extra = [key for key in instance if key not in allowed]
        if len(extra) == 1:
            parts.append(str(extra[0]))
    return parts


def _document_order(data: Any, error: ValidationError) -> list[int]:
    """Where an error sits in the file, as positions (mapping keys in the order they appear)."""
    order: list[int] = []
    node = data
    for part in error.absolute_path:
        if isinstance(node, Mapping):
            keys = list(node)
            order.append(keys.index(part) if part in keys else len(keys))
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            order.append(part)
            node = node[part]
        else:
            break
    return order


def check_schema(
    data: Any,
    file: str | os.PathLike[str],
    validator: Draft202012Validator,
    *,
    error: ErrorClass = DataFileError,
    document_order: bool = False,
) -> None:
    """Validate ``data``; raise an ``error`` for the most relevant problem.

    With ``document_order`` the problem reported is the first one in the file, so that fixing
    problems top to bottom works; where several sit at the same place, jsonschema's notion of the
    most relevant one decides. The rule of the error is the JSON Schema keyword that failed
    (``required``, ``enum``, ``pattern``, ``additionalProperties``…); the detail says how many
    other problems there are.
    """
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    if document_order:
        first = min(_document_order(data, e) for e in errors)
        problem = best_match(e for e in errors if _document_order(data, e) == first)
    else:
        problem = best_match(errors)
    detail = problem.message
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more problem(s) in this file)"
    raise error.at(file, _error_path(problem), str(problem.validator), detail)


# --- semantic checks shared by the loaders ------------------------------------------------------


def check_unique(
    items: Sequence[Mapping[str, Any]], key: str, at: Sequence[PathPart], what: str, fail: Fail
) -> None:
    """``fail`` (rule ``unique-id``) at the first item whose ``key`` repeats an earlier item's."""
    seen: dict[Any, int] = {}
    for index, item in enumerate(items):
        value = item[key]
        if value in seen:
            fail(
                [*at, index, key],
                "unique-id",
                f"duplicate {what} {value!r} (also at {format_path([*at, seen[value]])})",
            )
        seen[value] = index


def citation_code(citation: str) -> str:
    """The source code a citation names: ``"004 §3.1"`` → ``"004"``."""
    return citation.split(" ", 1)[0]


def check_cited(
    citation: str, codes: Collection[str], parts: Sequence[PathPart], owner: str, fail: Fail
) -> None:
    """``fail`` (rule ``source-declared``) unless ``citation`` names one of the declared ``codes``.

    ``owner`` completes the message: "which is not among *the framework's* sources".
    """
    code = citation_code(citation)
    if code not in codes:
        fail(
            parts,
            "source-declared",
            f"cites source {code!r}, which is not among {owner} sources ({', '.join(codes)})",
        )


# --- installation directories -------------------------------------------------------------------


def installation_dirs(env_var: str, environ: Mapping[str, str] | None = None) -> list[Path]:
    """The directories named in ``env_var`` (``os.pathsep``-separated); empty when unset."""
    value = (os.environ if environ is None else environ).get(env_var, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def override_dirs(
    env_var: str,
    extra_dirs: Iterable[str | os.PathLike[str]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Path]:
    """``extra_dirs`` as paths; when None, the directories in ``env_var`` (see above)."""
    if extra_dirs is None:
        return installation_dirs(env_var, environ)
    return [Path(d) for d in extra_dirs]


def yaml_files(
    directory: Path,
    env_var: str | None = None,
    *,
    error: ErrorClass = DataFileError,
    label: str = "directory",
) -> list[Path]:
    """The YAML files in one directory, in a stable (sorted) order.

    A missing directory is an ``error`` (rule ``directory``): "<label> does not exist (<env_var>?)".
    """
    if not directory.is_dir():
        hint = f" ({env_var}?)" if env_var else ""
        raise error(directory, "", "directory", f"{label} does not exist{hint}")
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in SUFFIXES)


def file_stamps(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """``(path, mtime_ns, size)`` per file: a cache key that changes when a file does."""
    return tuple(
        (str(path), stat.st_mtime_ns, stat.st_size) for path in paths for stat in (path.stat(),)
    )


class StampedCache:
    """One loaded value, kept until the key (file stamps and directories) changes.

    Pages read the frameworks, typologies and indicator sets on every request; parsing and
    validating their YAML each time cost more than the rest of a page (issue 14). Keyed on
    :func:`file_stamps`, an added, changed or removed file is read on the next call, without a
    restart. Two threads that miss at once both load; the last one stored wins, and both values
    are equal.
    """

    def __init__(self) -> None:
        self._entry: tuple[object, Any] | None = None

    def get(self, key: object, load: Callable[[], Any]) -> Any:
        entry = self._entry
        if entry is None or entry[0] != key:
            entry = (key, load())
            self._entry = entry
        return entry[1]


def directory_stamps(
    directories: Sequence[Path],
    env_var: str | None = None,
    *,
    error: ErrorClass = DataFileError,
) -> tuple:
    """A :class:`StampedCache` key for the YAML files in ``directories``."""
    files = file_stamps(
        path for directory in directories for path in yaml_files(directory, env_var, error=error)
    )
    return (tuple(str(d) for d in directories), files)


# --- loading definitions by id ------------------------------------------------------------------

#: A loaded definition: a dataclass with ``id``, ``path`` and ``overrides`` (Framework, Instrument).
T = TypeVar("T")


def load_directory(
    directory: Path,
    load_file: Callable[[Path], T],
    *,
    kind: str,
    env_var: str | None = None,
    error: ErrorClass = DataFileError,
    label: str = "directory",
) -> dict[str, T]:
    """Every definition in one directory by id; two files with the same id are an ``error``.

    ``kind`` names the definition in that error: rule ``unique-<kind>-id``, detail "<kind> id 'x'
    is also defined in <the other file>".
    """
    found: dict[str, T] = {}
    for file in yaml_files(directory, env_var, error=error, label=label):
        item = load_file(file)
        item_id = item.id  # type: ignore[attr-defined]
        if item_id in found:
            raise error(
                file,
                "id",
                f"unique-{kind}-id",
                f"{kind} id {item_id!r} is also defined in {found[item_id].path}",  # type: ignore[attr-defined]
            )
        found[item_id] = item
    return found


def load_with_overrides(
    directories: Iterable[Path], load_dir: Callable[[Path], Mapping[str, T]]
) -> dict[str, T]:
    """The definitions of all ``directories`` by id, a later directory winning over an earlier one.

    A definition that replaces an earlier one with the same id gets ``overrides`` set to the file
    it replaced (the first one, when it is replaced more than once).
    """
    found: dict[str, T] = {}
    for directory in directories:
        for item_id, item in load_dir(directory).items():
            replaced: Any = found.get(item_id)
            if replaced is not None:
                original = replaced.overrides or replaced.path
                item = dataclasses.replace(item, overrides=original)  # type: ignore[type-var]
            found[item_id] = item
    return found
