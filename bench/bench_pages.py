"""Page-load benchmark (issue 14 items 2 and 4): 25 users on a realistic mix of every main page.

For each portfolio size (``--projects``, default 100 and 1000) and each database (SQLite, and
PostgreSQL when ``BENCH_POSTGRES_URL`` is set) the run loads the demo with
``generate_demo --projects N`` into a fresh ``PROEFTUIN_VAR_DIR`` (or a throwaway PostgreSQL
database, then ``VACUUM ANALYZE`` as autovacuum would), starts gunicorn on 127.0.0.1 with the
production-like test settings (DEBUG off, as in ``bench_load.py``) and, next to it, one
``proeftuin worker`` (the background jobs, as ``proeftuin serve`` and the systemd units run
it), logs ``--users`` threads in as the demo's policy adviser (who sees every project of the
municipality) and lets them read for
``--seconds``: the portfolio list, the funding cliff, the assessments matrix, the effects page,
the project page and its tabs (goals, funding, Tel en vertel) and the PDF report.

**The server** is gunicorn as `docs/operations.md` deploys it: ``--workers`` processes (default
5: gunicorn's rule of 2 × cores + 1 on this 2-core machine) of one thread each (``--threads``).
Threads in one process share Python's GIL, and these pages are CPU-bound Python, so a second
request in the same process waits for the first; with 3 workers × 4 threads the portfolio-wide
pages' p95 was about twice that of 5 single-threaded workers (bench/README.md).

**Think time.** Between two pages a reader waits ``--think`` seconds on average (default 3 s, a
brisk office user who glances at a page and clicks on). The wait is drawn from an exponential
distribution, cut off at ten times the mean (as TPC-W does): a user's clicks then arrive
independently of each other, the usual model of a person at a screen, with many quick clicks and
the odd long read, instead of 25 users clicking in lockstep as a fixed or uniform wait would
drift into. ``--think 0`` keeps the saturation run: every reader asks for the next page as soon
as the last one arrives, so the server is always full and, by Little's law, latency is about
users / throughput: it measures the queue, not a page. ``--think 3 0`` runs both, one after the
other against the same demo and server.

**The PDF report** goes the way the UI makes it (``reporting/views.py``): the reader POSTs the
job start with its CSRF token (*report job start*, a redirect), loads the job page (*report job
page*), polls the htmx status partial twice a second as ``hx-trigger="every 500ms"`` does (*report
job status*) until the job is done, and downloads the file (*report file*). Those four are pages
like any other and count for the per-page p95; the whole, from the POST to the last byte of the
file, is the line *PDF report (job, start → file)*, against its own target of 3 s.

It prints p50/p95/p99 and the size (KB) per page per database and size, the growth factor of p50
and p95 from the smallest to the largest size, the throughput and the load average::

    .venv/bin/python bench/bench_pages.py [--projects 100 1000] [--seconds 120] [--users 25]
                                          [--think 3 [0]]
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
    LoadSampler,
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
    ("PDF report", 2, None),  # the job: start, job page, status polls, file (see Reader.pdf)
]
#: The requests of one PDF job, each a page of its own in the table.
JOB_PAGES = ["report job start", "report job page", "report job status", "report file"]
#: The whole job as the user waits for it, from the POST to the file.
PDF_LINE = "PDF report (job, start → file)"
PDF_TARGET_S = 3.0
#: The page polls twice a second (``hx-trigger="every 500ms"`` in ``reporting/_job_status.html``).
POLL_S = 0.5
#: A reader gives up on a job after this long (counted as an error).
JOB_TIMEOUT_S = 120.0


class Reader(_LoadUser):
    """A logged-in user who reads pages of the mix until the clock runs out."""

    def __init__(self, base, info, stats, until, seed, projects, monitored, think=0.0) -> None:
        super().__init__(base, info, stats, until, seed)
        self.projects, self.monitored, self.think = projects, monitored, think

    def login(self, username: str | None = None, password: str = DEMO_PASSWORD) -> bool:
        """As the demo's policy adviser, who sees every project of the municipality."""
        return super().login(username or "beleid", password)

    def pause(self) -> None:
        """Think time: exponential with mean ``think``, cut off at ten times the mean."""
        if self.think > 0:
            wait = min(self.rng.expovariate(1 / self.think), 10 * self.think)
            time.sleep(max(0.0, min(wait, self.until - time.monotonic())))

    def pdf(self, pk: int) -> bytes:
        """The report as the UI makes it: POST the job, open its page, poll, fetch the file."""
        start = time.perf_counter()
        status, _ = self.request("report job start", f"/rapporten/project/{pk}/maken/pdf/", {})
        job_url = self.location
        if status != 302 or not job_url:
            self.stats.record(PDF_LINE, None, f"job start answered {status}")
            return b""
        _status, html = self.request("report job page", job_url)
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while "/bestand/" not in html:
            if 'role="alert"' in html:
                self.stats.record(PDF_LINE, None, f"job failed {job_url}")
                return b""
            if time.monotonic() > deadline:
                self.stats.record(PDF_LINE, None, f"job not done after {JOB_TIMEOUT_S:.0f} s")
                return b""
            time.sleep(POLL_S)
            _status, html = self.request("report job status", job_url, htmx=True)
        status, body = self.request("report file", f"{job_url}bestand/", raw=True)
        self.stats.record(PDF_LINE, time.perf_counter() - start, None if status == 200 else "file")
        return body

    def read(self, page: str, pk: int, mpk: int):
        if page == "PDF report":
            return 200, self.pdf(pk)
        path = next(p for name, _w, p in MIX if name == page)
        return self.request(page, path.format(pk=pk, mpk=mpk))

    def run(self) -> None:
        if not self.login():
            self.stats.record("login", 0.0, "login failed")
            return
        pages = [m[0] for m in MIX]
        weights = [m[1] for m in MIX]
        while time.monotonic() < self.until:
            page = self.rng.choices(pages, weights)[0]
            self.read(
                page,
                self.rng.choice(self.projects),
                self.rng.choice(self.monitored or self.projects),
            )
            self.pause()


