"""A town in 2026 with a 季报 indicator, for the reporting-frequency tests (issue 17, item 3).

经济发展办 reports 规上工业产值 monthly (1-2月 to 9月 entered) and 地区生产总值 quarterly;
农业农村办 reports only 粮食产量, quarterly, with no project or task. Both quarterly indicators
have figures for March, June and September 2026 (and 2025's, to compare), and both offices
handed in and had reviewed every month up to September.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import Office, User
from accounts.roles import Role
from indicators.models import Indicator, MonthReview, Place
from tests.factories import FigureFactory, IndicatorFactory, OfficeFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@dataclass
class FrequencyWorld:
    town: Place
    economy: Office  # 经济发展办: a 月报 and a 季报 indicator
    farming: Office  # 农业农村办: a 季报 indicator only
    output: Indicator  # 规上工业产值, 月报, year-to-date
    gdp: Indicator  # 地区生产总值, 季报, year-to-date, key
    grain: Indicator  # 粮食产量, 季报, a stock
    clerk: User  # 经济发展办
    farm_clerk: User  # 农业农村办
    leader: User


GDP_2026 = {3: D("10.50"), 6: D("22.40"), 9: D("35.10")}
GDP_2025 = {3: D("9.80"), 6: D("20.60"), 9: D("31.90"), 12: D("44.00")}
GRAIN_2026 = {3: D("120"), 6: D("860"), 9: D("1430")}


def build() -> FrequencyWorld:
    town = Place.objects.create(name="下各镇", level=Place.Level.TOWN)
    economy = OfficeFactory(code="jjfzb", name="经济发展办", order=1)
    farming = OfficeFactory(code="nyncb", name="农业农村办", order=2)
    output = IndicatorFactory(
        code="industrial_output_above",
        name="规上工业产值",
        office=economy,
        places=[town],
        is_key=True,
        order=1,
    )
    gdp = IndicatorFactory(
        code="gdp",
        name="地区生产总值",
        office=economy,
        places=[town],
        is_key=True,
        frequency="quarterly",
        order=2,
    )
    grain = IndicatorFactory(
        code="grain",
        name="粮食产量",
        unit="tonne",
        decimals=0,
        kind="stock",
        category="agriculture",
        office=farming,
        places=[town],
        frequency="quarterly",
    )
    for month in range(2, 10):
        FigureFactory(indicator=output, place=town, year=2026, month=month, value=D(3 * month))
    for month, value in GDP_2026.items():
        FigureFactory(indicator=gdp, place=town, year=2026, month=month, value=value)
    for month, value in GDP_2025.items():
        FigureFactory(indicator=gdp, place=town, year=2025, month=month, value=value)
    for month, value in GRAIN_2026.items():
        FigureFactory(indicator=grain, place=town, year=2026, month=month, value=value)
    # Every month to September handed in on the 5th of the next and reviewed the same day.
    for office in (economy, farming):
        for month in range(1, 10):
            handed_in = timezone.make_aware(datetime(2026, month + 1, 5, 9))
            MonthReview.objects.create(
                office=office,
                year=2026,
                month=month,
                state=MonthReview.State.REVIEWED,
                submitted_at=handed_in,
                reviewed_at=handed_in,
            )
    return FrequencyWorld(
        town=town,
        economy=economy,
        farming=farming,
        output=output,
        gdp=gdp,
        grain=grain,
        clerk=UserFactory(username="clerk_a", office=economy, roles=[Role.CLERK]),
        farm_clerk=UserFactory(username="clerk_b", office=farming, roles=[Role.CLERK]),
        leader=UserFactory(username="leader", roles=[Role.LEADER]),
    )
