"""The indicator page's 各年同期对比: the same period of every year with data side by side (value,
同比 published or computed, change from the year before), the month picked by the reader, and
the chart of one line per year for the years picked (by default the latest three)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from indicators import periods
from tests.factories import FigureFactory, IndicatorFactory, PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/indicators/output/"


@pytest.fixture
def output(office_a, town, october_2024):
    """规上工业产值 (亿元, year-to-date): 1-9月 3.49 in 2023 and 4.00 in 2024, 1-8月 of both."""
    indicator = IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town])
    FigureFactory(indicator=indicator, place=town, year=2023, month=9, value=D("3.49"))
    FigureFactory(indicator=indicator, place=town, year=2024, month=9, value=D("4.00"))
    FigureFactory(indicator=indicator, place=town, year=2023, month=8, value=D("3.10"))
    FigureFactory(
        indicator=indicator, place=town, year=2024, month=8, value=D("3.60"), growth=D("16.1")
    )
    return indicator


def _rows(page: str) -> list[list[str]]:
    table = BeautifulSoup(page, "html.parser").select_one("table.years-table")
    assert table is not None
    return [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.select("tbody tr")
    ]


def _traces(page: str) -> list[dict]:
    script = BeautifulSoup(page, "html.parser").find("script", id="chart-years")
    assert script is not None
    return json.loads(script.string)["data"]


def test_the_latest_period_of_every_year_side_by_side(leader_client, output) -> None:
    page = leader_client.get(URL).content.decode()
    assert "各年同期对比" in page
    assert _rows(page) == [
        ["2023年1-9月", "3.49", "未公布", "未公布", "—"],
        ["2024年1-9月", "4.00", "14.61（计算）", "计算", "+0.51"],
    ]
    assert "各年1-9月" in page  # the caption names the period the rows share


def test_a_published_growth_is_shown_as_published(leader_client, output) -> None:
    page = leader_client.get(URL, {"month": "8"}).content.decode()
    assert _rows(page) == [
        ["2023年1-8月", "3.10", "未公布", "未公布", "—"],
        ["2024年1-8月", "3.60", "16.1", "公布", "+0.50"],
    ]


def test_a_year_without_the_period_shows_a_dash(leader_client, output, town) -> None:
    FigureFactory(indicator=output, place=town, year=2022, month=3, value=D("1.00"))
    rows = _rows(leader_client.get(URL).content.decode())
    assert rows[0] == ["2022年1-9月", "—", "—", "—", "—"]
    assert rows[1] == ["2023年1-9月", "3.49", "未公布", "未公布", "—"]
    # 2022 has 1-3月 only: picking March shows it, and the other years have none.
    rows = _rows(leader_client.get(URL, {"month": "3"}).content.decode())
    assert rows == [
        ["2022年1-3月", "1.00", "未公布", "未公布", "—"],
        ["2023年1-3月", "—", "—", "—", "—"],
        ["2024年1-3月", "—", "—", "—", "—"],
    ]


def test_a_stock_indicator_names_the_month_alone(leader_client, office_a, town, october_2024):
    rice = IndicatorFactory(
        code="rice",
        name="水稻面积",
        office=office_a,
        places=[town],
        unit="mu",
        kind="stock",
        decimals=0,
    )
    FigureFactory(indicator=rice, place=town, year=2023, month=9, value=D("400"))
    FigureFactory(indicator=rice, place=town, year=2024, month=9, value=D("1430"))
    rows = _rows(leader_client.get("/indicators/rice/").content.decode())
    assert rows == [
        ["2023年9月", "400", "未公布", "未公布", "—"],
        ["2024年9月", "1,430", "257.50（计算）", "计算", "+1,030"],
    ]


def test_a_rate_indicator_changes_in_points(leader_client, office_a, town, october_2024):
    rate = IndicatorFactory(
        code="rate", name="发证率", office=office_a, places=[town], unit="percent", kind="stock"
    )
    FigureFactory(indicator=rate, place=town, year=2023, month=9, value=D("76.55"))
    FigureFactory(indicator=rate, place=town, year=2024, month=9, value=D("78.65"))
    rows = _rows(leader_client.get("/indicators/rate/").content.decode())
    assert rows[1] == [
        "2024年9月",
        "78.65",
        "提高2.10个百分点（计算）",
        "计算（个百分点）",
        "+2.10",
    ]


def test_the_chart_draws_a_line_per_year_the_latest_three_by_default(
    leader_client, output, town
) -> None:
    for year, value in ((2020, "2.00"), (2021, "2.50"), (2022, "3.00")):
        FigureFactory(indicator=output, place=town, year=year, month=9, value=D(value))
    page = leader_client.get(URL).content.decode()
    traces = _traces(page)
    assert [trace["name"] for trace in traces] == ["2022年", "2023年", "2024年"]
    assert traces[0]["x"] == [f"{month}月" for month in range(1, 13)]
    latest = traces[-1]
    assert latest["y"][7:9] == [3.6, 4.0] and latest["y"][9:] == [None, None, None]
    assert traces[1]["y"][8] == 3.49
    # Every year with data is offered, the default three ticked.
    soup = BeautifulSoup(page, "html.parser")
    boxes = soup.select('#years-form input[name="years"]')
    assert [(box["value"], box.has_attr("checked")) for box in boxes] == [
        ("2020", False),
        ("2021", False),
        ("2022", True),
        ("2023", True),
        ("2024", True),
    ]
    # The chart's facts as a table: a column a year, the months with a figure.
    caption = soup.find("caption", string="规上工业产值（亿元）各年走势")
    assert caption is not None
    facts = caption.find_parent("table")
    assert [th.get_text() for th in facts.select("thead th")] == [
        "月份",
        "2022年",
        "2023年",
        "2024年",
    ]
    assert [
        [cell.get_text() for cell in row.find_all(["th", "td"])] for row in facts.select("tbody tr")
    ] == [["8月", "—", "3.1", "3.6"], ["9月", "3", "3.49", "4"]]  # as the path table writes
    assert "各年走势" in page and "2020" in page and "2,020" not in page


def test_the_reader_picks_the_years_and_the_month(leader_client, output, town) -> None:
    for year in (2020, 2021, 2022):
        FigureFactory(indicator=output, place=town, year=year, month=9, value=D("1"))
    page = leader_client.get(URL, {"years": ["2020", "2024"]}).content.decode()
    assert [trace["name"] for trace in _traces(page)] == ["2020年", "2024年"]
    page = leader_client.get(URL, {"years": "2021,2023"}).content.decode()
    assert [trace["name"] for trace in _traces(page)] == ["2021年", "2023年"]
    # A year without data and nonsense are left out; nothing left: the default three.
    page = leader_client.get(URL, {"years": ["2019", "2021", "abc"]}).content.decode()
    assert [trace["name"] for trace in _traces(page)] == ["2021年"]
    page = leader_client.get(URL, {"years": ["1999", "２０２２"]}).content.decode()
    assert [trace["name"] for trace in _traces(page)] == ["2022年", "2023年", "2024年"]


def test_the_pages_own_form_picks_them(django_app, leader, output, town) -> None:
    FigureFactory(indicator=output, place=town, year=2022, month=8, value=D("3.00"))
    page = django_app.get(URL, user=leader)
    form = page.forms["years-form"]
    assert [option[0] for option in form["month"].options] == ["8", "9"]
    assert form["month"].value == "9"
    form["month"] = "8"
    for index in range(3):
        form.get("years", index=index).checked = index != 1  # 2022 and 2024, not 2023
    answer = form.submit()
    assert answer.status_code == 200
    assert _rows(answer.text)[-1] == ["2024年1-8月", "3.60", "16.1", "公布", "+0.50"]
    assert _rows(answer.text)[1] == ["2023年1-8月", "3.10", "3.33（计算）", "计算", "+0.10"]
    assert [trace["name"] for trace in _traces(answer.text)] == ["2022年", "2024年"]


HOSTILE = [
    "²",
    "٣",
    "-1",
    "0",
    "13",
    "9" * 20,
    "9" * 5000,
    "1e309",
    "NaN",
    "２０２４",
    "2024-13",
    "",
    "[]",
    "<script>alert(1)</script>",
    "' OR 1=1--",
]


def test_hostile_parameters_give_the_default_page(leader_client, output) -> None:
    default = _rows(leader_client.get(URL).content.decode())
    for value in HOSTILE:
        for query in ({"month": value}, {"years": value}, {"month": value, "years": value}):
            response = leader_client.get(URL, query)
            assert response.status_code == 200, query
            assert _rows(response.content.decode()) == default, query
    response = leader_client.get(URL, {"month": ["8", "9"], "years": ["2023", "2023", "x"]})
    assert response.status_code == 200
    assert [trace["name"] for trace in _traces(response.content.decode())] == ["2023年"]
    assert leader_client.get(URL, {"month": "\x00"}).status_code in (200, 400)


def test_an_indicator_without_figures_has_no_comparison(leader_client, office_a, town):
    IndicatorFactory(code="empty", name="空指标", office=office_a, places=[town])
    page = leader_client.get("/indicators/empty/").content.decode()
    assert "各年同期对比" not in page and "尚无数据" in page


def test_the_village_link_is_offered_only_for_an_indicator_reported_by_villages(
    leader_client, output
) -> None:
    assert "/indicators/output/villages/" not in leader_client.get(URL).content.decode()
    output.places.add(PlaceFactory(name="前村", level="village"))
    page = leader_client.get(URL).content.decode()
    assert 'href="/indicators/output/villages/"' in page and "分村数据" in page


def _figures(indicator, town, years: range) -> None:
    for year in years:
        for month in range(2, 13):
            FigureFactory(indicator=indicator, place=town, year=year, month=month, value=D(month))


def test_the_page_answers_in_the_same_queries_for_two_or_six_years(
    leader_client, office_a, town, october_2024
) -> None:
    counts = []
    for code, years in (("small", range(2023, 2025)), ("large", range(2019, 2025))):
        indicator = IndicatorFactory(code=code, office=office_a, places=[town])
        _figures(indicator, town, years)
        leader_client.get(f"/indicators/{code}/")  # the session and the user, read once
        with CaptureQueriesContext(connection) as queries:
            response = leader_client.get(f"/indicators/{code}/", {"years": "2023,2024"})
        assert response.status_code == 200
        assert len(_rows(response.content.decode())) == len(years)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "today", [(2025, 1, 5), (2026, 11, 30), (2027, 1, 5), (2027, 3, 5)], ids=str
)
def test_the_clocks(client, office_a, town, today) -> None:
    """Whatever the date: the default period is the latest figure's, the chart's years the
    latest three with data, the years the data's own."""
    with time_machine.travel(datetime(*today, 10, tzinfo=SHANGHAI), tick=False):
        # The leader's password set under this clock (a password ages with the clock).
        client.force_login(UserFactory(username="clock_leader", roles=[Role.LEADER]))
        year, month = periods.reporting_period()
        indicator = IndicatorFactory(code="clock", office=office_a, places=[town])
        for back in (4, 3, 2, 1):
            FigureFactory(indicator=indicator, place=town, year=year - back, month=month, value=1)
        FigureFactory(indicator=indicator, place=town, year=year, month=month, value=D("2"))
        response = client.get("/indicators/clock/")
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        page = response.content.decode()
        rows = _rows(page)
        label = periods.period_label(year, month)
        assert rows[-1] == [label, "2.00", "100.00（计算）", "计算", "+1.00"]
        assert len(rows) == 5
        names = [trace["name"] for trace in _traces(page)]
        assert names == [f"{y}年" for y in (year - 2, year - 1, year)]
