"""The background worker yields the CPU to the web server (issue 14).

A PDF report or an import holds a core for seconds; on a 2-core server that doubled the p95 of
the pages people were waiting for. The serving worker lowers its own priority (``nice``), so
the kernel runs a web request first and the job in the time that is left.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from proeftuin.monitoring import worker


@pytest.fixture
def niced(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(worker, "run", lambda **kwargs: None)
    monkeypatch.setattr("os.nice", lambda increment: calls.append(increment) or increment)
    return calls


def test_the_serving_worker_lowers_its_priority(niced):
    call_command("worker")
    assert niced == [worker.NICE]
    assert worker.NICE > 0


def test_the_priority_is_a_setting_and_zero_leaves_it(niced):
    call_command("worker", "--nice", "5")
    call_command("worker", "--nice", "0")
    assert niced == [5]


def test_a_batch_run_keeps_the_callers_priority(niced):
    """``worker --batch`` runs inside scripts and tests: their process is not lowered."""
    call_command("worker", "--batch")
    assert niced == []


def test_the_proeftuin_command_passes_the_priority_on(niced):
    """``proeftuin worker --nice 0`` is what the systemd unit in docs/operations.md may say."""
    from proeftuin import cli

    cli.main(["worker", "--nice", "0"])
    cli.main(["worker"])
    assert niced == [worker.NICE]
