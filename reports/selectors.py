"""The monthly briefing (月度简报): the dashboard's reading of a period, chosen and worded.

Every number is the dashboard selector's (and so indicators.metrics' and plans.status');
this module picks what a briefing reports and adds one query, the projects' investment plans.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.models import User
from dashboard.selectors import Dashboard, IndicatorRow, ProjectRow, StageCell, TaskRow, dashboard
from indicators import glossary, metrics, periods
from plans import status
from plans.models import ProjectYearPlan, SupervisionItem
from reports import briefing as words


@dataclass
class ProjectDelay:
    """A project behind schedule: stages past their planned date, or investment behind time."""

    row: ProjectRow
    overdue_stages: list[StageCell]
    planned_investment: Decimal | None
    investment_rate: Decimal | None
    investment_gap: Decimal | None
    plan_is_demo: bool = False

    @property
    def behind_on_investment(self) -> bool:
        return self.investment_gap is not None and self.investment_gap < 0

    @property
    def findings(self) -> list[str]:
        """What is late, in words: 政策处理/征地逾期（计划2024-06-30）; 年度投资完成45%，…"""
        found = []
        for cell in self.overdue_stages:
            planned = cell.stage.planned_date
            found.append(
                _("%(stage)s逾期（计划%(date)s完成）")
                % {"stage": cell.stage.name, "date": planned.isoformat() if planned else "—"}
            )
        if self.behind_on_investment:
            found.append(
                _("年度投资完成%(rate)s%%，%(gap)s")
                % {
                    "rate": glossary.two_places(self.investment_rate or Decimal(0)),
                    "gap": glossary.gap_phrase(self.investment_gap or Decimal(0)),
                }
            )
        return found

    @property
    def problems(self) -> str:
        report = self.row.report
        if report is None:
            return _("本月未填报进展")
        return report.problems.strip() or _("未填写")

    @property
    def line(self) -> str:
        """后冯区块（经济发展办，联系领导：…）：政策处理/征地逾期（…）。存在问题：…"""
        project = self.row.project
        leader = _("，联系领导：%(leader)s") % {"leader": project.leader} if project.leader else ""
        return _("%(name)s（%(office)s%(leader)s）：%(findings)s。存在问题：%(problems)s") % {
            "name": project.name,
            "office": project.office.name,
            "leader": leader,
            "findings": "；".join(self.findings),
            "problems": self.problems,
        }

    @property
    def is_demo(self) -> bool:
        report = self.row.report
        return (
            (self.behind_on_investment and self.plan_is_demo)
            or (report is not None and report.is_demo)
            or any(cell.stage.dates_are_demo for cell in self.overdue_stages)
        )


@dataclass
class TaskDelay:
    row: TaskRow

    @property
    def expected_share(self) -> Decimal | None:
        return self.row.progress.expected

    @property
    def progress(self) -> str:
        """完成900/1300亩（69.23%），序时应完成75.00% — or the 形象进度 of a milestone. The
        rate and the share are the ones the status was decided on (plans.status)."""
        task, report, progress = self.row.task, self.row.report, self.row.progress
        if report is None:  # pragma: no cover - a task without a report is never behind
            return "—"
        expected = glossary.two_places(progress.expected)
        if task.quantity and report.quantity_done is not None:
            return _("完成%(done)s/%(total)s%(unit)s（%(rate)s%%），序时应完成%(expected)s%%") % {
                "done": words.number(report.quantity_done),
                "total": words.number(task.quantity),
                "unit": task.unit_label,
                "rate": glossary.two_places(progress.rate),
                "expected": expected,
            }
        return _("形象进度%(done)s%%，序时应完成%(expected)s%%") % {
            "done": glossary.two_places(progress.rate),
            "expected": expected,
        }

    @property
    def problems(self) -> str:
        report = self.row.report
        return (report.problems.strip() if report else "") or _("未填写")

    @property
    def line(self) -> str:
        task = self.row.task
        return _("%(title)s（%(office)s）：%(progress)s。存在问题：%(problems)s") % {
            "title": task.title,
            "office": task.office.name,
            "progress": self.progress,
            "problems": self.problems,
        }

    @property
    def is_demo(self) -> bool:
        return self.row.report is not None and self.row.report.is_demo


@dataclass
class OpenItem:
    item: SupervisionItem
    overdue: bool

    @property
    def line(self) -> str:
        item = self.item
        return _("%(matter)s（%(subject)s；责任科室：%(office)s；办结时限：%(due)s）") % {
            "matter": " ".join(item.matter.split()),
            "subject": str(item.subject),
            "office": item.office.name,
            "due": item.due_date.isoformat(),
        }


@dataclass
class Briefing:
    data: Dashboard
    rows: list[IndicatorRow]  # the indicators the briefing reports on
    project_delays: list[ProjectDelay]
    task_delays: list[TaskDelay]
    open_items: list[OpenItem]
    today: date

    @property
    def year(self) -> int:
        return self.data.year

    @property
    def month(self) -> int:
        return self.data.month

    @property
    def period_label(self) -> str:
        return self.data.period_label

    @property
    def period_value(self) -> str:
        return periods.format_period(self.year, self.month)

    @property
    def title(self) -> str:
        return _("下各镇%(period)s经济运行简报") % {"period": self.period_label}

    @property
    def table_title(self) -> str:
        return _("下各镇%(period)s经济指标完成情况表") % {"period": self.period_label}

    @property
    def time_progress(self) -> Decimal:
        return self.data.time_progress

    @property
    def paragraph(self) -> str:
        return words.paragraph(self.month, self.rows)

    @property
    def table(self) -> list[words.TableRow]:
        return [words.table_row(row) for row in self.rows]

    @property
    def unreported_projects(self) -> int:
        return sum(row.report is None for row in self.data.projects)

    @property
    def unreported_tasks(self) -> int:
        return sum(row.report is None for row in self.data.tasks)

    @property
    def generated_on(self) -> str:
        today = self.today
        return _("%(year)d年%(month)d月%(day)d日") % {
            "year": today.year,
            "month": today.month,
            "day": today.day,
        }

    @property
    def projects_summary(self) -> str:
        count = len(self.project_delays)
        if count:
            text = _("共有%(count)d个重点项目滞后（阶段逾期或年度投资落后于时序进度）：") % {
                "count": count
            }
        else:
            text = _("本期无阶段逾期或投资滞后的重点项目。")
        if self.unreported_projects:
            text += _("另有%(count)d个项目本月未填报进展。") % {"count": self.unreported_projects}
        return text

    @property
    def tasks_summary(self) -> str:
        count = len(self.task_delays)
        if count:
            text = _("共有%(count)d项工作任务进度滞后：") % {"count": count}
        else:
            text = _("本期无进度滞后的工作任务。")
        if self.unreported_tasks:
            text += _("另有%(count)d项任务本月未填报进展。") % {"count": self.unreported_tasks}
        return text

    @property
    def items_summary(self) -> str:
        count = len(self.open_items)
        if not count:
            return _("截至%(today)s，无未办结的督办事项。") % {"today": self.generated_on}
        overdue = sum(entry.overdue for entry in self.open_items)
        return _("截至%(today)s，未办结督办事项%(count)d件，其中已逾期%(overdue)d件：") % {
            "today": self.generated_on,
            "count": count,
            "overdue": overdue,
        }

    @property
    def has_demo(self) -> bool:
        """Whether anything the briefing shows is demo data (then it says so at the top)."""
        return (
            any(
                (row.figure is not None and row.figure.is_demo)
                or (row.target is not None and row.target.is_demo)
                for row in self.rows
            )
            or any(delay.is_demo for delay in self.project_delays)
            or any(delay.is_demo for delay in self.task_delays)
        )


def briefing_rows(data: Dashboard) -> list[IndicatorRow]:
    """The key indicators (重点指标); all of them when the catalogue flags none."""
    return data.key_rows or data.rows


def period_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def briefing(user: User, year: int, month: int, *, today: date | None = None) -> Briefing:
    """The briefing for (year, month) as `user` may read it: the dashboard's scope and numbers,
    plus one query for the year's planned investment of the projects.

    Stages are judged at the end of the period (or today, while it runs): a briefing of
    September does not call a stage late that fell due in November. 督办 items are the ones
    open today, judged today: what a leader has to chase now.
    """
    today = today or periods.today()
    # Stages are judged as the dashboard judges them (plans.status.judged_on).
    data = dashboard(user, year, month, today=today)
    plans = {
        plan.project_id: plan
        for plan in ProjectYearPlan.objects.filter(
            project__in=[row.project.pk for row in data.projects], year=year
        )
    }
    project_delays = []
    for row in data.projects:
        plan = plans.get(row.project.pk)
        planned = plan.planned_investment if plan else None
        invested = row.report.investment_ytd if row.report else None
        delay = ProjectDelay(
            row=row,
            overdue_stages=[cell for cell in row.cells if cell.state == status.StageState.OVERDUE],
            planned_investment=planned,
            investment_rate=metrics.completion_rate(invested, planned),
            investment_gap=status.investment_gap(
                investment_ytd=invested, planned=planned, month=month
            ),
            plan_is_demo=bool(plan and plan.is_demo),
        )
        if delay.overdue_stages or delay.behind_on_investment:
            project_delays.append(delay)
    task_delays = [TaskDelay(row=row) for row in data.tasks if row.behind]
    open_items = [
        OpenItem(item, state == status.ItemState.OVERDUE) for item, state in data.open_item_rows
    ]
    return Briefing(
        data=data,
        today=today,
        rows=briefing_rows(data),
        project_delays=project_delays,
        task_delays=task_delays,
        open_items=open_items,
    )
