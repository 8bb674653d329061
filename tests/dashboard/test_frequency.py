"""Reporting frequency on the dashboard, its exports, charts and the briefing (issue 17, item 3):
an indicator that does not report in the period shows the latest period it reports, labelled
as its own (2026年1-9月（季报）), and is never listed as 未填报 for it."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal as D

import pytest
import time_machine

from tests.factories import FigureFactory, IndicatorFactory
from tests.indicators.frequency_world import SHANGHAI, FrequencyWorld, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(migration_rows):
    """The clock at 20 November 2026: October is being reported (and was due on the 10th)."""
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=SHANGHAI), tick=False):
        yield build()


def table_rows(page) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """{indicator: {column: text}} of the dashboard's 经济指标完成情况表."""
    rows = {}
    for tr in page.html.select("#indicator-table tbody tr"):
        cells = {
            next(c[4:] for c in td["class"] if c.startswith("col-")): td for td in tr.select("td")
        }
        rows[cells["name"].a.get_text(strip=True)] = {
            name: td.get_text(" ", strip=True) for name, td in cells.items()
        }
    return rows


def card(page, name: str):  # type: ignore[no-untyped-def]
    return next(c for c in page.html.select("article.card") if c.h2.get_text(strip=True) == name)


def office_entry(page, name: str):  # type: ignore[no-untyped-def]
    return next(li for li in page.html.select("li.office-report") if li.strong.get_text() == name)


def test_the_dashboard_for_september_shows_the_quarterly_figures(django_app, world: FrequencyWorld):
    page = django_app.get("/?period=2026-09", user=world.leader)
    gdp = card(page, "地区生产总值")
    assert gdp.select_one(".period").get_text(strip=True) == "2026年1-9月"
    assert gdp.select_one(".value").get_text(strip=True) == "35.10亿元"
    rows = table_rows(page)
    assert rows["地区生产总值"]["value"] == "35.10"
    assert rows["地区生产总值"]["name"] == "地区生产总值"  # its own period: no note
    assert rows["粮食产量"]["value"] == "1,430"


def test_the_dashboard_for_october_shows_the_september_figure_labelled_as_such(
    django_app, world: FrequencyWorld
):
    page = django_app.get("/?period=2026-10", user=world.leader)
    assert page.html.select_one(".subtitle").get_text(strip=True).startswith("2026年1-10月")
    gdp = card(page, "地区生产总值")
    assert gdp.select_one(".period").get_text(strip=True) == "2026年1-9月（季报）"
    assert gdp.select_one(".value").get_text(strip=True) == "35.10亿元"
    assert "未填报" not in gdp.get_text()
    rows = table_rows(page)
    assert rows["地区生产总值"]["name"] == "地区生产总值 2026年1-9月（季报）"
    assert rows["地区生产总值"]["value"] == "35.10"
    assert rows["粮食产量"]["name"] == "粮食产量 2026年9月（季报）"
    assert rows["粮食产量"]["value"] == "1,430"
    # 规上工业产值 reports monthly: October is owed, not entered, and listed as 未填报.
    assert rows["规上工业产值"]["value"] == "—"
    assert rows["规上工业产值"]["status"] == "未填报"
    economy = office_entry(page, "经济发展办")
    assert economy.select_one(".status").get_text(strip=True) == "未报送"
    missing = economy.select_one("details").get_text(" ", strip=True)
    assert "1 项未填报" in missing and "规上工业产值" in missing
    assert "地区生产总值" not in missing
    farming = office_entry(page, "农业农村办")
    assert farming.select_one(".status").get_text(strip=True) == "本月无需报送"
    assert not farming.select("details") and not farming.select(".status.bad")


def test_a_yearly_indicator_shows_its_last_year_end(django_app, world: FrequencyWorld):
    petitions = IndicatorFactory(
        code="petitions",
        name="信访",
        unit="case",
        decimals=0,
        direction="lower",
        office=world.farming,
        places=[world.town],
        frequency="yearly",
    )
    FigureFactory(indicator=petitions, place=world.town, year=2025, month=12, value=D("138"))
    page = django_app.get("/?period=2026-10", user=world.leader)
    row = table_rows(page)["信访"]
    assert (row["name"], row["value"]) == ("信访 2025年1-12月（年报）", "138")
    assert "信访" not in office_entry(page, "农业农村办").get_text()


def test_the_exports_give_each_figure_its_own_period(django_app, world: FrequencyWorld):
    response = django_app.get("/?period=2026-10&_export=csv", user=world.leader)
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    period = rows[0].index("期间")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["地区生产总值"][period] == "2026年1-9月"
    assert by_name["地区生产总值"][rows[0].index("本期数")] == "35.1"
    assert by_name["粮食产量"][period] == "2026年9月"
    assert by_name["规上工业产值"][period] == "2026年1-10月"


