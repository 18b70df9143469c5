"""Benchmark: the project report of the largest demo project as HTML and as PDF (issue 14 item 3).

Target: the PDF in at most 3 s. The run loads the demo (``proeftuin demo --no-serve``) into a
fresh ``PROEFTUIN_VAR_DIR`` (or reuses ``--var-dir``), then renders the report of
"Eén gezin, één plan" ``--runs`` times per format and prints p50/p95 per format, *cold* (chart
cache emptied before each run: what the first report of new figures costs) and *warm* (charts
cached: every further report of the same figures). For the PDF it prints the split:

- sections: building the sections (queries, figures, charts) and the template,
- layout: WeasyPrint's layout (``HTML.render``: CSS, tables, line breaking),
- draw: writing the PDF (``Document.write_pdf``: text, the SVG charts).

It first prints what a process start costs: the worker's warm-up (the URLconf, vl-convert,
WeasyPrint's import, fonts and stylesheet) and the first report after it, with nothing cached.

with wall-clock and CPU seconds, and the machine's load average before and after: on a shared
machine the wall clock mostly measures the other processes, the CPU seconds much less so::

    .venv/bin/python bench/bench_report.py [--runs 5] [--var-dir DIR] [--profile]

Nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROJECT = "Eén gezin, één plan"
TARGET_PDF = 3.0


def load_demo(var_dir: Path) -> None:
    if (var_dir / "proeftuin.sqlite3").exists():
        return
    env = {**os.environ, "PROEFTUIN_VAR_DIR": str(var_dir)}
    subprocess.run(  # noqa: S603 - our own CLI
        [str(BIN / "proeftuin"), "demo", "--no-serve"], check=True, env=env, cwd=ROOT
    )


def quantiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--var-dir", type=Path, help="reuse a loaded demo (default: a new one)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one PDF")
    args = parser.parse_args()

    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="bench-report-"))
    load_before = os.getloadavg()
    load_demo(var_dir)
    os.environ["PROEFTUIN_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proeftuin.settings.test")
    import django

    django.setup()
    from django.core.cache import cache
    from django.utils.translation import override
    from weasyprint import HTML

    from proeftuin.monitoring import worker
    from proeftuin.portfolio.models import Project
    from proeftuin.reporting import report

    project = Project.objects.get(name=PROJECT)
    times: dict[str, list[tuple[float, float]]] = {}

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def record(key: str, start: tuple[float, float], end: tuple[float, float]) -> None:
        times.setdefault(key, []).append((end[0] - start[0], end[1] - start[1]))

    def pdf_once(state: str) -> bytes:
        t0 = clock()
        html = report.render_report_html(project, for_pdf=True)
        t1 = clock()
        # As report.html_to_pdf does, split in two: the shared stylesheet and fonts, fewer GC passes.
        with report._pdf_lock, report._fewer_gc_passes():
            font_config, stylesheet = report._stylesheet_and_fonts()
            document = HTML(string=html, base_url=None).render(
                stylesheets=[stylesheet], font_config=font_config
            )
            t2 = clock()
            data = document.write_pdf()
        t3 = clock()
        record(f"pdf {state}", t0, t3)
        record(f"  sections {state}", t0, t1)
        record(f"  layout {state}", t1, t2)
        record(f"  draw {state}", t2, t3)
        return data

    with override("nl"):
        # A process start: what the worker pays once (its warm-up), then the first report
        # (charts not cached yet); neither is counted in the cold/warm figures below.
        cache.clear()
        t0 = clock()
        worker._warm_up_reports()
        record("worker start", t0, clock())
        t0 = clock()
        pdf_once("first")
        record("first pdf", t0, clock())
        for state in ("cold", "warm"):
            for _ in range(args.runs):
                if state == "cold":
                    cache.clear()
                t0 = clock()
                report.render_report_html(project)
                record(f"html {state}", t0, clock())
                if state == "cold":
                    cache.clear()
                size = len(pdf_once(state))
        if args.profile:
            cache.clear()
            profiler = cProfile.Profile()
            profiler.runcall(report.render_report_pdf, project)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)

    load_after = os.getloadavg()
    print(f"Report of {PROJECT!r} ({size / 1024:.0f} KB PDF), {args.runs} runs per state")
    print("wall: elapsed seconds; cpu: this process's CPU seconds (all its threads), which a")
    print("loaded machine inflates far less than the wall clock")
    print(f"{'':24} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>9} {'cpu p95':>9}")
    for key in ("worker start", "first pdf", "html cold", "html warm", "pdf cold", "pdf warm"):
        parts = ("sections", "layout", "draw") if key.startswith("pdf ") else ()
        for part in (key, *(f"  {p} {key.split()[1]}" for p in parts)):
            if part not in times:
                continue
            wall = quantiles([w for w, _c in times[part]])
            cpu = quantiles([c for _w, c in times[part]])
            print(f"{part:24} {wall[0]:9.3f} {wall[1]:9.3f} {cpu[0]:9.3f} {cpu[1]:9.3f}")
    warm = quantiles([w for w, _c in times["pdf warm"]])[1]
    cold = quantiles([w for w, _c in times["pdf cold"]])[1]
    print(
        f"target: PDF <= {TARGET_PDF:.0f} s: warm p95 {warm:.2f} s "
        f"({'met' if warm <= TARGET_PDF else 'NOT met'}), cold p95 {cold:.2f} s "
        f"({'met' if cold <= TARGET_PDF else 'NOT met'})"
    )
    print(
        "load average (1/5/15 min): before "
        + " ".join(f"{x:.2f}" for x in load_before)
        + ", after "
        + " ".join(f"{x:.2f}" for x in load_after)
        + f" on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
