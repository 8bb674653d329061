from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xiage.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 backup 命令写出的文件恢复数据库（会替换现有数据）。不加 --yes 只做检查。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="备份文件（.dump 或 .sqlite3）")
        parser.add_argument("--yes", action="store_true", help="确认替换现有数据")

    def handle(self, *args, file: Path, yes: bool = False, **options) -> None:
        if not file.is_file():
            raise CommandError(f"备份文件不存在：{file}")
        if not yes:
            self.stdout.write(f"将用 {file} 替换现有数据库。确认无误后加 --yes 再运行。")
            return
        try:
            restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已从 {file} 恢复。")
