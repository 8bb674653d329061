"""Excel in and out: the template round trip, and every kind of broken file refused."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from indicators.models import Figure, FigureRevision

pytestmark = pytest.mark.django_db
IMPORT = "/admin/indicators/figure/import/"


@pytest.fixture
def template_book(clerk_client, office_a, output_history, firms, october_2023):
    response = clerk_client.get(
        f"/admin/indicators/figure/import/template/?office={office_a.pk}&period=2023-09"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def upload(client, book, name="月报.xlsx", **post):
    buffer = io.BytesIO()
    book.save(buffer)
    file = SimpleUploadedFile(name, buffer.getvalue())
    return client.post(IMPORT, {"file": file, **post})


def confirm(client, preview):
    """Press the preview's 确认导入: its form's fields, the preview's own token among them."""
    html = preview.content.decode()
    form = re.search(r"<form method=\"post\" id=\"figure-confirm\">(.*?)</form>", html, re.S)
    assert form, "the preview offers no 确认导入"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form[1]))
    assert fields["confirm"] == "1" and fields["token"]
    return client.post(IMPORT, fields)


def snapshot():
    return sorted(Figure.objects.values_list("indicator_id", "year", "month", "value", "growth"))


def test_the_template_lists_the_offices_indicators_with_last_month(template_book):
    sheet = template_book["月报"]
    assert [c.value for c in sheet[3]] == [
        "代码",
        "指标",
        "单位",
        "上期数",
        "本期数",
        "同比增长（%）",
        "情况说明",
    ]
    assert [c.value for c in sheet[4]][:4] == [
        "industrial_output_above",
        "规上工业产值",
        "亿元",
        26.0,
    ]
    assert sheet["A5"].value == "firms_visited"
    assert template_book["_meta"].sheet_state == "hidden"


def test_a_filled_template_round_trips_to_the_dashboard(
    clerk, leader, clerk_client, template_book, output_history, firms
):
    from django.test import Client

    leader_client = Client()
    leader_client.force_login(leader)
    sheet = template_book["月报"]
    sheet["E4"], sheet["F4"], sheet["G4"] = 29.74, 31.3, "统计局快报"
    sheet["E5"] = "１３２"  # full-width digits typed by hand
    response = upload(clerk_client, template_book)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [(r.indicator.name, r.change) for r in preview.rows] == [
        ("规上工业产值", "新增"),
        ("走访企业", "新增"),
    ]
    assert not Figure.objects.filter(year=2023, month=9).exists()  # nothing before confirming
    response = confirm(clerk_client, response)
    assert response.status_code == 302
    figure = Figure.objects.get(indicator=output_history, year=2023, month=9)
    assert (figure.value, figure.growth, figure.note, figure.entered_by) == (
        D("29.74"),
        D("31.3"),
        "统计局快报",
        clerk,
    )
    assert figure.revisions.get().reason == "Excel导入：月报.xlsx"
    assert Figure.objects.get(indicator=firms, year=2023, month=9).value == 132
    cards = leader_client.get("/?period=2023-09").context["data"].rows
    assert {row.indicator.name: row.value for row in cards}["规上工业产值"] == D("29.74")


