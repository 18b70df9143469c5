"""Load benchmark: 25 logged-in users against gunicorn on 127.0.0.1, on SQLite and PostgreSQL.

Each user is a thread with its own session that loops over a mix of reads (portfolio, project,
monitoring tab, goals, the rating screen) and writes to every kind of editable object a user
touches most (a goal, a project and a funding stream edit with their version tokens, an
assessment rating with evidence, an autosaved Tel en vertel score), for ``--seconds`` (default
600). Every user writes only objects of its own, so every accepted write must be in the database
afterwards: the check reads the final rows and the history rows and reports a *lost write* for
every accepted save that is not there. It prints errors (HTTP 5xx, timeouts, connection errors),
p50/p95/p99 per page, lost writes and the machine's load average during the run::

    .venv/bin/python bench/bench_load.py --seconds 60            # SQLite, and PostgreSQL too
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_load.py

The PostgreSQL run uses a throwaway database created next to the one BENCH_POSTGRES_URL names.
Nothing here asserts on timing. The server runs with ``proeftuin.settings.test`` (DEBUG off, fast
password hashing) in a fresh ``PROEFTUIN_VAR_DIR``.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway database
INDICATORS = ("integrated_all_domains", "one_contact_person")
DOMAIN = "housing"

SETUP = textwrap.dedent(
    """
    import json, sys, datetime as dt
    import django
    django.setup()
    from django.urls import reverse
    from proeftuin.accounts.models import Organisation, User
    from proeftuin.assessments.models import Assessment
    from proeftuin.core.frameworks import load_frameworks
    from proeftuin.core.instruments import LIFE_DOMAINS
    from proeftuin.monitoring import services
    from proeftuin.monitoring.models import Measurement, Participant, Trajectory
    from proeftuin.portfolio.models import FundingStream, Goal, Project

    users = int(sys.argv[1]); password = sys.argv[2]
    org = Organisation.objects.get(name="Gemeente Voorbeeldstad")
    projects = list(Project.objects.filter(owner=org).order_by("pk")[:5])
    framework = load_frameworks()["four_plus_one"]
    assessments = {
        p.pk: Assessment.objects.create(
            project=p, framework_id="four_plus_one", framework_version=framework.version,
            kind="self", title="Belastingtest", organisation=org,
        )
        for p in projects
    }
    out = []
    for i in range(users):
        project = projects[i % len(projects)]
        user = User(username=f"bench-{i:02d}", organisation=org, role="projectleider")
        user.set_password(password)
        user.save()
        goal = Goal.objects.create(project=project, goal_type="resultaat", text=f"bench-{i}-0")
        # A project of this user's own, with a funding stream, for the project and funding edits.
        mine = Project.objects.create(
            owner=org, name=f"bench-{i}-0", summary="Belastingtest", themes=[],
            start_date=dt.date(2025, 1, 1), phase=projects[0].phase,
        )
        stream = FundingStream.objects.create(
            project=mine, funder=org, label=f"bench-{i}-0", amount=1000,
            start_date=dt.date(2025, 1, 1), end_date=dt.date(2026, 12, 31), kind="incidenteel",
            policy_domain="jeugd",
        )
        participant = Participant.objects.create(
            organisation=org, pseudonym=services.pseudonym_for(org.pk, f"BENCH-{i}")
        )
        trajectory = Trajectory.objects.create(
            participant=participant, project=project, started_on=dt.date(2025, 2, 1)
        )
        measurement = Measurement.objects.create(
            trajectory=trajectory, measured_on=dt.date(2025, 2, 3), moment="baseline",
            instrument=LIFE_DOMAINS,
        )
        a = assessments[project.pk]
        out.append({
            "username": user.username,
            "project": project.pk,
            "goal": goal.pk,
            "own_project": mine.pk,
            "stream": stream.pk,
            "measurement": measurement.pk,
            "assessment": a.pk,
            "reads": [
                reverse("portfolio:overview"),
                reverse("portfolio:project", args=[project.pk]),
                reverse("portfolio:project", args=[mine.pk]),
                reverse("portfolio:goals", args=[project.pk]),
                reverse("monitoring:project", args=[project.pk]),
                reverse("assessments:rate", args=[project.pk, a.pk]),
            ],
            "goal_edit": reverse("portfolio:child_edit", args=[project.pk, "doelen", goal.pk]),
            "project_edit": reverse("portfolio:edit", args=[mine.pk]),
            "stream_edit": reverse(
                "portfolio:child_edit", args=[mine.pk, "financiering", stream.pk]
            ),
            "entry": reverse("monitoring:entry", args=[project.pk, measurement.pk]),
            "scores": reverse("monitoring:scores", args=[project.pk, measurement.pk]),
            "rate": reverse("assessments:rate", args=[project.pk, a.pk]),
        })
    print(json.dumps(out))
    """
)

VERIFY = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from proeftuin.assessments.models import Rating
    from proeftuin.monitoring.models import Score
    from proeftuin.portfolio.models import FundingStream, Goal, Project

    users = json.loads(sys.stdin.read())
    out = {}
    for u in users:
        goal = Goal.objects.get(pk=u["goal"])
        project = Project.objects.get(pk=u["own_project"])
        stream = FundingStream.objects.get(pk=u["stream"])
        ratings = {
            r.indicator_id: r.evidence
            for r in Rating.objects.filter(assessment_id=u["assessment"], rater__username=u["username"])
        }
        score = Score.objects.filter(measurement_id=u["measurement"], item=sys.argv[1]).first()
        out[u["username"]] = {
            "goal_text": goal.text,
            "goal_history": goal.history.count(),
            "project_name": project.name,
            "project_history": project.history.count(),
            "stream_label": stream.label,
            "stream_history": stream.history.count(),
            "ratings": ratings,
            "score": None if score is None or score.value is None else str(score.value),
        }
    print(json.dumps(out))
    """
)


