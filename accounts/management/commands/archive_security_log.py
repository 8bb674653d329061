from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import security_log
from accounts.audit import Action, Result, record


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(raw)s") % {"raw": raw}) from exc


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "归档安全审计日志：把保存期（AUDIT_RETENTION_DAYS，至少180天）以前的记录写入压缩的"
            "JSON Lines 文件（附 SHA-256 校验文件），再从数据库删除。"
            "不加 --yes 只显示将归档多少条。"
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--before",
            type=_date,
            help=_("归档该日期（YYYY-MM-DD）以前的记录；默认为保存期的起点，不能更晚"),
        )
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help=_("归档目录（默认 AUDIT_ARCHIVE_DIR，即 var/audit-archive）"),
        )
        parser.add_argument("--yes", action="store_true", help=_("确认归档并删除"))

    def handle(self, *args, before: date | None, dir: Path | None, yes: bool, **options) -> None:
        directory = dir or Path(settings.AUDIT_ARCHIVE_DIR)
        try:
            plan = security_log.archive_plan(before)
        except security_log.ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        day = timezone.localtime(plan.before).date().isoformat()
        if plan.count == 0:
            self.stdout.write(_("%(day)s以前没有安全审计日志，无需归档。") % {"day": day})
            return
        span = _("%(first)s至%(last)s") % {
            "first": f"{timezone.localtime(plan.first):%Y-%m-%d}",
            "last": f"{timezone.localtime(plan.last):%Y-%m-%d}",
        }
        if not yes:
            self.stdout.write(
                _(
                    "%(day)s以前的安全审计日志共%(count)d条（%(span)s），将写入 %(directory)s 后"
                    "从数据库删除。确认无误后加 --yes 再运行。"
                )
                % {"day": day, "count": plan.count, "span": span, "directory": directory}
            )
            return
        try:
            archived = security_log.archive(plan, directory)
        except (DatabaseError, OSError) as exc:
            record(
                Action.ARCHIVE,
                username=security_log.server_actor(),
                obj=_("%(day)s以前的安全审计日志") % {"day": day},
                result=Result.FAILURE,
                detail=str(exc),
            )
            raise CommandError(
                _("归档失败，数据库中的记录未删除：%(error)s") % {"error": exc}
            ) from exc
        record(
            Action.ARCHIVE,
            username=security_log.server_actor(),
            obj=archived.path.name,
            detail=_("%(day)s以前%(count)d条（%(span)s），SHA-256 %(digest)s")
            % {"day": day, "count": archived.count, "span": span, "digest": archived.sha256},
        )
        self.stdout.write(
            _("已归档%(count)d条（%(span)s）到 %(path)s，校验文件 %(name)s（SHA-256 %(digest)s）。")
            % {
                "count": archived.count,
                "span": span,
                "path": archived.path,
                "name": archived.checksum_path.name,
                "digest": archived.sha256,
            }
        )
