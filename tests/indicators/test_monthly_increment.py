"""当月数: a year-to-date indicator's page shows each figure's own month beside it."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from indicators.selectors import monthly_increments
from tests.factories import FigureFactory

pytestmark = pytest.mark.django_db


def _rows(page: str) -> dict[str, list[str]]:
    """The 全部数据 table: period → its cells as text."""
    table = page.split("全部数据", 1)[1]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        if cells and cells[0]:
            rows[cells[0]] = cells
    return rows


def test_a_year_to_date_indicator_shows_each_months_own_amount(admin_client_role, output, town):
    for month, value in [(2, "5.20"), (3, "8.00"), (8, "26.10"), (9, "29.74"), (12, "1234.5")]:
        FigureFactory(indicator=output, place=town, year=2023, month=month, value=D(value))
    page = admin_client_role.get(f"/indicators/{output.code}/").content.decode()
    assert "<th>当月数</th>" in page
    rows = _rows(page)
    assert rows["2023年1-12月"][2:4] == ["1,234.50", "—"]  # amounts grouped; no 1-11月
    assert rows["2023年1-9月"][2:4] == ["29.74", "3.64"]  # 1-9月 less 1-8月
    assert rows["2023年1-8月"][2:4] == ["26.10", "—"]  # 1-7月 was not reported
    assert rows["2023年1-3月"][2:4] == ["8.00", "2.80"]
    assert rows["2023年1-2月"][2:4] == ["5.20", "5.20"]  # the year's first figure is its own


def test_other_indicators_have_no_such_column(admin_client_role, cert_rate, town):
    FigureFactory(indicator=cert_rate, place=town, year=2023, month=12, value=D("76.55"))
    page = admin_client_role.get(f"/indicators/{cert_rate.code}/").content.decode()
    assert "当月数" not in page
    figures = list(cert_rate.figures.all())
    assert monthly_increments(cert_rate, figures) == {figures[0].pk: None}


def test_each_place_is_counted_on_its_own(output, town, village):
    output.places.add(village)
    town_sep = FigureFactory(indicator=output, place=town, year=2024, month=9, value=D("30"))
    FigureFactory(indicator=output, place=town, year=2024, month=8, value=D("26"))
    village_sep = FigureFactory(indicator=output, place=village, year=2024, month=9, value=D("3"))
    FigureFactory(indicator=output, place=village, year=2024, month=8, value=D("2.5"))
    increments = monthly_increments(output, output.figures.all())
    assert increments[town_sep.pk] == D("4.00") and increments[village_sep.pk] == D("0.50")
