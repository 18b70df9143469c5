"""Finding: jobs died with the web worker and stayed "Bezig" forever.

Imports now run in ``proeftuin worker``, a process of its own, from a task in the database. Here
a real worker is killed with SIGKILL in the middle of an import's transaction; a new worker
resumes the import, and the data is there exactly once. A job out of attempts fails with a
message. Runs on SQLite (a file database) or, with DATABASE_URL, on a PostgreSQL database of
its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

PYTHON = sys.executable
ROWS = 400  # participants; two measurements each
# A bound on a hanging child process, not a timing assertion. With a load average of 30 the test
# errored under the old 300-s bound, so the bound is generous (PROEFTUIN_OPS_HANG_LIMIT).
HANG_LIMIT = float(os.environ.get("PROEFTUIN_OPS_HANG_LIMIT", "1200"))

SETUP = textwrap.dedent(
    """
    import django, json, sys
    django.setup()
    from django.conf import settings
    from proeftuin.accounts.models import Organisation, User
    from proeftuin.core import intake
    from proeftuin.core.instruments import LIFE_DOMAINS
    from proeftuin.monitoring import jobs, services
    from proeftuin.monitoring.models import ImportFile
    from proeftuin.portfolio.models import Project
    import datetime as dt

    org = Organisation.objects.create(name="Gemeente Voorbeeldstad", kind="gemeente")
    user = User.objects.create(username="pl", organisation=org, role="projectleider")
    project = Project.objects.create(
        owner=org, name="Proef", summary="s", themes=["jeugd_gezin"],
        start_date=dt.date(2025, 1, 1), end_date=dt.date(2027, 1, 1), phase="implementatie",
    )
    rows = ["Cliëntnummer;Datum;Meetmoment;Wonen;Werk"]
    for i in range(int(sys.argv[1])):
        rows.append(f"C{i};03-02-2025;0-meting;{1 + i % 5};{1 + i % 4}")
        rows.append(f"C{i};03-08-2025;eindmeting;{1 + (i + 1) % 5};{1 + (i + 2) % 4}")
    path = jobs.imports_dir() / "kill.csv"
    path.write_text("\\n".join(rows) + "\\n", encoding="utf-8")
    instrument = services.instrument(LIFE_DOMAINS)
    mapping = intake.suggest_mapping(path, instrument, filename="kill.csv").mapping
    import_file = ImportFile.objects.create(
        project=project, original_name="kill.csv", stored_name="kill.csv",
        instrument=LIFE_DOMAINS, mapping=mapping.to_dict(), status="mapped",
    )
    job = jobs.start_import(import_file, user)
    print(json.dumps({"job": job.pk}))
    """
)

# The first worker stops forever inside the import's transaction, after participants are
# written and before anything is committed: the moment a deploy or a crash would hit.
HANGING_WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import django
    django.setup()
    from proeftuin.monitoring import jobs
    marker = Path(sys.argv[1])
    original = jobs._ProgressWriter.__call__

    def hang(self, percent, message, force=False):
        original(self, percent, message, force)
        if percent > 40:
            marker.write_text(str(percent))
            time.sleep(3600)

    jobs._ProgressWriter.__call__ = hang
    from django.core.management import call_command
    call_command("worker", "--worker-id", "doomed", "--interval", "0.2")
    """
)

STATE = textwrap.dedent(
    """
    import django, json
    django.setup()
    from django_tasks_db.models import DBTaskResult
    from proeftuin.monitoring.models import Job, Measurement, Participant, Score
    job = Job.objects.get()
    print(json.dumps({
        "status": job.status, "message": job.message, "result": job.result,
        "participants": Participant.objects.count(),
        "measurements": Measurement.objects.count(),
        "scores": Score.objects.count(),
        "tasks": sorted(
            [t.status, t.exception_class_path.rsplit(".", 1)[-1]]
            for t in DBTaskResult.objects.all()
        ),
    }))
    """
)


@pytest.fixture
def environment(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "proeftuin.settings.test",
        "PROEFTUIN_VAR_DIR": str(tmp_path),
    }
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base, _, name = url.rpartition("/")
        name = f"{name.split('?')[0]}_worker_kill"
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env.pop("DATABASE_URL", None)
    run = _runner(env)
    run("-m", "proeftuin.cli", "manage", "migrate", "-v", "0")
    return env, run


