"""A month typed as text (issue 17, item 8): where a browser offers a text box instead of a month
picker, the month is read as people write it, in every month box (periods.parse_period)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from indicators import periods
from indicators.models import Figure
from tests.factories import FigureFactory

REPORT = "/admin/indicators/figure/report/"


@pytest.mark.parametrize(
    "text",
    [
        "2026年10月",
        "2026-10",
        "2026.10",
        "２０２６－１０",
        "2026/10",
        "2026年10月份",
        " 2026 - 10 ",
        "2026\u221210",  # minus sign
        "2026\u201310",  # en dash
        "\u30002026年\u200b10月\u3000",  # ideographic spaces and a zero-width space
        "２０２６年１０月",
        # The year-to-date heading the report page prints (经济发展办 · 2026年1-10月).
        "2026年1-10月",
        "2026年1－10月",  # full-width hyphen-minus
        "2026年1\u201310月",  # en dash
        "2026年01-10月份",
    ],
)
def test_a_month_is_read_as_people_write_it(text):
    assert periods.parse_period(text) == (2026, 10)


def test_a_single_digit_month_is_read_too():
    assert periods.parse_period("2026年1月") == (2026, 1)
    assert periods.parse_period("2026.1") == (2026, 1)


def test_a_year_to_date_label_is_read_as_its_last_month():
    assert periods.parse_period("2026年1-9月") == (2026, 9)
    assert periods.parse_period("2023年1-12月") == (2023, 12)
    with pytest.raises(periods.PeriodError) as caught:
        periods.parse_period("2026年1-13月")
    assert str(caught.value) == "月份“2026年1-13月”不存在。"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("十月", "十月"),
        ("2026", "2026"),
        ("26-10", "26-10"),
        ("2026-10-01", "2026-10-01"),
        ("2026年10日", "2026年10日"),
        ("2026-²", "2026-²"),  # a superscript is no digit
        ("2026年3-10月", "2026年3-10月"),  # not year to date: which month is not guessed
        ("2026-1-10", "2026-1-10"),
        ("2026\u200b", "2026[U+200B]"),
    ],
)
def test_anything_else_is_refused_quoting_it_and_naming_the_shape(text, shown):
    with pytest.raises(periods.PeriodError) as caught:
        periods.parse_period(text)
    assert str(caught.value) == (
        f"月份“{shown}”无法识别：月份格式应为年月，如 2026-10 或 2026年10月。"
    )


def test_a_month_that_does_not_exist_is_refused_as_before():
    with pytest.raises(periods.PeriodError) as caught:
        periods.parse_period("2026年13月")
    assert str(caught.value) == "月份“2026年13月”不存在。"


def test_a_very_long_text_is_quoted_cut_short():
    with pytest.raises(periods.PeriodError) as caught:
        periods.parse_period("x" * 500)
    assert str(caught.value) == (
        "月份“" + "x" * 40 + "…”无法识别：月份格式应为年月，如 2026-10 或 2026年10月。"
    )


def test_the_query_helper_reads_a_month_as_text(october_2023):
    latest = lambda: (2023, 8)  # noqa: E731
    assert periods.period_from_query({"period": "2023年9月"}, latest) == (2023, 9, "")
    assert periods.period_from_query({"period": "２０２３．０９"}, latest) == (2023, 9, "")


@pytest.mark.django_db
def test_the_report_pages_month_box_takes_a_month_as_text(
    django_app, clerk, office_a, output, town, october_2023
):
    FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("29.74"))
    page = django_app.get(REPORT, user=clerk)
    picker = next(form for form in page.forms.values() if "period" in form.fields)
    picker["period"] = "2023年9月份"
    opened = picker.submit()
    assert opened.status_code == 200
    assert "经济发展办 · 2023年1-9月" in opened.text
    rows = next(form for form in opened.forms.values() if "rows-TOTAL_FORMS" in form.fields)
    assert rows["rows-0-value"].value == "29.74"
    # The figures form posts back to the month as typed, and saves that month.
    rows["rows-0-value"] = "30.00"
    assert rows.submit().status_code == 302
    assert Figure.objects.get(indicator=output, year=2023, month=9).value == D("30.00")


@pytest.mark.django_db
def test_a_month_box_refuses_text_it_cannot_read_in_chinese(django_app, clerk, office_a, output):
    page = django_app.get(REPORT, user=clerk)
    picker = next(form for form in page.forms.values() if "period" in form.fields)
    picker["period"] = "九月"
    refused = picker.submit()
    assert refused.status_code == 200
    assert "月份“九月”无法识别：月份格式应为年月，如 2026-10 或 2026年10月。" in refused.text
    assert not any("rows-TOTAL_FORMS" in form.fields for form in refused.forms.values())


@pytest.mark.django_db
def test_the_pages_own_heading_typed_into_the_month_box_opens_that_month(
    django_app, clerk, office_a, output, town, october_2023
):
    FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("29.74"))
    page = django_app.get(REPORT, user=clerk)
    picker = next(form for form in page.forms.values() if "period" in form.fields)
    picker["period"] = "2023年1－9月"
    opened = picker.submit()
    assert opened.status_code == 200
    assert "经济发展办 · 2023年1-9月" in opened.text
    rows = next(form for form in opened.forms.values() if "rows-TOTAL_FORMS" in form.fields)
    assert rows["rows-0-value"].value == "29.74"