def run_once(label: str, database_url: str | None, n: int, args: argparse.Namespace) -> list[dict]:
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
            # As deployed (settings/base.py): the test settings keep one connection per request.
            env.setdefault("DATABASE_CONN_MAX_AGE", "60")
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
        if database_url:
            # The planner's statistics, as autovacuum gathers them in any deployment shortly after
            # a load. This machine's server runs without autovacuum: unanalysed, PostgreSQL
            # guessed one visible project where there are 1,000 and chose nested loops (issue 14).
            _django(
                env,
                "import django; django.setup(); from django.db import connection; "
                "connection.cursor().execute('VACUUM ANALYZE')",
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
        # The background worker, as `proeftuin serve` starts it next to the web server.
        worker = subprocess.Popen(  # noqa: S603 - our own worker
            [sys.executable, "-m", "django", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
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
            first = ids["projects"][0]
            mfirst = ids["monitored"][0] if ids["monitored"] else first
            for page, _weight, _path in MIX:  # every worker imports its views before the clock
                for _ in range(args.workers):
                    user = Reader(
                        base,
                        INFO,
                        warm,
                        time.monotonic() + 600,
                        0,
                        ids["projects"],
                        ids["monitored"],
                    )
                    if user.login():
                        _status, body = user.read(page, first, mfirst)
                        # The first page as a reader gets it (for the PDF: the file).
                        sizes[page] = len(body if isinstance(body, bytes) else body.encode())
            if warm.errors:
                print("  warm-up errors:", *warm.examples, sep="\n  ")
            runs = []
            for think in args.think:  # one after the other on the same demo and server
                print(
                    f"== {label}, {n} projects: {args.users} users for {args.seconds} s, "
                    f"think time {think} s (exponential mean)",
                    flush=True,
                )
                load_before = os.getloadavg()
                sampler = LoadSampler()
                sampler.start()
                stats = Stats()
                started = time.monotonic()
                until = started + args.seconds
                users = [
                    Reader(base, INFO, stats, until, i, ids["projects"], ids["monitored"], think)
                    for i in range(args.users)
                ]
                for user in users:
                    user.start()
                for user in users:
                    user.join(args.seconds + 600)
                sampler.stop()
                runs.append(
                    {
                        "label": label,
                        "projects": n,
                        "think": think,
                        "stats": stats,
                        "load": (load_before, os.getloadavg()),
                        "load_samples": sampler.summary(),
                        "elapsed": time.monotonic() - started,
                        "loaded_s": loaded_s,
                        "visible": len(ids["projects"]),
                        "sizes": sizes,
                    }
                )
        finally:
            for process in (server, worker):
                process.terminate()
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
    return runs


def quantiles(times: list[float]) -> tuple[float, float, float]:
    if len(times) < 2:
        return (times[0],) * 3 if times else (float("nan"),) * 3
    q = statistics.quantiles(sorted(times), n=100, method="inclusive")
    return q[49], q[94], q[98]


def _pages() -> list[str]:
    """The rows of the table: the mix's pages, the PDF as the requests of its job."""
    return [m[0] for m in MIX if m[0] != "PDF report"] + JOB_PAGES


def report(results: list[dict]) -> None:
    for r in results:
        stats: Stats = r["stats"]
        pages = _pages()
        total = sum(len(stats.times.get(page, [])) for page in pages)
        worst = max(quantiles(stats.times[p])[1] for p in pages if stats.times.get(p))
        print(
            f"\n{r['label']}, {r['projects']} projects, think time {r['think']} s "
            f"({r['visible']} of them the adviser's; "
            f"demo loaded in {r['loaded_s']:.0f} s): "
            f"{total} requests in {r['elapsed']:.0f} s ({total / r['elapsed']:.1f} req/s), "
            f"{sum(stats.errors.values())} errors; load average "
            f"{r['load'][0][0]:.1f} → {r['load'][1][0]:.1f} (sampled: {r['load_samples']}) "
            f"on {os.cpu_count()} CPUs"
        )
        print(f"{'page':<32}{'n':>6}{'err':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'KB':>8}")
        sizes = {**r["sizes"], "report file": r["sizes"].get("PDF report", 0)}
        for page in [*pages, PDF_LINE]:
            times = stats.times.get(page, [])
            p50, p95, p99 = quantiles(times)
            print(
                f"{page:<32}{len(times):>6}{stats.errors[page]:>5}"
                f"{p50 * 1000:>9.0f}{p95 * 1000:>9.0f}{p99 * 1000:>9.0f}"
                f"{sizes.get(page, 0) / 1024:>8.0f}"
            )
        print(
            f"target: every page p95 ≤ {TARGET_MS[r['label']]} ms at 25 users on 1,000 projects "
            f"(worst here {worst * 1000:.0f} ms); the PDF job ≤ {PDF_TARGET_S:.0f} s"
        )
        for example in stats.examples[:5]:
            print("  error:", example)
    by_db: dict[tuple[str, float], list[dict]] = {}
    for r in results:
        by_db.setdefault((r["label"], r["think"]), []).append(r)
    for (label, think), runs in by_db.items():
        if len(runs) < 2:
            continue
        small, large = runs[0], runs[-1]
        print(
            f"\n{label}, think time {think} s: growth from {small['projects']} to "
            f"{large['projects']} projects "
            f"(×{large['projects'] / small['projects']:.1f} projects), p50 and p95"
        )
        for page in [*_pages(), PDF_LINE]:
            a = quantiles(small["stats"].times.get(page, []))
            b = quantiles(large["stats"].times.get(page, []))
            print(f"  {page:<32} ×{b[0] / a[0]:6.1f}  ×{b[1] / a[1]:6.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument(
        "--think",
        type=float,
        nargs="+",
        default=[3.0],
        help="mean think time in s (exponential); 0: saturate; several: one run each",
    )
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (2 × cores + 1)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one database only")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    results = []
    pg = os.environ.get("BENCH_POSTGRES_URL")
    for n in args.projects:
        if args.only != "postgres":
            results += run_once("SQLite", None, n, args)
        if pg and args.only != "sqlite":
            url, name = _postgres_database(pg)
            try:
                results += run_once("PostgreSQL", url, n, args)
            finally:
                _drop_postgres(pg, name)
    if not pg:
        print("BENCH_POSTGRES_URL is not set: PostgreSQL skipped.")
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