# --- a tiny form reader --------------------------------------------------------------------------


class Forms(HTMLParser):
    """The page's forms: action and the values a browser would send (first radio, checked, …)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "fields": {}, "radios": {}, "multi": {}}
            )
            self._open = True
            return
        if not self.forms or not self._open:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                form["radios"].setdefault(name, []).append(a.get("value", ""))
                if "checked" in a:
                    form["fields"][name] = a.get("value", "")
            elif kind == "checkbox":
                if "checked" in a:
                    form["multi"].setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                form["fields"][name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            if "multiple" in a:
                form["multi"].setdefault(name, [])
            else:
                form["fields"].setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            if self._select in form["multi"]:
                form["multi"][self._select].append(a.get("value", ""))
            else:
                form["fields"][self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"][name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    @classmethod
    def find(cls, html: str, action_contains: str) -> dict | None:
        reader = cls()
        reader.feed(html)
        return next((f for f in reader.forms if action_contains in f["action"]), None)


# --- one user -----------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: defaultdict[str, list[float]] = defaultdict(list)
        self.errors: defaultdict[str, int] = defaultdict(int)
        self.examples: list[str] = []
        self.refused: defaultdict[str, int] = defaultdict(int)

    def record(self, page: str, seconds: float | None, error: str | None = None) -> None:
        """A request's time, or (``seconds`` None) an error that is not a request of its own."""
        with self.lock:
            if seconds is not None:
                self.times[page].append(seconds)
            else:
                self.times.setdefault(page, [])
            if error:
                self.errors[page] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{page}: {error}")


