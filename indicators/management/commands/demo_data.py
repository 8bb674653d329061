from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indicators.demo import demo_figures_load, demo_figures_remove


class Command(BaseCommand):
    help = "生成演示用月度数据（2024年起，标记为“演示数据”）；--remove 删除全部演示数据。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--remove", action="store_true", help="删除全部演示数据，真实数据不受影响。"
        )

    def handle(self, *args, remove: bool = False, **options) -> None:
        if remove:
            count = demo_figures_remove()
            self.stdout.write(f"已删除演示数据 {count} 条。")
            return
        if not settings.DEBUG:
            raise CommandError("演示数据只能在开发环境（DEBUG=1）中生成。")
        count = demo_figures_load()
        self.stdout.write(f"演示数据新建 {count} 条。")
