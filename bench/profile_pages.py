"""One reader, in process: ms, CPU ms, queries and KB per page of the page-load mix (issue 14).

Runs against a database that already holds a demo (``generate_demo --projects N``), so the
numbers show what one request costs without the queueing of ``bench_pages.py``'s 25 users::

    PROEFTUIN_VAR_DIR=var-1000 .venv/bin/python bench/profile_pages.py [--runs 5] [--profile N]

Django's test client as the demo's policy adviser (``beleid``), settings
``proeftuin.settings.test`` (DEBUG off). Each page is read once to warm up, then ``--runs`` times;
the median is printed. ``--profile N`` prints the N most expensive functions (cumulative) of
each page over the runs. Nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proeftuin.settings.test")

DEMO_PASSWORD = "proeftuin-demo"  # noqa: S105 - the documented demo credential

#: (page, path or a function of a project id); the bench mix plus signals and budget.
PAGES = [
    ("portfolio list", "/projecten/"),
    ("funding cliff", "/projecten/financieringsklif/"),
    ("budget", "/projecten/begroting/"),
    ("assessments matrix", "/beoordelingen/matrix/"),
    ("effects page", "/tel-en-vertel/portfolio/"),
    ("signals", "/leren/signalen/"),
    ("project page", "/projecten/{pk}/"),
    ("goals tab", "/projecten/{pk}/doelen/"),
    ("funding tab", "/projecten/{pk}/financiering/"),
    ("Tel en vertel tab", "/tel-en-vertel/project/{mpk}/"),
    ("advisor", "/verduurzaming/{pk}/"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--only", nargs="*", help="page names to run (default: all)")
    parser.add_argument(
        "--sort", default="cumulative", help="pstats order of --profile (e.g. tottime)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from proeftuin.monitoring.models import Pair
    from proeftuin.portfolio.models import Project

    ids = list(
        Project.objects.filter(owner__name="Gemeente Voorbeeldstad", archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    monitored = sorted(set(Pair.objects.values_list("project_id", flat=True)) & set(ids))
    pk, mpk = ids[len(ids) // 2], (monitored or ids)[0]
    http = Client()
    response = http.post("/account/inloggen/", {"username": "beleid", "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit("login failed")
    print(
        f"{len(ids)} projects of the adviser's municipality; project {pk}, monitored {mpk}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'page':<20}{'ms':>8}{'CPU ms':>8}{'queries':>9}{'KB':>7}")
    for page, path in PAGES:
        if args.only and page not in args.only:
            continue
        url = path.format(pk=pk, mpk=mpk)
        first = http.get(url)
        if first.status_code != 200:
            print(f"{page:<20} status {first.status_code} at {url}")
            continue
        walls, cpus, counts = [], [], []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                w0, c0 = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                response = http.get(url)
                if profiler:
                    profiler.disable()
                walls.append(time.perf_counter() - w0)
                cpus.append(time.process_time() - c0)
            counts.append(len(ctx.captured_queries))
        print(
            f"{page:<20}{statistics.median(walls) * 1000:>8.0f}"
            f"{statistics.median(cpus) * 1000:>8.0f}{min(counts):>9}"
            f"{len(response.content) / 1024:>7.0f}",
            flush=True,
        )
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.profile)
            print(out.getvalue())
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
