"""Assessment frameworks as data: definitions, their loader, and the dimension summary rules.

A framework (the 4+1 scan, collaborative innovation, network health, the presence model, or one an
installation adds) is a YAML file validated against a JSON Schema when it is loaded. It holds
dimensions, each with indicators that cite their source, an ordinal scale of its own, and explicit
summary rules. *Onbekend* (unknown) is always an allowed answer and never counts as zero.

Pure core: no Django imports. Typical use::

    from proeftuin.core.frameworks import load_frameworks, summarize

    frameworks = get_frameworks()   # shipped + PROEFTUIN_FRAMEWORKS_DIR, cached on file mtimes
    scan = frameworks["four_plus_one"]
    summary = summarize(scan, {"baseline_measurement": "matig", "salmon_leader": "onbekend"})
    for dim in summary.dimensions:
        print(dim.outcome, dim.coverage_text, dim.explanation.nl)
"""

from .loader import (
    ENV_VAR,
    FrameworkLoadError,
    get_frameworks,
    load_framework_file,
    load_framework_text,
    load_frameworks,
    parse_framework,
    shipped_dir,
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
from .schema import FRAMEWORK_SCHEMA, RULE_KINDS, UNKNOWN
from .scoring import (
    DimensionSummary,
    FrameworkSummary,
    Outcome,
    RatingError,
    RuleResult,
    check_rating,
    check_ratings,
    summarize,
    summarize_dimension,
)

__all__ = [
    "ENV_VAR",
    "FRAMEWORK_SCHEMA",
    "RULE_KINDS",
    "UNKNOWN",
    "Dimension",
    "DimensionSummary",
    "Framework",
    "FrameworkLoadError",
    "FrameworkSummary",
    "Indicator",
    "Level",
    "Option",
    "Outcome",
    "RatingError",
    "Rule",
    "RuleResult",
    "Scale",
    "Source",
    "Text",
    "TextList",
    "check_rating",
    "check_ratings",
    "get_frameworks",
    "load_framework_file",
    "load_framework_text",
    "load_frameworks",
    "parse_framework",
    "shipped_dir",
    "summarize",
    "summarize_dimension",
]
