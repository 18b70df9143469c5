"""The framework definition as immutable Python objects (built by the loader, read by scoring).

Framework → dimensions → indicators. Each framework has its own ordinal scale, listed from the
lowest level to the highest. *Onbekend* is not a level: it is always an allowed answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .schema import UNKNOWN

LANGUAGES = ("nl", "en")


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Dutch and English."""

    nl: str
    en: str

    def get(self, lang: str = "nl") -> str:
        """The text in ``lang`` ("nl" or "en"); Dutch for anything else (Dutch first)."""
        return self.en if lang == "en" else self.nl


@dataclass(frozen=True, slots=True)
class TextList:
    """A list of texts in Dutch and English (the lists need not be the same length)."""

    nl: tuple[str, ...]
    en: tuple[str, ...]

    def get(self, lang: str = "nl") -> tuple[str, ...]:
        return self.en if lang == "en" else self.nl


@dataclass(frozen=True, slots=True)
class Source:
    """A seed document the framework draws on, cited by its three-digit code."""

    code: str
    file: str
    title: str
    sections: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Level:
    code: str
    label: Text
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class Scale:
    """An ordered scale; ``levels[0]`` is the lowest."""

    levels: tuple[Level, ...]
    _ranks: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ranks = {level.code: index for index, level in enumerate(self.levels)}
        object.__setattr__(self, "_ranks", ranks)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(level.code for level in self.levels)

    def rank(self, code: str) -> int:
        """Position of ``code`` on the scale (0 = lowest). Raises KeyError for non-levels."""
        return self._ranks[code]

    def is_level(self, code: object) -> bool:
        return isinstance(code, str) and code in self._ranks

    def level(self, code: str) -> Level:
        return self.levels[self.rank(code)]

    def label(self, code: str, lang: str = "nl") -> str:
        """Label of a level, or of *onbekend*."""
        if code == UNKNOWN:
            return "unknown" if lang == "en" else "onbekend"
        return self.level(code).label.get(lang)


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    text: Text
    guiding_questions: TextList
    source: str
    short_label: Text | None = None
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> Text:
        """A short name for charts and tables; the full text when the file gives none."""
        return self.short_label or self.text


@dataclass(frozen=True, slots=True)
class Rule:
    """One explicit summary rule of a dimension.

    ``at_least``        present when at least ``count`` indicators rate ≥ ``level``
    ``all_at_least``    present when every indicator rates ≥ ``level``
    ``median_at_least`` present when the (lower) median rating is ≥ ``level``, i.e. when more
                        than half of the indicators rate ≥ ``level``

    ``indicators`` narrows the rule to some of the dimension's indicators (all when empty).
    """

    kind: str
    level: str
    count: int | None = None
    indicators: tuple[str, ...] = ()
    rationale: Text | None = None


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    name: Text
    source: str
    indicators: tuple[Indicator, ...]
    rules: tuple[Rule, ...]
    combine: str = "all"
    description: Text | None = None

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(indicator.id for indicator in self.indicators)

    def scope(self, rule: Rule) -> tuple[Indicator, ...]:
        """The indicators a rule looks at."""
        if not rule.indicators:
            return self.indicators
        wanted = set(rule.indicators)
        return tuple(indicator for indicator in self.indicators if indicator.id in wanted)


@dataclass(frozen=True, slots=True)
class Option:
    """A +1 option (sustainability route or financing strategy) with its conditions."""

    id: str
    name: Text
    description: Text
    source: str
    preconditions: TextList
    advantages: TextList
    drawbacks: TextList
    kind: str | None = None
    examples: TextList | None = None


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    version: str
    name: Text
    description: Text
    sources: tuple[Source, ...]
    scale: Scale
    dimensions: tuple[Dimension, ...]
    sustainability_routes: tuple[Option, ...] = ()
    financing_strategies: tuple[Option, ...] = ()
    #: The file the definition was read from.
    path: Path | None = None
    #: When an installation file replaced a shipped framework: the shipped file it replaced.
    overrides: Path | None = field(default=None, compare=False)
    _indicator_ids: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _known: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = tuple(i.id for d in self.dimensions for i in d.indicators)
        object.__setattr__(self, "_indicator_ids", ids)
        object.__setattr__(self, "_known", frozenset(ids))

    def dimension(self, dimension_id: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def indicators(self) -> Iterator[tuple[Dimension, Indicator]]:
        """Every indicator with its dimension, in file order."""
        for dimension in self.dimensions:
            for indicator in dimension.indicators:
                yield dimension, indicator

    def indicator(self, indicator_id: str) -> Indicator:
        for _dimension, indicator in self.indicators():
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """Every indicator id, in file order."""
        return self._indicator_ids

    def has_indicator(self, indicator_id: object) -> bool:
        return indicator_id in self._known
