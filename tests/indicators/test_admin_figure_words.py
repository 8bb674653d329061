"""数据管理's figures say what every other page says: the glossary's words in the change
records (本期数, 同比增长（%）) and a published growth as published (31.3, not 31.30)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.factories import FigureFactory

pytestmark = pytest.mark.django_db


def headers(table) -> list[str]:  # type: ignore[no-untyped-def]
    return [th.get_text(" ", strip=True) for th in table.select("thead th")]


@pytest.fixture
def corrected(django_app, admin_user, output, town, october_2023):
    """规上工业产值 2023年1-6月, published 29.74 and 31.3, corrected on its change page."""
    figure = FigureFactory(
        indicator=output, place=town, year=2023, month=6, value=D("29.74"), growth=D("31.3")
    )
    page = django_app.get(f"/admin/indicators/figure/{figure.pk}/change/", user=admin_user)
    form = page.forms["figure_form"]
    form["value"] = "29.80"
    form["growth"] = "31.5"
    form["note"] = "更正"
    assert form.submit().status_code == 302
    return figure


def test_a_figures_change_records_use_the_glossarys_words(django_app, admin_user, corrected):
    page = django_app.get(f"/admin/indicators/figure/{corrected.pk}/change/", user=admin_user)
    inline = page.html.select_one("#revisions-group table")
    assert headers(inline)[4:8] == ["原本期数", "新本期数", "原同比增长（%）", "新同比增长（%）"]
    row = [td.get_text(" ", strip=True) for td in inline.select("tbody tr td")]
    # As published (29.74, 31.3), not as stored (29.7400, 31.30).
    assert row[4:8] == ["29.74", "29.80", "31.3", "31.5"]
    text = page.html.select_one("#revisions-group").get_text(" ", strip=True)
    for word in ("原数值", "新数值", "原同比（%）", "新同比（%）"):
        assert word not in text


def test_the_change_record_list_uses_the_glossarys_words(django_app, admin_user, corrected):
    page = django_app.get("/admin/indicators/figurerevision/", user=admin_user)
    assert headers(page.html.select_one("#result_list")) == [
        "操作时间",
        "数据",
        "操作",
        "原本期数",
        "新本期数",
        "原同比增长（%）",
        "新同比增长（%）",
        "操作人",
        "原因",
    ]
    row = page.html.select_one("#result_list tbody tr")
    assert row.select_one("td.field-old_value").get_text() == "29.74"
    assert row.select_one("td.field-new_value").get_text() == "29.80"


def test_the_figure_list_prints_a_published_growth_as_published(django_app, leader, output, town):
    FigureFactory(
        indicator=output, place=town, year=2023, month=9, value=D("29.74"), growth=D("31.30")
    )
    FigureFactory(
        indicator=output, place=town, year=2023, month=8, value=D("26.10"), growth=D("17")
    )
    FigureFactory(indicator=output, place=town, year=2023, month=7, value=D("23.00"))
    page = django_app.get("/admin/indicators/figure/", {"q": "规上工业产值"}, user=leader)
    table = page.html.select_one("#result_list")
    assert "同比增长（%）" in headers(table)
    growths = [td.get_text(strip=True) for td in table.select("td.field-growth_as_published")]
    assert growths == ["31.3", "17", "-"]  # the admin's mark for nothing
    values = [td.get_text(strip=True) for td in table.select("td.field-value_with_unit")]
    assert values == ["29.74 亿元", "26.10 亿元", "23.00 亿元"]


def test_a_change_records_own_page_prints_numbers_as_published(django_app, admin_user, corrected):
    revision = corrected.revisions.order_by("-changed_at", "-pk").first()
    page = django_app.get(
        f"/admin/indicators/figurerevision/{revision.pk}/change/", user=admin_user
    )
    shown = {
        row.select_one("label").get_text(strip=True).rstrip(":："): row.select_one(
            ".readonly"
        ).get_text(strip=True)
        for row in page.html.select(".form-row")
        if row.select_one(".readonly")
    }
    assert (shown["原本期数"], shown["新本期数"]) == ("29.74", "29.80")
    assert (shown["原同比增长（%）"], shown["新同比增长（%）"]) == ("31.3", "31.5")
    assert "29.7400" not in page.text and "31.30" not in page.text
