from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inbox.services import send_reminders


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            _("日期“%(text)s”无效，应为“年-月-日”，例如 2024-10-07。") % {"text": text}
        ) from exc


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "发送到期提醒（每天运行一次）：月报即将截止、今天截止、逾期，月报被退回、待审核，"
            "督办事项新交办、即将到期、逾期、已办结。站内通知总是发送；设置 EMAIL_HOST 后发邮件；"
            "科室填写群机器人地址后发到该群。同一事项在同一渠道只发一次。"
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help=_("按这一天计算到期（年-月-日，默认今天）"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("只列出将发送的数量，不发送也不记录")
        )

    def handle(self, *args: object, **options: object) -> None:
        on = _day(str(options["date"])) if options["date"] else None
        summary = send_reminders(on=on, dry_run=bool(options["dry_run"]))
        for line in summary.lines():
            self.stdout.write(line)
        if summary.every_channel_failed:
            raise CommandError(_("所有渠道均发送失败，详见上方错误。"))
