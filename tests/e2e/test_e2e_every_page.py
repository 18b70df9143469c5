"""axe-core on every screen a role can reach by clicking, WCAG 2.2 A and AA, every impact.

The screens are found the way a person finds them: a crawl from the portfolio following links
(``crawl_support``), one URL per screen, as the roles that together see every screen. Each is then
opened in Chromium, its charts drawn, and checked. A new screen is covered as soon as something
links to it, without editing a list.
"""

from __future__ import annotations

import pytest
from crawl_support import crawl
from django.test import Client
from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

ROLES = ("beleid", "projectleider", "beheerder")
# Public pages: nobody links to them from the portfolio.
PUBLIC = ("/account/inloggen/", "/account/wachtwoord-vergeten/", "/toegankelijkheid/")


def _screens(role: str, seen_routes: set) -> list[str]:
    from django.urls import resolve

    from proeftuin.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=role))
    urls = []
    for url, _page in crawl(client, per_screen=1):
        match = resolve(url.split("?")[0])
        key = (match.route, *sorted(str(v) for v in match.kwargs.values() if not str(v).isdigit()))
        if key not in seen_routes:
            seen_routes.add(key)
            urls.append(url)
    return urls


def _violations(page: Page, run_axe) -> list[str]:
    lines = []
    for v in run_axe(page):
        lines.append(f"{page.url}: {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {' '.join(node['summary'].split())}")
    return lines


def test_every_screen_passes_axe(page: Page, context, login, demo, wait_for_chart, run_axe):
    failures, visited, seen = [], 0, set()
    for url in PUBLIC:
        page.goto(url)
        failures.extend(_violations(page, run_axe))
        visited += 1
    for role in ROLES:
        context.clear_cookies()
        login(role)
        for url in _screens(role, seen):
            response = page.goto(url)
            assert response.status == 200, f"{url} as {role}: HTTP {response.status}"
            if page.locator("[data-vega-spec]").count():
                wait_for_chart(page)  # axe judges the drawn chart, not a half-built one
            failures.extend(_violations(page, run_axe))
            visited += 1
    assert visited >= 45, f"only {visited} screens reached: the crawl is broken"
    if failures:
        pytest.fail(f"axe on {visited} screens:\n" + "\n".join(failures), pytrace=False)
