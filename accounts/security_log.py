"""Reading the security log out: exports for the 审计管理员, the archive of rows past the retention
period, and carrying the log over a database restore.

The log is written by accounts.audit.record alone; nothing here changes a row. Rows leave the
database only through `archive`, which first writes them to a compressed file with a checksum
(on PostgreSQL the trigger of accounts/migrations/0006 lets the delete through only then).
"""

from __future__ import annotations

import csv
import getpass
import gzip
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from accounts.models import SecurityEvent

# The retention 等保 asks for; a setting may only lengthen it.
MIN_RETENTION_DAYS = 180

HEADERS = [
    gettext_lazy("时间"),
    gettext_lazy("用户名"),
    gettext_lazy("地址"),
    gettext_lazy("操作"),
    gettext_lazy("对象"),
    gettext_lazy("结果"),
    gettext_lazy("详情"),
]
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def server_actor() -> str:
    """Who ran a server command, for the log's user column (the system account)."""
    try:
        account = getpass.getuser()
    except (OSError, KeyError):
        account = "?"
    return _("服务器命令（%(account)s）") % {"account": account}


def retention_days() -> int:
    return max(
        int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)), MIN_RETENTION_DAYS
    )


def _safe(text: str) -> str:
    """A cell never run as a formula, without characters a spreadsheet cannot hold."""
    text = _ILLEGAL.sub(" ", text)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _row(event: SecurityEvent) -> list[str]:
    return [
        timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
        _safe(event.username),
        event.address or "",
        str(event.get_action_display()),
        _safe(event.object),
        str(event.get_result_display()),
        _safe(event.detail),
    ]


def csv_bytes(events: Iterable[SecurityEvent]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(header) for header in HEADERS])
    for event in events:
        writer.writerow(_row(event))
    # The BOM lets Excel open the file as UTF-8 and show the Chinese.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(events: Iterable[SecurityEvent]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("安全审计日志"))
    for column, width in zip("ABCDEFG", [20, 14, 16, 12, 24, 8, 60], strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append([str(header) for header in HEADERS])
    for event in events:
        sheet.append(_row(event))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the archive -------------------------------------------------------------------------------


class ArchiveRefused(Exception):
    pass


@dataclass(frozen=True)
class ArchivePlan:
    before: datetime  # rows earlier than this (local midnight) leave the database
    count: int
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class Archived:
    path: Path
    checksum_path: Path
    sha256: str
    count: int


def latest_cutoff(today: date | None = None) -> date:
    """The latest date `archive` accepts: rows from it on are within the retention period."""
    today = today or timezone.localdate()
    return today - timedelta(days=retention_days())


def archive_plan(before: date | None = None) -> ArchivePlan:
    """What `archive(before)` would move; refused if `before` reaches into the retention period."""
    limit = latest_cutoff()
    day = before or limit
    if day > limit:
        raise ArchiveRefused(
            _("只能归档%(days)d天保存期以前的记录：日期不能晚于%(limit)s。")
            % {"days": retention_days(), "limit": limit.isoformat()}
        )
    cutoff = timezone.make_aware(datetime.combine(day, time.min))
    rows = SecurityEvent.objects.filter(at__lt=cutoff)
    span = rows.order_by("at").values_list("at", flat=True)
    return ArchivePlan(
        before=cutoff,
        count=rows.count(),
        first=span.first(),
        last=span.last(),
    )


def _json_line(event: dict[str, Any]) -> bytes:
    event = {**event, "at": event["at"].isoformat()}
    return (json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksum(path: Path) -> Path:
    """`<file>.sha256` beside the file, in sha256sum's format (`sha256sum -c` reads it)."""
    checksum_path = path.with_name(path.name + ".sha256")
    checksum_path.write_text(f"{sha256_of(path)}  {path.name}\n", encoding="utf-8")
    return checksum_path


FIELDS = ["id", "at", "user_id", "username", "address", "action", "object", "result", "detail"]


@transaction.atomic
def archive(plan: ArchivePlan, directory: Path) -> Archived:
    """Write the plan's rows to a gzip JSON-lines file with its checksum, then delete them, in
    one transaction; on any failure nothing is deleted and no file is left."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Only this lets the append-only trigger pass a DELETE (of rows past 180 days).
            cursor.execute("SET LOCAL xiage.audit_archive = 'on'")
    rows = SecurityEvent.objects.filter(at__lt=plan.before).order_by("at", "id")
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"security-log-before-{plan.before:%Y%m%d}-{stamp}.jsonl.gz"
    checksum_path = path.with_name(path.name + ".sha256")
    try:
        ids = []
        with gzip.open(path, "wb") as stream:
            for event in rows.values(*FIELDS).iterator(chunk_size=2000):
                ids.append(event["id"])
                stream.write(_json_line(event))
        checksum_path = write_checksum(path)
        for start in range(0, len(ids), 500):
            SecurityEvent.objects.filter(pk__in=ids[start : start + 500]).delete()
    except BaseException:
        path.unlink(missing_ok=True)
        checksum_path.unlink(missing_ok=True)
        raise
    return Archived(path=path, checksum_path=checksum_path, sha256=sha256_of(path), count=len(ids))


def read_archive(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of an archive file, as written."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        for line in stream:
            yield json.loads(line)


# --- across a restore --------------------------------------------------------------------------


def snapshot() -> list[dict[str, Any]]:
    """Every row of the log now, to be carried over a restore (none if there is no log yet, as
    in an empty database)."""
    try:
        return list(SecurityEvent.objects.order_by("id").values(*FIELDS))
    except DatabaseError:
        return []


def carry_over(rows: list[dict[str, Any]]) -> int:
    """Put back the rows of `snapshot()` that the restored database lacks, so a restore never
    takes security events away: a row whose id is free keeps its id, one whose id the backup
    used for another event gets a new one. Returns how many were put back."""
    if not rows:
        return 0
    ids = [row["id"] for row in rows]
    existing = {
        row["id"]: (row["at"], row["action"], row["username"])
        for row in SecurityEvent.objects.filter(pk__gte=min(ids), pk__lte=max(ids)).values(
            "id", "at", "action", "username"
        )
    }
    fields = {f.attname: f for f in SecurityEvent._meta.concrete_fields}
    table = connection.ops.quote_name(SecurityEvent._meta.db_table)
    put_back = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            same = existing.get(row["id"])
            if same == (row["at"], row["action"], row["username"]):
                continue
            # A raw insert: the model's save() would stamp `at` with the time of the restore.
            names = [name for name in FIELDS if not (name == "id" and same is not None)]
            columns = ", ".join(connection.ops.quote_name(str(fields[n].column)) for n in names)
            values = [fields[n].get_db_prep_save(row[n], connection) for n in names]
            placeholders = ", ".join(["%s"] * len(names))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)
            put_back += 1
        for statement in connection.ops.sequence_reset_sql(no_style(), [SecurityEvent]):
            cursor.execute(statement)
    return put_back
