"""Database backup and restore: pg_dump/pg_restore for PostgreSQL, the SQLite backup API for
the embedded database. Used by `manage.py backup` and `manage.py restore`.

数据完整性 (GB/T 22239-2019 8.1.4.7/8.1.4.8): each dump gets a `.sha256` file beside it, in
sha256sum's format, and restore refuses a dump whose checksum is missing or differs. The backup
folder keeps the newest BACKUP_KEEP dumps; older ones (and their checksums) are deleted.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _


class BackupError(Exception):
    pass


# The names backup() writes: xiage-YYYYMMDD-HHMMSS.dump or .sqlite3.
DUMP_NAME = re.compile(r"^xiage-\d{8}-\d{6}\.(dump|sqlite3)$")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".sha256")


def write_checksum(dump: Path) -> str:
    """Write `<dump>.sha256` ("<hex>  <name>", so `sha256sum -c` checks it too)."""
    digest = sha256_of(dump)
    checksum_path(dump).write_text(f"{digest}  {dump.name}\n", encoding="utf-8")
    return digest


def verify(dump: Path) -> str:
    """The dump's SHA-256 if it matches its checksum file; BackupError if missing or different."""
    sums = checksum_path(dump)
    if not sums.is_file():
        raise BackupError(
            _(
                "找不到校验文件 %(name)s，无法确认备份完整，未恢复。"
                "确认该备份可信时可加 --no-verify 跳过校验。"
            )
            % {"name": sums.name}
        )
    expected = sums.read_text(encoding="utf-8").split(maxsplit=1)[:1]
    actual = sha256_of(dump)
    if expected != [actual]:
        raise BackupError(
            _("备份文件 %(name)s 的 SHA-256 校验不符（文件已损坏或被改动），未恢复。")
            % {"name": dump.name}
        )
    return actual


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest dumps in `directory` (by the time in their names), with
    their checksum files; other files are left alone. Returns the dumps deleted."""
    dumps = sorted(p for p in directory.iterdir() if p.is_file() and DUMP_NAME.match(p.name))
    old = dumps[: max(len(dumps) - keep, 0)]
    for dump in old:
        dump.unlink()
        checksum_path(dump).unlink(missing_ok=True)
    return old


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("找不到 %(name)s，请安装 PostgreSQL 客户端（postgresql-client）。") % {"name": name}
        )
    return path


def backup(directory: Path, now: datetime | None = None) -> Path:
    """Write a timestamped dump into `directory` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    if connection.vendor == "postgresql":
        target = directory / f"xiage-{stamp}.dump"
        result = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise BackupError(_("pg_dump 失败：%(error)s") % {"error": result.stderr.strip()})
    else:
        target = directory / f"xiage-{stamp}.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    # A dump holds password hashes, second-factor keys and live sessions: its owner alone
    # reads it (the folder too).
    target.chmod(0o600)
    directory.chmod(0o700)
    write_checksum(target)
    return target


def restore(source: Path, *, verified: bool = True) -> None:
    """Replace the database's contents with a dump written by backup(), after checking its
    checksum (unless `verified` is False)."""
    if not source.is_file():
        raise BackupError(_("备份文件不存在：%(file)s") % {"file": source})
    if verified:
        verify(source)
    if connection.vendor == "postgresql":
        if source.suffix != ".dump":
            raise BackupError(_("PostgreSQL 只能从 .dump 备份文件恢复。"))
        connection.close()
        result = subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                settings.DATABASES["default"]["NAME"],
                str(source),
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(_("pg_restore 失败：%(error)s") % {"error": result.stderr.strip()})
        return
    if source.suffix != ".sqlite3":
        raise BackupError(_("SQLite 只能从 .sqlite3 备份文件恢复。"))
    connection.ensure_connection()
    try:
        with sqlite3.connect(source) as dump:
            dump.execute("SELECT count(*) FROM sqlite_master").fetchone()  # is it a database?
            dump.backup(connection.connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            _("%(name)s 不是有效的 SQLite 备份文件，未恢复：%(error)s")
            % {"name": source.name, "error": exc}
        ) from exc
