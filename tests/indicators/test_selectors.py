"""What the monthly report compares each figure with, by kind of indicator."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from indicators.selectors import report_rows
from tests.factories import FigureFactory, IndicatorFactory

pytestmark = pytest.mark.django_db


def _row(office, indicator, year, month):
    return next(row for row in report_rows(office, year, month) if row.indicator == indicator)


def test_a_year_opening_with_1_2_month_is_compared_from_march_on(office_a, town, output):
    FigureFactory(indicator=output, place=town, year=2024, month=2, value=D("5.20"))
    FigureFactory(indicator=output, place=town, year=2024, month=3, value=D("8.00"))
    march = _row(office_a, output, 2024, 3)
    assert march.previous.month == 2
    february = _row(office_a, output, 2024, 2)
    assert february.figure.period_label == "2024年1-2月"
    assert february.previous is None


def test_a_cumulative_figure_is_never_compared_with_last_december(office_a, town, output):
    FigureFactory(indicator=output, place=town, year=2023, month=12, value=D("40"))
    FigureFactory(indicator=output, place=town, year=2024, month=1, value=D("3"))
    january = _row(office_a, output, 2024, 1)
    assert january.previous is None


def test_a_monthly_flow_is_compared_with_the_month_before_even_across_years(office_a, town):
    flow = IndicatorFactory(office=office_a, places=[town], kind="monthly", unit="case")
    FigureFactory(indicator=flow, place=town, year=2023, month=12, value=D("12"))
    FigureFactory(indicator=flow, place=town, year=2024, month=1, value=D("9"))
    january = _row(office_a, flow, 2024, 1)
    assert january.previous.year == 2023 and january.previous.month == 12
    assert january.figure.period_label == "2024年1月"


def test_a_stock_reads_as_a_month_not_a_range(office_a, town, cert_rate):
    figure = FigureFactory(indicator=cert_rate, place=town, year=2023, month=12, value=D("76.55"))
    assert figure.period_label == "2023年12月"


def test_inactive_indicators_and_other_offices_are_not_listed(office_a, office_b, town, output):
    IndicatorFactory(office=office_a, places=[town], is_active=False)
    IndicatorFactory(office=office_b, places=[town])
    assert [row.indicator for row in report_rows(office_a, 2023, 9)] == [output]


def test_village_figures_stay_out_of_the_town_report(office_a, town, village, output):
    output.places.add(village)
    FigureFactory(indicator=output, place=village, year=2023, month=9, value=D("1"))
    assert _row(office_a, output, 2023, 9).figure is None
