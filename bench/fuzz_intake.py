"""Fuzz the spreadsheet intake with generated and mutated files (issue 9): 0 of everything bad.

Every file comes from a seeded generator (``tests/hostile_files.py``: bit flips and truncations of
real XLSX/ODS/CSV files, far-away cells, repeated ODS rows × columns, CSV noise, wide lines), so
any failure can be reproduced from its number. Two checks:

- **core**: ``suggest_mapping`` and ``dry_run`` on every file, in a child process with a 2 GiB
  address space. A file that makes the child die is a *crash*, one that takes longer than
  ``--hang`` seconds a *hang*, an exception escaping the core a *crash* too, and a problem that
  does not name the file a *bad message*.
- **web** (every ``--web-every``-th file, through Django's test client on a fresh SQLite
  database): upload, accept the suggested mapping, run the check and try to commit. Any HTTP 500
  counts, and so does a *partial import*: rows in the database although the check found errors.

Run ``make fuzz`` (10,000 files) or ``.venv/bin/python bench/fuzz_intake.py --files 500``.
Exit code 0 only when every count is 0.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files  # noqa: E402

SECRET = b"fuzz-secret-at-least-32-bytes-long!!"
MEMORY = 2 << 30


def make_file(seed: int, index: int) -> tuple[str, bytes]:
    rng = random.Random(seed * 1_000_003 + index)
    mutators = _MUTATORS or _load_mutators()
    name, data = rng.choice(mutators)(rng)
    return f"{index:05d}-{name}", data


_MUTATORS: list = []


def _load_mutators() -> list:
    _MUTATORS.extend(hostile_files.mutators())
    return _MUTATORS


# --- core: a child process that reads files on request ------------------------------------------


def _core_worker(conn, seed: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    from proeftuin.core.instruments import LIFE_DOMAINS, load_instruments
    from proeftuin.core.intake import dry_run, suggest_mapping

    instrument = load_instruments(environ={})[LIFE_DOMAINS]
    while True:
        index = conn.recv()
        if index is None:
            return
        name, data = make_file(seed, index)
        try:
            suggestion = suggest_mapping(data, instrument, filename=name)
            result = dry_run(data, suggestion.mapping, instrument, secret=SECRET, filename=name)
            errors = suggestion.errors + result.errors
            bad = [e for e in errors if e.file != name or not e.code]
            conn.send(("bad message", repr(bad[0])[:200]) if bad else ("ok", ""))
        except BaseException as exc:  # noqa: BLE001 - that is what we count
            conn.send(("crash", f"{type(exc).__name__}: {exc}"[:200]))


class Core:
    def __init__(self, seed: int, hang: float) -> None:
        self.seed, self.hang = seed, hang
        self.context = get_context("fork")
        self._start()

    def _start(self) -> None:
        self.conn, child = self.context.Pipe()
        self.process = self.context.Process(target=_core_worker, args=(child, self.seed))
        self.process.start()

    def _restart(self) -> None:
        self.process.kill()
        self.process.join()
        self._start()

    def check(self, index: int) -> tuple[str, str]:
        self.conn.send(index)
        if not self.conn.poll(self.hang):
            self._restart()
            return "hang", f"> {self.hang:.0f} s"
        try:
            return self.conn.recv()
        except EOFError:
            self.process.join()
            code = self.process.exitcode
            self._start()
            return "crash", f"worker died (exit code {code})"

    def close(self) -> None:
        self.conn.send(None)
        self.process.join(5)


# --- web: Django's test client on a fresh database -----------------------------------------------


class Web:
    def __init__(self, workdir: Path) -> None:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'fuzz.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "proeftuin.settings.test"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.MEDIA_ROOT = str(workdir / "media")
        settings.PROEFTUIN_JOBS_INLINE = True
        call_command("migrate", verbosity=0)
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()  # so responses carry their template context

        from proeftuin.accounts.models import Organisation, User
        from proeftuin.portfolio.models import Project

        org = Organisation.objects.create(name="Gemeente Fuzz", kind="gemeente")
        user = User(username="fuzz", organisation=org, role="projectleider")
        user.set_password("fuzz-password-123")
        user.save()
        self.project = Project.objects.create(
            owner=org, name="Fuzz", start_date="2022-01-01", end_date="2027-01-01"
        )
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.base = f"/tel-en-vertel/project/{self.project.pk}/import/"

    def _written(self) -> int:
        from proeftuin.monitoring.models import Measurement, Participant

        return Participant.objects.count() + Measurement.objects.count()

    def _reset(self) -> None:
        from proeftuin.monitoring.models import ImportFile, Participant

        Participant.objects.all().delete()
        ImportFile.objects.all().delete()

    def check(self, name: str, data: bytes) -> tuple[str, str]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        self._reset()
        response = self.client.post(
            self.base,
            {"file": SimpleUploadedFile(name, data), "instrument": "life_domains_self_reliance"},
        )
        if response.status_code >= 500:
            return "500", f"upload {response.status_code}"
        if response.status_code != 302:
            return "ok", "refused by the form"
        page = self.client.get(response["Location"])
        if page.status_code >= 500:
            return "500", f"mapping {page.status_code}"
        if page.context is None:
            raise RuntimeError("no template context: the harness cannot see the page")
        if page.context.get("file_errors"):
            return ("ok", "refused") if self._written() == 0 else ("partial", "refused file")
        post = _accept(page.context["sheets"])
        answer = self.client.post(response["Location"], post)
        if answer.status_code >= 500:
            return "500", f"mapping post {answer.status_code}"
        if answer.status_code != 302:
            return "ok", "mapping refused"
        check = self.client.get(answer["Location"])
        if check.status_code >= 500:
            return "500", f"check {check.status_code}"
        ok = bool(check.context and check.context.get("ok"))
        commit = self.client.post(answer["Location"])
        if commit.status_code >= 500:
            return "500", f"commit {commit.status_code}"
        if not ok and self._written():
            return "partial", "rows written although the check found errors"
        return "ok", "imported" if ok else "errors shown"


def _accept(sheets: list[dict]) -> dict[str, str]:
    data: dict[str, str] = {}
    for sheet in sheets:
        i = sheet["index"]
        if sheet["sheet"].include:
            data[f"s{i}-include"] = "on"
        data[f"s{i}-phase"] = sheet["sheet"].phase or "baseline"
        for column in sheet["columns"]:
            data[f"s{i}-c{column['index']}-target"] = column["value"]
            data[f"s{i}-c{column['index']}-phase"] = column["c"].phase or ""
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--hang", type=float, default=10.0, help="seconds before a file hangs")
    parser.add_argument("--web-every", type=int, default=10, help="0: no web checks")
    args = parser.parse_args()

    counts: Counter[str] = Counter()
    failures: list[str] = []
    start = time.perf_counter()
    core = Core(args.seed, args.hang)
    with tempfile.TemporaryDirectory(prefix="fuzz-intake-") as tmp:
        web = Web(Path(tmp)) if args.web_every else None
        for index in range(args.files):
            outcome, detail = core.check(index)
            counts[f"core {outcome}"] += 1
            if outcome != "ok":
                failures.append(f"core {outcome}: file {index} ({detail})")
            if web is not None and index % args.web_every == 0:
                name, data = make_file(args.seed, index)
                began = time.perf_counter()
                outcome, detail = web.check(name, data)
                if outcome == "ok" and time.perf_counter() - began > args.hang:
                    outcome, detail = "hang", f"web > {args.hang:.0f} s"
                counts[f"web {outcome}"] += 1
                counts[f"web outcome: {detail}"] += 1
                if outcome != "ok":
                    failures.append(f"web {outcome}: file {index} ({detail})")
            if (index + 1) % 500 == 0:
                print(f"{index + 1} files, {time.perf_counter() - start:.0f} s", flush=True)
    core.close()

    bad = {k: v for k, v in counts.items() if not k.endswith(" ok") and "outcome:" not in k}
    print(f"\nFuzzed {args.files} files (seed {args.seed}) in {time.perf_counter() - start:.0f} s")
    for kind in ("crash", "hang", "bad message"):
        print(f"  core {kind}: {counts[f'core {kind}']}")
    flows = sum(v for k, v in counts.items() if k.startswith("web ") and "outcome:" not in k)
    print(f"  web uploads checked (upload, mapping, check, commit): {flows}")
    for kind in ("500", "partial", "hang"):
        print(f"  web {kind}: {counts[f'web {kind}']}")
    for key in sorted(k for k in counts if "outcome:" in k):
        print(f"    {key}: {counts[key]}")
    for failure in failures[:30]:
        print("   ", failure)
    print("RESULT:", bad or "0 crashes, 0 500s, 0 hangs, 0 partial imports")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
