from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine

from indicators.models import Place
from tests.factories import FigureFactory, IndicatorFactory, PlaceFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def october_2023():
    """Today is 2023-10-15: September 2023 is the month being reported."""
    with time_machine.travel(datetime(2023, 10, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def village(db) -> Place:
    return PlaceFactory(name="马垟村", level="village", order=1)


@pytest.fixture
def output(office_a, town):
    """规上工业产值: year-to-date, 亿元, two decimals."""
    return IndicatorFactory(
        code="industrial_output_above", name="规上工业产值", office=office_a, places=[town]
    )


@pytest.fixture
def cert_rate(office_a, town):
    return IndicatorFactory(
        code="cert_rate",
        name="发证率",
        unit="percent",
        kind="stock",
        office=office_a,
        places=[town],
    )


@pytest.fixture
def firms(office_a, town):
    return IndicatorFactory(
        code="firms_visited",
        name="走访企业",
        unit="firm",
        decimals=0,
        office=office_a,
        places=[town],
    )


@pytest.fixture
def output_history(output, town):
    """1-8月 2023 = 26.00, 1-9月 2022 = 22.65."""
    FigureFactory(indicator=output, place=town, year=2023, month=8, value=D("26.00"))
    FigureFactory(indicator=output, place=town, year=2022, month=9, value=D("22.65"))
    return output
