"""No language leftovers: every page a role can reach, rendered in English and in Dutch.

The test crawls the demo municipality as several roles, following the links a person can click
(GET only, a few URLs per route so it stays bounded), and reads the visible text of each page:
text nodes and the labels a screen reader speaks (``aria-label``, ``title``, ``placeholder``,
``alt``).

* In English, no Dutch source text that the catalogue translates may appear: it would mean a text
  was rendered without its translation (a ``gettext`` at import time, a code returned by the core
  and shown as Dutch, a template that forgot ``translate``).
* In Dutch, no English translation may appear (the reverse leak).
* In both, no internal key (``entrepreneurship_weak``, ``one_contact_person``) may show in the
  interface chrome (labels, headings of tables, buttons, hints): keys belong in a "bron" disclosure
  or nowhere.

Besides the catalogue's texts, two other sources are checked both ways:

* names and texts from the shipped data files (``{nl: …, en: …}`` in every YAML file: instrument
  and framework names, domains, indicator sets, typologies, price lists), which the Django layer
  must pick by the active language;
* texts with placeholders (the intake's problem messages, ``Score %(value)s valt buiten …``), as
  patterns: the crawl first makes a portfolio import with problems, so their page is visited.

``test_every_marked_text_has_a_translation`` closes the other gap: a text marked for translation
but without an English entry in the catalogue (makemessages on a copy of the tree).
"""

from __future__ import annotations

import gettext
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from crawl_support import PageText, crawl
from django.conf import settings
from django.test import Client

SRC = Path(__file__).resolve().parents[2] / "src" / "proeftuin"
MO = SRC / "locale" / "en" / "LC_MESSAGES" / "django.mo"
ROLES = ("projectleider", "beleid", "beheerder", "financier")
PER_ROUTE = 2  # URLs visited per screen (route and its words) per role and language
# Texts too short or too generic to tell the languages apart ("Status", "Plan", "Project").
MIN_WORDS = 2
# snake_case identifiers; statistical notation such as d_z is not a key.
INTERNAL_KEY = re.compile(r"\b[a-z]{2,}(?:_[a-z0-9]{2,})+\b")


def _normal(text: str) -> str:
    return " ".join(text.split())


def _catalogue() -> dict[str, str]:
    """Dutch msgid → English msgstr, for entries whose translation differs and is worth checking."""
    if not MO.exists():
        pytest.fail(f"{MO} is missing: run `make messages` (needs gettext's msgfmt)")
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001 - the parsed .mo
    pairs = {}
    for msgid, msgstr in catalogue.items():
        if isinstance(msgid, tuple):  # plural forms: (msgid, n)
            continue
        if not msgid or "%" in msgid or "{" in msgid:
            continue  # the header, and texts with placeholders (their parts are checked apart)
        if isinstance(msgstr, str) and _normal(msgid) != _normal(msgstr):
            pairs[_normal(msgid)] = _normal(msgstr)
    return pairs


