"""Input rules: numbers as people type them, and a Chinese message for each refusal."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from indicators.forms import FigureRowForm, ReportPeriodForm, figure_warnings, parse_number
from indicators.selectors import ReportRow
from tests.factories import FigureFactory, IndicatorFactory


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("29.74", D("29.74")),
        ("1,234.5", D("1234.5")),
        ("20,432", D("20432")),
        ("２９．７４", D("29.74")),  # full-width digits and point
        ("１，２３４", D("1234")),  # full-width comma
        (" 76.55% ", D("76.55")),
        ("-3.2", D("-3.2")),
    ],
)
def test_parse_number_accepts_what_people_type(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "12,34", "1,2345", "二十", "1e5", "", "--1"])
def test_parse_number_refuses_what_is_not_a_number(raw):
    with pytest.raises(ValidationError) as excinfo:
        parse_number(raw)
    assert "不是有效的数字" in excinfo.value.messages[0]


def test_parse_number_refuses_an_absurdly_large_number():
    with pytest.raises(ValidationError, match="数值过大"):
        parse_number("1" * 20)


def row_form(indicator, data, figure=None, previous=None, last_year=None, month=9):
    row = ReportRow(indicator=indicator, figure=figure, previous=previous, last_year=last_year)
    return FigureRowForm(data=data, row=row, month=month)


@pytest.mark.django_db
class TestRowValidation:
    def test_a_valid_row(self, output):
        form = row_form(output, {"value": "29.74", "growth": "31.3", "note": ""})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {
            "value": D("29.74"),
            "growth": D("31.3"),
            "note": "",
            "version": None,
            "growth_unpublished": False,
        }

    def test_an_empty_row_means_not_reported(self, output):
        form = row_form(output, {"value": "", "growth": "", "note": ""})
        assert form.is_valid() and form.cleaned_data["value"] is None

    def test_not_a_number(self, output):
        form = row_form(output, {"value": "29.7四"})
        assert not form.is_valid()
        assert form.errors["value"] == ["“29.7四”不是有效的数字。应为数字，如 12.5 或 -3。"]

    def test_too_many_decimals(self, output):
        form = row_form(output, {"value": "29.745"})
        assert form.errors["value"] == ["最多保留2位小数。"]

    def test_a_whole_number_unit_takes_no_decimals(self, firms):
        form = row_form(firms, {"value": "132.5"})
        assert form.errors["value"] == ["应为整数，不能有小数。"]

    def test_a_rate_outside_0_to_100(self, cert_rate):
        form = row_form(cert_rate, {"value": "176.55"})
        assert form.errors["value"] == ["比率应在0到100之间。"]
        assert row_form(cert_rate, {"value": "76.55%"}).is_valid()

    def test_growth_below_minus_100(self, output):
        form = row_form(output, {"value": "1", "growth": "-120"})
        assert form.errors["growth"] == ["同比增长不能低于-100%。"]

    def test_growth_without_a_value(self, output):
        form = row_form(output, {"value": "", "growth": "3.1"})
        assert form.errors["value"] == ["填写了同比增长或说明，但未填写本期数。"]

    def test_a_reported_figure_cannot_be_blanked(self, output, town):
        figure = FigureFactory(indicator=output, place=town, value=D("29.74"))
        form = row_form(output, {"value": ""}, figure=figure)
        assert form.errors["value"] == ["已填报的数据不能清空；如需更正，请填写正确的数值。"]


@pytest.mark.django_db
class TestWarnings:
    def test_cumulative_lower_than_last_month(self, output, town):
        previous = FigureFactory(indicator=output, place=town, month=8, value=D("26.00"))
        assert figure_warnings(output, 9, D("25.00"), previous, None) == [
            "累计数25.00低于上月累计数26.00，请核对。"
        ]

    def test_a_change_of_more_than_half_against_last_months_pace(self, output, town):
        previous = FigureFactory(indicator=output, place=town, month=8, value=D("26.00"))
        # Same pace would give 29.25; 45 is 53.85% above it.
        assert figure_warnings(output, 9, D("45.00"), previous, None) == [
            "与上月相比变化53.85%，超过50%，请核对。"
        ]
        assert figure_warnings(output, 9, D("29.74"), previous, None) == []

    def test_a_change_of_more_than_half_against_last_year(self, output, town):
        last_year = FigureFactory(indicator=output, place=town, year=2022, value=D("10.00"))
        assert figure_warnings(output, 9, D("15.01"), None, last_year) == [
            "与上年同期相比变化50.10%，超过50%，请核对。"
        ]
        assert figure_warnings(output, 9, D("15.00"), None, last_year) == []

    def test_a_stock_is_compared_with_last_month_directly(self, cert_rate, town):
        previous = FigureFactory(indicator=cert_rate, place=town, month=8, value=D("40.00"))
        # A rate's change is in points (76.55 - 40.00), not in % of 40.00.
        assert figure_warnings(cert_rate, 9, D("76.55"), previous, None) == [
            "与上月相比变化36.55个百分点，超过20个百分点，请核对。"
        ]


@pytest.mark.django_db
def test_period_form_refuses_a_future_month(clerk, office_a, october_2023):
    form = ReportPeriodForm({"office": office_a.pk, "period": "2023-11"}, user=clerk)
    assert form.errors["period"] == ["不能填报未来月份（2023年11月）的数据。"]
    assert ReportPeriodForm({"office": office_a.pk, "period": "2023-10"}, user=clerk).is_valid()


@pytest.mark.django_db
def test_period_form_refuses_another_office(clerk, office_b, october_2023):
    form = ReportPeriodForm({"office": office_b.pk, "period": "2023-09"}, user=clerk)
    assert form.errors["office"] == ["无权填报该科室，或科室不存在。"]


@pytest.mark.django_db
def test_period_form_refuses_a_malformed_month(clerk, office_a):
    form = ReportPeriodForm({"office": office_a.pk, "period": "2023-13"}, user=clerk)
    assert form.errors["period"] == ["月份“2023-13”不存在。"]


@pytest.mark.django_db
def test_indicator_factory_defaults_are_year_to_date(office_a):
    assert IndicatorFactory(office=office_a).is_cumulative
