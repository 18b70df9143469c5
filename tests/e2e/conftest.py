"""Browser fixtures: one headless Debian Chromium per session, a fresh context per test.

The sync Playwright API runs an event loop in the test thread, so Django's async-safety check has to
be switched off for the ORM calls the tests make (data set-up) next to it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import demo_snapshot  # noqa: E402
import pytest  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "proeftuin-demo"  # noqa: S105 - the documented demo credential
# Generous by default: on a loaded 2-core machine a page or a PDF can take many seconds. Every
# wait is for a condition, so a longer limit costs nothing when the machine is idle. 30 s was not
# enough: with a load average of 20-30 (make e2e-stress while other test runs shared the 2 cores)
# the workshop self-scan test failed in one of three runs; alone at a load of 10 it takes 3.5
# minutes.
TIMEOUT_MS = int(os.environ.get("PROEFTUIN_E2E_TIMEOUT_MS", "60000"))
# Rendering a PDF report (WeasyPrint and vl-convert) is the slowest thing a test waits for.
SLOW_TIMEOUT_MS = 4 * TIMEOUT_MS
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (make browser installs Debian's chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class BrowserProblems:
    """Console errors, uncaught exceptions and CSP violations seen by one page."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [
            *self.console_errors,
            *self.page_errors,
            *self.csp_violations,
            *self.failed_requests,
        ]


# Chromium logs a CSP violation to the console in its own words; this makes each one explicit
# ("CSP violation: <directive> blocked <what>") so the page fixture can count them separately.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    # A Dutch browser: the app follows Accept-Language until someone picks a language.
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    ctx.add_init_script(CSP_LISTENER)
    yield ctx
    ctx.close()


@pytest.fixture
def slow_timeout() -> int:
    """Milliseconds to wait for slow work such as a PDF download."""
    return SLOW_TIMEOUT_MS


@pytest.fixture
def problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def page(context: BrowserContext, problems: BrowserProblems) -> Page:
    page = context.new_page()

    def on_console(msg):
        if msg.type == "error":
            target = (
                problems.csp_violations if "CSP violation" in msg.text else problems.console_errors
            )
            target.append(f"{msg.text} ({page.url})")

    def on_response(response):
        if response.status >= 400 and "/static/" in response.url:
            problems.failed_requests.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.page_errors.append(f"{exc} ({page.url})"))
    page.on("response", on_response)
    return page


@pytest.fixture(scope="session")
def _demo_snapshot() -> dict:
    """The generated demo database, kept between tests (see demo_snapshot.py)."""
    return {}


@pytest.fixture
def demo(transactional_db, _demo_snapshot) -> dict:
    """Gemeente Voorbeeldstad: 15 projects, partners and the seven demo users.

    Live-server tests run transactionally, so the database is emptied after every test. The first
    test generates the demo; on SQLite in memory and on PostgreSQL a copy of the database is kept
    (demo_snapshot.py) and put back for the next tests, which is much faster than generating
    again. Other databases generate every time.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from proeftuin.demo.generator import generate

    if "copy" in _demo_snapshot:
        _demo_snapshot["copy"].restore(connection)
        # The flush made the content types again with other ids; the copy has the demo's.
        ContentType.objects.clear_cache()
        return _demo_snapshot["summary"]
    summary = generate(projects=15, seed=2026)
    if demo_snapshot.supported(connection):
        _demo_snapshot.update(copy=demo_snapshot.take(connection), summary=summary)
    return summary


@pytest.fixture
def login_via_form(page: Page, demo):
    """``login_via_form("beleid")`` signs a demo user in through the real login form."""

    def do_login(username: str) -> Page:
        page.goto("/account/inloggen/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        expect(page).to_have_url(re.compile(r"/projecten/$"))
        return page

    return do_login


@pytest.fixture
def login(context: BrowserContext, page: Page, live_server, demo):
    """``login("beleid")``: a signed-in session for a demo user, without the login round trip.

    The login form itself is covered by ``login_via_form``; most tests only need to be signed in.
    """
    from django.conf import settings
    from django.test import Client

    from proeftuin.accounts.models import User

    def do_login(username: str) -> Page:
        client = Client()
        client.force_login(
            User.objects.get(username=username),
            backend="django.contrib.auth.backends.ModelBackend",
        )
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return page

    return do_login


@pytest.fixture
def project_pk(demo):
    """``project_pk("Herstelacademie")``: a demo project's primary key, by name."""
    from proeftuin.portfolio.models import Project

    return lambda name: Project.objects.get(name=name).pk


# Accessibility ----------------------------------------------------------------------------------

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def run_axe(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now; returns the violations (all impacts)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make assets` (npm ci)", pytrace=False)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # add_script_tag with a path inlines the file: CSP (no inline script) would block it.
        # Playwright's CDP evaluate is not subject to the page's CSP, so evaluate the source.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;void 0;")
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            })))""",
        WCAG_TAGS,
    )


def _serious_violations(page: Page) -> list[str]:
    """axe's serious and critical findings on the page, one readable block per rule."""
    lines = []
    for v in run_axe(page):
        if v["impact"] not in ("serious", "critical"):
            continue
        lines.append(f"{page.url}: {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:8]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
    return lines


def _assert_accessible(page: Page) -> None:
    """No serious or critical WCAG 2.1 A/AA violation on the page."""
    lines = _serious_violations(page)
    if lines:
        pytest.fail("axe found serious/critical violations:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)`` runs axe-core and fails on serious or critical violations."""
    return _assert_accessible


@pytest.fixture(name="run_axe")
def run_axe_fixture():
    """``run_axe(page)``: every WCAG A/AA violation axe finds, whatever its impact."""
    return run_axe


@pytest.fixture
def axe_violations():
    """``axe_violations(page)``: the serious and critical findings, for tests that visit many pages."""
    return _serious_violations


CHART_SVG = ".pt-chart__canvas svg[role='img'][aria-label]"


def _wait_for_chart(page: Page) -> None:
    """Wait until charts.js has drawn the Vega-Lite chart and labelled its SVG."""
    expect(page.locator(CHART_SVG).first).to_be_visible()
    expect(
        page.locator(f"{CHART_SVG} .mark-rect path, {CHART_SVG} .mark-symbol path").first
    ).to_be_attached()


@pytest.fixture
def wait_for_chart():
    """``wait_for_chart(page)``: the SVG chart is drawn and has its text alternative."""
    return _wait_for_chart
