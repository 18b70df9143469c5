"""The main screens read at B1 level (issue 11, item 7): Flesch-Douma over their Dutch prose.

What is measured is the interface's own Dutch on each screen: every text on the rendered page
that is a text of the catalogue (a ``translate`` in a template, a ``gettext`` in the code), so
project names, summaries and other data people typed do not count. Only body text counts: texts
of at least :data:`MIN_WORDS` words (sentences, hints, leads). Labels, column headings and buttons
are single domain terms ("Financieringsklif", "Innovatiefase") for which a reading-ease formula
says nothing. The threshold and the formula are in :mod:`proeftuin.core.readability` and
docs/language.md.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from crawl_support import PageText
from django.conf import settings
from django.test import Client

from proeftuin.core import readability

#: Body text, not a label: at least this many words.
MIN_WORDS = 5
MO = Path(__file__).resolve().parents[2] / "src/proeftuin/locale/en/LC_MESSAGES/django.mo"


def _normal(text: str) -> str:
    return " ".join(text.split())


def _catalogue_texts() -> set[str]:
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001 - the parsed .mo
    return {_normal(k) for k in catalogue if isinstance(k, str) and k}


def _interface_dutch(html: str, catalogue: set[str]) -> list[str]:
    page = PageText()
    page.feed(html.split("<main", 1)[-1].split("</main>", 1)[0])
    return [
        text
        for text in map(_normal, page.texts)
        if text in catalogue and len(readability.words(text)) >= MIN_WORDS
    ]


@pytest.fixture
def screens(db):
    """The main screens of the demo municipality, rendered in Dutch: url → interface texts."""
    from proeftuin.accounts.models import User
    from proeftuin.demo.generator import generate
    from proeftuin.monitoring import recording
    from proeftuin.monitoring.models import Measurement
    from proeftuin.portfolio.models import Project

    generate(projects=4, seed=2026)
    beleid = User.objects.get(username="beleid")
    client = Client()
    client.force_login(beleid)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    project = Project.objects.filter(owner=beleid.organisation).order_by("pk").first()
    measurement = Measurement.objects.filter(trajectory__project__owner=project.owner).first()
    _link, token = recording.create_self_report_link(measurement, days=3, language="nl")
    catalogue = _catalogue_texts()
    urls = {
        "portfolio": "/projecten/",
        "project page": f"/projecten/{project.pk}/",
        "advisor": f"/verduurzaming/{project.pk}/",
        "social value (MKBA)": f"/waarde/{project.pk}/",
        "tel en vertel": f"/tel-en-vertel/project/{project.pk}/",
        "funding cliff": "/projecten/financieringsklif/",
        "self-report": f"/tel-en-vertel/zelf/{token}/",
    }
    pages = {}
    for name, url in urls.items():
        http = Client() if name == "self-report" else client
        response = http.get(url)
        assert response.status_code == 200, url
        pages[name] = _interface_dutch(response.content.decode(), catalogue)
    return pages


def test_the_main_screens_read_at_b1(screens):
    """Each screen with body text of its own reads at B1, and so do all of them together (a screen
    made of labels and data, such as the project page's overview, has little prose to measure)."""
    measured = {name: texts for name, texts in screens.items() if len(texts) >= 3}
    assert len(measured) >= 4, (
        f"too little body text found: { {n: len(t) for n, t in screens.items()} }"
    )
    failing = {}
    everything = [text for texts in screens.values() for text in texts]
    for name, texts in [*measured.items(), ("all screens together", everything)]:
        found = readability.measure(texts)
        if not found.is_b1:
            hardest = sorted(texts, key=lambda t: readability.measure(t).ease)[:5]
            failing[name] = (round(found.ease, 1), round(found.words_per_sentence, 1), hardest)
    report = "\n".join(
        f"{name}: ease {ease} (B1 ≥ {readability.B1_MIN_EASE}), {words} words per sentence "
        f"(≤ {readability.B1_MAX_WORDS_PER_SENTENCE}); hardest: {hardest}"
        for name, (ease, words, hardest) in failing.items()
    )
    assert not failing, report
