"""The downloads and the pages that read a year or a period from the address: a hostile
?year= or ?period= never answers 500; the file names arrive in Chinese (RFC 5987); the four
spreadsheets keep the headers, column widths and frozen panes they had before they were
streamed."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal as D
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from indicators import periods
from plans.models import ProgressReport
from tests.factories import FigureFactory
from xiage.downloads import XLSX_TYPE, attachment, disposition

pytestmark = pytest.mark.django_db

FIGURES_EXPORT = "/admin/indicators/figure/export/"
PROJECTS_EXPORT = "/admin/plans/project/export/"
# Not a year from 2000 to 2100 written in ASCII digits: each exports this year.
HOSTILE_YEARS = [
    "²",
    "²⁰²³",
    "abc",
    "２０２３",
    "二〇二三",
    "-1",
    "0",
    "1999",
    "2101",
    "2023.0",
    "+2023",
    "9" * 400,
    "",
]
HOSTILE_PERIODS = [
    "²",
    "2023-²",
    "abc",
    "2023-13",
    "2023-00",
    "1999-09",
    "2101-01",
    "9" * 400 + "-01",
    "2023-" + "9" * 400,
    "-1",
    "",
]


def filename(response) -> str:
    """The file name a browser saves: from Content-Disposition's filename*."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''"), header
    return unquote(header.split("''", 1)[1])


def test_a_chinese_file_name_is_sent_in_utf8_as_rfc_5987_says():
    assert disposition("下各镇经济指标_2024年.xlsx") == (
        "attachment; filename*=utf-8''"
        "%E4%B8%8B%E5%90%84%E9%95%87%E7%BB%8F%E6%B5%8E%E6%8C%87%E6%A0%87_2024%E5%B9%B4.xlsx"
    )
    response = attachment(b"x", "经济发展办_2024-09_月报模板.xlsx")
    assert response["Content-Type"] == XLSX_TYPE
    assert filename(response) == "经济发展办_2024-09_月报模板.xlsx"
    assert attachment(b"a,b", "表.csv")["Content-Type"] == "text/csv; charset=utf-8"
    # A quote or a line break in a name cannot end the header or add another.
    assert "\n" not in disposition('a"\r\nSet-Cookie: x=1.xlsx')


@pytest.mark.parametrize("raw", HOSTILE_YEARS)
def test_a_hostile_year_exports_this_year(leader_client, output_history, raw):
    this_year = periods.today().year
    for url, name in (
        (FIGURES_EXPORT, f"下各镇经济指标_{this_year}年.xlsx"),
        (PROJECTS_EXPORT, f"下各镇重点项目与工作任务_{this_year}年.xlsx"),
    ):
        response = leader_client.get(url, {"year": raw})
        assert response.status_code == 200, (url, raw)
        assert response["Content-Type"] == XLSX_TYPE
        assert filename(response) == name
        load_workbook(io.BytesIO(response.content))  # a workbook, whatever was asked


