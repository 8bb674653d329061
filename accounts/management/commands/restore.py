from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts import security_log
from accounts.audit import Action, Result, record
from xiage.backup import BackupError, restore, verify


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "从 backup 命令写出的文件恢复数据库（会替换现有数据）。"
            "先核对备份旁的 SHA-256 校验文件，不符或缺失即拒绝。不加 --yes 只做检查。"
            "安全审计日志中备份之后的记录恢复后保留。"
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help=_("备份文件（.dump 或 .sqlite3）"))
        parser.add_argument("--yes", action="store_true", help=_("确认替换现有数据"))
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help=_("不核对校验文件（只用于确认可信、但没有校验文件的旧备份；会记入安全审计日志）"),
        )

    def handle(self, *args, file: Path, yes: bool = False, no_verify: bool = False, **options):
        if not file.is_file():
            raise CommandError(_("备份文件不存在：%(file)s") % {"file": file})
        actor = security_log.server_actor()
        if no_verify:
            checked = _("未核对校验文件（--no-verify）")
        else:
            try:
                checked = _("SHA-256 校验通过（%(digest)s）") % {"digest": verify(file)}
            except BackupError as exc:
                if yes:
                    record(
                        Action.RESTORE,
                        username=actor,
                        obj=file.name,
                        result=Result.REFUSED,
                        detail=str(exc),
                    )
                raise CommandError(str(exc)) from exc
        if not yes:
            self.stdout.write(
                _("%(checked)s。将用 %(file)s 替换现有数据库。确认无误后加 --yes 再运行。")
                % {"checked": checked, "file": file}
            )
            return
        # The security log is never rolled back: rows written since the backup are put back.
        log = security_log.snapshot()
        try:
            restore(file, verified=False)  # verified above, unless --no-verify
        except BackupError as exc:
            record(
                Action.RESTORE,
                username=actor,
                obj=file.name,
                result=Result.FAILURE,
                detail=str(exc),
            )
            raise CommandError(str(exc)) from exc
        carried = security_log.carry_over(log)
        record(
            Action.RESTORE,
            username=actor,
            obj=file.name,
            detail=_("%(checked)s；保留了备份之后的安全审计日志%(count)d条")
            % {"checked": checked, "count": carried},
        )
        self.stdout.write(
            _("已从 %(file)s 恢复（%(checked)s）。") % {"file": file, "checked": checked}
        )
