"""Finding: backups were only documented, and a restored copy failed with "missing manifest".

``proeftuin backup`` → an empty database → ``proeftuin restore`` gives the same project reports,
the same row counts and the same media files; static files are collected again when the
storage needs a manifest. A damaged archive is refused before anything is replaced.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import tarfile

import pytest
from django.apps import apps
from django.core.management import call_command

from proeftuin.operations.backup import BackupError, verify
from proeftuin.portfolio.models import Project
from proeftuin.reporting.report import render_report_html

TODAY = dt.date(2026, 6, 1)


def _snapshot(media) -> dict:
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
    reports = {p.pk: render_report_html(p, today=TODAY) for p in Project.objects.order_by("pk")}
    files = {
        p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()
    }
    return {"counts": counts, "reports": reports, "files": files}


@pytest.fixture
def installation(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("generate_demo", "--projects", "2", "--seed", "3", "--reset", verbosity=0)
    evidence = tmp_path / "media" / "evidence" / "7"
    evidence.mkdir(parents=True)
    (evidence / "bewijs.pdf").write_bytes(b"%PDF-1.4 evidence \x00\x01")
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_backup_then_an_empty_database_then_restore_gives_the_same_report(installation, settings):
    # Production's storage needs a manifest (CompressedManifest…; without compression here,
    # which only costs time): the report fails without collected static files.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    media = installation / "media"
    before = _snapshot(media)
    assert before["counts"]["portfolio.Project"] >= 2 and before["files"]
    assert any(n > 0 for label, n in before["counts"].items() if label.startswith("monitoring."))

    archive = installation / "backups" / "b.tar.gz"
    call_command("backup", "--output", str(archive))
    checked = verify(archive)
    assert "media/evidence/7/bewijs.pdf" in checked.manifest["files"]
    assert checked.manifest["migrations"]["monitoring"]

    # A new machine: an empty database, no media, no collected static files.
    call_command("flush", "--noinput", verbosity=0)
    shutil.rmtree(media)
    shutil.rmtree(installation / "static")
    assert Project.objects.count() == 0

    call_command("restore", str(archive), "--yes")
    after = _snapshot(media)
    assert after["counts"] == before["counts"]
    assert after["reports"] == before["reports"]
    assert after["files"] == before["files"]
    # Production's manifest storage works at once: no "Missing staticfiles manifest entry".
    assert (installation / "static" / "staticfiles.json").is_file()


def _rewrite(archive, name: str, content: bytes) -> None:
    with tarfile.open(archive, "r:gz") as source:
        members = [(m, source.extractfile(m).read()) for m in source.getmembers() if m.isfile()]
    with tarfile.open(archive, "w:gz") as target:
        for member, data in members:
            data = content if member.name == name else data
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_before_anything_is_replaced(installation):
    archive = installation / "b.tar.gz"
    call_command("backup", "--output", str(archive))
    _rewrite(archive, "media/evidence/7/bewijs.pdf", b"tampered")
    with pytest.raises(BackupError, match="bewijs.pdf does not match its checksum"):
        verify(archive)
    projects = Project.objects.count()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(archive), "--yes")
    assert Project.objects.count() == projects
    assert (
        (installation / "media" / "evidence" / "7" / "bewijs.pdf").read_bytes().startswith(b"%PDF")
    )

    not_ours = installation / "other.tar.gz"
    with tarfile.open(not_ours, "w:gz") as target:
        data = json.dumps({"x": 1}).encode()
        info = tarfile.TarInfo("something.json")
        info.size = len(data)
        target.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="no manifest.json"):
        verify(not_ours)
