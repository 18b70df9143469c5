"""Load the advisor's rules from YAML, validate them, and layer an installation's files on top.

Where rules come from:

1. the shipped file ``proeftuin/advice/advisor_rules.yaml`` (package data);
2. optionally, installation directories named in ``PROEFTUIN_ADVICE_DIR`` (several may be given,
   separated by ``os.pathsep``). Each of their files is a layer on top of the shipped rules: a rule
   with a new id is added, a rule with an existing id replaces it, ``disabled_rules`` switches
   rules off, ``preconditions`` replace the mapping of the options they name, and ``deadline``
   replaces the deadline rule. No code changes needed.

Every file is checked against :data:`~.schema.RULES_SCHEMA`, then against the rules JSON Schema
cannot express. The first problem raises :class:`AdvisorRulesError`, whose message names the file,
the path inside it (``rules[3].when.dimension``), the advice rule concerned (by id) and the schema
or loader rule it breaks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from proeftuin.core.datafiles import (
    DataFileError,
    PathPart,
    check_cited,
    check_schema,
    file_stamps,
    format_path,
    installation_dirs,
    make_validator,
    override_dirs,
    parse_yaml,
    read_yaml_file,
    yaml_files,
)
from proeftuin.core.frameworks import Framework, get_frameworks
from proeftuin.core.frameworks.model import Text, TextList

from .conditions import Condition, ConditionError, dimensions_used, parse_condition
from .model import AdviceRule, DeadlineRule, PreconditionRule, RuleSet
from .schema import RULES_SCHEMA

ENV_VAR = "PROEFTUIN_ADVICE_DIR"
SHIPPED_PACKAGE = "proeftuin.advice"
SHIPPED_FILE = "advisor_rules.yaml"

_VALIDATOR = make_validator(RULES_SCHEMA)
_RULE_PATH = re.compile(r"^rules\[(\d+)\]")


class AdvisorRulesError(DataFileError):
    """An advisor rules file that cannot be used (file, path inside it, rule broken)."""


@dataclass(frozen=True, slots=True)
class _Layer:
    """One validated file."""

    file: str
    id: str
    version: str
    framework_id: str
    rules: tuple[AdviceRule, ...]
    deadline: DeadlineRule | None
    preconditions: Mapping[str, tuple[PreconditionRule, ...]]
    disabled: tuple[str, ...]


def shipped_file() -> Path:
    return Path(str(resources.files(SHIPPED_PACKAGE).joinpath(SHIPPED_FILE)))


def _with_rule_id(data: Any, path: str, detail: str) -> str:
    """Prefix the advice rule's id when the problem sits inside ``rules[i]``."""
    match = _RULE_PATH.match(path)
    if match and isinstance(data, Mapping):
        rules = data.get("rules")
        index = int(match.group(1))
        if isinstance(rules, list) and index < len(rules) and isinstance(rules[index], Mapping):
            rule_id = rules[index].get("id")
            if rule_id:
                return f"in advice rule {rule_id!r}: {detail}"
    return detail


def _check_schema(data: Any, file: str) -> None:
    try:
        check_schema(data, file, _VALIDATOR)
    except DataFileError as exc:
        raise AdvisorRulesError.from_error(exc, _with_rule_id(data, exc.path, exc.detail)) from exc


def _text(raw: Mapping[str, str]) -> Text:
    return Text(nl=raw["nl"], en=raw["en"])


