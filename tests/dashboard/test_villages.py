"""分村数据 (/indicators/<code>/villages/): every village of one period, with its figure (or
未填报), 同比, share of the town's total and rank; sortable by each column (django-tables2),
as Excel, under the indicator page's rule, in a fixed number of queries."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.roles import Role
from indicators import periods
from indicators.models import Place
from tests.factories import FigureFactory, IndicatorFactory, PlaceFactory, UserFactory, unit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/indicators/grain/villages/"


def _villages(count: int) -> list[Place]:
    return [
        PlaceFactory(name=f"第{number:02d}村", level="village", order=number)
        for number in range(1, count + 1)
    ]


@pytest.fixture
def grain(office_a, town, october_2024):
    """粮食产量 (吨, 1-9月) of 2024: the town 100.00, 甲村 30.00 (29.00 in 2023: 同比 3.45
    computed), 乙村 45.50 (published 同比 12.5), 丙村 15.00, 丁村 nothing (未填报)."""
    villages = {
        name: PlaceFactory(name=name, level="village", order=order)
        for order, name in enumerate(("甲村", "乙村", "丙村", "丁村"), start=1)
    }
    indicator = IndicatorFactory(
        code="grain", name="粮食产量", office=office_a, places=[town, *villages.values()]
    )
    FigureFactory(indicator=indicator, place=town, year=2024, month=9, value=D("100"))
    for name, value in (("甲村", "30"), ("丙村", "15")):
        FigureFactory(indicator=indicator, place=villages[name], year=2024, month=9, value=D(value))
    FigureFactory(
        indicator=indicator,
        place=villages["乙村"],
        year=2024,
        month=9,
        value=D("45.5"),
        growth=D("12.5"),
    )
    FigureFactory(indicator=indicator, place=villages["甲村"], year=2023, month=9, value=D("29"))
    return indicator


def _table(page: str) -> list[list[str]]:
    table = BeautifulSoup(page, "html.parser").select_one("div.table-container table")
    assert table is not None
    return [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.find_all("tr")
    ]


ROWS = [
    ["甲村", "30.00", "3.45（计算）", "30.00", "2"],
    ["乙村", "45.50", "12.5", "45.50", "1"],
    ["丙村", "15.00", "未公布", "15.00", "3"],
    ["丁村", "未填报", "—", "—", "—"],
]


def test_every_village_of_the_latest_period(leader_client, grain) -> None:
    response = leader_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    rows = _table(page)
    assert rows[0] == ["行政村", "本期数", "同比增长（%）", "占全镇比重（%）", "排名"]
    assert rows[1:] == ROWS
    assert "2024年1-9月" in page
    assert "已填报 3 个村，共 4 个村" in page
    assert "全镇合计：100.00（全镇数）" in page
    assert "该指标不按村填报" not in page


def test_without_the_towns_figure_the_villages_sum_is_the_total(leader_client, grain) -> None:
    grain.figures.filter(place__level="town").delete()
    page = leader_client.get(URL).content.decode()
    assert "全镇合计：90.50（各村合计）" in page
    assert _table(page)[1][3] == "33.15"  # 30 / 90.5


def test_an_average_is_neither_summed_nor_shared(leader_client, grain) -> None:
    """平均亩产 (公斤/亩) of the villages does not add up to the town's: with no town figure
    there is no 全镇合计 (not the villages' sum) and no village has a share of it."""
    grain.figures.filter(place__level="town").delete()
    grain.unit = unit("kg_per_mu")
    grain.save()
    page = leader_client.get(URL).content.decode()
    assert "全镇合计：—" in page
    assert "各村合计" not in page
    assert [row[3] for row in _table(page)[1:]] == ["—", "—", "—", "—"]
    assert [row[4] for row in _table(page)[1:]] == ["2", "1", "3", "—"]  # still ranked


def test_sorted_by_each_column_the_unreported_last(leader_client, grain) -> None:
    def names(sort: str) -> list[str]:
        page = leader_client.get(URL, {"sort": sort}).content.decode()
        return [row[0] for row in _table(page)[1:]]

    assert names("-value") == ["乙村", "甲村", "丙村", "丁村"]
    assert names("value") == ["丙村", "甲村", "乙村", "丁村"]
    assert names("rank") == ["乙村", "甲村", "丙村", "丁村"]
    assert names("-rank") == ["丙村", "甲村", "乙村", "丁村"]
    assert names("-share") == ["乙村", "甲村", "丙村", "丁村"]
    assert names("-growth") == ["乙村", "甲村", "丙村", "丁村"]  # 丙村: 未公布, after
    assert names("-name") == ["丁村", "丙村", "乙村", "甲村"]
    assert names("name") == ["甲村", "乙村", "丙村", "丁村"]
    # The headers link to the other order, keeping the period.
    page = leader_client.get(URL, {"period": "2024-09", "sort": "value"}).content.decode()
    links = [a["href"] for a in BeautifulSoup(page, "html.parser").select("thead th a")]
    assert "?period=2024-09&sort=-value" in links


def test_a_chosen_period(leader_client, grain) -> None:
    page = leader_client.get(URL, {"period": "2023-09"}).content.decode()
    assert "2023年1-9月" in page
    assert _table(page)[1:] == [
        ["甲村", "29.00", "未公布", "100.00", "1"],  # of the villages' sum
        ["乙村", "未填报", "—", "—", "—"],
        ["丙村", "未填报", "—", "—", "—"],
        ["丁村", "未填报", "—", "—", "—"],
    ]
    assert "全镇合计：29.00（各村合计）" in page


def test_the_excel_file_holds_the_table_in_its_order(leader_client, grain) -> None:
    page = leader_client.get(URL, {"sort": "-value"}).content.decode()
    link = BeautifulSoup(page, "html.parser").find("a", string="导出Excel")
    assert link is not None and "_export=xlsx" in link["href"] and "sort=-value" in link["href"]
    response = leader_client.get(URL + link["href"].replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "%E5%88%86%E6%9D%91%E6%95%B0%E6%8D%AE_2024-09.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "粮食产量（亿元）分村数据（2024年1-9月）"
    assert rows[1] == (
        "行政村",
        "本期数",
        "同比增长（%）",
        "同比来源",
        "占全镇比重（%）",
        "排名",
        "标记",
    )
    assert rows[2:] == [
        ("乙村", 45.5, 12.5, "公布", 45.5, 1, None),
        ("甲村", 30.0, 3.45, "计算", 30.0, 2, None),
        ("丙村", 15.0, None, "未公布", 15.0, 3, None),
        ("丁村", "未填报", None, None, None, None, None),
        ("全镇合计（全镇数）", 100.0, None, None, None, None, None),
    ]
    cells = next(sheet.iter_rows(min_row=3, max_row=3))
    assert cells[1].number_format == "#,##0.00" and cells[2].number_format == "#,##0.0"


def test_the_page_answers_under_the_indicator_pages_rule(
    client, grain, clerk, clerk_b, leader
) -> None:
    for user, answer in ((clerk, 200), (clerk_b, 404), (leader, 200)):
        client.force_login(user)
        assert client.get("/indicators/grain/").status_code == answer, user
        assert client.get(URL).status_code == answer, user
        assert client.get(URL, {"_export": "xlsx"}).status_code == answer, user
    for role in (Role.SECURITY, Role.AUDITOR):
        client.force_login(UserFactory(roles=[role]))
        assert client.get("/indicators/grain/").status_code == 404
        assert client.get(URL).status_code == 404
        assert client.get(URL, {"_export": "xlsx"}).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302


def test_chinese_and_no_assets_from_elsewhere(leader_client, grain) -> None:
    page = leader_client.get(URL, {"sort": "rank"}).content.decode()
    soup = BeautifulSoup(page, "html.parser")
    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
        for element in soup.find_all(tag):
            source = element.get(attribute) or ""
            assert not source.startswith(("http:", "https:", "//")), source
    table_text = soup.select_one("div.table-container").get_text()
    for english in ("previous", "next", "Page", "No data"):
        assert english not in table_text
    assert "分村数据" in soup.title.get_text()


def test_an_indicator_not_reported_by_villages(leader_client, office_a, town, october_2024):
    IndicatorFactory(code="town_only", name="全镇指标", office=office_a, places=[town])
    _villages(2)
    page = leader_client.get("/indicators/town_only/villages/").content.decode()
    assert "该指标不按村填报，各村均无数据。" in page
    assert [row[1] for row in _table(page)[1:]] == ["未填报", "未填报"]
    no_villages = leader_client.get("/indicators/town_only/").content.decode()
    assert "/villages/" not in no_villages


HOSTILE = [
    "²",
    "-1",
    "0",
    "9" * 20,
    "9" * 5000,
    "NaN",
    "２０２６",
    "2026-13",
    "2099-01",
    "",
    "[]",
    "name.desc",
    "-value,rank,../x",
    "<script>alert(1)</script>",
]


@pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning")
def test_hostile_parameters_never_fail(leader_client, grain) -> None:
    for value in HOSTILE:
        for key in ("period", "sort", "_export"):
            response = leader_client.get(URL, {key: value})
            assert response.status_code == 200, (key, value)
        response = leader_client.get(URL, {"period": value, "sort": value, "_export": "xlsx"})
        assert response.status_code == 200, value
    response = leader_client.get(URL, {"period": ["2023-09", "2024-09"], "sort": ["x", "rank"]})
    assert response.status_code == 200
    assert [row[0] for row in _table(response.content.decode())[1:3]] == ["乙村", "甲村"]
    page = leader_client.get(URL, {"period": "2026-13"}).content.decode()
    assert "不存在" in page  # the period's error is said, the latest period shown


def _count(client, office, town, villages: int, code: str, **query: str) -> int:
    places = _villages(villages)
    indicator = IndicatorFactory(code=code, office=office, places=[town, *places])
    for year in (2023, 2024):
        FigureFactory(indicator=indicator, place=town, year=year, month=9, value=D("1000"))
        for number, place in enumerate(places, start=1):
            FigureFactory(indicator=indicator, place=place, year=year, month=9, value=D(number))
    url = f"/indicators/{code}/villages/"
    client.get(url)  # the session and the user, read once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    if "_export" not in query:
        assert len(_table(response.content.decode())) == villages + 1
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"sort": "-value"}, {"_export": "xlsx"}], ids=str)
def test_the_same_queries_for_5_or_31_villages(
    leader_client, office_a, town, october_2024, query
) -> None:
    few = _count(leader_client, office_a, town, 5, "few", **query)
    many = _count(leader_client, office_a, town, 31, "many", **query)
    assert few == many, (few, many)


