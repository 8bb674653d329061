"""Periods and derived numbers, with hand-checked values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from indicators import metrics, periods


def test_period_labels_read_as_people_write_them():
    assert periods.period_label(2023, 9) == "2023年1-9月"
    assert periods.period_label(2024, 2) == "2024年1-2月"
    assert periods.period_label(2024, 1) == "2024年1月"
    assert periods.period_label(2023, 9, cumulative=False) == "2023年9月"


@pytest.mark.parametrize(
    ("text", "expected"), [("2024-09", (2024, 9)), ("2024-9", (2024, 9)), (" 2023-12 ", (2023, 12))]
)
def test_parse_period_accepts_year_dash_month(text, expected):
    assert periods.parse_period(text) == expected


@pytest.mark.parametrize("text", ["", "2024", "2024-13", "2024-00", "24-09", "2024/09/01", "abc"])
def test_parse_period_refuses_anything_else_in_chinese(text):
    with pytest.raises(periods.PeriodError) as excinfo:
        periods.parse_period(text)
    assert "月份" in str(excinfo.value)


def test_future_and_past_reporting_periods():
    on = date(2024, 10, 8)
    assert periods.reporting_period(on) == (2024, 9)
    assert periods.is_future(2024, 11, on) and not periods.is_future(2024, 10, on)
    assert not periods.is_past_reporting(2024, 9, on)  # September is being reported now
    assert periods.is_past_reporting(2024, 8, on)
    assert periods.reporting_period(date(2025, 1, 5)) == (2024, 12)


def test_time_progress_is_the_share_of_the_year_elapsed():
    assert metrics.time_progress(9) == D("75.00")
    assert metrics.time_progress(2) == D("16.67")  # 1-2月
    assert metrics.time_progress(10) == D("83.33")
    assert metrics.time_progress(12) == D("100.00")
    with pytest.raises(ValueError):
        metrics.time_progress(13)


def test_completion_rate_is_actual_over_target():
    # 工业性投资 1.71亿元 reported as 93.63%: a target of 1.8263亿元 gives exactly that.
    assert metrics.completion_rate(D("1.71"), D("1.8263")) == D("93.63")
    assert metrics.completion_rate(D("29.74"), D("40")) == D("74.35")
    assert metrics.completion_rate(D("1"), D("0")) is None
    assert metrics.completion_rate(None, D("5")) is None


def test_gap_points_against_time_progress():
    assert metrics.gap_points(D("93.63"), metrics.time_progress(9)) == D("18.63")
    assert metrics.gap_points(D("70.00"), D("75.00")) == D("-5.00")
    assert metrics.gap_points(None, D("75")) is None


def test_computed_growth_from_last_years_figure():
    assert metrics.computed_growth(D("29.74"), D("22.65")) == D("31.30")
    assert metrics.computed_growth(D("33.27"), D("10.39")) == D("220.21")
    assert metrics.computed_growth(D("5"), D("0")) is None
    assert metrics.computed_growth(D("5"), None) is None
    assert metrics.computed_growth(D("-1"), D("-2")) == D("50.00")


def test_official_growth_is_shown_before_a_computed_one():
    # The bureau's 同口径 growth (31.3) need not equal value / last year − 1.
    assert metrics.shown_growth(D("31.3"), D("29.74"), D("25")) == (D("31.3"), True)
    assert metrics.shown_growth(None, D("29.74"), D("25")) == (D("18.96"), False)
    assert metrics.shown_growth(None, D("29.74"), None) == (None, False)


def test_monthly_increment_from_two_cumulative_figures():
    assert metrics.monthly_increment(9, D("29.74"), D("26.10"), 8) == D("3.64")
    # 1-2月 opens the year: it is its own increment (two months together).
    assert metrics.monthly_increment(2, D("5.20"), None, None) == D("5.20")
    assert metrics.monthly_increment(1, D("2.00"), None, None) == D("2.00")
    # A gap in the months cannot be split into months.
    assert metrics.monthly_increment(9, D("29.74"), D("20"), 7) is None
    assert metrics.monthly_increment(9, D("29.74"), None, None) is None


def test_run_rate_change_compares_with_last_months_pace():
    # 1-8月 24.00 at the same pace would make 1-9月 27.00; 29.70 is 10% ahead of it.
    assert metrics.run_rate_change(D("29.70"), 9, D("24.00"), 8) == D("10.00")
    assert metrics.run_rate_change(D("27.00"), 9, D("24.00"), 8) == D("0.00")
    assert metrics.run_rate_change(D("5"), 3, D("0"), 2) is None