def parse_layer(data: Any, file: str | os.PathLike[str], framework: Framework | None) -> _Layer:
    """Validate one file's data (schema, then semantics) and build its parts.

    ``framework`` is the framework the file names (``framework: four_plus_one``); None when it does
    not exist, which is an error.
    """
    file = str(file)
    _check_schema(data, file)

    def fail(parts: Sequence[PathPart], rule: str, detail: str):
        path = format_path(parts)
        raise AdvisorRulesError(file, path, rule, _with_rule_id(data, path, detail))

    if framework is None:
        fail(["framework"], "framework-exists", f"no framework {data['framework']!r} is loaded")
    assert framework is not None

    codes: list[str] = []
    for index, source in enumerate(data["sources"]):
        if source["code"] in codes:
            fail(["sources", index, "code"], "unique-id", f"duplicate source {source['code']!r}")
        codes.append(source["code"])

    def cited(parts: list[PathPart], citation: str) -> None:
        check_cited(citation, codes, parts, "the file's", fail)

    dimension_ids = {d.id for d in framework.dimensions}
    route_ids = [o.id for o in framework.sustainability_routes]
    strategy_ids = [o.id for o in framework.financing_strategies]
    options = {o.id: o for o in (*framework.sustainability_routes, *framework.financing_strategies)}

    def condition(raw: Any, parts: list[PathPart]) -> Condition:
        try:
            parsed = parse_condition(raw)
        except ConditionError as exc:
            fail([*parts, *exc.path], exc.rule, exc.detail)
        for dimension_id in dimensions_used(parsed):
            if dimension_id not in dimension_ids:
                fail(
                    parts,
                    "dimension-exists",
                    f"dimension {dimension_id!r} is not in framework {framework.id!r} "
                    f"({', '.join(sorted(dimension_ids))})",
                )
        return parsed

    deadline = None
    if "deadline" in data:
        raw = data["deadline"]
        cited(["deadline", "source"], raw["source"])
        deadline = DeadlineRule(
            months_before_cliff=raw["months_before_cliff"],
            minimum_months_to_decide=raw.get("minimum_months_to_decide", 1),
            source=raw["source"],
            rationale=_text(raw["rationale"]),
        )

    rules: list[AdviceRule] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(data.get("rules", [])):
        at: list[PathPart] = ["rules", index]
        if raw["id"] in seen:
            fail(
                [*at, "id"],
                "unique-id",
                f"duplicate rule id (also at {format_path(['rules', seen[raw['id']]])})",
            )
        seen[raw["id"]] = index
        cited([*at, "source"], raw["source"])
        actions = raw["actions"]
        if len(actions["nl"]) != len(actions["en"]):
            fail(
                [*at, "actions", "en"],
                "actions-paired",
                f"{len(actions['nl'])} Dutch action(s) but {len(actions['en'])} English; every "
                "action needs both",
            )
        for key, known, rule_name in (
            ("routes", route_ids, "route-exists"),
            ("strategies", strategy_ids, "strategy-exists"),
        ):
            for o_index, option_id in enumerate(raw.get(key, [])):
                if option_id not in known:
                    fail(
                        [*at, key, o_index],
                        rule_name,
                        f"{option_id!r} is not among the framework's {key} ({', '.join(known)})",
                    )
        rules.append(
            AdviceRule(
                id=raw["id"],
                priority=raw["priority"],
                when=condition(raw["when"], [*at, "when"]),
                title=_text(raw["title"]),
                advice=_text(raw["advice"]),
                actions=TextList(nl=tuple(actions["nl"]), en=tuple(actions["en"])),
                source=raw["source"],
                routes=tuple(raw.get("routes", ())),
                strategies=tuple(raw.get("strategies", ())),
                due_within_months=raw.get("due_within_months"),
                file=file,
            )
        )

    preconditions: dict[str, tuple[PreconditionRule, ...]] = {}
    for option_id, entries in data.get("preconditions", {}).items():
        at = ["preconditions", option_id]
        option = options.get(option_id)
        if option is None:
            fail(
                at,
                "option-exists",
                f"{option_id!r} is neither a route nor a strategy of framework {framework.id!r}",
            )
        count = len(option.preconditions.nl)
        built: list[PreconditionRule] = []
        indexes: set[int] = set()
        for e_index, entry in enumerate(entries):
            if entry["index"] >= count:
                fail(
                    [*at, e_index, "index"],
                    "precondition-exists",
                    f"{option_id!r} has {count} precondition(s), numbered from 0",
                )
            if entry["index"] in indexes:
                fail([*at, e_index, "index"], "unique-index", f"index {entry['index']} twice")
            indexes.add(entry["index"])
            built.append(
                PreconditionRule(
                    option_id=option_id,
                    index=entry["index"],
                    when=condition(entry["when"], [*at, e_index, "when"]),
                    basis=_text(entry["basis"]),
                )
            )
        preconditions[option_id] = tuple(built)

    return _Layer(
        file=file,
        id=data["id"],
        version=data["version"],
        framework_id=data["framework"],
        rules=tuple(rules),
        deadline=deadline,
        preconditions=preconditions,
        disabled=tuple(data.get("disabled_rules", ())),
    )


