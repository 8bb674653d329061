from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.demo import demo_figures_load, demo_figures_remove, demo_months_close
from plans.demo import demo_plans_load, demo_plans_remove


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "生成演示数据（2024年起的月度数据、年度目标和项目任务进展，均标记为“演示数据”）；"
            "--remove 删除全部演示数据。"
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
        figures = demo_figures_load()
        plans = demo_plans_load()
        closed = demo_months_close()
        self.stdout.write(
            _(
                "演示数据新建：月度数据 %(figures)d 条，目标与进展 %(plans)d 条；"
                "此前 %(closed)d 个科室月份记为已审核。"
            )
            % {"figures": figures, "plans": plans, "closed": closed}
        )
