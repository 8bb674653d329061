"""What the dashboard shows when the source gives a 完成率 but no target, or gives no 同比.

On the seeded catalogue (manage.py seed): the document gives 工业性投资 1-9月 1.71亿元 with
完成率93.63% and no amount target. The card, the indicator table and the CSV and Excel
downloads (the page's own links) show it as the published rate, marked （公布）, read against
时序进度 (75.00 in September: 超序时18.63个百分点).

A 同比 is the published one, else one computed from last year's same-period figure and marked
（计算）, else 未公布; a rate indicator's (%) change is in 个百分点. A growth target whose figure
has no growth to compare says 同比未公布, never 未填报 beside its own figure.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from openpyxl import load_workbook

from indicators.models import Figure, Indicator, Place
from plans.models import Target
from tests.factories import FigureFactory

pytestmark = pytest.mark.django_db

PUBLISHED_FORMAT = '#,##0.00"（公布）"'
POINTS_FORMAT = '"提高"#,##0.00"个百分点";"降低"#,##0.00"个百分点";"持平"'


@pytest.fixture
def seeded(db) -> None:
    call_command("seed")


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def town() -> Place:
    return Place.objects.get(level=Place.Level.TOWN)


def card(page, name: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A key indicator's card: {dt: dd} with the status word under 状态."""
    html = BeautifulSoup(page.text, "html.parser")
    article = next(
        a for a in html.select("section.cards article.card") if a.find("h2").get_text() == name
    )
    facts = {
        dt.get_text(strip=True): dd.get_text(strip=True)
        for dt, dd in zip(article.find_all("dt"), article.find_all("dd"), strict=True)
    }
    facts["状态"] = article.find("p", class_="status").get_text(strip=True)
    return facts


