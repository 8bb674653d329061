"""The briefing (its page and its Word document) says a published 完成率, a 同比 that was not
published and a rate indicator's change in the dashboard's words.

On the seeded catalogue: 工业性投资 1-9月 1.71亿元 with the document's 完成率93.63% and no
target is 完成率93.63%（公布）, 超序时18.63个百分点 at 2023-09; 规上工业产值 36.68亿元 at
2024-12 against 增长12% without a published 同比 says 同比未公布, or the computed growth
marked as computed when last year's figure exists; 发证率's change is in 个百分点.
"""

from __future__ import annotations

import io
from decimal import Decimal as D

import docx
import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from indicators.models import Indicator, Place
from plans.models import Target
from tests.factories import FigureFactory

pytestmark = pytest.mark.django_db

INVESTMENT = "工业性投资（不含比亚迪）"
HEADERS = [
    "指标",
    "单位",
    "本期数",
    "同比增长（%）",
    "年度目标",
    "完成率（%）",
    "时序进度（%）",
    "超（+）/落后（−）（百分点）",
    "状态",
    "责任科室",
    "备注",
]


@pytest.fixture
def seeded(db) -> None:
    call_command("seed")


def town() -> Place:
    return Place.objects.get(level=Place.Level.TOWN)


def briefing_page(django_app, user, period: str):  # type: ignore[no-untyped-def]
    """The briefing reached as a leader does: the dashboard's 月度简报 link."""
    return django_app.get(f"/?period={period}", user=user).click("月度简报")


def page_paragraph(page) -> str:  # type: ignore[no-untyped-def]
    html = BeautifulSoup(page.text, "html.parser")
    return html.select_one("p.economic-paragraph").get_text()


def page_table(page) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    html = BeautifulSoup(page.text, "html.parser")
    table = html.find("table", class_="indicator-table")
    headers = [th.get_text() for th in table.find("thead").find_all("th")]
    assert headers == HEADERS
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = [cell.get_text() for cell in tr.find_all(["th", "td"])]
        rows[cells[0]] = dict(zip(headers, cells, strict=True))
    return rows


def word(page) -> tuple[list[str], dict[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """The Word document downloaded from the page: (paragraphs, {indicator: {header: text}})."""
    document = docx.Document(io.BytesIO(page.click("下载Word文档").body))
    table = document.tables[0]
    headers = [cell.text for cell in table.rows[0].cells]
    assert headers == HEADERS
    rows = {}
    for row in table.rows[1:]:
        cells = [cell.text for cell in row.cells]
        rows[cells[0]] = dict(zip(headers, cells, strict=True))
    return [p.text for p in document.paragraphs], rows


# --- 完成率（公布）: the 2023-09 briefing ----------------------------------------------------

CLAUSE_2023_09 = (
    "全镇完成工业性投资（不含比亚迪）1.71亿元，完成率93.63%（公布），超序时18.63个百分点"
)


def test_the_2023_09_briefing_page_says_the_published_rate(django_app, leader, seeded):
    page = briefing_page(django_app, leader, "2023-09")
    assert CLAUSE_2023_09 + "；" in page_paragraph(page)
    row = page_table(page)[INVESTMENT]
    assert (row["完成率（%）"], row["时序进度（%）"], row["超（+）/落后（−）（百分点）"]) == (
        "93.63（公布）",
        "75.00",
        "+18.63",
    )
    assert (row["状态"], row["年度目标"], row["同比增长（%）"]) == ("超序时", "—", "未公布")
    note = BeautifulSoup(page.text, "html.parser").select_one("p.note").get_text()
    assert "标“公布”的为原文公布的完成率" in note


def test_the_2023_09_word_document_says_the_published_rate(django_app, leader, seeded):
    paragraphs, rows = word(briefing_page(django_app, leader, "2023-09"))
    assert any(CLAUSE_2023_09 in text for text in paragraphs)
    row = rows[INVESTMENT]
    assert (row["完成率（%）"], row["超（+）/落后（−）（百分点）"], row["状态"]) == (
        "93.63（公布）",
        "+18.63",
        "超序时",
    )
    assert row["同比增长（%）"] == "未公布"
    assert rows["规上工业产值"]["完成率（%）"] == "—"  # no rate published, no target


# --- 同比: not published, or computed and marked ------------------------------------------


@pytest.fixture
def output_2024_12(seeded):  # type: ignore[no-untyped-def]
    output = Indicator.objects.get(code="industrial_output_above")
    Target.objects.create(
        indicator=output, year=2024, kind="growth", value=D("12"), wording="增长12%"
    )
    return FigureFactory(
        indicator=output, place=town(), year=2024, month=12, value=D("36.68"), growth=None
    )


def test_a_growth_target_without_a_growth_is_said_not_published(django_app, leader, output_2024_12):
    page = briefing_page(django_app, leader, "2024-12")
    # the only key indicator with a 2024-12 figure
    assert page_paragraph(page) == "1-12月，全镇实现规上工业产值36.68亿元，同比未公布。"
    row = page_table(page)["规上工业产值"]
    assert (row["本期数"], row["同比增长（%）"], row["状态"]) == ("36.68", "未公布", "同比未公布")
    _paragraphs, rows = word(page)
    assert (rows["规上工业产值"]["同比增长（%）"], rows["规上工业产值"]["状态"]) == (
        "未公布",
        "同比未公布",
    )


def test_a_computed_growth_is_marked_and_judged_against_the_target(
    django_app, leader, output_2024_12
):
    FigureFactory(
        indicator=output_2024_12.indicator, place=town(), year=2023, month=12, value=D("30")
    )
    page = briefing_page(django_app, leader, "2024-12")
    assert page_paragraph(page) == (
        "1-12月，全镇实现规上工业产值36.68亿元，同比增长22.27%（按上年同期数计算），"
        "高于目标增速10.27个百分点。"
    )
    row = page_table(page)["规上工业产值"]
    assert (row["同比增长（%）"], row["超（+）/落后（−）（百分点）"], row["状态"]) == (
        "22.27（计算）",
        "+10.27",
        "高于目标增速",
    )
    paragraphs, rows = word(page)
    assert rows["规上工业产值"]["同比增长（%）"] == "22.27（计算）"
    assert any("同比增长22.27%（按上年同期数计算）" in text for text in paragraphs)


# --- a rate indicator's change --------------------------------------------------------------


def test_a_rate_indicators_change_is_said_in_points(django_app, leader, seeded):
    """发证率, made a 重点指标: 76.55% at the end of 2023, 78.65% a year later."""
    rate = Indicator.objects.get(code="land_certification_rate")
    Indicator.objects.filter(pk=rate.pk).update(is_key=True)
    FigureFactory(indicator=rate, place=town(), year=2024, month=12, value=D("78.65"))
    page = briefing_page(django_app, leader, "2024-12")
    assert "全镇发证率为78.65%，同比提高2.10个百分点（按上年同期数计算）" in page_paragraph(page)
    assert page_table(page)["发证率"]["同比增长（%）"] == "提高2.10个百分点（计算）"
    _paragraphs, rows = word(page)
    assert rows["发证率"]["同比增长（%）"] == "提高2.10个百分点（计算）"
