"""The ``proeftuin`` command: everyday operations without remembering manage.py.

    proeftuin demo [--projects N] [--seed S]   load Gemeente Voorbeeldstad and serve it
    proeftuin serve [--host H] [--port P]      serve the app (development server) and a worker
    proeftuin worker                            run background jobs (imports, upload sweep)
    proeftuin backup [--output FILE]            database + media as one verified archive
    proeftuin restore FILE                      restore such an archive (verify first)
    proeftuin report PROJECT --format pdf|html [--output FILE]
    proeftuin mkba PROJECT [--draws N]          print the indicative MKBA (social value)
    proeftuin remind [--days N] [--dry-run]     e-mail owners their due plan actions (daily)
    proeftuin import PROJECT FILE --mapping TEMPLATE|JSON [--dry-run]
    proeftuin tenant create NAME --kind KIND
    proeftuin user create USERNAME --organisation NAME --role ROLE
    proeftuin approve-role [USERNAME [--reject]]  list or decide roles awaiting a second beheerder
    proeftuin accesslog verify|purge [--days N] check or trim the access log's hash chain
    proeftuin manage ...                       any Django management command

Each maps onto a management command; ``proeftuin manage`` passes straight through.
"""

from __future__ import annotations

import argparse
import os
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proeftuin.settings.dev")
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="proeftuin", description="Proeftuin: van proeftuin naar praktijk"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="create the database, load the demo municipality, serve it")
    demo.add_argument("--projects", type=int, default=15)
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", default="8000")
    demo.add_argument("--no-serve", action="store_true", help="load the data but do not serve")

    serve = sub.add_parser("serve", help="serve the app on localhost (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default="8000")
    for parser_ in (demo, serve):
        parser_.add_argument(
            "--no-worker", action="store_true", help="do not start the background worker"
        )

    backup = sub.add_parser("backup", help="database + media in one archive, verified")
    backup.add_argument("--output", "-o", help="archive to write (default: var/backups/…)")
    backup.add_argument("--verify", metavar="FILE", help="only verify an existing archive")
    restore = sub.add_parser("restore", help="restore an archive made by `proeftuin backup`")
    restore.add_argument("archive")
    restore.add_argument("--yes", action="store_true", help="do not ask before replacing data")

    worker = sub.add_parser("worker", help="run background jobs: imports and the upload sweep")
    worker.add_argument("--batch", action="store_true", help="stop when the queue is empty")
    worker.add_argument(
        "--nice", type=int, help="lower the CPU priority by this much (default 10; 0 leaves it)"
    )

    report = sub.add_parser("report", help="write a project's report as PDF or HTML")
    report.add_argument("project", help="project id or exact name")
    report.add_argument("--format", choices=["pdf", "html"], default="pdf")
    report.add_argument(
        "--output", "-o", help="file to write (default: rapport-<project>.<format>)"
    )

    imp = sub.add_parser(
        "import", help="import a spreadsheet (XLSX, ODS, CSV) into a project's Tel en vertel"
    )
    imp.add_argument("project", help="project id or exact name")
    imp.add_argument("file", help="the spreadsheet")
    imp.add_argument("--mapping", help="mapping template name, JSON file or JSON string")
    imp.add_argument("--instrument", help="instrument id (default: the mapping's)")
    imp.add_argument("--suggest", metavar="FILE", help="write the suggested mapping as JSON")
    imp.add_argument("--save-template", metavar="NAME", help="save the mapping as a template")
    imp.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    mkba = sub.add_parser("mkba", help="print a project's indicative MKBA (social value)")
    mkba.add_argument("project", help="project id or exact name")
    mkba.add_argument("--draws", type=int, help="Monte Carlo draws (default: the project's)")

    remind = sub.add_parser("remind", help="e-mail owners their overdue and due plan actions")
    remind.add_argument("--days", type=int, default=7, help="look ahead N days (default 7)")
    remind.add_argument("--dry-run", action="store_true", help="list the messages, send nothing")

    tenant = sub.add_parser("tenant", help="manage organisations (tenants)")
    tenant_sub = tenant.add_subparsers(dest="action", required=True)
    tc = tenant_sub.add_parser("create")
    tc.add_argument("name")
    tc.add_argument("--kind", required=True)
    tc.add_argument("--city", default="")

    user = sub.add_parser("user", help="manage user accounts")
    user_sub = user.add_subparsers(dest="action", required=True)
    uc = user_sub.add_parser("create")
    uc.add_argument("username")
    uc.add_argument("--organisation", required=True)
    uc.add_argument("--role", required=True)
    uc.add_argument("--email", default="")
    uc.add_argument("--password", help="omit to be asked (or set PROEFTUIN_PASSWORD)")

    approve = sub.add_parser(
        "approve-role",
        help="list roles awaiting a second beheerder, or approve/reject one (operator's decision)",
    )
    approve.add_argument("username", nargs="?")
    approve.add_argument("--reject", action="store_true")

    log = sub.add_parser("accesslog", help="verify or purge the access log (hash chain)")
    log_sub = log.add_subparsers(dest="action", required=True)
    log_sub.add_parser("verify", help="report the first broken link, if any")
    purge = log_sub.add_parser("purge", help="remove entries older than the retention period")
    purge.add_argument("--days", type=int, help="retention in days (default: the setting)")

    manage = sub.add_parser("manage", help="run any Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    ns = build_parser().parse_args(argv)
    _django()
    from django.core.management.base import CommandError

    try:
        return _run(ns)
    except CommandError as exc:
        # A clear message, not a traceback: these are the user's mistakes, not bugs.
        print(f"proeftuin: {exc}", file=sys.stderr)
        return 1


def _run(ns: argparse.Namespace) -> int:
    if ns.command == "demo":
        _call("migrate", "--noinput", "-v", "0")
        _call("generate_demo", "--projects", str(ns.projects), "--seed", str(ns.seed), "--reset")
        if not ns.no_serve:
            _serve(ns.host, ns.port, worker=not ns.no_worker)
    elif ns.command == "serve":
        _call("migrate", "--noinput", "-v", "0")
        _serve(ns.host, ns.port, worker=not ns.no_worker)
    elif ns.command == "backup":
        args = ["backup"]
        if ns.output:
            args += ["--output", ns.output]
        if ns.verify:
            args += ["--verify", ns.verify]
        _call(*args)
    elif ns.command == "restore":
        _call("restore", ns.archive, *(["--yes"] if ns.yes else []))
    elif ns.command == "worker":
        args = ["worker", *(["--batch"] if ns.batch else [])]
        if ns.nice is not None:
            args += ["--nice", str(ns.nice)]
        _call(*args)
    elif ns.command == "report":
        args = ["project_report", ns.project, "--format", ns.format]
        if ns.output:
            args += ["--output", ns.output]
        _call(*args)
    elif ns.command == "import":
        args = ["import_spreadsheet", ns.project, ns.file]
        for flag, value in (
            ("--mapping", ns.mapping),
            ("--instrument", ns.instrument),
            ("--suggest", ns.suggest),
            ("--save-template", ns.save_template),
        ):
            if value:
                args += [flag, value]
        if ns.dry_run:
            args.append("--dry-run")
        _call(*args)
    elif ns.command == "mkba":
        args = ["mkba", ns.project]
        if ns.draws is not None:
            args += ["--draws", str(ns.draws)]
        _call(*args)
    elif ns.command == "remind":
        _call("remind", "--days", str(ns.days), *(["--dry-run"] if ns.dry_run else []))
    elif ns.command == "tenant":
        _call("create_tenant", ns.name, "--kind", ns.kind, "--city", ns.city)
    elif ns.command == "user":
        args = ["create_account", ns.username, "--organisation", ns.organisation]
        args += ["--role", ns.role]
        if ns.email:
            args += ["--email", ns.email]
        if ns.password:
            args += ["--password", ns.password]
        _call(*args)
    elif ns.command == "approve-role":
        args = ["approve_role"]
        if ns.username:
            args.append(ns.username)
        if ns.reject:
            args.append("--reject")
        _call(*args)
    elif ns.command == "accesslog":
        if ns.action == "verify":
            _call("verify_access_log")
        else:
            _call("purge_access_log", *(["--days", str(ns.days)] if ns.days is not None else []))
    elif ns.command == "manage":
        from django.core.management import execute_from_command_line

        execute_from_command_line(["proeftuin manage", *ns.args])
    return 0


def _serve(host: str, port: str, worker: bool = True) -> None:
    """Run the development server, with a background worker process beside it."""
    import subprocess

    process = None
    if worker:
        # A process of its own: imports survive nothing less than the worker itself stopping,
        # and a restarted worker resumes what a stopped one left.
        process = subprocess.Popen([sys.executable, "-m", "proeftuin.cli", "worker"])  # noqa: S603
    print(f"\nProeftuin draait op http://{host}:{port}/  (stoppen: Ctrl+C)\n", flush=True)
    try:
        _call("runserver", f"{host}:{port}", "--noreload")
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
