from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.services import offices_seed
from indicators.seed import data as figures_data
from indicators.services import catalogue_seed, figures_seed, places_seed
from plans.seed import data as plan_data
from plans.services import plan_seed, projects_seed

TOWN_NAME = "下各镇"
PLAN_YEAR = 2024


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "导入《下各镇2023年工作总结和2024工作思路》中的基础数据：科室、地点、指标、"
            "2023年数据、重点项目及其阶段、2024年工作任务。可重复运行，"
            "已有数据（包括管理员的修改）不会被覆盖。"
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
            _(
                "新建：科室 %(offices)d 个，地点 %(places)d 个，指标 %(indicators)d 个，"
                "2023年数据 %(figures)d 条，重点项目 %(projects)d 个，"
                "2024年工作任务 %(tasks)d 项（来源：《%(source)s》）。"
            )
            % {
                "offices": offices,
                "places": places,
                "indicators": indicators,
                "figures": figures,
                "projects": projects,
                "tasks": tasks,
                "source": source,
            }
        )