def test_in_january_the_figures_export_is_of_the_year_being_reported(
    client, leader, output_history
):
    """On 5 January 2027 the month being reported is 2026-12: the export without a year is of
    2026 (its 1-12月), not of 2027, which has no figure until 1-2月 is reported in March."""
    with time_machine.travel(datetime(2027, 1, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        leader.set_password("Xiage-2027-january!")  # a password as new as the day
        leader.save()
        client.force_login(leader)
        response = client.get(FIGURES_EXPORT)
    assert filename(response) == "下各镇经济指标_2026年.xlsx"


def test_a_year_asked_for_is_exported(leader_client, output_history):
    response = leader_client.get(FIGURES_EXPORT, {"year": "2023"})
    assert filename(response) == "下各镇经济指标_2023年.xlsx"
    response = leader_client.get(PROJECTS_EXPORT, {"year": " 2024 "})
    assert filename(response) == "下各镇重点项目与工作任务_2024年.xlsx"


@pytest.mark.parametrize("raw", HOSTILE_PERIODS)
def test_a_hostile_period_on_the_report_pages_is_a_chinese_message(
    clerk_client, office_a, output, october_2023, raw
):
    for url in ("/admin/indicators/figure/report/", "/admin/plans/progressreport/report/"):
        response = clerk_client.get(url, {"office": office_a.pk, "period": raw})
        assert response.status_code == 200, (url, raw)
        errors = response.context["period_form"].errors["period"]
        assert errors and all("月份" in error for error in errors), errors
        assert "formset" not in response.context
    response = clerk_client.get(
        "/admin/indicators/figure/import/template/", {"office": office_a.pk, "period": raw}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/indicators/figure/import/"


@pytest.mark.parametrize("raw", HOSTILE_PERIODS[:-1])
def test_the_period_helper_falls_back_to_the_latest_with_a_message(raw, october_2023):
    year, month, message = periods.period_from_query({"period": raw}, lambda: (2023, 8))
    assert (year, month) == (2023, 8)
    assert "月份" in message


def test_the_period_helper_reads_a_good_period_and_refuses_a_future_one(october_2023):
    latest = lambda: (2023, 8)  # noqa: E731
    assert periods.period_from_query({"period": " 2023-09 "}, latest) == (2023, 9, "")
    assert periods.period_from_query({}, latest) == (2023, 8, "")
    year, month, message = periods.period_from_query({"period": "2023-11"}, latest)
    assert (year, month) == (2023, 8) and message == "所选月份尚未到来，已显示最近有数据的月份。"


def test_the_year_helper(october_2023):
    assert periods.year_from_query({"year": "2021"}) == 2021
    assert [periods.year_from_query({"year": raw}) for raw in HOSTILE_YEARS] == [2023] * len(
        HOSTILE_YEARS
    )
    assert periods.year_from_query({}) == 2023


# --- the spreadsheets' layout, as before they were streamed -----------------------------------


def layout(sheet) -> tuple:
    widths = {
        letter: dimension.width
        for letter, dimension in sorted(sheet.column_dimensions.items())
        if dimension.customWidth
    }
    return sheet.freeze_panes, widths


def test_the_year_export_keeps_its_headers_widths_and_pane(leader_client, output_history, town):
    FigureFactory(
        indicator=output_history,
        place=town,
        year=2023,
        month=9,
        value=D("29.74"),
        note="=SUM(A1)",
        is_demo=True,
    )
    book = load_workbook(io.BytesIO(leader_client.get(FIGURES_EXPORT + "?year=2023").content))
    sheet = book["工业经济"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [
        "指标",
        "单位",
        "地点",
        "期间",
        "本期数",
        "同比增长（%）",
        "公布完成率（%）",
        "责任科室",
        "标记",
        "情况说明",
    ]
    assert all(cell.font.b for cell in sheet[1])
    widths = [24, 8, 10, 14, 12, 12, 12, 12, 10, 30]
    assert layout(sheet) == ("A2", dict(zip("ABCDEFGHIJ", widths, strict=True)))
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[-1] == [
        "规上工业产值",
        "亿元",
        "下各镇",
        "2023年1-9月",
        29.74,
        None,
        None,
        "经济发展办",
        "演示数据",
        "'=SUM(A1)",
    ]


def test_a_year_without_figures_says_so(leader_client, output_history):
    book = load_workbook(io.BytesIO(leader_client.get(FIGURES_EXPORT + "?year=2030").content))
    assert book.sheetnames == ["说明"]
    assert book["说明"]["A1"].value == "2030年没有可导出的数据。"


def test_the_plan_export_keeps_its_headers_widths_and_panes(leader_client, office_a):
    from tests.factories import ProjectFactory

    project = ProjectFactory(name="后冯区块", office=office_a)
    ProgressReport.objects.create(project=project, year=2024, month=9, percent_done=D("45"))
    book = load_workbook(io.BytesIO(leader_client.get(PROJECTS_EXPORT + "?year=2024").content))
    assert book.sheetnames == ["重点项目", "工作任务"]
    projects, tasks = book["重点项目"], book["工作任务"]
    assert [cell.value for cell in projects[1]][:4] == ["项目", "类型", "位置", "责任科室"]
    assert len(projects[1]) == 12 and len(tasks[1]) == 10
    assert [cell.value for cell in tasks[1]][:3] == ["板块", "任务", "计划原文"]
    for sheet in (projects, tasks):
        assert all(cell.font.b for cell in sheet[1])
        assert layout(sheet) == ("B2", dict.fromkeys("ABCDEFGHIJKL", 16))


def test_the_template_keeps_its_layout_and_protection(clerk_client, office_a, output_history):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    with time_machine.travel(datetime(2023, 10, 15, tzinfo=ZoneInfo("Asia/Shanghai"))):
        response = clerk_client.get(
            "/admin/indicators/figure/import/template/",
            {"office": office_a.pk, "period": "2023-09"},
        )
    assert filename(response) == "经济发展办_2023-09_月报模板.xlsx"
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["月报"]
    assert sheet["A1"].value == "经济发展办 2023年1-9月 月报填报模板"
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 13
    assert [cell.value for cell in sheet[3]] == [
        "代码",
        "指标",
        "单位",
        "上期数",
        "本期数",
        "同比增长（%）",
        "情况说明",
    ]
    assert all(cell.font.b and cell.fill.fgColor.rgb == "00EEF4FF" for cell in sheet[3])
    assert layout(sheet) == ("A4", dict(zip("ABCDEFG", [26, 24, 8, 12, 14, 14, 30], strict=True)))
    row = sheet[4]
    assert [cell.value for cell in row[:4]] == [
        "industrial_output_above",
        "规上工业产值",
        "亿元",
        26.0,
    ]
    assert row[1].quotePrefix and row[1].data_type == "s"
    assert [cell.protection.locked for cell in row] == [True] * 4 + [False] * 3
    assert book["_meta"].sheet_state == "hidden"