@pytest.mark.parametrize(
    "today", [(2025, 1, 5), (2026, 11, 30), (2027, 1, 5), (2027, 3, 5)], ids=str
)
def test_the_clocks(client, office_a, town, today) -> None:
    """Whatever the date, the default period is the latest village figure's."""
    with time_machine.travel(datetime(*today, 10, tzinfo=SHANGHAI), tick=False):
        client.force_login(UserFactory(username="clock_leader", roles=[Role.LEADER]))
        year, month = periods.reporting_period()
        places = _villages(3)
        indicator = IndicatorFactory(code="clock", office=office_a, places=[town, *places])
        FigureFactory(indicator=indicator, place=town, year=year, month=month, value=D("10"))
        FigureFactory(indicator=indicator, place=places[0], year=year, month=month, value=D("4"))
        FigureFactory(indicator=indicator, place=places[1], year=year - 1, month=month, value=1)
        response = client.get("/indicators/clock/villages/")
        assert response.status_code == 200
        page = response.content.decode()
        assert periods.period_label(year, month) in page
        assert _table(page)[1:] == [
            ["第01村", "4.00", "未公布", "40.00", "1"],
            ["第02村", "未填报", "—", "—", "—"],
            ["第03村", "未填报", "—", "—", "—"],
        ]
        assert client.get("/indicators/clock/").status_code == 200
