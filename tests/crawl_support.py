"""Crawling the screens a role can reach by clicking, for the language and accessibility tests."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

MAX_PAGES = 160  # per crawl: a safety net, the per-screen cap is what bounds it
# Never followed: leaving, switching language, downloads and renderings that are not pages.
SKIP = re.compile(
    r"uitloggen|/i18n/|/django-beheer/|/api/|/static/|/media/|\.(pdf|csv|xlsx|ods|docx|odt|ics)"
    r"|/pdf|/export|/download|/sjabloon|/rapport/.+\.|/schema|/kalender/"
)
#: Interface chrome: where a text is the application's own, not data someone typed.
CHROME_TAGS = {"label", "th", "button", "legend", "dt", "summary", "option"}


class PageText(HTMLParser):
    """Visible text of a page, and separately the text of its interface chrome.

    Text inside an element marked ``data-recorded`` is left out: it is a record kept as it was
    written (an access-log entry, part of a hash chain), in the language of whoever caused it.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.chrome: list[str] = []
        self._skip = 0
        self._chrome = 0
        self._recorded: list[str] = []  # the open data-recorded elements' tags
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "data-recorded" in values:
            self._recorded.append(tag)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag in CHROME_TAGS:
            self._chrome += 1
        for name in ("aria-label", "title", "placeholder", "alt"):
            if values.get(name):
                self.texts.append(values[name])
                self.chrome.append(values[name])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if self._recorded and self._recorded[-1] == tag:
            self._recorded.pop()
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if tag in CHROME_TAGS and self._chrome:
            self._chrome -= 1

    def handle_data(self, data: str) -> None:
        if self._skip or self._recorded or not data.strip():
            return
        self.texts.append(data)
        if self._chrome:
            self.chrome.append(data)


def crawl(
    client: Client, start: str = "/projecten/", per_screen: int = 2
) -> Iterator[tuple[str, PageText]]:
    """Yield (url, parsed page) for the pages reachable from ``start`` by following links."""
    queue, seen, per_route = deque([start]), {start}, {}
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        page = PageText()
        page.feed(response.content.decode())
        yield url, page
        for href in page.links:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or SKIP.search(href):
                continue
            try:
                match = resolve(parts.path)
            except Resolver404:
                continue
            # A route with a word in it (``<str:kind>``) is a different screen per word.
            words = sorted(str(v) for v in match.kwargs.values() if not str(v).isdigit())
            route = (match.route, *words)
            if href in seen or per_route.get(route, 0) >= per_screen:
                continue
            seen.add(href)
            per_route[route] = per_route.get(route, 0) + 1
            queue.append(href)
