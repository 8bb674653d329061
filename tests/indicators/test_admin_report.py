"""The monthly report form (月报填报) and the figure admin."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Figure, Place
from tests.factories import FigureFactory, IndicatorFactory

pytestmark = pytest.mark.django_db
REPORT = "/admin/indicators/figure/report/"


def post_data(rows: list[dict[str, str]]) -> dict[str, str]:
    data = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(len(rows)),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key in ("value", "growth", "note"):
            data[f"rows-{index}-{key}"] = row.get(key, "")
    return data


@pytest.fixture
def report_url(office_a):
    return f"{REPORT}?office={office_a.pk}&period=2023-09"


def test_the_form_lists_the_offices_indicators_with_last_month_and_last_year(
    clerk_client, report_url, output_history, firms, october_2023
):
    response = clerk_client.get(report_url)
    assert response.status_code == 200
    rows = response.context["formset"].rows
    assert [row.indicator.name for row in rows] == ["规上工业产值", "走访企业"]
    assert rows[0].previous.value == D("26.00") and rows[0].previous.month == 8
    assert rows[0].last_year.value == D("22.65")
    body = response.content.decode()
    assert "经济发展办 · 2023年1-9月" in body
    assert "2023年1-8月" in body and "2022年1-9月" in body


def test_saving_the_form_records_who_and_when(
    clerk, clerk_client, report_url, output_history, firms, october_2023
):
    response = clerk_client.post(
        report_url, post_data([{"value": "29.74", "growth": "31.3"}, {"value": "132"}])
    )
    assert response.status_code == 302
    figure = Figure.objects.get(indicator=output_history, year=2023, month=9)
    assert figure.value == D("29.74") and figure.growth == D("31.3")
    assert figure.updated_by == clerk and figure.updated_at is not None
    assert Figure.objects.get(indicator=firms).value == 132
    page = clerk_client.get(response["Location"])
    assert "已保存：新增2条，修改0条，修订0条。" in page.content.decode()


def test_one_wrong_row_saves_nothing_and_says_which_row(
    clerk_client, report_url, output_history, firms, october_2023
):
    response = clerk_client.post(
        report_url, post_data([{"value": "29.74"}, {"value": "一百三十二"}])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "走访企业：“一百三十二”不是有效的数字。" in body
    assert "有数据填写不正确，全部未保存" in body
    assert not Figure.objects.filter(year=2023, month=9).exists()


def test_a_warning_needs_a_confirming_click(
    clerk_client, report_url, output_history, firms, october_2023
):
    rows = [{"value": "25.00"}, {"value": ""}]  # lower than 1-8月 26.00
    response = clerk_client.post(report_url, post_data(rows))
    assert response.status_code == 200
    assert "累计数25.00低于上月累计数26.00，请核对。" in response.content.decode()
    assert not Figure.objects.filter(year=2023, month=9).exists()
    response = clerk_client.post(report_url, {**post_data(rows), "confirm_warnings": "1"})
    assert response.status_code == 302
    assert Figure.objects.get(indicator=output_history, year=2023, month=9).value == D("25.00")


def test_a_clerk_cannot_report_for_another_office(clerk_client, office_b, town, october_2023):
    foreign = IndicatorFactory(office=office_b, places=[town], name="水稻面积")
    response = clerk_client.get(f"{REPORT}?office={office_b.pk}&period=2023-09")
    assert response.status_code == 200
    assert "无权填报该科室" in response.content.decode()
    assert "formset" not in response.context or response.context.get("formset") is None
    response = clerk_client.post(
        f"{REPORT}?office={office_b.pk}&period=2023-09", post_data([{"value": "1"}])
    )
    assert not Figure.objects.filter(indicator=foreign).exists()


def test_a_leader_cannot_open_the_report_form(leader_client, report_url):
    assert leader_client.get(report_url).status_code == 403


def test_a_future_month_is_refused(clerk_client, office_a, output, october_2023):
    response = clerk_client.get(f"{REPORT}?office={office_a.pk}&period=2023-12")
    assert "不能填报未来月份（2023年12月）的数据。" in response.content.decode()


def test_the_admin_index_links_the_report_form(clerk_client):
    assert REPORT in clerk_client.get("/admin/").content.decode()


def test_another_offices_figure_is_not_found_for_a_clerk(clerk_client, office_b, town):
    figure = FigureFactory(indicator=IndicatorFactory(office=office_b, places=[town]), place=town)
    assert clerk_client.get(f"/admin/indicators/figure/{figure.pk}/change/").status_code == 302
    listing = clerk_client.get("/admin/indicators/figure/")
    assert listing.context["cl"].result_count == 0


def test_a_leader_reads_figures_but_cannot_change_them(leader_client, output, town):
    figure = FigureFactory(indicator=output, place=town, value=D("29.74"))
    url = f"/admin/indicators/figure/{figure.pk}/change/"
    assert leader_client.get(url).status_code == 200
    assert leader_client.post(url, {"value": "1"}).status_code == 403
    figure.refresh_from_db()
    assert figure.value == D("29.74")


def test_the_single_figure_form_refuses_a_place_the_indicator_does_not_have(
    clerk_client, output, village, october_2023
):
    response = clerk_client.post(
        "/admin/indicators/figure/add/",
        {
            "indicator": output.pk,
            "year": "2023",
            "month": "9",
            "place": village.pk,
            "value": "3",
            "growth": "",
            "note": "",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "指标“规上工业产值”没有地点“马垟村”的数据。" in response.content.decode()
    assert not Figure.objects.exists()


def test_the_single_figure_form_saves_through_the_service(
    clerk, clerk_client, output, town, october_2023
):
    figure = FigureFactory(indicator=output, place=town, year=2023, month=6, value=D("18.00"))
    response = clerk_client.post(
        f"/admin/indicators/figure/{figure.pk}/change/",
        {
            "value": "18.40",
            "growth": "",
            "note": "更正",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    figure.refresh_from_db()
    assert figure.value == D("18.40") and figure.is_revised and figure.updated_by == clerk
    assert figure.revisions.get().old_value == D("18.00")


def _catalogue(office, town, size: int):
    return [
        IndicatorFactory(office=office, places=[town], code=f"bulk_{i}", name=f"指标{i}")
        for i in range(size)
    ]


def _history(indicators, town, years: range):
    Figure.objects.bulk_create(
        Figure(indicator=ind, place=town, year=year, month=month, value=D(month))
        for ind in indicators
        for year in years
        for month in range(2, 13)
    )


def _count_queries(callable_) -> int:
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_the_form_loads_and_saves_60_indicators_in_fixed_queries_at_two_data_sizes(
    clerk_client, office_a, town, october_2023
):
    indicators = _catalogue(office_a, town, 60)
    url = f"{REPORT}?office={office_a.pk}&period=2023-09"
    rows = post_data([{"value": "9.50"} for _ in range(60)])  # within 50% of last year

    _history(indicators, town, range(2022, 2023))
    Figure.objects.filter(year=2023).delete()
    small_get = _count_queries(lambda: clerk_client.get(url))
    small_post = _count_queries(lambda: clerk_client.post(url, rows))
    assert Figure.objects.filter(year=2023, month=9).count() == 60

    _history(indicators, town, range(2012, 2022))  # ten more years stored
    Figure.objects.filter(year=2023, month=9).delete()
    large_get = _count_queries(lambda: clerk_client.get(url))
    large_post = _count_queries(lambda: clerk_client.post(url, rows))
    assert Figure.objects.filter(year=2023, month=9).count() == 60

    assert small_get == large_get
    assert small_post == large_post
    print(f"report form, 60 indicators: GET {large_get} queries, POST {large_post} queries")
    assert large_get <= 13 and large_post <= 20, (large_get, large_post)


def test_town_place_exists_for_the_form(town):
    assert Place.objects.get(level="town") == town
