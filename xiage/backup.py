"""Database backup and restore: pg_dump/pg_restore for PostgreSQL, the SQLite backup API for
the embedded database. Used by `manage.py backup` and `manage.py restore`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    pass


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
        raise BackupError(f"找不到 {name}，请安装 PostgreSQL 客户端（postgresql-client）。")
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
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
        return target
    target = directory / f"xiage-{stamp}.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    return target


def restore(source: Path) -> None:
    """Replace the database's contents with a dump written by backup()."""
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    if connection.vendor == "postgresql":
        if source.suffix != ".dump":
            raise BackupError("PostgreSQL 只能从 .dump 备份文件恢复。")
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
            raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
        return
    if source.suffix != ".sqlite3":
        raise BackupError("SQLite 只能从 .sqlite3 备份文件恢复。")
    connection.ensure_connection()
    with sqlite3.connect(source) as dump:
        dump.backup(connection.connection)