def test_the_chart_of_a_quarterly_indicator_shows_only_its_months(
    django_app, world: FrequencyWorld
):
    page = django_app.get("/?period=2026-10&indicator=gdp", user=world.leader)
    chart = json.loads(page.html.select_one("#chart-path").string)
    this_year, last_year = chart["data"][:2]
    assert this_year["x"] == ["3月", "6月", "9月", "12月"]
    assert this_year["y"] == [10.5, 22.4, 35.1, None]
    assert last_year["y"] == [9.8, 20.6, 31.9, 44.0]
    table = next(
        t
        for t in page.html.select("table.data-table")
        if t.caption and t.caption.get_text(strip=True) == "地区生产总值（亿元）累计走势"
    )
    assert [tr.th.get_text(strip=True) for tr in table.select("tbody tr")] == [
        "3月",
        "6月",
        "9月",
        "12月",
    ]


def test_the_briefing_gives_a_quarterly_figure_its_own_period(django_app, world: FrequencyWorld):
    page = django_app.get("/reports/briefing/?period=2026-10", user=world.leader)
    text = page.html.get_text(" ", strip=True)
    assert "2026年1-9月（季报）全镇实现地区生产总值35.10亿元" in text
    table = next(t for t in page.html.select("table") if "备注" in t.get_text())
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    cells = {
        tr.select("td, th")[0].get_text(strip=True): [
            td.get_text(strip=True) for td in tr.select("td, th")
        ]
        for tr in table.select("tbody tr")
    }
    assert cells["地区生产总值"][headers.index("备注")] == "2026年1-9月（季报）"
    assert cells["规上工业产值"][headers.index("备注")] == ""


def test_the_growth_chart_names_an_earlier_figures_period(django_app, world: FrequencyWorld):
    page = django_app.get("/?period=2026-10", user=world.leader)
    chart = json.loads(page.html.select_one("#chart-growth").string)
    # 地区生产总值 has no published 同比: 35.10 against 31.90 in 1-9月 2025, computed.
    assert chart["data"][0]["y"] == ["地区生产总值（计算） 2026年1-9月（季报）"]
    assert chart["data"][0]["text"] == ["10.03%"]


def test_the_leaders_landing_card_names_an_earlier_figures_period(
    django_app, world: FrequencyWorld
):
    # October's 规上工业产值 makes October the latest month with figures: the cards' month.
    FigureFactory(indicator=world.output, place=world.town, year=2026, month=10, value=D("30"))
    page = django_app.get("/todo/", user=world.leader)
    cards = page.html.select_one("section[aria-labelledby=cards-title]")
    assert cards.small.get_text(" ", strip=True).startswith("2026年1-10月")
    rows = {li.a.get_text(): li for li in cards.select("li")}
    assert rows["地区生产总值"].select_one(".value").get_text(strip=True) == "35.10亿元"
    assert rows["地区生产总值"].select_one(".period").get_text() == "2026年1-9月（季报）"
    assert rows["规上工业产值"].select_one(".value").get_text(strip=True) == "30.00亿元"
    assert not rows["规上工业产值"].select(".period")


@pytest.mark.parametrize("today", [(2026, 10, 15), (2026, 11, 20)])
@pytest.mark.parametrize("period", ["", "2026-09", "2026-10", "2026-11"])
def test_the_quarterly_indicators_are_never_missing_or_late(
    django_app, migration_rows, today, period
):
    if period == "2026-11" and today[1] == 10:
        period = ""  # November has not begun on 15 October
    with time_machine.travel(datetime(*today, 10, tzinfo=SHANGHAI), tick=False):
        world = build()
        page = django_app.get(f"/?period={period}" if period else "/", user=world.leader)
    assert not page.html.select(".error")  # the period asked for is shown
    reports = page.html.select_one(".office-reports").get_text(" ", strip=True)
    assert "地区生产总值" not in reports and "粮食产量" not in reports
    farming = office_entry(page, "农业农村办")
    assert farming.select_one(".status").get_text(strip=True) != "未报送"
    assert not farming.select(".status.bad")
    assert table_rows(page)["地区生产总值"]["value"] == "35.10"


def test_the_indicator_page_says_how_often_it_is_reported(django_app, world: FrequencyWorld):
    page = django_app.get("/indicators/gdp/", user=world.leader)
    facts = dict(
        zip(
            [dt.get_text() for dt in page.html.select("dl.facts dt")],
            [dd.get_text() for dd in page.html.select("dl.facts dd")],
            strict=True,
        )
    )
    assert facts["报送频率"] == "季报"
