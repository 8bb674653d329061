"""Demo targets, investment plans and monthly progress from 2024, each marked 演示数据.

Deterministic (a fixed random seed); removable in one call without touching real data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators import metrics, periods, units
from indicators.models import Category, Figure, Indicator, Kind
from plans.models import ProgressReport, Project, ProjectYearPlan, Stage, Target, Task
from xiage.signals import data_written

DEMO_SEED = 20240102
FIRST_DEMO_YEAR = 2024
ECONOMIC = (Category.INDUSTRY, Category.INVESTMENT, Category.CONSUMPTION)
PROBLEMS = [
    "政策处理难度较大，个别农户诉求未达成一致",
    "用地指标尚未落实",
    "施工单位进场延迟",
    "资金拨付进度偏慢",
]


def _quantity(task: Task, share: Decimal) -> Decimal | None:
    """Counts of firms or workshops are whole; areas keep two decimals."""
    if not task.quantity:
        return None
    in_area = bool(task.unit_id) and units.get(task.unit_id).dimension == "area"
    places = Decimal("0.01") if in_area else Decimal(1)
    return (task.quantity * share).quantize(places, rounding=ROUND_DOWN)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def demo_targets_load(until_year: int) -> int:
    """Targets for the town's economic year-to-date indicators, alternating amount and growth."""
    rng = random.Random(DEMO_SEED)
    created = 0
    indicators = Indicator.objects.active().filter(category__in=ECONOMIC, kind=Kind.YTD)
    base = {
        f.indicator_id: f
        for f in Figure.objects.filter(year=2023, is_demo=False, indicator__in=indicators)
    }
    for index, indicator in enumerate(indicators.order_by("pk")):
        figure = base.get(indicator.pk)
        if figure is None:
            continue
        annual_2023 = figure.value * 12 / figure.month
        for year in range(FIRST_DEMO_YEAR, until_year + 1):
            growth = Decimal(rng.choice([6, 8, 10, 12, 15]))
            if Target.objects.filter(indicator=indicator, year=year).exists():
                continue
            years_on = year - 2023
            if index % 2 == 0:
                amount = annual_2023 * (1 + growth / 100) ** years_on
                amount = amount.quantize(Decimal(1).scaleb(-indicator.decimals))
                target = Target(
                    indicator=indicator,
                    year=year,
                    kind=Target.Kind.AMOUNT,
                    value=amount,
                    wording=f"完成{amount}{indicator.unit_label}",
                    is_demo=True,
                )
            else:
                target = Target(
                    indicator=indicator,
                    year=year,
                    kind=Target.Kind.GROWTH,
                    value=growth,
                    wording=f"增长{growth}%",
                    is_demo=True,
                )
            target.full_clean()
            target.save()
            created += 1
    return created


