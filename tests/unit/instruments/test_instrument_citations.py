"""Every citation in the shipped instruments points at text that exists in its seed.

The seed texts are not part of the repository; set PROEFTUIN_SEEDS_DIR to the directory that
holds them (default: the shared project folder). Without them these tests are skipped.

A citation is ``<code> <locator> (<what>)``. The locator's section numbers (``§2.3``) must be
headings in the seed and its quoted chapter titles must occur; other locator words (``Inleiding,
Afbakening``) must occur in the seed; and at least one word of the parenthesised note must occur
in the cited section, so the note says what the section is about.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from proeftuin.core.instruments import Instrument, load_instruments

SEEDS_DIR = Path(os.environ.get("PROEFTUIN_SEEDS_DIR", "/work/shared/seeds"))

pytestmark = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason=f"seed texts not available in {SEEDS_DIR}"
)

SECTION = re.compile(r"§\s*(\d+(?:\.\d+)*)")
TITLE = re.compile(r"'([^']+)'")
NOTE = re.compile(r"\(([^)]*)\)\s*$")
WORD = re.compile(r"[a-zà-ÿ]{5,}")


@cache
def seed_text(file: str) -> str:
    return (SEEDS_DIR / file).read_text(encoding="utf-8")


def section_scope(text: str, number: str) -> str | None:
    """The body of a numbered section: from its last heading to the next numbered heading."""
    headings = list(re.finditer(rf"(?m)^{re.escape(number)}\s", text))
    if not headings:
        return None
    start = headings[-1].end()
    following = re.search(r"(?m)^(\d+\.\d+(?:\.\d+)?)\s|^Hoofdstuk \d", text[start:])
    return text[start : start + following.start()] if following else text[start:]


def problems_in(instrument: Instrument) -> list[str]:
    problems = []
    for item in instrument.items:
        for citation in item.cites:
            where = f"{instrument.id}/{item.id}: {citation!r}"
            code, _, locator = citation.partition(" ")
            source = instrument.source(code)
            if not source.file or not (SEEDS_DIR / source.file).is_file():
                problems.append(f"{where}: seed file {source.file} missing")
                continue
            text = seed_text(source.file)
            lower = text.lower()
            note_match = NOTE.search(locator)
            note = note_match.group(1) if note_match else ""
            locator = NOTE.sub("", locator)
            scopes = []
            for number in SECTION.findall(locator):
                scope = section_scope(text, number)
                if scope is None:
                    problems.append(f"{where}: §{number} is not a heading in {source.file}")
                else:
                    scopes.append(scope)
            for title in TITLE.findall(locator):
                position = text.rfind(title)
                if position < 0:
                    problems.append(f"{where}: chapter {title!r} not in {source.file}")
                else:
                    scopes.append(text[position : position + 40_000])
            rest = TITLE.sub("", SECTION.sub("", locator)).lower()
            for word in WORD.findall(rest):
                if word not in lower:
                    problems.append(f"{where}: {word!r} not in {source.file}")
                elif not scopes:
                    at = lower.find(word)
                    scopes.append(text[at : at + 5_000])
            words = WORD.findall(note.lower())
            scope = " ".join(scopes).lower() or lower
            if words and not any(word in scope for word in words):
                problems.append(f"{where}: none of {words} occurs in the cited section")
    return problems


@pytest.mark.parametrize("instrument", load_instruments(environ={}).values(), ids=lambda i: i.id)
def test_citations_point_at_existing_text(instrument):
    assert problems_in(instrument) == []


def test_checker_catches_a_wrong_section(minimal):
    from proeftuin.core.instruments import parse_instrument

    minimal["sources"][0]["file"] = "004_3991f965dde60b6a.txt"
    minimal["items"][0]["cites"] = ["004 §9.9 (wonen)"]
    minimal["items"][1]["cites"] = ["004 §2.3 (ruimtevaartprogramma)"]
    problems = problems_in(parse_instrument(minimal))
    assert any("§9.9 is not a heading" in p for p in problems)
    assert any("ruimtevaartprogramma" in p for p in problems)