def _runner(env):
    def run(*args: str) -> str:
        done = subprocess.run(
            [PYTHON, *args], env=env, capture_output=True, text=True, timeout=HANG_LIMIT
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    return run


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = HANG_LIMIT) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the worker never reached the import's transaction"
        time.sleep(0.2)


def test_a_worker_killed_mid_import_is_resumed_by_the_next_worker(environment, tmp_path):
    env, run = environment
    job_id = json.loads(run("-c", SETUP, str(ROWS)).strip().splitlines()[-1])["job"]
    marker = tmp_path / "inside-transaction"
    worker = subprocess.Popen(
        [PYTHON, "-c", HANGING_WORKER, str(marker)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(marker, worker)
        during = json.loads(run("-c", STATE))
        assert during["status"] == "running" and during["participants"] == 0
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=60)

    after_kill = json.loads(run("-c", STATE))
    assert after_kill["status"] == "running"  # what the user saw forever before
    assert after_kill["measurements"] == 0 and after_kill["participants"] == 0  # rolled back

    run("-m", "proeftuin.cli", "worker", "--batch")
    final = json.loads(run("-c", STATE))
    assert final["status"] == "done", final["message"]
    assert final["participants"] == ROWS and final["measurements"] == 2 * ROWS
    assert final["scores"] == 4 * ROWS
    assert final["result"]["measurements_created"] == 2 * ROWS
    assert final["tasks"] == [["FAILED", "WorkerLost"], ["SUCCESSFUL", ""]]
    assert job_id and not (tmp_path / "media" / "imports" / "kill.csv").exists()


# --- in process: out of attempts, orphans, the sweep ---------------------------------------------


@pytest.fixture
def queued_job(own_project, settings, tmp_path):
    from proeftuin.monitoring import jobs
    from proeftuin.monitoring.models import ImportFile, Job

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = False
    project = own_project
    (jobs.imports_dir() / "x.csv").write_text("a;b\n", encoding="utf-8")
    import_file = ImportFile.objects.create(
        project=project, original_name="x.csv", stored_name="x.csv", instrument="life_domains"
    )
    return Job.objects.create(project=project, import_file=import_file, status="running")


def _running_task(job, attempt: int, worker_id: str):
    from django_tasks_db.models import DBTaskResult

    from proeftuin.monitoring import jobs

    jobs.import_task.enqueue(job_id=job.pk, language="nl", attempt=attempt)
    task = DBTaskResult.objects.get(status="READY")
    task.claim(worker_id)
    return task


def test_a_job_out_of_attempts_fails_with_a_message(queued_job):
    from django_tasks_db.models import DBTaskResult

    from proeftuin.monitoring import jobs, worker

    _running_task(queued_job, attempt=jobs.MAX_ATTEMPTS, worker_id="gone")
    assert worker.recover_interrupted() == [queued_job.pk]
    queued_job.refresh_from_db()
    assert queued_job.status == "failed"
    assert "3 keer onderbroken" in queued_job.message and "niets opgeslagen" in queued_job.message
    assert queued_job.import_file.status == "failed"
    assert not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()


def test_a_live_workers_job_is_left_alone(queued_job):
    from proeftuin.monitoring import worker

    lock = worker.hold_lock("alive")
    try:
        task = _running_task(queued_job, attempt=1, worker_id="alive")
        assert worker.recover_interrupted() == []
        task.refresh_from_db()
        assert task.status == "RUNNING"
    finally:
        lock.close()
    assert not worker.is_alive("alive")


def test_a_job_without_a_task_from_the_thread_era_fails_on_worker_start(queued_job):
    from proeftuin.monitoring import worker

    assert worker.recover_interrupted() == [queued_job.pk]
    queued_job.refresh_from_db()
    assert queued_job.status == "failed" and "herstart van de server" in queued_job.message


@pytest.mark.django_db(transaction=True)
def test_the_worker_sweeps_stale_uploads(queued_job):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from proeftuin.monitoring import jobs
    from proeftuin.monitoring.models import ImportFile

    old = ImportFile.objects.create(
        project=queued_job.project,
        original_name="oud.csv",
        stored_name="oud.csv",
        instrument="life_domains",
    )
    ImportFile.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    (jobs.imports_dir() / "oud.csv").write_text("x", encoding="utf-8")
    call_command("worker", "--batch", "--interval", "0")
    old.refresh_from_db()
    assert old.status == "cancelled" and not (jobs.imports_dir() / "oud.csv").exists()
