from django.core.management.base import BaseCommand

from accounts.services import offices_seed
from indicators.seed.data import OFFICES


class Command(BaseCommand):
    help = (
        "导入基础数据：科室，以及《下各镇2023年工作总结和2024工作思路》中的指标和数据。可重复运行。"
    )

    def handle(self, *args, **options) -> None:
        created = offices_seed(offices=OFFICES)
        self.stdout.write(f"科室：新建 {created} 个。")
