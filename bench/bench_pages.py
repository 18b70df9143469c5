"""Page-load benchmark (issue 14 item 4): 25 users on a realistic mix of every main page.

For each portfolio size (``--projects``, default 100 and 1000) and each database (SQLite, and
PostgreSQL when ``BENCH_POSTGRES_URL`` is set) the run loads the demo with
``generate_demo --projects N`` into a fresh ``PROEFTUIN_VAR_DIR`` (or a throwaway PostgreSQL
database), starts gunicorn on 127.0.0.1 with the production-like test settings (DEBUG off, as in
``bench_load.py``), logs ``--users`` threads in as the demo's policy adviser (who sees every
project of the municipality) and lets them read for ``--seconds``: the portfolio list, the
funding cliff, the assessments matrix, the effects page, the project page and its tabs (goals,
funding, Tel en vertel) and the PDF report, each user with its own session, think time 0.
It prints p50/p95/p99 and the HTML size (KB) per page per database and size, the growth factor of p50 and p95 from the
smallest to the largest size, and the load average::

    .venv/bin/python bench/bench_pages.py [--projects 100 1000] [--seconds 120] [--users 25]
    make bench-pages

The demo generator has no participant-count option: its Tel en vertel data (the monitoring
demo) is the same for every size; the projects, their funding, coalitions, goals, effects chains
and assessments grow with ``--projects``. Nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import (  # noqa: E402
    BIN,
    ROOT,
    Forms,
    Stats,
    _django,
    _drop_postgres,
    _free_port,
    _postgres_database,
)
from bench_load import User as _LoadUser  # noqa: E402

TARGET_MS = {"PostgreSQL": 200, "SQLite": 400}
DEMO_PASSWORD = "proeftuin-demo"  # noqa: S105 - the documented demo credential
#: Every reader logs in as the demo's policy adviser (the name only feeds bench_load's bookkeeping).
INFO = {"username": "beleid-00"}

PROJECTS = """
import json, django
django.setup()
from proeftuin.monitoring.models import Pair
from proeftuin.portfolio.models import Project
ids = list(Project.objects.filter(owner__name="Gemeente Voorbeeldstad", archived_at__isnull=True)
           .order_by("pk").values_list("pk", flat=True))
