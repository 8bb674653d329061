from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import User
from indicators import glossary
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
        # Optional for argparse, so that a missing year is said in Chinese (handle), not in
        # argparse's English.
        parser.add_argument("year", nargs="?", help=_("要开启的年度，如下一年的四位年份。"))
        parser.add_argument(
            "--user",
            default="",
            help=_("记为开启人的用户名（须为系统管理员）；不填则记为服务器命令。"),
        )

    def handle(self, *args, year: str | None = None, user: str = "", **options) -> None:
        text = (year or "").strip()
        if not text:
            raise CommandError(
                _("请给出要开启的年度，例如 python manage.py open_year %(year)d。")
                % {"year": opening.default_year()}
            )
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
        proposal = opening.year_proposal(number)  # what the opening creates (no edits)
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
        for line in _created_lines(proposal):
            self.stdout.write(line)


def _created_lines(proposal: opening.YearProposal) -> list[str]:
    """What the opening created, item by item, under a heading per kind; and the targets not
    created (a proposal its rules refuse, proposed unticked: set them in the admin)."""
    targets = [item for item in proposal.targets if item.include]
    tasks = [item for item in proposal.tasks if item.include]
    projects = [item for item in proposal.projects if item.include]
    lines: list[str] = []
    if targets:
        lines.append(_("年度目标（%(count)d个）：") % {"count": len(targets)})
        lines += [
            "  "
            + _("%(name)s：%(wording)s") % {"name": item.indicator.name, "wording": item.wording}
            for item in targets
        ]
    if proposal.sections:
        lines.append(_("工作计划板块（%(count)d个）：") % {"count": len(proposal.sections)})
        lines += [f"  （{item.numeral}）{item.title}" for item in proposal.sections]
    if tasks:
        lines.append(_("结转任务（%(count)d项）：") % {"count": len(tasks)})
        for item in tasks:
            if item.quantity is None:
                lines.append(f"  {item.title}")
            else:
                lines.append(
                    "  "
                    + _("%(title)s（剩余%(quantity)s%(unit)s）")
                    % {
                        "title": item.title,
                        "quantity": glossary.published(item.quantity),
                        "unit": item.source.unit_label,
                    }
                )
    if projects:
        lines.append(_("项目年度投资计划（%(count)d个）：") % {"count": len(projects)})
        lines += [
            "  "
            + _("%(name)s：%(amount)s万元")
            % {"name": item.project.name, "amount": glossary.published(item.planned_investment)}
            for item in projects
        ]
    skipped = [item for item in proposal.targets if not item.include]
    if skipped:
        lines.append(
            _("未建立的年度目标（%(count)d个，可在“年度目标”中添加）：") % {"count": len(skipped)}
        )
        lines += [
            "  " + _("%(name)s：%(basis)s") % {"name": item.indicator.name, "basis": item.basis}
            for item in skipped
        ]
    return lines
