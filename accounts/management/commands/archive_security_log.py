from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from accounts import security_log
from accounts.audit import Action, Result, record


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{raw}") from exc


class Command(BaseCommand):
    help = (
        "归档安全审计日志：把保存期（AUDIT_RETENTION_DAYS，至少180天）以前的记录写入压缩的"
        "JSON Lines 文件（附 SHA-256 校验文件），再从数据库删除。不加 --yes 只显示将归档多少条。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--before",
            type=_date,
            help="归档该日期（YYYY-MM-DD）以前的记录；默认为保存期的起点，不能更晚",
        )
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="归档目录（默认 AUDIT_ARCHIVE_DIR，即 var/audit-archive）",
        )
        parser.add_argument("--yes", action="store_true", help="确认归档并删除")

    def handle(self, *args, before: date | None, dir: Path | None, yes: bool, **options) -> None:
        directory = dir or Path(settings.AUDIT_ARCHIVE_DIR)
        try:
            plan = security_log.archive_plan(before)
        except security_log.ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        day = timezone.localtime(plan.before).date().isoformat()
        if plan.count == 0:
            self.stdout.write(f"{day}以前没有安全审计日志，无需归档。")
            return
        span = (
            f"{timezone.localtime(plan.first):%Y-%m-%d}至{timezone.localtime(plan.last):%Y-%m-%d}"
        )
        if not yes:
            self.stdout.write(
                f"{day}以前的安全审计日志共{plan.count}条（{span}），将写入 {directory} 后"
                "从数据库删除。确认无误后加 --yes 再运行。"
            )
            return
        try:
            archived = security_log.archive(plan, directory)
        except (DatabaseError, OSError) as exc:
            record(
                Action.ARCHIVE,
                username=security_log.server_actor(),
                obj=f"{day}以前的安全审计日志",
                result=Result.FAILURE,
                detail=str(exc),
            )
            raise CommandError(f"归档失败，数据库中的记录未删除：{exc}") from exc
        record(
            Action.ARCHIVE,
            username=security_log.server_actor(),
            obj=archived.path.name,
            detail=f"{day}以前{archived.count}条（{span}），SHA-256 {archived.sha256}",
        )
        self.stdout.write(
            f"已归档{archived.count}条（{span}）到 {archived.path}，"
            f"校验文件 {archived.checksum_path.name}（SHA-256 {archived.sha256}）。"
        )
