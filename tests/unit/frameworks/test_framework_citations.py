"""Every citation in the shipped frameworks points at a section that exists in its seed text.

The seed texts are not part of the repository; set PROEFTUIN_SEEDS_DIR to the directory that
holds them (default: the shared project folder). Without them these tests are skipped.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from proeftuin.core.frameworks import Framework, load_frameworks

SEEDS_DIR = Path(os.environ.get("PROEFTUIN_SEEDS_DIR", "/work/shared/seeds"))

pytestmark = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason=f"seed texts not available in {SEEDS_DIR}"
)

SECTION = re.compile(r"§\s*(\d+(?:\.\d+)*)")
TITLE = re.compile(r"'([^']+)'")
BOX = re.compile(r"\b(?:kader|box)\s+(\d+)", re.IGNORECASE)
APPENDIX = re.compile(r"\bbijlage\s+(\d+)", re.IGNORECASE)
#: Citations inside running text, e.g. "(004 §3.1)" in a rule's rationale.
INLINE = re.compile(r"\b(\d{3}) (§\s*\d+(?:\.\d+)*(?:, §\s*\d+(?:\.\d+)*)*)")


@cache
def seed_text(file: str) -> str:
    return (SEEDS_DIR / file).read_text(encoding="utf-8")


def section_exists(text: str, number: str) -> bool:
    """A heading line (or table-of-contents line) starting with the section number."""
    pattern = rf"(?m)^[#\s]*{re.escape(number)}\.?\s"
    return re.search(pattern, text) is not None


def check_locator(framework: Framework, code: str, locator: str, where: str) -> list[str]:
    """Problems with one citation ``code locator``; empty when everything is found."""
    problems: list[str] = []
    source = next((s for s in framework.sources if s.code == code), None)
    if source is None:
        return [f"{where}: source {code} not declared"]
    text = seed_text(source.file)
    rest = locator
    for number in SECTION.findall(locator):
        if not section_exists(text, number):
            problems.append(f"{where}: {code} §{number} not found in {source.file}")
    rest = SECTION.sub("", rest)
    chapter_start = 0
    for title in TITLE.findall(locator):
        position = text.rfind(title)  # the body heading, after the table of contents
        if position < 0:
            problems.append(f"{where}: chapter {title!r} not found in {source.file}")
        chapter_start = max(chapter_start, position)
    rest = TITLE.sub("", rest)
    for box in BOX.findall(locator):
        found = re.search(rf"Kader {box}\b", text[chapter_start:], re.IGNORECASE)
        if found is None:
            problems.append(f"{where}: kader {box} not found in {source.file}")
    rest = BOX.sub("", rest)
    for appendix in APPENDIX.findall(locator):
        if not re.search(rf"bijlage\s+{appendix}\b", text, re.IGNORECASE):
            problems.append(f"{where}: bijlage {appendix} not found in {source.file}")
    rest = APPENDIX.sub("", rest)
    if rest.strip(" ,;"):
        problems.append(f"{where}: cannot verify {rest.strip()!r} in citation {locator!r}")
    return problems


def citations(framework: Framework):
    """(where, code, locator) for every citation field and inline citation in the framework."""
    for source in framework.sources:
        assert (SEEDS_DIR / source.file).is_file(), f"{framework.id}: {source.file} missing"
        for section in source.sections:
            yield f"sources[{source.code}]", source.code, section
    for d_index, dimension in enumerate(framework.dimensions):
        code, _, locator = dimension.source.partition(" ")
        yield f"dimensions[{d_index}].source", code, locator
        for i_index, indicator in enumerate(dimension.indicators):
            code, _, locator = indicator.source.partition(" ")
            yield f"dimensions[{d_index}].indicators[{i_index}].source", code, locator
        for r_index, rule in enumerate(dimension.rules):
            if rule.rationale:
                for lang in ("nl", "en"):
                    for code, locator in INLINE.findall(rule.rationale.get(lang)):
                        yield f"dimensions[{d_index}].rules[{r_index}].rationale", code, locator
    for key in ("sustainability_routes", "financing_strategies"):
        for o_index, option in enumerate(getattr(framework, key)):
            code, _, locator = option.source.partition(" ")
            yield f"{key}[{o_index}].source", code, locator
            texts = [*option.preconditions.nl, *option.preconditions.en]
            texts += [*(option.examples.nl if option.examples else ())]
            for text in texts:
                for code, locator in INLINE.findall(text):
                    yield f"{key}[{o_index}] text", code, locator


@pytest.mark.parametrize(
    "framework_id",
    ["four_plus_one", "collaborative_innovation", "network_health", "presence_model"],
)
def test_every_cited_section_exists_in_the_seed(framework_id):
    framework = load_frameworks([])[framework_id]
    problems: list[str] = []
    checked = 0
    for where, code, locator in citations(framework):
        problems += check_locator(framework, code, locator, where)
        checked += 1
    assert checked > 10
    assert not problems, "\n".join(problems)


def test_checker_notices_a_missing_section():
    framework = load_frameworks([])["four_plus_one"]
    assert check_locator(framework, "004", "§9.9", "x")
    assert check_locator(framework, "004", "§3.1", "x") == []
    assert check_locator(framework, "004", "somewhere", "x")
