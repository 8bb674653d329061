from django.core.management.base import BaseCommand

from accounts.services import offices_seed
from indicators.seed import data
from indicators.services import catalogue_seed, figures_seed, places_seed

TOWN_NAME = "下各镇"


class Command(BaseCommand):
    help = (
        "导入基础数据：科室、地点，以及《下各镇2023年工作总结和2024工作思路》中的指标和数据。"
        "可重复运行，已有数据（包括管理员的修改）不会被覆盖。"
    )

    def handle(self, *args, **options) -> None:
        source = f"{data.SOURCE_TITLE}（{data.SOURCE_DATE}）"
        offices = offices_seed(offices=data.OFFICES)
        places = places_seed(town_name=TOWN_NAME, villages=data.VILLAGES)
        indicators = catalogue_seed(indicators=data.INDICATORS)
        figures = figures_seed(figures=data.FIGURES_2023, source=source)
        self.stdout.write(
            f"科室新建 {offices} 个，地点新建 {places} 个，指标新建 {indicators} 个，"
            f"2023年数据新建 {figures} 条（来源：《{source}》）。"
        )