@transaction.atomic
def demo_progress_load(until: tuple[int, int]) -> int:
    """Year plans for projects still to finish, and monthly reports for projects and tasks."""
    rng = random.Random(DEMO_SEED)
    projects = list(Project.objects.filter(is_active=True, children__isnull=True).order_by("pk"))
    existing = set(
        ProgressReport.objects.filter(year__gte=FIRST_DEMO_YEAR).values_list(
            "project_id", "task_id", "year", "month"
        )
    )
    reports: list[ProgressReport] = []
    for year in range(FIRST_DEMO_YEAR, until[0] + 1):
        last_month = until[1] if year == until[0] else 12
        for project in projects:
            plan = ProjectYearPlan.objects.filter(project=project, year=year).first()
            if plan is None:
                plan = ProjectYearPlan.objects.create(
                    project=project,
                    year=year,
                    planned_investment=Decimal(rng.choice([500, 800, 1200, 2000, 3500])),
                    goal="演示：完成年度建设任务",
                    is_demo=True,
                )
            pace = Decimal(str(rng.uniform(0.6, 1.2)))
            for month in range(1, last_month + 1):
                if (project.pk, None, year, month) in existing:
                    continue
                share = min(metrics.time_share(month) * pace, Decimal(1))
                reports.append(
                    ProgressReport(
                        project=project,
                        year=year,
                        month=month,
                        percent_done=_money(share * 100),
                        investment_ytd=_money(plan.planned_investment * share),
                        progress="演示数据：按计划推进",
                        problems=rng.choice(PROBLEMS) if pace < Decimal("0.8") else "",
                        next_steps="演示数据：加快推进",
                        is_demo=True,
                    )
                )
        for task in Task.objects.filter(section__year=year).order_by("pk"):
            pace = Decimal(str(rng.uniform(0.6, 1.2)))
            for month in range(1, last_month + 1):
                if (None, task.pk, year, month) in existing:
                    continue
                share = min(metrics.time_share(month) * pace, Decimal(1))
                reports.append(
                    ProgressReport(
                        task=task,
                        year=year,
                        month=month,
                        quantity_done=_quantity(task, share),
                        percent_done=_money(share * 100),
                        progress="演示数据：按计划推进",
                        problems=rng.choice(PROBLEMS) if pace < Decimal("0.8") else "",
                        is_demo=True,
                    )
                )
    bulk_create_with_history(
        reports, ProgressReport, batch_size=500, default_change_reason="演示数据"
    )
    data_written(ProgressReport)
    return len(reports)


@transaction.atomic
def demo_stage_dates_load(until: tuple[int, int]) -> int:
    """Planned (and, for most past ones, actual) dates for stages the document leaves open,
    spread from January 2024 to a year after the month being reported."""
    rng = random.Random(DEMO_SEED)
    start = date(FIRST_DEMO_YEAR, 1, 1)
    end = date(until[0] + 1, until[1], 28)
    today = date(until[0], until[1], 28)
    span = (end - start).days
    stages = list(
        Stage.objects.filter(
            project__is_active=True,
            project__children__isnull=True,
            is_done=False,
            planned_date__isnull=True,
            actual_date__isnull=True,
        ).order_by("project_id", "order")
    )
    by_project: dict[int, list[Stage]] = {}
    for stage in stages:
        by_project.setdefault(stage.project_id, []).append(stage)
    for project_stages in by_project.values():
        offset = rng.randint(0, span // 3)
        step = max(span // (len(project_stages) + 1), 30)
        for index, stage in enumerate(project_stages):
            planned = start + timedelta(days=offset + step * index)
            stage.planned_date = min(planned, end)
            stage.dates_are_demo = True
            if stage.planned_date < today and rng.random() < 0.75:
                stage.actual_date = stage.planned_date + timedelta(days=rng.randint(-10, 25))
                stage.actual_date = min(stage.actual_date, today)
                stage.is_done = True
    bulk_update_with_history(
        stages,
        Stage,
        ["planned_date", "actual_date", "is_done", "dates_are_demo"],
        default_change_reason="演示数据",
    )
    data_written(Stage)
    return len(stages)


def demo_plans_load(until: tuple[int, int] | None = None) -> int:
    until = until or periods.reporting_period()
    return demo_targets_load(until[0]) + demo_progress_load(until) + demo_stage_dates_load(until)


@transaction.atomic
def demo_plans_remove() -> int:
    stages = list(Stage.objects.filter(dates_are_demo=True))
    for stage in stages:
        stage.planned_date = stage.actual_date = None
        stage.is_done = stage.dates_are_demo = False
    bulk_update_with_history(
        stages,
        Stage,
        ["planned_date", "actual_date", "is_done", "dates_are_demo"],
        default_change_reason="删除演示数据",
    )
    data_written(Stage)
    count = len(stages)
    for model in (ProgressReport, ProjectYearPlan, Target):
        deleted, _detail = model.objects.filter(is_demo=True).delete()
        count += deleted
    return count