def _worth(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS and len(text) >= 10


def _data_file_pairs() -> dict[str, str]:
    """Dutch → English for every ``{nl, en}`` text in the shipped data files that differs."""
    pairs: dict[str, str] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            nl, en = node.get("nl"), node.get("en")
            if isinstance(nl, str) and isinstance(en, str) and _normal(nl) != _normal(en):
                pairs[_normal(nl)] = _normal(en)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(SRC.rglob("*.yaml")):
        if "static" not in path.parts:
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return pairs


#: The fixed part of a placeholder text must be this long to be worth matching as a pattern.
MIN_PATTERN_CHARS = 24


def _patterns(msgids) -> re.Pattern | None:
    """One regex matching any of ``msgids`` with its ``%(name)s`` placeholders as wildcards."""
    parts = []
    for msgid in msgids:
        fixed = re.sub(r"%\(\w+\)[sd]", "", msgid).replace("%%", "%")
        literal = "%(" not in msgid  # a whole name: matched as whole words, however short
        if not literal and (len(fixed) < MIN_PATTERN_CHARS or len(fixed.split()) < 4):
            continue
        pieces = re.split(r"%\(\w+\)[sd]", _normal(msgid).replace("%%", "%"))
        body = ".{1,80}?".join(re.escape(p) for p in pieces)
        parts.append(rf"(?<!\w){body}(?!\w)" if literal else body)
    return re.compile("|".join(parts)) if parts else None


def _literal(text: str) -> str:
    """A text as a msgid-like pattern source: ``%`` escaped, so it has no placeholders."""
    return text.replace("%", "%%")


def _placeholder_catalogue() -> dict[str, str]:
    """Dutch msgid → English msgstr for texts with ``%(name)s`` placeholders that differ."""
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001 - the parsed .mo
    return {
        msgid: msgstr
        for msgid, msgstr in catalogue.items()
        if isinstance(msgid, str)
        and "%(" in msgid
        and isinstance(msgstr, str)
        and _normal(msgid) != _normal(msgstr)
    }


def _import_with_problems(username: str) -> None:
    """A portfolio import whose check found problems (a date, a municipality), as a user leaves
    it: the crawl reaches its page from *Portfolio importeren*."""
    from openpyxl import Workbook

    from proeftuin.accounts.models import User
    from proeftuin.core import portfolio_exchange as core
    from proeftuin.portfolio import exchange
    from proeftuin.portfolio.registry import PortfolioImport

    user = User.objects.get(username=username)
    book = Workbook()
    book.active.append(["Projectnaam", "Gemeente", "Startdatum", "Regeling", "Financier"])
    book.active.append(["Buurtkamer Nergens", "Atlantis", "01-01-2025", "Subsidie", "ZonMw"])
    book.active.append(["Buurtkamer Nooit", "", "31-02-2025", "Subsidie", "ZonMw"])
    out = io.BytesIO()
    book.save(out)
    parsed = exchange.read(out.getvalue(), "fouten.xlsx")
    imp = PortfolioImport.objects.create(
        organisation=user.organisation,
        created_by=user,
        original_name="fouten.xlsx",
        content=out.getvalue(),
        mapping={s.name: core.default_mapping(s) for s in parsed.sheets},
    )
    outcome = exchange.run(imp, user, commit=False)
    assert outcome.problems, "the file must give problems for the crawl to check"
    imp.result = {**outcome.to_dict(), "committed": False}
    imp.save(update_fields=["result"])


@pytest.fixture
def crawled(db):
    """Every role's pages in both languages, crawled once (one test, so one demo load)."""
    from proeftuin.accounts.models import User
    from proeftuin.demo.generator import generate

    generate(projects=15, seed=2026)
    _import_with_problems("beleid")
    pages: dict[str, list[tuple[str, str, PageText]]] = {"en": [], "nl": []}
    for username in ROLES:
        for language in ("en", "nl"):
            client = Client()
            client.force_login(User.objects.get(username=username))
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for url, page in crawl(client, per_screen=PER_ROUTE):
                pages[language].append((username, url, page))
    return pages


def test_no_language_leftovers(crawled):
    """One crawl, four checks: reach, Dutch in English, English in Dutch, internal keys."""
    urls = {url for _role, url, _page in crawled["en"]}
    # A positive control: the crawl really visits the screens whose text it checks.
    for expected in ("/projecten/", "/tel-en-vertel/", "/waarde/", "/verduurzaming/", "/beheer/"):
        assert any(expected in url for url in urls), f"the crawl never reached {expected}"
    assert any(re.search(r"/projecten/importeren/\d+/", url) for url in urls), "no import page"
    assert len(urls) >= 40

    catalogue = _catalogue()
    data = _data_file_pairs()
    dutch = {nl: en for nl, en in {**data, **catalogue}.items() if _worth(nl)}
    english = {en: nl for nl, en in {**data, **catalogue}.items() if _worth(en)}
    placeholders = _placeholder_catalogue()
    # Data-file names also inside a longer text ("<name>: verandering tussen …"), as patterns.
    dutch_pattern = _patterns([*placeholders, *(_literal(n) for n in data if _worth(n))])
    english_pattern = _patterns(
        [*placeholders.values(), *(_literal(e) for e in data.values() if _worth(e))]
    )
    problems: dict[str, str] = {}  # the leftover → the first page it was seen on

    def found(what: str, where: str) -> None:
        problems.setdefault(what, where)

    for role, url, page in crawled["en"]:
        for text in map(_normal, page.texts):
            if text in dutch:
                found(f"untranslated: {text!r} (catalogue: {dutch[text]!r})", f"{url} ({role})")
            elif dutch_pattern is not None and (match := dutch_pattern.search(text)):
                found(f"untranslated: {match.group(0)!r} in {text[:80]!r}", f"{url} ({role})")
    for _role, url, page in crawled["nl"]:
        for text in map(_normal, page.texts):
            if text in english:
                found(f"English in Dutch: {text!r} (catalogue: {english[text]!r})", url)
            elif english_pattern is not None and (match := english_pattern.search(text)):
                found(f"English in Dutch: {match.group(0)!r} in {text[:80]!r}", url)
    for language in ("en", "nl"):
        for _role, url, page in crawled[language]:
            for text in page.chrome:
                for key in INTERNAL_KEY.findall(text):
                    found(f"internal key ({language}): {key!r} in {_normal(text)[:60]!r}", url)
    listing = "\n".join(f"{what}  at {where}" for what, where in sorted(problems.items()))
    assert not problems, f"{len(problems)} language leftovers:\n{listing}"


def test_the_checks_catch_a_leftover():
    """Positive control for the detectors above, on a made-up page."""
    data = _data_file_pairs()
    assert data["Zelfredzaamheid per leefgebied"] == "Self-reliance per life domain"
    placeholders = _placeholder_catalogue()
    pattern = _patterns(placeholders)
    assert pattern is not None and pattern.search(
        "Score 6 valt buiten de schaal 1–5 van Wonen. Vul een getal van 1 tot en met 5 in."
    )
    assert not pattern.search("Score 6 is outside the scale 1–5 of Housing.")
    names = _patterns([_literal(n) for n in data if _worth(n)])
    assert names.search("Zelfredzaamheid per leefgebied: change between baseline and last")
    assert not names.search("Self-reliance per life domain: change between baseline and last")
    catalogue = _catalogue()
    dutch, english = next((nl, en) for nl, en in catalogue.items() if _worth(nl) and _worth(en))
    page = PageText()
    page.feed(
        f"<p>{dutch}</p><label>kenmerk one_contact_person</label>"
        "<table><tr><td data-recorded>3 trajecten vastgelegd</td><td>Actie</td></tr></table>"
    )
    assert "3 trajecten vastgelegd" not in page.texts and "Actie" in page.texts
    assert _normal(page.texts[0]) in catalogue
    assert INTERNAL_KEY.findall(" ".join(page.chrome)) == ["one_contact_person"]
    assert english


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools not installed")
def test_every_marked_text_has_a_translation(tmp_path):
    """makemessages on a copy of the tree: no untranslated and no fuzzy entry in English."""
    copy = tmp_path / "proeftuin"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "proeftuin.settings.dev"},
    )
    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    missing = re.findall(r'^msgid "(.+)"$', untranslated, flags=re.M)
    fuzzies = re.findall(r'^msgid "(.+)"$', fuzzy, flags=re.M)
    assert not missing, "Texts without an English translation:\n" + "\n".join(missing[:60])
    assert not fuzzies, "Fuzzy translations (check and unmark):\n" + "\n".join(fuzzies[:60])


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext tools not installed")
def test_the_catalogue_compiles_without_duplicates():
    """Branches append to the catalogue and it merges by union: a text added twice breaks
    compilemessages (and with it `make install`)."""
    po = SRC / "locale" / "en" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, (
        f"{result.stderr}\nRemove the second entry, or run `msguniq --use-first -o {po} {po}`."
    )
