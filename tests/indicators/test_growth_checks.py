"""Figures checked against the figures beside them before saving (issue 17, items 2 and 5): a
value 10⁴ or 10⁸ times off is named as the likely unit mix-up, a typed 同比 is checked against
the one computed from last year's figure, a kept 同比 of an edited figure is flagged, and a
rate's change is said in 个百分点. Warnings ask for a confirming click; nothing is refused."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from indicators import metrics
from indicators.forms import figure_warnings, growth_warnings
from indicators.models import Figure
from tests.factories import FigureFactory, IndicatorFactory

pytestmark = pytest.mark.django_db
REPORT = "/admin/indicators/figure/report/"


def figure(indicator, value: str, *, year: int = 2023, month: int = 9, **fields):  # type: ignore[no-untyped-def]
    return FigureFactory(
        indicator=indicator,
        place=indicator.places.first(),
        year=year,
        month=month,
        value=D(value),
        **fields,
    )


@pytest.fixture
def investment(office_a, town):  # type: ignore[no-untyped-def]
    """固定资产投资: a stock in 亿元, two decimals."""
    return IndicatorFactory(name="固定资产投资", kind="stock", office=office_a, places=[town])


# --- a value 10⁴ or 10⁸ times off -------------------------------------------------------------


def test_a_wan_yuan_figure_in_a_yi_yuan_indicator_is_named_as_such(investment):
    previous = figure(investment, "46.03", month=8)
    last_year = figure(investment, "40.00", year=2022)
    # Against last year it is the same mix-up: said once, and no "变化999586%" line either way.
    assert figure_warnings(investment, 9, D("460300"), previous, last_year) == [
        "本期数460300约为上月46.03的1万倍，像是按万元填写？（460300万元＝46.03亿元）"
    ]


def test_a_yuan_figure_in_a_yi_yuan_indicator(investment):
    last_year = figure(investment, "46.03", year=2022)
    assert figure_warnings(investment, 9, D("4603000000"), None, last_year) == [
        "本期数4603000000约为上年同期46.03的1亿倍，像是按元填写？（4603000000元＝46.03亿元）"
    ]


def test_a_yi_yuan_figure_in_a_wan_yuan_indicator(office_a, town):
    revenue = IndicatorFactory(
        name="税收收入", unit="wan_yuan", kind="stock", office=office_a, places=[town]
    )
    previous = figure(revenue, "46030.00", month=8)
    assert figure_warnings(revenue, 9, D("4.60"), previous, None) == [
        "本期数4.60约为上月46030.00的万分之一，像是按亿元填写？（4.60亿元＝46000.00万元）"
    ]


def test_square_metres_against_ten_thousand_square_metres(office_a, town):
    floor = IndicatorFactory(
        name="新开工面积", unit="wan_sqm", kind="stock", office=office_a, places=[town]
    )
    previous = figure(floor, "3.50", month=8)
    assert figure_warnings(floor, 9, D("35000"), previous, None) == [
        "本期数35000约为上月3.50的1万倍，像是按平方米填写？（35000平方米＝3.50万平方米）"
    ]


def test_a_count_is_told_the_ratio_only(firms):
    previous = figure(firms, "12", month=8)
    assert figure_warnings(firms, 9, D("120000"), previous, None) == [
        "本期数120000约为上月12的1万倍，请核对单位和位数。"
    ]


def test_a_mix_up_against_one_comparison_silences_the_change_lines_of_both(investment):
    # 460300 is 10⁴ × last month's 46.03 but 115075 × last year's 4.00: no "变化11507400%".
    previous = figure(investment, "46.03", month=8)
    last_year = figure(investment, "4.00", year=2022)
    assert figure_warnings(investment, 9, D("460300"), previous, last_year) == [
        "本期数460300约为上月46.03的1万倍，像是按万元填写？（460300万元＝46.03亿元）"
    ]
    # The other way round: last year's is the mix-up, last month's a change in % only.
    previous = figure(investment, "0.50", month=7)
    last_year = figure(investment, "46.03", year=2021)
    assert figure_warnings(investment, 9, D("460300"), previous, last_year) == [
        "本期数460300约为上年同期46.03的1万倍，像是按万元填写？（460300万元＝46.03亿元）"
    ]


def test_a_cumulative_mix_up_says_no_run_rate_change_either(output):
    # 1-8月 5.10, 1-9月 typed 51500: the run-rate change against 5.10 × 9/8 is no line.
    previous = figure(output, "5.10", month=8)
    last_year = figure(output, "0.0479", year=2022)  # 10⁶ times off: no hint of its own
    assert figure_warnings(output, 9, D("51500"), previous, last_year) == [
        "本期数51500约为上月5.10的1万倍，像是按万元填写？（51500万元＝5.15亿元）"
    ]
    # A ten-thousandth of last month's cumulative: not "累计数低于上月累计数" as well.
    assert figure_warnings(output, 9, D("0.0005"), previous, None) == [
        "本期数0.0005约为上月5.10的万分之一，请核对单位和位数。"
    ]


def test_a_typed_growth_is_not_checked_against_a_value_that_is_a_mix_up(output_history):
    last_year = Figure.objects.get(indicator=output_history, year=2022)
    assert growth_warnings(output_history, D("226500"), D("6.6"), last_year, None) == []


def test_a_large_change_that_is_no_power_of_ten_keeps_the_change_line(investment):
    previous = figure(investment, "46.03", month=8)
    assert figure_warnings(investment, 9, D("460.30"), previous, None) == [
        "与上月相比变化900.00%，超过50%，请核对。"
    ]


def test_the_report_page_names_the_mix_up_and_saves_once_confirmed(
    django_app, clerk, office_a, investment, october_2023
):
    figure(investment, "46.03", month=8)
    page = django_app.get(REPORT, {"office": office_a.pk, "period": "2023-09"}, user=clerk)
    form = rows_form(page)
    form["rows-0-value"] = "460,300"
    response = form.submit()
    assert response.status_code == 200
    warnings = [li.get_text() for li in response.html.select(".warnings li")]
    assert warnings == [
        "固定资产投资：本期数460300约为上月46.03的1万倍，像是按万元填写？（460300万元＝46.03亿元）"
    ]
    assert "999" not in response.html.select_one(".warnings").get_text()
    assert not Figure.objects.filter(month=9).exists()
    form = rows_form(response)
    form["rows-0-value"] = "460300万元"  # what it was: typed again with its unit
    response = form.submit()
    assert "已将“460300万元”换算为46.03亿元。" in response.text
    form = rows_form(response)
    form["confirm_warnings"] = True
    assert form.submit().status_code == 302
    assert Figure.objects.get(indicator=investment, month=9).value == D("46.03")


# --- a typed 同比 against the computed one --------------------------------------------------------


@pytest.mark.parametrize("typed", ["31.3", "32.3", "30.3"])
def test_a_typed_growth_within_a_point_of_the_computed_one_passes(output_history, typed):
    last_year = Figure.objects.get(indicator=output_history, year=2022)
    assert metrics.computed_growth(D("29.74"), last_year.value) == D("31.30")
    assert growth_warnings(output_history, D("29.74"), D(typed), last_year, None) == []


def test_a_typed_growth_more_than_a_point_off_shows_both(output_history):
    last_year = Figure.objects.get(indicator=output_history, year=2022)
    assert growth_warnings(output_history, D("29.74"), D("32.31"), last_year, None) == [
        "填写的同比增长32.31%与按上年同期数22.65计算的31.30%相差1.01个百分点，请核对。"
    ]
    assert growth_warnings(output_history, D("29.74"), D("-5"), last_year, None) == [
        "填写的同比增长-5%与按上年同期数22.65计算的31.30%相差36.30个百分点，请核对。"
    ]


def test_a_rates_typed_growth_is_checked_in_points_as_the_pages_compute_it(cert_rate):
    last_year = figure(cert_rate, "70.00", year=2022)
    assert metrics.year_on_year(None, D("76.55"), last_year.value, points=True).value == D("6.55")
    assert growth_warnings(cert_rate, D("76.55"), D("6.5"), last_year, None) == []
    # 9.36 is the change in % of 70.00: not what a rate's 同比 says.
    assert growth_warnings(cert_rate, D("76.55"), D("9.36"), last_year, None) == [
        "填写的同比9.36个百分点与按上年同期数70.00计算的6.55个百分点相差2.81个百分点，请核对。"
    ]
    stored = figure(cert_rate, "76.55", growth=D("6.55"))
    assert growth_warnings(cert_rate, D("80.00"), D("6.55"), None, stored) == [
        "本期数已修改，原同比6.55个百分点可能已不适用，请核对。"
    ]


def test_no_growth_or_no_last_year_is_not_checked(output):
    assert growth_warnings(output, D("29.74"), None, None, None) == []
    assert growth_warnings(output, D("29.74"), D("99"), None, None) == []


def test_the_report_page_checks_a_worded_growth(
    django_app, clerk, office_a, output_history, firms, october_2023
):
    page = django_app.get(REPORT, {"office": office_a.pk, "period": "2023-09"}, user=clerk)
    form = rows_form(page)
    form["rows-0-value"] = "29.74"
    form["rows-0-growth"] = "增35%"
    response = form.submit()
    assert response.status_code == 200
    assert [li.get_text() for li in response.html.select(".warnings li")] == [
        "规上工业产值：填写的同比增长35%与按上年同期数22.65计算的31.30%相差3.70个百分点，请核对。"
    ]
    form = rows_form(response)
    form["confirm_warnings"] = True
    assert form.submit().status_code == 302
    assert Figure.objects.get(indicator=output_history, year=2023, month=9).growth == D("35")


def test_an_unpublished_growth_is_not_checked(
    django_app, clerk, office_a, output_history, firms, october_2023
):
    page = django_app.get(REPORT, {"office": office_a.pk, "period": "2023-09"}, user=clerk)
    form = rows_form(page)
    form["rows-0-value"] = "29.74"
    form["rows-0-growth"] = "—"
    assert form.submit().status_code == 302


# --- a kept 同比 of an edited figure --------------------------------------------------------------


def test_an_edited_value_with_its_old_growth_kept_is_flagged(output):
    stored = figure(output, "29.74", growth=D("31.30"))
    assert growth_warnings(output, D("30.10"), D("31.3"), None, stored) == [
        "本期数已修改，原同比31.3%可能已不适用，请核对。"
    ]
    # Kept, it is only flagged, not also compared with last year's (it was not typed).
    last_year = figure(output, "22.65", year=2022)
    assert growth_warnings(output, D("33.00"), D("31.3"), last_year, stored) == [
        "本期数已修改，原同比31.3%可能已不适用，请核对。"
    ]
    # A new growth typed with the new value, or the value left as it was: nothing to flag.
    assert growth_warnings(output, D("30.10"), D("33"), None, stored) == []
    assert growth_warnings(output, D("29.74"), D("31.3"), None, stored) == []


def test_the_report_page_flags_only_the_kept_growth_not_as_typed(
    django_app, clerk, office_a, output_history, firms, october_2023
):
    figure(output_history, "29.74", growth=D("31.3"))
    page = django_app.get(REPORT, {"office": office_a.pk, "period": "2023-09"}, user=clerk)
    form = rows_form(page)
    assert form["rows-0-growth"].value == "31.3"
    form["rows-0-value"] = "33.00"
    response = form.submit()
    # The clerk did not type (填写) 31.3: no "填写的同比增长31.3%与…相差" line beside it.
    assert [li.get_text() for li in response.html.select(".warnings li")] == [
        "规上工业产值：本期数已修改，原同比31.3%可能已不适用，请核对。",
    ]
    form = rows_form(response)
    form["rows-0-growth"] = "40"  # now typed, and 5.7 points off the computed 45.70 %
    response = form.submit()
    assert [li.get_text() for li in response.html.select(".warnings li")] == [
        "规上工业产值：填写的同比增长40%与按上年同期数22.65计算的45.70%相差5.70个百分点，请核对。",
    ]
    form = rows_form(response)
    form["rows-0-growth"] = "45.7"
    assert form.submit().status_code == 302
    stored = Figure.objects.get(indicator=output_history, year=2023, month=9)
    assert (stored.value, stored.growth) == (D("33.00"), D("45.7"))


def test_changing_only_the_growth_does_not_repeat_the_values_warnings(
    django_app, clerk, office_a, output_history, firms, october_2023
):
    figure(output_history, "25.00")  # below 1-8月 26.00: confirmed when it was saved
    page = django_app.get(REPORT, {"office": office_a.pk, "period": "2023-09"}, user=clerk)
    form = rows_form(page)
    form["rows-0-growth"] = "10.38"  # (25.00 - 22.65) / 22.65 = 10.38 %
    assert form.submit().status_code == 302
    assert Figure.objects.get(indicator=output_history, month=9, year=2023).growth == D("10.38")


# --- a rate's change in 个百分点 ------------------------------------------------------------------


def test_a_rates_change_is_said_in_points(cert_rate):
    previous = figure(cert_rate, "40.00", month=8)
    last_year = figure(cert_rate, "50.00", year=2022)
    assert figure_warnings(cert_rate, 9, D("76.55"), previous, last_year) == [
        "与上月相比变化36.55个百分点，超过20个百分点，请核对。",
        "与上年同期相比变化26.55个百分点，超过20个百分点，请核对。",
    ]


def test_a_rate_doubling_by_a_few_points_is_no_warning(cert_rate):
    previous = figure(cert_rate, "5.00", month=8)
    assert figure_warnings(cert_rate, 9, D("10.00"), previous, None) == []
    assert figure_warnings(cert_rate, 9, D("25.00"), previous, None) == []
    assert figure_warnings(cert_rate, 9, D("25.01"), previous, None) == [
        "与上月相比变化20.01个百分点，超过20个百分点，请核对。"
    ]


def rows_form(page):  # type: ignore[no-untyped-def]
    return next(form for form in page.forms.values() if "rows-TOTAL_FORMS" in form.fields)
