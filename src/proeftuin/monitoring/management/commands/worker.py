"""Run the background worker: imports, recovery of interrupted jobs, the sweep of stale uploads."""

from __future__ import annotations

import os
import socket

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from proeftuin.monitoring import worker


class Command(BaseCommand):
    help = "Run the background worker (imports, recovery after a restart, sweep of old uploads)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=worker.POLL_SECONDS,
            help="seconds between polls of an idle worker",
        )
        parser.add_argument(
            "--sweep-every", type=float, default=3600.0, help="seconds between upload sweeps"
        )
        parser.add_argument(
            "--recover-every",
            type=float,
            default=60.0,
            help="seconds between checks for jobs of stopped workers",
        )
        parser.add_argument("--batch", action="store_true", help="stop when the queue is empty")
        parser.add_argument("--worker-id", help="unique per worker (default: host and random)")
        parser.add_argument(
            "--nice",
            type=int,
            default=worker.NICE,
            help="lower the serving worker's CPU priority by this much (0: leave it), so pages "
            "are served before reports and imports",
        )

    def handle(self, *args, **options) -> None:
        worker_id = options["worker_id"] or (f"{socket.gethostname()[:40]}-{get_random_string(12)}")
        if options["nice"] > 0 and not options["batch"]:
            # Reports and imports hold a core for seconds; the web server's requests go first.
            os.nice(options["nice"])
        worker.run(
            worker_id=worker_id,
            interval=options["interval"],
            sweep_every=options["sweep_every"],
            recover_every=options["recover_every"],
            batch=options["batch"],
        )
