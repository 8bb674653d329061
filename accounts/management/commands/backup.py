from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.audit import Action, Result, record
from accounts.security_log import server_actor
from xiage.backup import BackupError, backup, checksum_path, prune, sha256_of


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "备份数据库：PostgreSQL 用 pg_dump，SQLite 用其备份接口；文件名带时间戳，"
            "旁边写 SHA-256 校验文件。目录中只保留最新的 BACKUP_KEEP 份（默认14份），"
            "更早的连同校验文件删除。"
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=settings.VAR_DIR / "backups",
            help=_("备份目录（默认 var/backups）"),
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help=_("保留最新的几份（默认 BACKUP_KEEP，至少1份）"),
        )

    def handle(self, *args, dir: Path, keep: int | None, **options) -> None:
        keep = settings.BACKUP_KEEP if keep is None else keep
        if keep < 1:
            raise CommandError(_("--keep 至少为1：刚写出的备份必须保留。"))
        try:
            path = backup(dir)
        except BackupError as exc:
            record(
                Action.BACKUP,
                username=server_actor(),
                obj=str(dir),
                result=Result.FAILURE,
                detail=str(exc),
            )
            raise CommandError(str(exc)) from exc
        removed = prune(dir, keep)
        digest = sha256_of(path)
        record(
            Action.BACKUP,
            username=server_actor(),
            obj=path.name,
            detail=_("SHA-256 %(digest)s；保留最新%(keep)d份，删除旧备份%(removed)d份")
            % {"digest": digest, "keep": keep, "removed": len(removed)}
            + (f"（{'、'.join(p.name for p in removed)}）" if removed else ""),
        )
        self.stdout.write(_("已备份到 %(path)s") % {"path": path})
        self.stdout.write(
            _("校验文件 %(name)s（SHA-256 %(digest)s）")
            % {"name": checksum_path(path).name, "digest": digest}
        )
        for old in removed:
            self.stdout.write(
                _("已删除旧备份 %(name)s（保留最新%(keep)d份）") % {"name": old.name, "keep": keep}
            )
