"""`proeftuin serve` and `proeftuin demo` start a background worker next to the web server."""

from __future__ import annotations

import subprocess

from proeftuin import cli


class FakeProcess:
    def __init__(self, args, **kwargs) -> None:
        self.args = args
        self.terminated = False

    def terminate(self) -> None:
        self.terminated = True

    def wait(self, timeout=None) -> int:
        return 0


def test_serve_starts_a_worker_and_stops_it_with_the_server(monkeypatch):
    started: list[FakeProcess] = []
    calls: list[tuple] = []

    def popen(args, **kwargs):
        started.append(FakeProcess(args))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(cli, "_call", lambda *args: calls.append(args))
    cli._serve("127.0.0.1", "8123")
    assert len(started) == 1 and started[0].args[-3:] == ["-m", "proeftuin.cli", "worker"]
    assert started[0].terminated
    assert calls[-1][0] == "runserver"


def test_serve_without_worker(monkeypatch):
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    monkeypatch.setattr(cli, "_call", lambda *args: None)
    cli._serve("127.0.0.1", "8123", worker=False)


def test_the_cli_knows_worker_backup_and_restore():
    parser = cli.build_parser()
    assert parser.parse_args(["worker", "--batch"]).batch
    assert parser.parse_args(["backup", "-o", "x.tar.gz"]).output == "x.tar.gz"
    assert parser.parse_args(["restore", "x.tar.gz", "--yes"]).yes
    assert parser.parse_args(["serve", "--no-worker"]).no_worker
    assert parser.parse_args(["demo", "--no-worker"]).no_worker
