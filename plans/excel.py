"""Export of the year's plan tasks and the key projects with their latest progress."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import scope_to_offices
from indicators import glossary
from plans.models import ProgressReport, Project, Stage, Task
from xiage.spreadsheets import Book

PROJECT_HEADERS = [
    _("项目"),
    _("类型"),
    _("位置"),
    glossary.OFFICE,
    _("联系领导"),
    _("已完成阶段"),
    _("当前阶段"),
    _("最近填报"),
    _("形象进度（%）"),
    _("本年累计投资（万元）"),
    _("存在问题"),
    _("下步打算"),
]
TASK_HEADERS = [
    _("板块"),
    _("任务"),
    _("计划原文"),
    _("目标"),
    _("完成时限"),
    glossary.OFFICE,
    _("最近填报"),
    _("累计完成数量"),
    _("形象进度（%）"),
    _("存在问题"),
]
WIDTHS = [16] * 12


def _latest(reports: list[ProgressReport]) -> ProgressReport | None:
    return max(reports, key=lambda r: (r.year, r.month), default=None)


def _number(value: object) -> float | None:
    return float(value) if value is not None else None  # type: ignore[arg-type]


def plan_workbook(user: User, year: int) -> bytes:
    """Two sheets, numbers as numbers: 重点项目 and the year's 工作任务, each with its latest
    monthly report. Five queries whatever the number of projects, tasks and reports."""
    projects = list(
        scope_to_offices(Project.objects.all(), user)
        .select_related("office", "place")
        .prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("order")),
            Prefetch("reports", queryset=ProgressReport.objects.filter(year__lte=year)),
        )
        .order_by("order", "id")
    )
    tasks = list(
        scope_to_offices(Task.objects.filter(section__year=year), user)
        .select_related("section", "office")
        .prefetch_related(Prefetch("reports", queryset=ProgressReport.objects.filter(year=year)))
        .order_by("section__number", "order", "id")
    )
    book = Book()
    sheet = book.sheet(gettext("重点项目"), PROJECT_HEADERS, WIDTHS, freeze="B2")
    for project in projects:
        stages = list(project.stages.all())
        done = [stage for stage in stages if stage.completed]
        current = next((stage.name for stage in stages if not stage.completed), gettext("全部完成"))
        report = _latest(list(project.reports.all()))
        sheet.append(
            [
                project.name,
                str(project.get_type_display()),
                project.location,
                project.office.name,
                project.leader,
                f"{len(done)}/{len(stages)}",
                current,
                f"{report.year}-{report.month:02d}" if report else "",
                _number(report.percent_done) if report else None,
                _number(report.investment_ytd) if report else None,
                report.problems if report else "",
                report.next_steps if report else "",
            ]
        )
    tasks_sheet = book.sheet(gettext("工作任务"), TASK_HEADERS, WIDTHS, freeze="B2")
    for task in tasks:
        report = _latest(list(task.reports.all()))
        tasks_sheet.append(
            [
                str(task.section),
                task.title,
                task.text,
                task.quantity_label or str(task.get_kind_display()),
                task.deadline.isoformat(),
                task.office.name,
                f"{report.year}-{report.month:02d}" if report else "",
                _number(report.quantity_done) if report else None,
                _number(report.percent_done) if report else None,
                report.problems if report else "",
            ]
        )
    return book.save()