class User(threading.Thread):
    def __init__(self, base: str, info: dict, stats: Stats, until: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.base, self.info, self.stats, self.until = base, info, stats, until
        self.rng = random.Random(seed)
        self.jar = http.cookiejar.CookieJar()
        self.http = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        self.n = 0
        # What this user's accepted saves put in the database, for the lost-write check.
        start = f"bench-{int(info['username'][-2:])}-0"
        self.expected: dict = {"goal": start, "project": start, "stream": start}
        self.saves: defaultdict[str, int] = defaultdict(int)
        self.ratings: dict[str, str] = {}
        self.score: str | None = None

    #: The target of the last response when it was a redirect.
    location: str | None = None

    def request(
        self, page: str, path: str, data: dict | None = None, htmx: bool = False, raw: bool = False
    ):
        """One timed request; the body as text, or as bytes with ``raw``."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - 127.0.0.1
        if htmx:
            req.add_header("HX-Request", "true")
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), None)
        if csrf and body is not None:
            req.add_header("X-CSRFToken", csrf)
        start = time.perf_counter()
        status, content, error, self.location = 0, b"", None, None
        try:
            with self.http.open(req, timeout=120) as response:
                status, content = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, content = exc.code, exc.read()
            self.location = exc.headers.get("Location")
            if status not in (301, 302, 303):
                error = f"HTTP {status} {path}"
        except (OSError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc} {path}"
        self.stats.record(page, time.perf_counter() - start, error)
        return status, content if raw else content.decode("utf-8", "replace")

    def login(self, username: str | None = None, password: str = PASSWORD) -> bool:
        _status, html = self.request("login", "/account/inloggen/")
        form = Forms.find(html, "") or {"fields": {}}
        username = username or self.info["username"]
        fields = {**form["fields"], "username": username, "password": password}
        status, _ = self.request("login", "/account/inloggen/", fields)
        return status == 302

    # What each versioned edit changes: (form page, field, the URL key in info, expected key).
    EDITS = {
        "goal": ("text", "goal_edit", {"change_reason": "belastingtest"}),
        "project": ("name", "project_edit", {}),
        "stream": ("label", "stream_edit", {}),
    }

    def edit(self, what: str) -> None:
        """Open a versioned form, change one text field, save with the version the page gave."""
        field, url_key, extra = self.EDITS[what]
        url = self.info[url_key]
        _s, html = self.request(f"{what} form", url)
        reader = Forms()
        reader.feed(html)
        form = next(
            (f for f in reader.forms if "edit_version" in f["fields"] and field in f["fields"]),
            None,
        )
        if not form:
            self.stats.record(f"{what} save", None, f"no {what} form")
            return
        self.n += 1
        text = f"{self.info['username']}-{self.n}"
        fields = {**form["fields"], **form["multi"], field: text, **extra}
        status, body = self.request(f"{what} save", url, fields)
        if status == 302:
            self.expected[what] = text
            self.saves[what] += 1
        else:
            # Nobody else edits this user's own rows: a refusal is a fault (of the app or of this
            # benchmark), never a stale edit, so it counts as an error.
            self.stats.refused[f"{what} save"] += 1
            self.stats.record(f"{what} save", None, f"refused ({status}): {_first_error(body)}")
            if os.environ.get("BENCH_DEBUG"):
                Path(f"/tmp/bench-{what}-refused.html").write_text(body)

    def edit_goal(self) -> None:
        self.edit("goal")

    def edit_project(self) -> None:
        self.edit("project")

    def edit_stream(self) -> None:
        self.edit("stream")

    def rate(self) -> None:
        indicator = self.rng.choice(INDICATORS)
        _s, html = self.request("rating screen", self.info["rate"])
        form = Forms.find(html, f"/indicator/{indicator}/")
        if not form:
            self.stats.record("rating save", None, f"no form for {indicator}")
            return
        self.n += 1
        evidence = f"{self.info['username']}-{self.n}"
        # The rating form's fields carry the indicator as prefix.
        values = form["radios"].get(f"{indicator}-value") or [""]
        fields = {
            **form["fields"],
            **form["multi"],
            f"{indicator}-value": self.rng.choice(values),
            f"{indicator}-evidence": evidence,
        }
        status, _ = self.request("rating save", form["action"], fields)
        if status == 302:
            self.ratings[indicator] = evidence
        else:
            self.stats.refused["rating save"] += 1

    def save_score(self) -> None:
        value = str(self.rng.randint(1, 5))
        fields = {f"score-{DOMAIN}": value, f"was-{DOMAIN}": self.score or ""}
        status, text = self.request("score autosave", self.info["scores"], fields, htmx=True)
        if status == 200 and "Opgeslagen om" in text:
            self.score = value
        elif status == 200:
            self.stats.refused["score autosave"] += 1

    def run(self) -> None:
        if not self.login():
            self.stats.record("login", None, f"login failed for {self.info['username']}")
            return
        self.request("score entry", self.info["entry"])
        actions = [self.edit_goal, self.edit_project, self.edit_stream, self.rate, self.save_score]
        while time.monotonic() < self.until:
            if self.rng.random() < 0.5:
                path = self.rng.choice(self.info["reads"])
                self.request(_page_name(path), path)
            else:
                self.rng.choice(actions)()
            time.sleep(self.rng.uniform(0.1, 0.5))  # think time


def _first_error(html: str) -> str:
    """The first error message on a refused form, for the report."""
    found = re.search(r'(?:role="alert"|field-error-message)[^>]*>\s*(?:<p>)?([^<]{1,160})', html)
    return " ".join(found.group(1).split()) if found else "no message found"


# Per edited object: the final value's key and the history count's key in VERIFY's answer.
LOST_CHECKS = {
    "goal": ("goal_text", "goal_history"),
    "project": ("project_name", "project_history"),
    "stream": ("stream_label", "stream_history"),
}


def _page_name(path: str) -> str:
    if path.startswith("/projecten/") and path.endswith("/doelen/"):
        return "goals tab"
    if path == "/projecten/":
        return "portfolio"
    if path.startswith("/projecten/"):
        return "project"
    if path.startswith("/tel-en-vertel/"):
        return "monitoring tab"
    return "rating screen"


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average, sampled every 5 s while the users run."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(5):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> None:
        self.done.set()
        self.join(10)

    def summary(self) -> str:
        if not self.samples:
            return "not sampled"
        mean = statistics.fmean(self.samples)
        return f"min {min(self.samples):.1f}, mean {mean:.1f}, max {max(self.samples):.1f}"


# --- one run ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _django(env: dict, script: str, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return done.stdout


def _postgres_database(url: str) -> tuple[str, str]:
    import psycopg

    base, _, _name = url.rpartition("/")
    name = f"proeftuin_bench_load_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_once(label: str, database_url: str | None, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as var:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "proeftuin.settings.test",
            "PROEFTUIN_VAR_DIR": var,
            "PYTHONPATH": str(ROOT / "src"),
        }
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        print(f"\n== {label}: set-up (migrate, demo, {args.users} users)", flush=True)
        _django(
            env,
            "import django; django.setup(); "
            "from django.core.management import call_command; "
            "call_command('migrate', verbosity=0); "
            "call_command('generate_demo', '--projects', '5', '--seed', '7', '--reset', verbosity=0)",
        )
        users = json.loads(_django(env, SETUP, str(args.users), PASSWORD).strip().splitlines()[-1])
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "proeftuin.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread",
                "--preload",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("gunicorn did not start") from None
                    time.sleep(0.5)
            # Warm up: every worker imports its views and templates before the clock starts.
            warm = Stats()
            for _ in range(4 * args.workers):
                User(f"http://127.0.0.1:{port}", users[0], warm, 0, seed=0).request(
                    "warm-up", "/account/inloggen/"
                )
            print(
                f"== {label}: {args.users} users for {args.seconds} s against "
                f"gunicorn ({args.workers} workers × {args.threads} threads)",
                flush=True,
            )
            stats = Stats()
            sampler = LoadSampler()
            sampler.start()
            until = time.monotonic() + args.seconds
            threads = [
                User(f"http://127.0.0.1:{port}", info, stats, until, seed=i)
                for i, info in enumerate(users)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 300)
            sampler.stop()
        finally:
            server.terminate()
            try:
                _out, server_log = server.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server_log = ""
        final = json.loads(
            _django(env, VERIFY, DOMAIN, stdin=json.dumps(users)).strip().splitlines()[-1]
        )
        lost = []
        for t in threads:
            got = final[t.info["username"]]
            for what, (name_key, history_key) in LOST_CHECKS.items():
                if got[name_key] != t.expected[what]:
                    lost.append(
                        f"{t.info['username']} {what}: {got[name_key]!r} != {t.expected[what]!r}"
                    )
                # One history row for the creation, and one for every accepted save.
                if got[history_key] != 1 + t.saves[what]:
                    lost.append(
                        f"{t.info['username']} {what} history: {got[history_key]} rows "
                        f"for {1 + t.saves[what]} saves"
                    )
            for indicator, evidence in t.ratings.items():
                if got["ratings"].get(indicator) != evidence:
                    lost.append(
                        f"{t.info['username']} rating {indicator}: {got['ratings'].get(indicator)!r} != {evidence!r}"
                    )
            if (
                t.score is not None
                and got["score"] is not None
                and float(got["score"]) != float(t.score)
            ):
                lost.append(f"{t.info['username']} score: {got['score']} != {t.score}")
            if t.score is not None and got["score"] is None:
                lost.append(f"{t.info['username']} score missing")
        return {
            "label": label,
            "stats": stats,
            "lost": lost,
            "server_log": server_log,
            "load": sampler.summary(),
        }


def report(result: dict) -> None:
    stats: Stats = result["stats"]
    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values())
    print(
        f"\n{result['label']}: {total} requests, {errors} errors, {len(result['lost'])} lost writes"
    )
    print(f"load average (1 min) during the run: {result['load']} on {os.cpu_count()} cores")
    print(f"{'page':<16}{'n':>7}{'err':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for page in sorted(stats.times):
        times = sorted(stats.times[page])
        if not times:
            print(f"{page:<16}{0:>7}{stats.errors[page]:>5}")
            continue
        q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
        print(
            f"{page:<16}{len(times):>7}{stats.errors[page]:>5}"
            f"{q[49] * 1000:>9.0f}{q[94] * 1000:>9.0f}{q[98] * 1000:>9.0f}"
        )
    if stats.refused:
        print("refused (stale or invalid, told to the user):", dict(stats.refused))
    for example in stats.examples:
        print("  error:", example)
    for line in result["lost"][:20]:
        print("  lost:", line)
    if "Traceback" in result["server_log"]:
        print("  server log has tracebacks:\n" + result["server_log"][-2000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one database only")
    args = parser.parse_args()
    results = []
    if args.only != "postgres":
        results.append(run_once("SQLite", None, args))
    pg = os.environ.get("BENCH_POSTGRES_URL")
    if pg and args.only != "sqlite":
        url, name = _postgres_database(pg)
        try:
            results.append(run_once("PostgreSQL", url, args))
        finally:
            _drop_postgres(pg, name)
    elif args.only == "postgres":
        print("BENCH_POSTGRES_URL is not set: PostgreSQL skipped.")
    for result in results:
        report(result)
    bad = any(sum(r["stats"].errors.values()) or r["lost"] for r in results)
    print("\nRESULT:", "errors or lost writes" if bad else "0 errors, 0 lost writes")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
