from django.core.management.base import BaseCommand

from accounts.services import offices_seed
from indicators.seed import data as figures_data
from indicators.services import catalogue_seed, figures_seed, places_seed
from plans.seed import data as plan_data
from plans.services import plan_seed, projects_seed

TOWN_NAME = "下各镇"
PLAN_YEAR = 2024


class Command(BaseCommand):
    help = (
        "导入《下各镇2023年工作总结和2024工作思路》中的基础数据：科室、地点、指标、2023年数据、"
        "重点项目及其阶段、2024年工作任务。可重复运行，已有数据（包括管理员的修改）不会被覆盖。"
    )

    def handle(self, *args, **options) -> None:
        source = f"{figures_data.SOURCE_TITLE}（{figures_data.SOURCE_DATE}）"
        offices = offices_seed(offices=figures_data.OFFICES)
        places = places_seed(town_name=TOWN_NAME, villages=figures_data.VILLAGES)
        indicators = catalogue_seed(indicators=figures_data.INDICATORS)
        figures = figures_seed(figures=figures_data.FIGURES_2023, source=source)
        projects = projects_seed(projects=plan_data.PROJECTS, source=source)
        tasks = plan_seed(year=PLAN_YEAR, sections=plan_data.SECTIONS, tasks=plan_data.TASKS)
        self.stdout.write(
            f"新建：科室 {offices} 个，地点 {places} 个，指标 {indicators} 个，"
            f"2023年数据 {figures} 条，重点项目 {projects} 个，2024年工作任务 {tasks} 项"
            f"（来源：《{source}》）。"
        )
