from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.demo import (
    demo_figures_load,
    demo_figures_remove,
    demo_months_close,
    demo_until,
    seed_year,
)
from plans.demo import demo_plans_load, demo_plans_remove


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "生成演示数据（接续原文年度数据的逐月数据、年度目标、项目阶段日期、各年度工作任务和"
            "进展，至正在填报月份的上一个月，均标记为“演示数据”）；--remove 删除全部演示数据。"
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--remove", action="store_true", help=_("删除全部演示数据，真实数据不受影响。")
        )

    def handle(self, *args, remove: bool = False, **options) -> None:
        if remove:
            figures = demo_figures_remove()
            plans = demo_plans_remove()
            self.stdout.write(
                _("已删除演示数据：月度数据 %(figures)d 条，目标与进展 %(plans)d 条。")
                % {"figures": figures, "plans": plans}
            )
            return
        if not settings.DEBUG:
            raise CommandError(_("演示数据只能在开发环境（DEBUG=1）中生成。"))
        until = demo_until()
        figures = demo_figures_load(until)
        plans = demo_plans_load(until)
        closed = demo_months_close()
        self.stdout.write(
            _(
                "演示数据新建：月度数据 %(figures)d 条，目标与进展 %(plans)d 条（%(first)d年1月至"
                "%(year)d年%(month)d月）；此前 %(closed)d 个科室月份记为已审核。"
            )
            % {
                "figures": figures,
                "plans": plans,
                "first": seed_year() + 1,
                "year": until[0],
                "month": until[1],
                "closed": closed,
            }
        )