monitored = sorted(set(Pair.objects.values_list("project_id", flat=True)) & set(ids))
print(json.dumps({"projects": ids, "monitored": monitored}))
"""

#: (page, weight, path or a function of a project id): a day at the office, roughly.
MIX = [
    ("portfolio list", 14, "/projecten/"),
    ("funding cliff", 6, "/projecten/financieringsklif/"),
    ("assessments matrix", 6, "/beoordelingen/matrix/"),
    ("effects page", 6, "/tel-en-vertel/portfolio/"),
    ("project page", 20, "/projecten/{pk}/"),
    ("goals tab", 12, "/projecten/{pk}/doelen/"),
    ("funding tab", 12, "/projecten/{pk}/financiering/"),
    ("Tel en vertel tab", 10, "/tel-en-vertel/project/{mpk}/"),
    ("PDF report", 2, "/rapporten/project/{pk}.pdf"),
]


class Reader(_LoadUser):
    """A logged-in user who reads pages of the mix until the clock runs out."""

    def __init__(self, base, info, stats, until, seed, projects, monitored) -> None:
        super().__init__(base, info, stats, until, seed)
        self.projects, self.monitored = projects, monitored

    def login(self) -> bool:
        _status, html = self.request("login", "/account/inloggen/")
        form = Forms.find(html, "") or {"fields": {}}
        fields = {**form["fields"], "username": "beleid", "password": DEMO_PASSWORD}
        status, _ = self.request("login", "/account/inloggen/", fields)
        return status == 302

    def run(self) -> None:
        if not self.login():
            self.stats.record("login", 0.0, "login failed")
            return
        pages = [m[0] for m in MIX]
        weights = [m[1] for m in MIX]
        paths = {m[0]: m[2] for m in MIX}
        while time.monotonic() < self.until:
            page = self.rng.choices(pages, weights)[0]
            path = paths[page].format(
                pk=self.rng.choice(self.projects),
                mpk=self.rng.choice(self.monitored or self.projects),
            )
            self.request(page, path)


def run_once(label: str, database_url: str | None, n: int, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as var:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "proeftuin.settings.test",
            "PROEFTUIN_VAR_DIR": var,
            "PYTHONPATH": str(ROOT / "src"),
        }
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        print(f"\n== {label}, {n} projects: migrate and load the demo", flush=True)
        t0 = time.monotonic()
        _django(
            env,
            "import sys, django; django.setup(); "
            "from django.core.management import call_command; "
            "call_command('migrate', verbosity=0); "
            "call_command('generate_demo', '--projects', sys.argv[1], '--reset', verbosity=0)",
            str(n),
        )
        loaded_s = time.monotonic() - t0
        ids = json.loads(_django(env, PROJECTS).strip().splitlines()[-1])
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 - our own server
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
                "300",
                "--log-level",
                "warning",
            ],
            env=env,
            stderr=subprocess.DEVNULL,
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
            base = f"http://127.0.0.1:{port}"
            warm = Stats()
            sizes: dict[str, int] = {}
            for page, _weight, path in MIX:  # every worker imports its views before the clock
                for _ in range(args.workers):
                    user = Reader(base, INFO, warm, 0, 0, ids["projects"], ids["monitored"])
                    if user.login():
                        _status, body = user.request(
                            page,
                            path.format(
                                pk=ids["projects"][0],
                                mpk=ids["monitored"][0] if ids["monitored"] else ids["projects"][0],
                            ),
                        )
                        # The first page as a reader gets it (the PDF's size is not HTML).
                        sizes[page] = len(body.encode("utf-8"))
            print(f"== {label}, {n} projects: {args.users} users for {args.seconds} s", flush=True)
            load_before = os.getloadavg()
            stats = Stats()
            until = time.monotonic() + args.seconds
            users = [
                Reader(base, INFO, stats, until, i, ids["projects"], ids["monitored"])
                for i in range(args.users)
            ]
            for user in users:
                user.start()
            for user in users:
                user.join(args.seconds + 600)
            load_after = os.getloadavg()
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
    return {
        "label": label,
        "projects": n,
        "stats": stats,
        "load": (load_before, load_after),
        "loaded_s": loaded_s,
        "visible": len(ids["projects"]),
        "sizes": sizes,
    }


def quantiles(times: list[float]) -> tuple[float, float, float]:
    if len(times) < 2:
        return (times[0],) * 3 if times else (float("nan"),) * 3
    q = statistics.quantiles(sorted(times), n=100, method="inclusive")
    return q[49], q[94], q[98]


def report(results: list[dict]) -> None:
    for r in results:
        stats: Stats = r["stats"]
        total = sum(len(v) for k, v in stats.times.items() if k != "login")
        print(
            f"\n{r['label']}, {r['projects']} projects ({r['visible']} of them the adviser's; "
            f"demo loaded in {r['loaded_s']:.0f} s): "
            f"{total} requests, {sum(stats.errors.values())} errors; load average "
            f"{r['load'][0][0]:.1f} → {r['load'][1][0]:.1f} on {os.cpu_count()} CPUs"
        )
        print(f"{'page':<22}{'n':>6}{'err':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'KB':>8}")
        for page, _w, _p in MIX:
            times = stats.times.get(page, [])
            p50, p95, p99 = quantiles(times)
            print(
                f"{page:<22}{len(times):>6}{stats.errors[page]:>5}"
                f"{p50 * 1000:>9.0f}{p95 * 1000:>9.0f}{p99 * 1000:>9.0f}"
                f"{r['sizes'].get(page, 0) / 1024:>8.0f}"
            )
        print(f"target: every page p95 ≤ {TARGET_MS[r['label']]} ms at 25 users on 1,000 projects")
        for example in stats.examples[:5]:
            print("  error:", example)
    by_db: dict[str, list[dict]] = {}
    for r in results:
        by_db.setdefault(r["label"], []).append(r)
    for label, runs in by_db.items():
        if len(runs) < 2:
            continue
        small, large = runs[0], runs[-1]
        print(
            f"\n{label}: growth from {small['projects']} to {large['projects']} projects "
            f"(×{large['projects'] / small['projects']:.1f} projects), p50 and p95"
        )
        for page, _w, _p in MIX:
            a = quantiles(small["stats"].times.get(page, []))
            b = quantiles(large["stats"].times.get(page, []))
            print(f"  {page:<22} ×{b[0] / a[0]:6.1f}  ×{b[1] / a[1]:6.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one database only")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    results = []
    pg = os.environ.get("BENCH_POSTGRES_URL")
    for n in args.projects:
        if args.only != "postgres":
            results.append(run_once("SQLite", None, n, args))
        if pg and args.only != "sqlite":
            url, name = _postgres_database(pg)
            try:
                results.append(run_once("PostgreSQL", url, n, args))
            finally:
                _drop_postgres(pg, name)
    if not pg:
        print("BENCH_POSTGRES_URL is not set: PostgreSQL skipped.")
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
