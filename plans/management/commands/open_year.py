from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import User
from plans import opening


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "开启新年度：按上年数据建立该年度的年度目标、工作计划板块、结转任务和项目年度投资计划"
            "（与“数据管理 → 年度开启记录 → 开启新年度”页面的建议相同，不作修改）。"
            "已开启的年度再次运行不作任何更改。"
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", help=_("要开启的年度，如下一年的四位年份。"))
        parser.add_argument(
            "--user",
            default="",
            help=_("记为开启人的用户名（须为系统管理员）；不填则记为服务器命令。"),
        )

    def handle(self, *args, year: str = "", user: str = "", **options) -> None:
        text = (year or "").strip()
        if not (len(text) == 4 and text.isascii() and text.isdigit()):
            raise CommandError(_("年度“%(year)s”无法识别，请写四位年份。") % {"year": text})
        number = int(text)
        person = None
        if user:
            person = User.objects.filter(username=user).first()
            if person is None:
                raise CommandError(_("没有用户名为“%(user)s”的用户。") % {"user": user})
        existing = opening.year_proposal(number).opening
        if existing is not None:
            self.stdout.write(opening.opened_refusal(existing))
            return
        refusal = opening.year_refusal(number)
        if refusal:
            raise CommandError(refusal)
        try:
            record = opening.year_open(year=number, user=person, proposal_edits=None)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(
                _("用户“%(user)s”不是系统管理员，不能开启新年度。") % {"user": user}
            ) from exc
        self.stdout.write(
            _("已开启%(year)d年度：新建%(summary)s。")
            % {"year": number, "summary": opening.created_summary(record.created)}
        )
