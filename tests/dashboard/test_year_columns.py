"""The dashboard table's two added columns (?cols=prev,delta): 上年同期 and 增速较上期变化."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from indicators import metrics, periods
from indicators.metrics import YearOnYear
from indicators.models import Figure
from tests.factories import FigureFactory, IndicatorFactory

pytestmark = pytest.mark.django_db
URL = "/?period=2024-09"


@pytest.fixture
def year_data(town_data, town, office_a):
    """town_data, with what the two columns read.

    规上工业产值: 1-9月 31.3 % (published) against 1-8月 28.1 % → +3.2; last year 25.00.
    固定资产投资: no growth published: 1-9月 20.00 over 16.00 → 25.00（计算）, 1-8月 18.00 over
    15.00 → 20.00（计算）: +5.00.
    发证率 (%): its 同比 is a change in points, so it has no 增速较上期变化 (—).
    """
    Figure.objects.filter(indicator=town_data["output"], year=2024, month=8).update(
        growth=D("28.1")
    )
    investment = town_data["investment"]
    FigureFactory(indicator=investment, place=town, year=2023, month=9, value=D("16.00"))
    FigureFactory(indicator=investment, place=town, year=2024, month=8, value=D("18.00"))
    FigureFactory(indicator=investment, place=town, year=2023, month=8, value=D("15.00"))
    rate = IndicatorFactory(
        code="rate", name="发证率", office=office_a, places=[town], unit="percent", kind="stock"
    )
    for year, month, value in ((2024, 9, "78.65"), (2023, 9, "76.55"), (2024, 8, "78.00")):
        FigureFactory(indicator=rate, place=town, year=year, month=month, value=D(value))
    FigureFactory(indicator=rate, place=town, year=2023, month=8, value=D("75.00"))
    return {**town_data, "rate": rate}


def _table(body: str) -> tuple[list[str], dict[str, list[str]]]:
    """The indicator table: its headers, and each row's cells by the indicator's name."""
    table = BeautifulSoup(body, "html.parser").find("table", id="indicator-table")
    headers = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        rows[cells[0].find("a").get_text(strip=True)] = [
            td.get_text(strip=True) for td in cells[1:]
        ]
    return headers, rows


BASE = [
    "指标", "单位", "本期数", "同比增长（%）", "年度目标", "完成率（%）", "时序进度（%）",
    "超（+）/落后（−）（百分点）", "状态", "责任科室",
]  # fmt: skip


def test_the_columns_are_off_until_the_reader_ticks_them(django_app, leader, year_data):
    page = django_app.get(URL, user=leader)
    headers, _rows = _table(page.text)
    assert headers == BASE
    form = next(f for f in page.forms.values() if "cols" in f.fields)
    assert [box.checked for box in form.fields["cols"]] == [False, False]
    form.get("cols", index=0).checked = True
    form.get("cols", index=1).checked = True
    shown = form.submit()
    # The choice is in the address, so a link or a bookmark keeps it.
    assert "cols=prev" in shown.request.url and "cols=delta" in shown.request.url
    headers, rows = _table(shown.text)
    assert headers == [*BASE[:3], "上年同期", BASE[3], "增速较上期变化（百分点）", *BASE[4:]]
    assert rows["规上工业产值"][:4] == ["亿元", "29.74", "25.00", "31.3"]
    assert rows["规上工业产值"][4] == "+3.2"  # 31.3 − 28.1, as published: one decimal
    assert rows["固定资产投资"][2:5] == ["16.00", "25.00（计算）", "+5.00"]
    assert rows["发证率"][2:5] == ["76.55", "提高2.10个百分点（计算）", "—"]
    assert rows["水稻面积"][2] == "—"  # no figure last year
    # The change says on hover which period's 同比 it is taken from.
    cell = BeautifulSoup(shown.text, "html.parser").select_one("td.col-delta span")
    assert cell["title"] == "上期（2024年1-8月）同比增长28.1%"
    ticked = next(f for f in shown.forms.values() if "cols" in f.fields)
    assert [box.checked for box in ticked.fields["cols"]] == [True, True]
    # The sort links and the export links keep the columns.
    soup = BeautifulSoup(shown.text, "html.parser")
    sort_link = soup.select_one("th.col-value a")["href"]
    assert "cols=prev" in sort_link and "cols=delta" in sort_link
    export = next(a["href"] for a in soup.find_all("a") if "_export=csv" in a["href"])
    assert "cols=prev" in export


def test_one_column_alone_and_written_with_a_comma(leader_client, year_data):
    headers, _rows = _table(leader_client.get(URL + "&cols=delta").content.decode())
    assert headers == [*BASE[:4], "增速较上期变化（百分点）", *BASE[4:]]
    headers, _rows = _table(leader_client.get(URL + "&cols=delta,prev").content.decode())
    assert "上年同期" in headers and "增速较上期变化（百分点）" in headers
    headers, _rows = _table(leader_client.get(URL + "&cols=nonsense,%3Cb%3E").content.decode())
    assert headers == BASE


def test_the_table_sorts_by_the_change(leader_client, year_data):
    _headers, rows = _table(leader_client.get(URL + "&cols=delta&sort=-delta").content.decode())
    assert list(rows)[:2] == ["固定资产投资", "规上工业产值"]  # +5.00, +3.2, then no change


def test_the_exports_hold_the_columns_when_shown(leader_client, year_data):
    text = leader_client.get(URL + "&cols=prev,delta&_export=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][3:8] == [
        "本期数",
        "上年同期",
        "同比增长（%）",
        "同比来源",
        "增速较上期变化（百分点）",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["规上工业产值"][3:8] == ["29.74", "25", "31.3", "公布", "3.2"]
    assert by_name["固定资产投资"][3:8] == ["20", "16", "25", "计算", "5"]
    assert by_name["发证率"][7] == ""
    plain = leader_client.get(URL + "&_export=csv").content.decode("utf-8-sig")
    assert "上年同期" not in plain and "增速较上期变化" not in plain

    book = load_workbook(
        io.BytesIO(leader_client.get(URL + "&cols=prev,delta&_export=xlsx").content)
    )
    sheet = book["经济指标"]
    header = [cell.value for cell in sheet[2]]
    assert header[3:8] == [
        "本期数",
        "上年同期",
        "同比增长（%）",
        "同比来源",
        "增速较上期变化（百分点）",
    ]
    output = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "规上工业产值")
    assert output[4].value == pytest.approx(25) and output[4].number_format == "#,##0.00"
    assert output[7].value == pytest.approx(3.2) and output[7].number_format == "+0.0;-0.0;0.0"
    assert header[-1] == "标记" and sheet.column_dimensions["E"].width == 12


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_columns_take_no_query_per_row(leader_client, year_data, office_a, town):
    url = URL + "&cols=prev,delta&per_page=100"
    small = (_count(leader_client, url), _count(leader_client, url + "&_export=csv"))
    more = [IndicatorFactory(office=office_a, places=[town]) for _ in range(15)]
    Figure.objects.bulk_create(
        Figure(indicator=ind, place=town, year=year, month=month, value=D(month), growth=D(month))
        for ind in more
        for year in (2023, 2024)
        for month in (8, 9)
    )
    large = (_count(leader_client, url), _count(leader_client, url + "&_export=csv"))
    assert small == large, (small, large)
    # No more queries than the page without the columns.
    assert _count(leader_client, URL + "&per_page=100") == large[0]


def test_the_previous_reported_period():
    monthly, quarterly = tuple(range(2, 13)), (3, 6, 9, 12)
    assert periods.previous_reported_period(monthly, 2026, 9) == (2026, 8)
    # 1-2月 is compared with last year's full year.
    assert periods.previous_reported_period(monthly, 2027, 2) == (2026, 12)
    assert periods.previous_reported_period(quarterly, 2026, 9) == (2026, 6)
    assert periods.previous_reported_period(quarterly, 2026, 3) == (2025, 12)


def test_growth_change_keeps_the_published_decimals():
    published = metrics.growth_change(YearOnYear(D("31.3"), True), YearOnYear(D("28.1"), True))
    assert published == metrics.GrowthChange(D("3.2"), 1)
    computed = metrics.growth_change(YearOnYear(D("25.00")), YearOnYear(D("31.3"), True))
    assert computed == metrics.GrowthChange(D("-6.30"), 2)
    assert metrics.growth_change(YearOnYear(D("1"), points=True), YearOnYear(D("2"))) is None
    assert metrics.growth_change(YearOnYear(None), YearOnYear(D("2"), True)) is None
