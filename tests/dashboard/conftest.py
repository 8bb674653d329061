from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from plans.models import ProgressReport, Target
from plans.services import project_create
from tests.factories import FigureFactory, IndicatorFactory, TaskFactory


@pytest.fixture
def town_data(office_a, office_b, town, october_2024):
    """Hand-made figures for 2024-09 with a known status each.

    规上工业产值: 1-9月 29.74 against an amount target of 36 → 82.61%, 超序时 by 7.61 points.
    固定资产投资: 1-9月 20.00 against 40 → 50.00%, 滞后 by 25.00 points, demo and revised.
    水稻面积 (another office, no target): 无目标.
    """
    output = IndicatorFactory(
        code="output", name="规上工业产值", office=office_a, places=[town], is_key=True
    )
    investment = IndicatorFactory(
        code="fai",
        name="固定资产投资",
        office=office_a,
        places=[town],
        is_key=True,
        category="investment",
    )
    rice = IndicatorFactory(
        code="rice",
        name="水稻面积",
        office=office_b,
        places=[town],
        unit="mu",
        category="agriculture",
        kind="stock",
    )
    FigureFactory(
        indicator=output, place=town, year=2024, month=9, value=D("29.74"), growth=D("31.3")
    )
    FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("25.00"))
    FigureFactory(indicator=output, place=town, year=2024, month=8, value=D("26.10"))
    FigureFactory(
        indicator=investment,
        place=town,
        year=2024,
        month=9,
        value=D("20.00"),
        is_demo=True,
        is_revised=True,
    )
    FigureFactory(indicator=rice, place=town, year=2024, month=9, value=D("430"))
    Target.objects.create(indicator=output, year=2024, kind="amount", value=D("36"))
    Target.objects.create(indicator=investment, year=2024, kind="amount", value=D("40"))
    return {"output": output, "investment": investment, "rice": rice}


@pytest.fixture
def plan_data(office_a, office_b, town_data):
    late = project_create(code="late", name="后冯区块", type="industry", office=office_a)
    stage = late.stages.get(key="land")
    stage.planned_date = date(2024, 6, 30)
    stage.save()
    done = late.stages.get(key="planning")
    done.actual_date = date(2024, 3, 1)
    done.save()
    other = project_create(
        code="other", name="东部农产品交易市场", type="agriculture", office=office_b
    )
    task = TaskFactory(title="朱溪港两侧土地征收", office=office_a)
    ProgressReport.objects.create(
        task=task, year=2024, month=9, quantity_done=D("900"), progress="签约900亩"
    )
    return {"late": late, "other": other, "task": task}
