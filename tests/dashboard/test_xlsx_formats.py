"""Excel downloads show each number as the page prints it (a number format per cell), the
values staying numbers: 本期数 with its indicator's decimals (29.10, not Excel's General 29.1),
a published growth as published (31.3), rates with two decimals (75.00, not 75) and points
with two and their sign (+7.61, 0.00)."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from plans.models import Target
from tests.factories import FigureFactory, IndicatorFactory

pytestmark = pytest.mark.django_db


def cells(sheet, line: int) -> list:  # type: ignore[no-untyped-def]
    return [(cell.value, cell.number_format) for cell in sheet[line]]


@pytest.fixture
def at_pace(town_data, office_a, town):
    """限上社会消费品零售总额: 0.15 of 0.20 at September, exactly at pace (75.00 / 75.00 / 0.00);
    its figure 29.10 has a trailing zero Excel's General format would drop."""
    retail = IndicatorFactory(code="retail", name="限上零售额", office=office_a, places=[town])
    FigureFactory(indicator=retail, place=town, year=2024, month=9, value=D("0.15"))
    Target.objects.create(indicator=retail, year=2024, kind="amount", value=D("0.20"))
    town_data["output"].figures.filter(year=2024, month=9).update(value=D("29.10"))
    return retail


def test_the_dashboards_excel_shows_numbers_as_the_page_does(django_app, leader, at_pace):
    page = django_app.get("/?period=2024-09", user=leader)
    book = load_workbook(io.BytesIO(page.click("导出Excel").body))
    sheet = book["经济指标"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    output = [(cell.value, cell.number_format) for cell in rows["规上工业产值"]]
    assert output[3] == (29.1, "#,##0.00")  # 本期数 29.10
    assert output[4] == (31.3, "#,##0.0")  # published growth 31.3
    assert output[7] == (pytest.approx(80.83), "#,##0.00")  # 完成率 29.10 ÷ 36
    assert output[8] == (None, "General")  # 完成率来源: computed, not published
    assert output[9] == (75, "#,##0.00")  # 时序进度 75.00
    assert output[10] == (pytest.approx(5.83), "+0.00;-0.00;0.00")  # +5.83
    retail = [(cell.value, cell.number_format) for cell in rows["限上零售额"]]
    assert retail[3] == (0.15, "#,##0.00")
    assert retail[7] == (75, "#,##0.00")
    assert retail[9:11] == [(75, "#,##0.00"), (0, "+0.00;-0.00;0.00")]
    assert retail[11][0] == "按序时"
    investment = [(cell.value, cell.number_format) for cell in rows["固定资产投资"]]
    assert investment[10] == (-25, "+0.00;-0.00;0.00")
    # Values stay numbers; text cells keep Excel's General.
    assert all(isinstance(output[i][0], (int, float)) for i in (3, 4, 7, 9, 10))
    assert output[0][1] == "General"


def test_a_computed_growth_has_two_decimals(django_app, leader, town_data):
    """固定资产投资 has last year's figure but no published growth: computed, 25.00."""
    FigureFactory(
        indicator=town_data["investment"],
        place=town_data["output"].places.get(),
        year=2023,
        month=9,
        value=D("16.00"),
    )
    page = django_app.get("/?period=2024-09", user=leader)
    sheet = load_workbook(io.BytesIO(page.click("导出Excel").body))["经济指标"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    growth = rows["固定资产投资"][4]
    assert (growth.value, growth.number_format) == (25, "#,##0.00")
    assert rows["固定资产投资"][5].value == "计算"


def test_the_years_export_shows_figures_with_their_decimals(django_app, leader, at_pace, town):
    firms = IndicatorFactory(
        code="firms",
        name="走访企业",
        unit="firm",
        decimals=0,
        office=at_pace.office,
        places=[town],
        category="industry",
    )
    FigureFactory(indicator=firms, place=town, year=2024, month=9, value=D("12"), growth=D("17"))
    page = django_app.get("/admin/indicators/figure/", user=leader)
    book = load_workbook(io.BytesIO(page.click("导出本年数据").body))
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            found[row[0].value, row[3].value] = [(c.value, c.number_format) for c in row[4:7]]
    assert found["规上工业产值", "2024年1-9月"][:2] == [(29.1, "#,##0.00"), (31.3, "#,##0.0")]
    assert found["限上零售额", "2024年1-9月"][0] == (0.15, "#,##0.00")
    assert found["走访企业", "2024年1-9月"][:2] == [(12, "#,##0"), (17, "#,##0")]
