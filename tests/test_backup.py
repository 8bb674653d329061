"""Backup and restore on the embedded database (PostgreSQL is checked by the topology test):
a checksum beside each dump that restore checks first, the newest BACKUP_KEEP copies kept, each
backup and restore in the security log, and the log never rolled back by a restore."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import datetime
from decimal import Decimal as D
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.audit import Action, record
from accounts.models import SecurityEvent
from indicators.models import Figure
from tests.factories import FigureFactory, IndicatorFactory, PlaceFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROJECT_DIR = Path(__file__).resolve().parents[1]
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL: see the topology test"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: see the topology test")
def test_a_backup_restores_what_was_there(tmp_path, office_a):
    town = PlaceFactory()
    figure = FigureFactory(
        indicator=IndicatorFactory(office=office_a, places=[town]), place=town, value=D("29.74")
    )
    call_command("backup", "--dir", str(tmp_path))
    dump = next(tmp_path.glob("xiage-*.sqlite3"))
    Figure.objects.filter(pk=figure.pk).update(value=D("1"))
    call_command("restore", str(dump))  # without --yes: a dry run
    assert Figure.objects.get(pk=figure.pk).value == D("1")
    call_command("restore", str(dump), "--yes")
    assert Figure.objects.get(pk=figure.pk).value == D("29.74")


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="备份文件不存在"):
        call_command("restore", str(tmp_path / "none.dump"), "--yes")


# --- 数据完整性: a checksum beside each dump, checked before restoring ------------------------


@pytest.fixture
def figure(office_a):  # type: ignore[no-untyped-def]
    town = PlaceFactory()
    return FigureFactory(
        indicator=IndicatorFactory(office=office_a, places=[town]), place=town, value=D("29.74")
    )


def dump_in(directory: Path) -> Path:
    call_command("backup", "--dir", str(directory))
    return max(directory.glob("xiage-*.sqlite3"))


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_a_backup_has_a_sha256_file_that_sha256sum_reads(tmp_path, figure):
    dump = dump_in(tmp_path)
    checksum = (tmp_path / f"{dump.name}.sha256").read_text(encoding="utf-8")
    assert checksum == f"{hashlib.sha256(dump.read_bytes()).hexdigest()}  {dump.name}\n"
    result = subprocess.run(
        ["sha256sum", "-c", f"{dump.name}.sha256"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.strip() == f"{dump.name}: OK"
    [event] = SecurityEvent.objects.filter(action=Action.BACKUP)
    assert event.object == dump.name and event.result == "success"
    assert event.detail.startswith(f"SHA-256 {checksum.split()[0]}；保留最新14份")


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_restore_refuses_a_dump_that_differs_from_its_checksum(tmp_path, figure, capsys):
    dump = dump_in(tmp_path)
    Figure.objects.filter(pk=figure.pk).update(value=D("1"))
    with dump.open("ab") as stream:
        stream.write(b"\0")  # one byte more: damaged, or changed by hand
    with pytest.raises(CommandError, match="SHA-256 校验不符（文件已损坏或被改动），未恢复"):
        call_command("restore", str(dump))  # the dry run checks too
    with pytest.raises(CommandError, match="SHA-256 校验不符"):
        call_command("restore", str(dump), "--yes")
    assert Figure.objects.get(pk=figure.pk).value == D("1")
    [event] = SecurityEvent.objects.filter(action=Action.RESTORE)
    assert (event.object, event.result) == (dump.name, "refused")


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_restore_refuses_a_dump_without_its_checksum_unless_told_not_to_check(
    tmp_path, figure, capsys
):
    dump = dump_in(tmp_path)
    (tmp_path / f"{dump.name}.sha256").unlink()
    Figure.objects.filter(pk=figure.pk).update(value=D("1"))
    with pytest.raises(CommandError, match=f"找不到校验文件 {dump.name}.sha256，无法确认备份完整"):
        call_command("restore", str(dump), "--yes")
    assert Figure.objects.get(pk=figure.pk).value == D("1")
    call_command("restore", str(dump), "--yes", "--no-verify")
    assert Figure.objects.get(pk=figure.pk).value == D("29.74")
    event = SecurityEvent.objects.filter(action=Action.RESTORE).latest("id")
    assert event.result == "success"
    assert event.detail.startswith("未核对校验文件（--no-verify）")


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_a_restore_checks_the_sum_and_keeps_the_security_log_written_since(
    tmp_path, figure, clerk, capsys
):
    dump = dump_in(tmp_path)
    call_command("restore", str(dump))
    assert "SHA-256 校验通过" in capsys.readouterr().out
    # After the backup: a change, and two events the restore must not take away.
    Figure.objects.filter(pk=figure.pk).update(value=D("1"))
    record(Action.LOGIN, user=clerk, detail="备份之后")
    record(Action.EXPORT, user=clerk, obj="下各镇经济指标_2024年.xlsx")
    call_command("restore", str(dump), "--yes")
    assert Figure.objects.get(pk=figure.pk).value == D("29.74")
    actions = list(SecurityEvent.objects.order_by("id").values_list("action", "detail"))
    assert actions[-3:-1] == [("login", "备份之后"), ("export", "")]
    assert actions[-1][0] == "restore"
    assert actions[-1][1].startswith("SHA-256 校验通过（")
    assert actions[-1][1].endswith("保留了备份之后的安全审计日志3条")  # the backup's own too
    # A new event after the restore gets an id of its own.
    assert record(Action.LOGOUT, user=clerk).pk > SecurityEvent.objects.get(action="restore").pk


# --- 备份份数: the folder keeps the newest BACKUP_KEEP ----------------------------------------


def fake_dump(directory: Path, stamp: str) -> Path:
    dump = directory / f"xiage-{stamp}.sqlite3"
    dump.write_bytes(stamp.encode())
    (directory / f"{dump.name}.sha256").write_text(f"x  {dump.name}\n", encoding="utf-8")
    return dump


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_the_backup_keeps_the_newest_copies_and_deletes_the_rest(tmp_path, settings, capsys):
    settings.BACKUP_KEEP = 3
    for day in range(1, 6):
        fake_dump(tmp_path, f"202410{day:02d}-020000")
    (tmp_path / "说明.txt").write_text("不是备份", encoding="utf-8")
    with time_machine.travel(datetime(2024, 10, 15, 2, 0, tzinfo=SHANGHAI), tick=False):
        call_command("backup", "--dir", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "xiage-20241004-020000.sqlite3",
        "xiage-20241004-020000.sqlite3.sha256",
        "xiage-20241005-020000.sqlite3",
        "xiage-20241005-020000.sqlite3.sha256",
        "xiage-20241015-020000.sqlite3",
        "xiage-20241015-020000.sqlite3.sha256",
        "说明.txt",
    ]
    out = capsys.readouterr().out
    assert "已删除旧备份 xiage-20241001-020000.sqlite3（保留最新3份）" in out
    event = SecurityEvent.objects.get(action=Action.BACKUP)
    assert "保留最新3份，删除旧备份3份（xiage-20241001-020000.sqlite3、" in event.detail


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_keep_is_a_setting_and_an_option_of_at_least_one(tmp_path, settings):
    assert settings.BACKUP_KEEP == 14  # the default
    for day in range(1, 4):
        fake_dump(tmp_path, f"202410{day:02d}-020000")
    with pytest.raises(CommandError, match="--keep 至少为1"):
        call_command("backup", "--dir", str(tmp_path), "--keep", "0")
    assert len(list(tmp_path.glob("xiage-*.sqlite3"))) == 3
    call_command("backup", "--dir", str(tmp_path), "--keep", "1")
    assert len(list(tmp_path.glob("xiage-*.sqlite3"))) == 1
    env = {**os.environ, "DEBUG": "1", "BACKUP_KEEP": "0"}
    result = subprocess.run(
        [sys.executable, "-c", "import xiage.settings"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "BACKUP_KEEP must be at least 1" in result.stderr


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_dump_is_readable_by_its_owner_only_and_a_non_database_is_refused(tmp_path, office_a):
    from xiage import backup

    call_command("backup", "--dir", str(tmp_path))
    dump = next(tmp_path.glob("xiage-*.sqlite3"))
    assert dump.stat().st_mode & 0o777 == 0o600 and tmp_path.stat().st_mode & 0o777 == 0o700
    fake = tmp_path / "notdb.sqlite3"
    fake.write_bytes(b"this is not a database" * 100)
    backup.write_checksum(fake)
    with pytest.raises(CommandError, match="不是有效的 SQLite 备份文件"):
        call_command("restore", str(fake), "--yes")
