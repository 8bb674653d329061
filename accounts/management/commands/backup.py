from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xiage.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库：PostgreSQL 用 pg_dump，SQLite 用其备份接口；文件名带时间戳。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=settings.VAR_DIR / "backups",
            help="备份目录（默认 var/backups）",
        )

    def handle(self, *args, dir: Path, **options) -> None:
        try:
            path = backup(dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已备份到 {path}")