def test_a_wrong_cell_is_named_by_row_and_column_and_nothing_is_saved(clerk_client, template_book):
    sheet = template_book["月报"]
    sheet["E4"], sheet["E5"] = "29.7.4", 1.5
    response = upload(clerk_client, template_book)
    errors = response.context["preview"].errors
    assert errors == [
        "第4行“本期数”（规上工业产值）：“29.7.4”不是有效的数字。应为数字，如 12.5 或 -3。",
        "第5行“本期数”（走访企业）：应为整数，不能有小数。",
    ]
    assert "确认导入" not in response.content.decode()
    assert clerk_client.post(IMPORT, {"confirm": "1"}).status_code == 200
    assert not Figure.objects.filter(year=2023, month=9).exists()


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("formula", "第4行“本期数”是公式，请填写数值。"),
        ("unknown", "第6行：代码“no_such_code”不是经济发展办的指标。"),
        ("merged", "表格中有合并单元格（A3:B3），请使用原模板。"),
        ("shifted", "第3行表头应为"),
        ("renamed", "第3行表头应为"),
        ("duplicate", "第6行：指标“industrial_output_above”重复。"),
        ("no_meta", "不是本系统下载的月报模板"),
    ],
)
def test_a_broken_template_is_refused_and_changes_nothing(
    clerk_client, template_book, breakage, message
):
    sheet = template_book["月报"]
    sheet["E4"] = 29.74
    if breakage == "formula":
        sheet["E4"] = "=D4*1.1"
    elif breakage == "unknown":
        sheet["A6"], sheet["E6"] = "no_such_code", 5
    elif breakage == "merged":
        sheet.merge_cells("A3:B3")
    elif breakage == "shifted":
        sheet.insert_rows(1)
    elif breakage == "renamed":
        sheet["E3"] = "数值"
    elif breakage == "duplicate":
        sheet["A6"], sheet["E6"] = "industrial_output_above", 5
    elif breakage == "no_meta":
        del template_book["_meta"]
    before = snapshot()
    response = upload(clerk_client, template_book)
    assert response.status_code == 200
    body = response.content.decode()
    assert "文件未导入，数据没有任何改动" in body and message in body
    assert snapshot() == before


def test_a_file_that_is_not_xlsx_is_refused(clerk_client, output):
    for name, content in [
        ("月报.xlsx", b"not a zip"),
        ("月报.csv", b"a,b"),
        ("月报.xls", b"\xd0\xcf"),
    ]:
        response = clerk_client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})
        assert "文件不是Excel（.xlsx）文件" in response.content.decode()
    assert not Figure.objects.exists()


def test_a_too_large_file_is_refused(clerk_client, output):
    big = SimpleUploadedFile("月报.xlsx", b"0" * (2 * 1024 * 1024 + 1))
    assert "文件过大" in clerk_client.post(IMPORT, {"file": big}).content.decode()


def test_a_clerk_cannot_import_into_another_office(clerk_b, template_book):
    from django.test import Client

    client = Client()
    client.force_login(clerk_b)
    before = snapshot()
    response = upload(client, template_book)
    assert "您无权导入该模板所属科室的数据" in response.content.decode()
    assert snapshot() == before


def test_a_leader_cannot_import(leader_client):
    assert leader_client.get(IMPORT).status_code == 403


def test_a_change_between_preview_and_confirm_is_not_lost(
    clerk_client, template_book, output_history
):
    from datetime import date

    from indicators.services import FigureEntry, figures_save

    sheet = template_book["月报"]
    sheet["E4"] = 29.74
    preview = upload(clerk_client, template_book)
    town = output_history.places.first()
    figures_save(
        year=2023,
        month=9,
        place=town,
        user=None,
        on=date(2023, 10, 15),
        entries=[FigureEntry(output_history, D("30.00"), expected_version=0)],
    )
    response = confirm(clerk_client, preview)
    assert "全部未保存" in response.content.decode()
    assert Figure.objects.get(indicator=output_history, year=2023, month=9).value == D("30.00")
    assert FigureRevision.objects.filter(reason__startswith="Excel").count() == 0


def test_the_year_export_has_a_sheet_per_category_with_numbers(leader_client, output_history):
    response = leader_client.get("/admin/indicators/figure/export/?year=2023")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["工业经济"]
    sheet = book["工业经济"]
    assert [c.value for c in sheet[1]][:5] == ["指标", "单位", "地点", "期间", "本期数"]
    assert [c.value for c in sheet[2]][:5] == [
        "规上工业产值",
        "亿元",
        "下各镇",
        "2023年1-8月",
        26.0,
    ]
    assert leader_client.get("/admin/indicators/figure/export/?year=二〇二三").status_code == 200