def table_row(page, name: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The indicator table's row: {column name: text}."""
    html = BeautifulSoup(page.text, "html.parser")
    for tr in html.find("table", id="indicator-table").find("tbody").find_all("tr"):
        cells = {}
        for td in tr.find_all("td"):
            column = next(c for c in td["class"] if c.startswith("col-"))[4:]
            cells[column] = td.find("a").get_text() if column == "name" else td.get_text()
        if cells["name"] == name:
            return cells
    raise AssertionError(f"{name} is not in the table")


def csv_row(page, name: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    text = page.click("导出CSV").body.decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    return next(dict(zip(header, line, strict=True)) for line in lines if line[0] == name)


def xlsx_row(page, name: str) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """{header: (value, number format)} of the downloaded Excel's row."""
    sheet = load_workbook(io.BytesIO(page.click("导出Excel").body))["经济指标"]
    header = [cell.value for cell in sheet[2]]
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == name:
            return {h: (c.value, c.number_format) for h, c in zip(header, row, strict=True)}
    raise AssertionError(f"{name} is not in the sheet")


# --- 完成率（公布）: 工业性投资 2023-09 ------------------------------------------------------


@pytest.fixture
def september_2023(django_app, leader, seeded):  # type: ignore[no-untyped-def]
    return django_app.get("/?period=2023-09&per_page=200", user=leader)


def test_the_card_shows_the_published_rate_against_time_progress(september_2023):
    facts = card(september_2023, "工业性投资")
    assert facts["完成率"] == "93.63%（公布）"
    assert facts["进度"] == "超序时18.63个百分点"
    assert facts["状态"] == "超序时"
    assert facts["年度目标"] == "—"  # no target is invented
    assert facts["同比增长"] == "未公布"  # the document gives none, and there is no 2022


def test_the_table_shows_the_published_rate_against_time_progress(september_2023):
    row = table_row(september_2023, "工业性投资")
    assert (row["completion"], row["time_progress"], row["gap"], row["status"]) == (
        "93.63（公布）",
        "75.00",
        "+18.63",
        "超序时",
    )
    assert (row["target"], row["growth"]) == ("—", "未公布")
    # A rate computed from a target carries no mark; an indicator without either has none.
    assert table_row(september_2023, "规上工业产值")["completion"] == "—"


def test_the_csv_gives_the_published_rate_as_a_number_and_says_it_is_published(september_2023):
    row = csv_row(september_2023, "工业性投资")
    assert row["完成率（%）"] == "93.63"
    assert row["完成率来源"] == "公布"
    assert (row["时序进度（%）"], row["超（+）/落后（−）（百分点）"], row["状态"]) == (
        "75",
        "18.63",
        "超序时",
    )
    assert (row["同比增长（%）"], row["同比来源"]) == ("", "未公布")
    output = csv_row(september_2023, "规上工业产值")
    assert (output["完成率（%）"], output["完成率来源"]) == ("", "")
    assert (output["同比增长（%）"], output["同比来源"]) == ("31.3", "公布")


def test_the_excel_shows_93_63_marked_published_and_keeps_it_a_number(september_2023):
    row = xlsx_row(september_2023, "工业性投资")
    assert row["完成率（%）"] == (93.63, PUBLISHED_FORMAT)  # Excel shows 93.63（公布）
    assert row["完成率来源"][0] == "公布"
    assert row["时序进度（%）"] == (75, "#,##0.00")
    assert row["超（+）/落后（−）（百分点）"] == (pytest.approx(18.63), "+0.00;-0.00;0.00")
    assert row["状态"][0] == "超序时"
    assert row["同比来源"][0] == "未公布"


def test_a_target_set_later_decides_instead_of_the_published_rate(django_app, leader, seeded):
    """With an amount target the rate is computed from it (1.71 of 2.00: 85.50%) and the
    published one is not shown."""
    Target.objects.create(
        indicator=indicator("industrial_investment"), year=2023, kind="amount", value=D("2")
    )
    page = django_app.get("/?period=2023-09&per_page=200", user=leader)
    assert card(page, "工业性投资")["完成率"] == "85.50%"
    row = table_row(page, "工业性投资")
    assert (row["completion"], row["gap"], row["status"]) == ("85.50", "+10.50", "超序时")
    assert csv_row(page, "工业性投资")["完成率来源"] == ""
    assert xlsx_row(page, "工业性投资")["完成率（%）"] == (85.5, "#,##0.00")


def test_the_indicator_page_says_the_published_rate_in_the_same_words(django_app, leader, seeded):
    page = django_app.get("/?period=2023-09", user=leader).click("工业性投资", index=0)
    html = BeautifulSoup(page.text, "html.parser")
    assert html.select_one("small.completion").get_text() == "完成率 93.63%（公布）"


# --- 同比: published, computed (marked) or 未公布 -----------------------------------------------


@pytest.fixture
def output_2024_12(seeded):  # type: ignore[no-untyped-def]
    """规上工业产值 2024年1-12月 36.68亿元 with no published 同比, against a growth target of
    12%; the seed has no 2023年1-12月 figure for it."""
    output = indicator("industrial_output_above")
    Target.objects.create(
        indicator=output, year=2024, kind="growth", value=D("12"), wording="增长12%"
    )
    return FigureFactory(
        indicator=output, place=town(), year=2024, month=12, value=D("36.68"), growth=None
    )


@pytest.mark.parametrize("clerk_wrote_dash", [False, True])
def test_a_growth_target_without_a_growth_says_it_is_not_published(
    django_app, leader, output_2024_12, clerk_wrote_dash
):
    """Not 未填报 beside its own figure: the growth was not published (left blank, or the
    clerk wrote "—"), and there is no 2023 figure to compute one from."""
    Figure.objects.filter(pk=output_2024_12.pk).update(growth_unpublished=clerk_wrote_dash)
    page = django_app.get("/?period=2024-12&per_page=200", user=leader)
    facts = card(page, "规上工业产值")
    assert (facts["同比增长"], facts["状态"], facts["进度"]) == ("未公布", "同比未公布", "—")
    row = table_row(page, "规上工业产值")
    assert (row["value"], row["growth"], row["status"]) == ("36.68", "未公布", "同比未公布")
    exported = csv_row(page, "规上工业产值")
    assert (exported["本期数"], exported["同比增长（%）"], exported["同比来源"]) == (
        "36.68",
        "",
        "未公布",
    )
    assert exported["状态"] == "同比未公布"
    sheet = xlsx_row(page, "规上工业产值")
    assert (sheet["同比增长（%）"][0], sheet["同比来源"][0], sheet["状态"][0]) == (
        None,
        "未公布",
        "同比未公布",
    )


def test_last_years_figure_gives_a_computed_growth_marked_and_judged(
    django_app, leader, output_2024_12
):
    """With 2023年1-12月 at 30.00: 36.68 ÷ 30.00 − 1 = 22.27%, marked computed everywhere,
    and 10.27 points above the 12% target."""
    FigureFactory(
        indicator=output_2024_12.indicator, place=town(), year=2023, month=12, value=D("30")
    )
    page = django_app.get("/?period=2024-12&per_page=200", user=leader)
    facts = card(page, "规上工业产值")
    assert facts["同比增长"] == "22.27%（计算）"
    assert (facts["进度"], facts["状态"]) == ("高于目标增速10.27个百分点", "高于目标增速")
    row = table_row(page, "规上工业产值")
    assert (row["growth"], row["gap"], row["status"]) == ("22.27（计算）", "+10.27", "高于目标增速")
    html = BeautifulSoup(page.text, "html.parser")
    mark = html.select_one("#indicator-table td.col-growth span.computed")
    assert mark.get_text() == "（计算）" and mark["title"] == "未公布同比，按上年同期数计算"
    exported = csv_row(page, "规上工业产值")
    assert (exported["同比增长（%）"], exported["同比来源"]) == ("22.27", "计算")
    sheet = xlsx_row(page, "规上工业产值")
    assert sheet["同比增长（%）"] == (22.27, "#,##0.00")
    assert sheet["同比来源"][0] == "计算"


def test_the_indicator_page_prints_each_figures_growth_the_same_way(
    django_app, leader, output_2024_12
):
    output = output_2024_12.indicator
    FigureFactory(indicator=output, place=town(), year=2023, month=12, value=D("30"))
    FigureFactory(indicator=output, place=town(), year=2024, month=9, value=D("28"), growth=None)
    page = django_app.get(f"/indicators/{output.code}/", user=leader)
    html = BeautifulSoup(page.text, "html.parser")
    growths = {
        tr.find("td").get_text(): tr.select_one("td.growth").get_text()
        for tr in html.select("#all-figures tbody tr")  # the page's 全部数据 table
        if tr.select_one("td.growth")
    }
    assert growths == {
        "2024年1-12月": "22.27（计算）",  # 36.68 against 30.00
        "2024年1-9月": "-5.85（计算）",  # 28 against the document's 29.74
        "2023年1-12月": "未公布",  # no 2022 figure
        "2023年1-9月": "31.3",  # as the document publishes it
    }


# --- a rate indicator's change is in 个百分点 ----------------------------------------------


def test_a_rate_indicators_change_is_in_points(django_app, leader, seeded):
    """发证率 76.55% at the end of 2023 (the document); 78.65% at the end of 2024 is 2.10 points
    up, not 2.74 %."""
    rate = indicator("land_certification_rate")
    FigureFactory(indicator=rate, place=town(), year=2024, month=12, value=D("78.65"))
    page = django_app.get("/?period=2024-12&per_page=200", user=leader)
    assert table_row(page, "发证率")["growth"] == "提高2.10个百分点（计算）"
    exported = csv_row(page, "发证率")
    assert (exported["同比增长（%）"], exported["同比来源"]) == ("2.1", "计算（个百分点）")
    sheet = xlsx_row(page, "发证率")
    assert sheet["同比增长（%）"] == (2.1, POINTS_FORMAT)  # Excel shows 提高2.10个百分点
    # The growth chart is of growths in %: a change in points is not drawn among them.
    html = BeautifulSoup(page.text, "html.parser")
    growth_panel = html.find("div", attrs={"data-chart": "chart-growth"}).parent
    assert "发证率" not in growth_panel.get_text()
    indicator_page = django_app.get(f"/indicators/{rate.code}/", user=leader)
    cells = [
        td.get_text()
        for td in BeautifulSoup(indicator_page.text, "html.parser").select("#all-figures td.growth")
    ]
    assert cells == ["提高2.10个百分点（计算）", "未公布"]


def test_a_fall_and_a_published_change_of_a_rate(django_app, leader, seeded):
    rate = indicator("land_certification_rate")
    figure = FigureFactory(indicator=rate, place=town(), year=2024, month=12, value=D("75"))
    page = django_app.get("/?period=2024-12&per_page=200", user=leader)
    assert table_row(page, "发证率")["growth"] == "降低1.55个百分点（计算）"
    assert xlsx_row(page, "发证率")["同比增长（%）"] == (-1.55, POINTS_FORMAT)
    Figure.objects.filter(pk=figure.pk).update(growth=D("-1.6"))  # as the bureau published it
    page = django_app.get("/?period=2024-12&per_page=200", user=leader)
    assert table_row(page, "发证率")["growth"] == "降低1.6个百分点"
    exported = csv_row(page, "发证率")
    assert (exported["同比增长（%）"], exported["同比来源"]) == ("-1.6", "公布（个百分点）")
    assert xlsx_row(page, "发证率")["同比增长（%）"] == (
        -1.6,
        '"提高"#,##0.0"个百分点";"降低"#,##0.0"个百分点";"持平"',
    )