def _framework_for(data: Any, frameworks: Mapping[str, Framework]) -> Framework | None:
    if isinstance(data, Mapping) and isinstance(data.get("framework"), str):
        return frameworks.get(data["framework"])
    return None


def _merge(layers: Sequence[_Layer]) -> RuleSet:
    """Layer the files: later files add, replace or disable rules of earlier ones."""
    first = layers[0]
    rules: dict[str, AdviceRule] = {}
    preconditions: dict[str, tuple[PreconditionRule, ...]] = {}
    deadline = None
    for number, layer in enumerate(layers):
        if layer.framework_id != first.framework_id:
            raise AdvisorRulesError(
                layer.file,
                "framework",
                "framework-mismatch",
                f"framework {layer.framework_id!r} differs from {first.framework_id!r} in "
                f"{first.file}",
            )
        for index, rule_id in enumerate(layer.disabled):
            if rule_id not in rules:
                raise AdvisorRulesError(
                    layer.file,
                    format_path(["disabled_rules", index]),
                    "rule-exists",
                    f"cannot disable {rule_id!r}: no earlier file defines it",
                )
            del rules[rule_id]
        for rule in layer.rules:
            rules[rule.id] = rule  # a dict keeps the first position of a replaced key
        preconditions.update(layer.preconditions)
        deadline = layer.deadline or deadline
        if number == 0 and deadline is None:
            raise AdvisorRulesError(
                layer.file, "deadline", "required", "the base rules file needs a deadline"
            )
    version = "+".join([first.version, *(f"{la.id}@{la.version}" for la in layers[1:])])
    return RuleSet(
        framework_id=first.framework_id,
        version=version,
        rules=tuple(rules.values()),
        deadline=deadline,
        preconditions={
            (p.option_id, p.index): p for entries in preconditions.values() for p in entries
        },
        files=tuple(layer.file for layer in layers),
    )


def load_rules_text(
    text: str,
    file: str | os.PathLike[str] = "<text>",
    frameworks: Mapping[str, Framework] | None = None,
) -> RuleSet:
    """One rules file from text (it must be complete: with a deadline)."""
    frameworks = get_frameworks() if frameworks is None else frameworks
    data = parse_yaml(text, file, error=AdvisorRulesError)
    return _merge([parse_layer(data, file, _framework_for(data, frameworks))])


def _read_layer(path: Path, frameworks: Mapping[str, Framework]) -> _Layer:
    data = read_yaml_file(path, error=AdvisorRulesError)
    return parse_layer(data, path, _framework_for(data, frameworks))


def load_rules_file(
    path: str | os.PathLike[str], frameworks: Mapping[str, Framework] | None = None
) -> RuleSet:
    frameworks = get_frameworks() if frameworks is None else frameworks
    return _merge([_read_layer(Path(path), frameworks)])


def _installation_files(dirs: Iterable[Path]) -> list[Path]:
    return [path for d in dirs for path in yaml_files(d, ENV_VAR, error=AdvisorRulesError)]


def load_ruleset(
    extra_dirs: Iterable[str | os.PathLike[str]] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    frameworks: Mapping[str, Framework] | None = None,
) -> RuleSet:
    """The shipped rules with the installation's layers (``PROEFTUIN_ADVICE_DIR``) on top."""
    frameworks = get_frameworks(environ) if frameworks is None else frameworks
    dirs = override_dirs(ENV_VAR, extra_dirs, environ)
    layers = [_read_layer(shipped_file(), frameworks)]
    layers += [_read_layer(path, frameworks) for path in _installation_files(dirs)]
    return _merge(layers)


_cache: tuple[tuple, Framework | None, RuleSet] | None = None


def get_ruleset(environ: Mapping[str, str] | None = None) -> RuleSet:
    """Like :func:`load_ruleset`, cached on the files' modification times and the framework."""
    global _cache
    frameworks = get_frameworks(environ)
    files = [shipped_file(), *_installation_files(installation_dirs(ENV_VAR, environ))]
    key = file_stamps(files)
    cached = _cache
    if cached is not None and cached[0] == key:
        framework = frameworks.get(cached[2].framework_id)
        if framework is cached[1]:
            return cached[2]
    ruleset = load_ruleset(environ=environ, frameworks=frameworks)
    _cache = (key, frameworks.get(ruleset.framework_id), ruleset)
    return ruleset
