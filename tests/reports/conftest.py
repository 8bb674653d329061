from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from plans.models import ProgressReport, ProjectYearPlan, SupervisionItem, Target
from plans.services import project_create
from tests.factories import FigureFactory, IndicatorFactory, TaskFactory


@pytest.fixture
def town_data(office_a, office_b, town, october_2024):
    """Hand-made key figures for 2024-09 (时序进度 75%), one status each.

    规上工业产值: 29.74 (同比 31.3, published) against 完成36亿元 → 82.61%, 超序时 7.61 points.
    固定资产投资: 20.00, demo, against 完成40亿元 → 50%, 滞后 25 points.
    规下主营业务收入: 12 against last year's 10, no published growth → computed 20%;
        target 增长15% → 高于目标增速 5 points.
    限上社会消费品零售总额: 0.9 (同比 −2.5) against 增长8% → 低于目标增速 10.5 points.
    限上批发业商品销售额: no figure for 2024-09 (未报送).
    """
    output = IndicatorFactory(
        code="output", name="规上工业产值", office=office_a, places=[town], is_key=True, order=2
    )
    investment = IndicatorFactory(
        code="fai",
        name="固定资产投资",
        office=office_a,
        places=[town],
        is_key=True,
        category="investment",
        order=3,
    )
    revenue = IndicatorFactory(
        code="revenue",
        name="规下主营业务收入",
        office=office_a,
        places=[town],
        is_key=True,
        order=1,
    )
    retail = IndicatorFactory(
        code="retail",
        name="限上社会消费品零售总额",
        office=office_a,
        places=[town],
        is_key=True,
        category="consumption",
        order=4,
    )
    wholesale = IndicatorFactory(
        code="wholesale",
        name="限上批发业商品销售额",
        office=office_a,
        places=[town],
        is_key=True,
        category="consumption",
        order=5,
    )
    rice = IndicatorFactory(
        code="rice", name="水稻面积", office=office_b, places=[town], unit="mu", kind="stock"
    )
    FigureFactory(
        indicator=output, place=town, year=2024, month=9, value=D("29.74"), growth=D("31.3")
    )
    FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("25.00"))
    FigureFactory(
        indicator=investment, place=town, year=2024, month=9, value=D("20.00"), is_demo=True
    )
    FigureFactory(indicator=revenue, place=town, year=2024, month=9, value=D("12"))
    FigureFactory(indicator=revenue, place=town, year=2023, month=9, value=D("10"))
    FigureFactory(
        indicator=retail, place=town, year=2024, month=9, value=D("0.9"), growth=D("-2.5")
    )
    FigureFactory(indicator=rice, place=town, year=2024, month=9, value=D("430"))
    Target.objects.create(indicator=output, year=2024, kind="amount", value=D("36"))
    Target.objects.create(indicator=investment, year=2024, kind="amount", value=D("40"))
    Target.objects.create(indicator=revenue, year=2024, kind="growth", value=D("15"))
    Target.objects.create(indicator=retail, year=2024, kind="growth", value=D("8"))
    return {
        "output": output,
        "investment": investment,
        "revenue": revenue,
        "retail": retail,
        "wholesale": wholesale,
        "rice": rice,
    }


@pytest.fixture
def plan_data(office_a, office_b, leader, town_data):
    """Office A: 后冯区块 with a stage due 2024-06-30 not done, and 张店区块 on time but with
    investment behind time progress; a task behind; an overdue 督办 item.
    Office B: 东部农产品交易市场, a stage overdue too."""
    late = project_create(code="late", name="后冯区块", type="industry", office=office_a)
    stage = late.stages.get(key="land")
    stage.planned_date = date(2024, 6, 30)
    stage.save()
    ProgressReport.objects.create(
        project=late, year=2024, month=9, progress="签约300亩", problems="个别农户诉求未达成一致"
    )
    slow = project_create(
        code="slow", name="张店区块", type="industry", office=office_a, leader="王镇长"
    )
    ProjectYearPlan.objects.create(project=slow, year=2024, planned_investment=D("1200"))
    ProgressReport.objects.create(
        project=slow, year=2024, month=9, investment_ytd=D("600"), problems="施工单位进场延迟"
    )
    other = project_create(
        code="other", name="东部农产品交易市场", type="agriculture", office=office_b
    )
    other_stage = other.stages.get(key="land")
    other_stage.planned_date = date(2024, 5, 31)
    other_stage.save()
    task = TaskFactory(title="朱溪港两侧土地征收", office=office_a)
    ProgressReport.objects.create(
        task=task, year=2024, month=9, quantity_done=D("900"), problems="资金拨付滞后"
    )
    item = SupervisionItem.objects.create(
        project=late,
        matter="加快后冯区块政策处理",
        office=office_a,
        due_date=date(2024, 9, 30),
        raised_by=leader,
    )
    return {"late": late, "slow": slow, "other": other, "task": task, "item": item}
