"""Backup and restore of one installation: the database and ``MEDIA_ROOT`` in one archive.

The archive is a ``.tar.gz`` with ``manifest.json`` (format, creation time, database engine, the
latest migration per app, and a SHA-256 and size per file), the database (``database.sqlite3``
made with SQLite's online backup API, or ``database.dump`` from ``pg_dump --format=custom``) and
``media/``. :func:`verify` checks every checksum and the database copy itself (SQLite's
``integrity_check``, or ``pg_restore --list``); backup verifies what it wrote, restore verifies
before it touches anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.dump"


class BackupError(Exception):
    """A backup could not be made, verified or restored; the message says what to do."""


@dataclass
class Verified:
    manifest: dict
    files: int
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", db.get("HOST") or "localhost", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(target_dir: Path) -> Path:
    if connection.vendor == "sqlite":
        path = target_dir / SQLITE_NAME
        connection.ensure_connection()
        destination = sqlite3.connect(path)
        try:
            # Consistent while the app runs (WAL): SQLite's online backup, not a file copy.
            connection.connection.backup(destination)
        finally:
            destination.close()
        return path
    if connection.vendor == "postgresql":
        path = target_dir / PG_NAME
        args, env = _pg_args()
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args]
            + ["--file", str(path), connection.settings_dict["NAME"]],
            env,
        )
        return path
    raise BackupError(f"Database engine {connection.vendor} is not supported.")


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def backup(output: Path) -> Verified:
    """Write the archive to ``output`` and verify it."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="proeftuin-backup-") as tmp:
        work = Path(tmp)
        database = _dump_database(work)
        entries: dict[str, Path] = {database.name: database}
        if media.is_dir():
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    entries[f"media/{path.relative_to(media).as_posix()}"] = path
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": connection.vendor,
            "database": database.name,
            "migrations": _migrations(),
            "files": {
                name: {"sha256": _sha256(path), "size": path.stat().st_size}
                for name, path in entries.items()
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            for name, path in entries.items():
                archive.add(path, arcname=name)
        partial.replace(output)
    return verify(output)


def _extract(archive_path: Path, target: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(target, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive_path.name}: not a readable backup archive ({exc}).") from exc
    manifest_path = target / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{archive_path.name}: no {MANIFEST}; this is not a Proeftuin backup.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path.name}: unknown backup format {manifest.get('format')}.")
    return manifest


def _check(target: Path, manifest: dict, name: str) -> Verified:
    files = manifest["files"]
    present = {
        p.relative_to(target).as_posix()
        for p in target.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }
    missing, extra = sorted(set(files) - present), sorted(present - set(files))
    if missing or extra:
        raise BackupError(f"{name}: files missing {missing[:5]} or not listed {extra[:5]}.")
    total = 0
    for relative, expected in files.items():
        path = target / relative
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name}: {relative} does not match its checksum; it is damaged.")
        total += expected["size"]
    database = target / manifest["database"]
    if manifest["engine"] == "sqlite":
        check = sqlite3.connect(database)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if result != "ok":
            raise BackupError(f"{name}: the database copy fails SQLite's integrity check.")
    else:
        _run(["pg_restore", "--list", str(database)])
    return Verified(manifest=manifest, files=len(files), bytes=total)


def verify(archive_path: Path) -> Verified:
    """Check the archive's manifest, every checksum and the database copy; change nothing."""
    with tempfile.TemporaryDirectory(prefix="proeftuin-verify-") as tmp:
        manifest = _extract(archive_path, Path(tmp))
        return _check(Path(tmp), manifest, archive_path.name)


def restore(archive_path: Path) -> Verified:
    """Verify, then replace the database and ``MEDIA_ROOT`` with the archive's.

    The previous media directory is kept next to it as ``media.before-restore-<time>``. Static
    files are collected again when the storage needs a manifest (production), so a restored
    installation never fails with "Missing staticfiles manifest entry".
    """
    with tempfile.TemporaryDirectory(prefix="proeftuin-restore-") as tmp:
        work = Path(tmp)
        manifest = _extract(archive_path, work)
        verified = _check(work, manifest, archive_path.name)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"{archive_path.name} holds a {manifest['engine']} database; this installation "
                f"uses {connection.vendor}. Restore it into a {manifest['engine']} installation."
            )
        database = work / manifest["database"]
        if connection.vendor == "sqlite":
            source = sqlite3.connect(database)
            connection.ensure_connection()
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            connection.close()
            args, env = _pg_args()
            _run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
                + ["--single-transaction", *args, "--dbname", connection.settings_dict["NAME"]]
                + [str(database)],
                env,
            )
        _restore_media(work / "media")
    _collect_static_if_needed()
    return verified


def _restore_media(source: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        media.rename(media.with_name(f"{media.name}.before-restore-{stamp}"))
    elif media.exists():
        media.rmdir()
    media.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, media)
    else:
        media.mkdir()


def _collect_static_if_needed() -> None:
    backend = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    if "Manifest" in backend:
        call_command("collectstatic", "--noinput", verbosity=0)
