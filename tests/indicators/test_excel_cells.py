"""Excel cells read as Excel stores them (issue 17, item 4).

Each case is a real .xlsx: the office's template as the page downloads it, filled through
openpyxl in one shape (a percent format, a float's residue, numbers stored as text, a date
where the month is expected, a formatted cell at row 1,048,576, a file saved by LibreOffice),
uploaded through the import page's own form (django-webtest) and confirmed through its
confirm form; the assertions are the figures stored and the messages shown. How long a
preview takes is `make bench`'s (its "worst-case upload" line), not a test's.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from webtest import Upload

from accounts.models import SecurityEvent
from indicators import excel, review
from indicators.forms import check_value, parse_number
from indicators.models import Figure
from tests.factories import FigureFactory
from tests.indicators import hostile_files as hostile

pytestmark = pytest.mark.django_db
IMPORT = "/admin/indicators/figure/import/"
TEMPLATE = "/admin/indicators/figure/import/template/?office={office}&period=2023-09"


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def indicators(output_history, firms, cert_rate):
    """规上工业产值 (亿元, 2 decimals), 走访企业 (家, whole), 发证率 (%, 2 decimals)."""
    return {"output": output_history, "firms": firms, "rate": cert_rate}


@pytest.fixture
def template(django_app, clerk, office_a, indicators, october_2023) -> bytes:
    """The template of 经济发展办's 2023年1-9月, as the import page's link downloads it."""
    return django_app.get(TEMPLATE.format(office=office_a.pk), user=clerk).body


def line_of(sheet, code: str) -> int:
    """The template row of an indicator (its code is in column A)."""
    return next(cell.row for cell in sheet["A"] if cell.value == code)


def filled(template: bytes, cells: dict[tuple[str, str], object], formats=None) -> bytes:
    """The template with cells set through openpyxl: (code, column letter) → value;
    `formats`: (code, column letter) → number format, as Excel keeps it with the cell."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["月报"]
    for (code, column), value in cells.items():
        sheet[f"{column}{line_of(sheet, code)}"] = value
    for (code, column), number_format in (formats or {}).items():
        sheet[f"{column}{line_of(sheet, code)}"].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stored_as_excel_writes(content: bytes, written: str, excel_text: str) -> bytes:
    """The file with one number's XML text replaced: openpyxl writes a float with 16
    significant digits (44.66999999999999), Excel with 17 (44.669999999999995)."""
    parts = hostile.template_parts(content)
    sheet = parts[hostile.SHEET_PART]
    old = f"<v>{written}</v>".encode()
    assert sheet.count(old) == 1, sheet
    return hostile.rebuild(
        content, {hostile.SHEET_PART: sheet.replace(old, f"<v>{excel_text}</v>".encode())}
    )


def upload(django_app, user, content: bytes, name: str = "月报.xlsx"):
    """Post a file through the import page's own upload form."""
    page = django_app.get(IMPORT, user=user)
    form = next(form for form in page.forms.values() if "file" in form.fields)
    form["file"] = Upload(name, content, excel.XLSX_TYPE)
    return form.submit()


def confirm(response):
    """Press the preview's 确认导入 (the page must offer it)."""
    form = next(form for form in response.forms.values() if "confirm" in form.fields)
    if "confirm_warnings" in form.fields:  # numbers worth a second look: 我已核对
        form["confirm_warnings"] = True
    return form.submit()


def preview_row(response, name: str) -> list[str]:
    """One row of the preview table as read: 行, 指标, 本期数, 同比, 情况说明, 变化."""
    for row in response.html.select("table.report-table tbody tr"):
        cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["td", "th"])]
        if cells[1].startswith(name):
            return cells
    raise AssertionError(f"no preview row for {name}")


def errors(response) -> list[str]:
    return [li.get_text() for li in response.html.select("#import-errors li")]


def figure(indicator) -> Figure:
    return Figure.objects.get(indicator=indicator, year=2023, month=9)


# --- a percent format --------------------------------------------------------------------------


def test_a_growth_typed_as_31_percent_is_31(django_app, clerk, template, indicators):
    """Excel keeps '31%' as 0.31 formatted 0%; '31.3%' as 0.313 formatted 0.0%."""
    content = filled(
        template,
        {("industrial_output_above", "E"): 29.74, ("industrial_output_above", "F"): 0.313},
        {("industrial_output_above", "F"): "0.0%"},
    )
    response = upload(django_app, clerk, content)
    assert preview_row(response, "规上工业产值")[2:5] == ["— → 29.74", "（空） → 31.3", ""]
    assert confirm(response).status_code == 302
    stored = figure(indicators["output"])
    assert (stored.value, stored.growth) == (D("29.74"), D("31.3"))


def test_a_percent_format_that_hides_a_decimal_is_read_as_stored_and_said(
    django_app, clerk, template, indicators
):
    """0.313 under 0% shows 31%: the 31.3 the clerk typed is kept, and the row says so."""
    content = filled(
        template,
        {("industrial_output_above", "E"): 29.74, ("industrial_output_above", "F"): 0.313},
        {("industrial_output_above", "F"): "0%"},
    )
    response = upload(django_app, clerk, content)
    row = preview_row(response, "规上工业产值")
    assert row[3] == "（空） → 31.3"
    assert "“同比增长（%）”：单元格显示为31%，存储值为31.3%，按31.3读取" in row[5]
    confirm(response)
    assert figure(indicators["output"]).growth == D("31.3")


def test_a_percent_cell_of_a_percent_indicator_is_its_value(
    django_app, clerk, template, indicators
):
    content = filled(template, {("cert_rate", "E"): 0.9363}, {("cert_rate", "E"): "0.00%"})
    response = upload(django_app, clerk, content)
    assert preview_row(response, "发证率")[2] == "— → 93.63"
    confirm(response)
    assert figure(indicators["rate"]).value == D("93.63")


def test_a_percent_cell_of_an_amount_is_refused_by_its_unit(
    django_app, clerk, template, indicators
):
    content = filled(
        template,
        {("industrial_output_above", "E"): 0.31},
        {("industrial_output_above", "E"): "0%"},
    )
    response = upload(django_app, clerk, content)
    assert errors(response) == [
        "第4行“本期数”（规上工业产值）：单元格是百分数格式（显示为31%），但该指标的单位是亿元；"
        "请去掉百分数格式，填写以亿元计的数值。"
    ]
    assert "确认导入" not in response.text
    assert not Figure.objects.filter(year=2023, month=9).exists()


# --- a float's residue -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored_text"),
    [
        ("44.66999999999999", "44.66999999999999"),  # as openpyxl writes the double
        ("44.66999999999999", "44.669999999999995"),  # as Excel writes it (17 digits)
    ],
)
@pytest.mark.parametrize("number_format", ["0.00", "#,##0.00", "General"])
def test_a_float_shown_as_44_67_is_44_67_and_the_row_says_so(
    django_app, clerk, template, indicators, written, stored_text, number_format
):
    content = filled(
        template,
        {("industrial_output_above", "E"): 44.669999999999995},
        {("industrial_output_above", "E"): number_format},
    )
    content = stored_as_excel_writes(content, written, stored_text)
    response = upload(django_app, clerk, content)
    row = preview_row(response, "规上工业产值")
    assert row[2] == "— → 44.67"
    assert f"“本期数”：单元格存储值为{stored_text}，按显示值44.67读取" in row[5]
    confirm(response)
    assert figure(indicators["output"]).value == D("44.67")


def test_a_third_decimal_hidden_by_the_format_is_read_as_shown(
    django_app, clerk, template, indicators
):
    """29.745 formatted 0.00 shows 29.75: the figure is what the clerk saw, said on the row."""
    content = filled(
        template,
        {("industrial_output_above", "E"): 29.745},
        {("industrial_output_above", "E"): "0.00"},
    )
    response = upload(django_app, clerk, content)
    assert (
        "“本期数”：单元格存储值为29.745，按显示值29.75读取"
        in (preview_row(response, "规上工业产值")[5])
    )
    confirm(response)
    assert figure(indicators["output"]).value == D("29.75")


@pytest.mark.parametrize(
    ("code", "value", "number_format", "message"),
    [
        (
            "firms_visited",
            132.46,
            "0.0",
            "第5行“本期数”（走访企业）：单元格存储值为132.46（显示为132.5），"
            "小数部分“46”多余；应为整数。",
        ),
        (
            "industrial_output_above",
            1234567.123456,
            "General",
            "第4行“本期数”（规上工业产值）：单元格存储值为1234567.123456（显示为1234567.123），"
            "小数点后第3位起的“3456”超出了2位小数；请填写最多2位小数的数值。",
        ),
        (
            "industrial_output_above",
            44.6749,
            "General",
            None,  # shown as stored: refused as if typed (typed_refusal)
        ),
    ],
)
def test_decimals_the_display_too_has_are_refused_naming_the_digits(
    django_app, clerk, template, indicators, code, value, number_format, message
):
    content = filled(template, {(code, "E"): value}, {(code, "E"): number_format})
    response = upload(django_app, clerk, content)
    if message is None:
        typed = typed_refusal(indicators["output"], repr(value))
        message = f"第4行“本期数”（规上工业产值）：{typed}"
    assert errors(response) == [message]
    assert "确认导入" not in response.text
    assert confirm_refused(django_app, clerk)
    assert not Figure.objects.filter(year=2023, month=9).exists()


def confirm_refused(django_app, user) -> bool:
    """A confirm posted anyway (the page's form is absent; the session has the rows) saves
    nothing: the rows are checked again."""
    page = django_app.get(IMPORT, user=user)
    form = next(form for form in page.forms.values() if "file" in form.fields)
    response = django_app.post(
        IMPORT,
        {"confirm": "1", "csrfmiddlewaretoken": form["csrfmiddlewaretoken"].value},
        user=user,
    )
    return response.status_code == 200 and "确认导入" not in response.text


# --- numbers stored as text ------------------------------------------------------------------


def test_numbers_stored_as_text_are_numbers(django_app, clerk, template, indicators):
    """Text cells (a column formatted as text, or pasted from a page) go through the same
    parse as a typed number."""
    content = filled(
        template,
        {
            ("industrial_output_above", "E"): " 29.74 ",
            ("industrial_output_above", "F"): "31.3%",
            ("firms_visited", "E"): "1,032",
            ("cert_rate", "E"): "９３．６３",
        },
        {("industrial_output_above", "E"): "@", ("firms_visited", "E"): "@"},
    )
    book = load_workbook(io.BytesIO(content))
    assert book["月报"]["E4"].data_type == "s"  # really text in the file
    response = upload(django_app, clerk, content)
    assert [preview_row(response, name)[2] for name in ("规上工业产值", "走访企业", "发证率")] == [
        "— → 29.74",
        "— → 1032",
        "— → 93.63",
    ]
    confirm(response)
    assert (figure(indicators["output"]).value, figure(indicators["output"]).growth) == (
        D("29.74"),
        D("31.3"),
    )
    assert figure(indicators["firms"]).value == 1032
    assert figure(indicators["rate"]).value == D("93.63")


def typed_refusal(indicator, text: str) -> str:
    """What the monthly form says of `text` typed as the indicator's 本期数: the words of its
    own parser (indicators.forms), which a text cell goes through."""
    try:
        check_value(indicator, parse_number(text))
    except ValidationError as exc:
        return exc.messages[0]
    raise AssertionError(f"{text!r} is accepted")


def test_text_that_is_no_number_is_refused_as_typed(django_app, clerk, template, indicators):
    content = filled(template, {("industrial_output_above", "E"): "29.7.4"})
    response = upload(django_app, clerk, content)
    typed = typed_refusal(indicators["output"], "29.7.4")
    assert "“29.7.4”" in typed
    assert errors(response) == [f"第4行“本期数”（规上工业产值）：{typed}"]


# --- dates -----------------------------------------------------------------------------------


def meta_period(content: bytes, value, number_format: str) -> bytes:
    book = load_workbook(io.BytesIO(content))
    meta = book["_meta"]
    row = next(cell.row for cell in meta["A"] if cell.value == "period")
    meta.cell(row=row, column=2, value=value).number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_month_cell_retyped_as_a_date_is_that_month(django_app, clerk, template, indicators):
    """Excel makes a date of a retyped 2023-09 (the 1st of the month): it is September 2023."""
    content = filled(template, {("industrial_output_above", "E"): 29.74})
    content = meta_period(content, datetime(2023, 9, 1), "yyyy-mm")
    response = upload(django_app, clerk, content)
    assert "经济发展办" in response.html.h2.find_next("h2").find_next("h2").text
    confirm(response)
    assert figure(indicators["output"]).value == D("29.74")


def test_the_month_cell_under_a_chinese_excel_date_format_is_that_month(
    django_app, clerk, template, indicators
):
    """The Chinese edition of Excel keeps 2023年9月 as serial 45170 under built-in format 57,
    which openpyxl does not know for a date."""
    content = filled(template, {("industrial_output_above", "E"): 29.74})
    content = meta_period(content, 45170, 'yyyy"年"m"月"')
    parts = hostile.template_parts(content)
    styles = parts["xl/styles.xml"].decode()
    custom = re.search(r'<numFmt numFmtId="(\d+)" formatCode="yyyy&quot;年', styles).group(1)
    cell_formats = re.search(r"<cellXfs.*?</cellXfs>", styles, re.S).group(0)
    styles = styles.replace(
        cell_formats, cell_formats.replace(f'numFmtId="{custom}"', 'numFmtId="57"')
    )
    content = hostile.rebuild(content, {"xl/styles.xml": styles.encode()})
    response = upload(django_app, clerk, content)
    confirm(response)
    assert figure(indicators["output"]).value == D("29.74")


def test_a_date_where_a_number_is_expected_is_refused_by_its_date(
    django_app, clerk, template, indicators
):
    content = filled(
        template,
        {("industrial_output_above", "E"): datetime(2023, 9, 1)},
        {("industrial_output_above", "E"): "yyyy-mm-dd"},
    )
    response = upload(django_app, clerk, content)
    assert errors(response) == [
        "第4行“本期数”（规上工业产值）：单元格是日期或时间（2023-09-01），应为数值；"
        "请把单元格格式改为“常规”后重新填写。"
    ]


# --- bounded reading -----------------------------------------------------------------------


def test_a_cell_formatted_at_row_1048576_is_not_a_million_rows(
    django_app, clerk, template, indicators
):
    """openpyxl writes the formatted empty cell and a <dimension> of A1:G1048576; the file
    stays a few KB and its rows are read as they are."""
    book = load_workbook(io.BytesIO(filled(template, {("industrial_output_above", "E"): 29.74})))
    book["月报"]["G1048576"].number_format = "0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    sheet_xml = hostile.template_parts(content)[hostile.SHEET_PART]
    assert b'<dimension ref="A1:G1048576"/>' in sheet_xml and b'r="G1048576"' in sheet_xml
    assert len(content) < 10_000
    response = upload(django_app, clerk, content)
    assert [row.change for row in response.context["preview"].rows] == [
        "新增",
        "不变（未填写）",
        "不变（未填写）",
    ]
    confirm(response)
    assert figure(indicators["output"]).value == D("29.74")


def test_a_value_at_row_1048576_is_refused_by_its_row(django_app, clerk, template, indicators):
    content = filled(template, {("industrial_output_above", "E"): 29.74})
    book = load_workbook(io.BytesIO(content))
    book["月报"]["E1048576"] = 1
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(django_app, clerk, buffer.getvalue())
    assert [li.get_text() for li in response.html.select("#import-refused li")] == [
        "第1048576行还有内容，超出了模板的范围（模板有3个指标，读到第56行为止）。"
        "请使用原模板，不要在表格下方添加内容。"
    ]


# --- LibreOffice ---------------------------------------------------------------------------


def saved_by_libreoffice(content: bytes, tmp_path) -> bytes:
    """The file opened and saved again by LibreOffice Calc (headless), as an office PC without
    Excel would; skipped where LibreOffice is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc")
    source = tmp_path / "月报.xlsx"
    source.write_bytes(content)
    out = tmp_path / "out"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (out / "月报.xlsx").read_bytes()


def test_a_file_saved_by_libreoffice_is_read_alike(
    django_app, clerk, template, indicators, tmp_path
):
    content = filled(
        template,
        {
            ("industrial_output_above", "E"): 44.669999999999995,
            ("industrial_output_above", "F"): 0.313,
            ("industrial_output_above", "G"): "统计局快报",
            ("firms_visited", "E"): "132",
            ("cert_rate", "E"): 0.9363,
        },
        {
            ("industrial_output_above", "E"): "0.00",
            ("industrial_output_above", "F"): "0.0%",
            ("cert_rate", "E"): "0.00%",
        },
    )
    book = load_workbook(io.BytesIO(content))
    book["月报"]["G1048576"].number_format = "0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    saved = saved_by_libreoffice(buffer.getvalue(), tmp_path)
    assert b"LibreOffice" in hostile.template_parts(saved)["docProps/app.xml"]
    response = upload(django_app, clerk, saved)
    assert not errors(response)
    confirm(response)
    output = figure(indicators["output"])
    assert (output.value, output.growth, output.note) == (D("44.67"), D("31.3"), "统计局快报")
    assert figure(indicators["firms"]).value == 132
    assert figure(indicators["rate"]).value == D("93.63")


# --- the preview shows every change; a frozen month is shown, not imported ----------------------


@pytest.fixture
def september(indicators, town):
    """2023年1-9月 as saved: 29.74, 31.3 %, 快报."""
    return FigureFactory(
        indicator=indicators["output"],
        place=town,
        year=2023,
        month=9,
        value=D("29.74"),
        growth=D("31.3"),
        note="快报",
    )


@pytest.mark.parametrize(
    ("cells", "formats", "columns", "change", "stored"),
    [
        (
            {"F": 32.5},
            {},
            ["29.74", "31.3 → 32.5", "快报"],
            "修改（同比增长）",
            (D("29.74"), D("32.5"), "快报"),
        ),
        (
            {"G": "统计局快报"},
            {},
            ["29.74", "31.3", "快报 → 统计局快报"],
            "修改（情况说明）",
            (D("29.74"), D("31.3"), "统计局快报"),
        ),
        (
            {"E": 30.1, "F": 0.325},
            {"F": "0.0%"},
            ["29.74 → 30.10", "31.3 → 32.5", "快报"],
            "修改（本期数、同比增长）",
            (D("30.1"), D("32.5"), "快报"),
        ),
        ({"E": 29.74}, {}, ["29.74", "31.3", "快报"], "不变", (D("29.74"), D("31.3"), "快报")),
    ],
)
def test_the_preview_shows_each_column_that_changes(
    django_app, clerk, september, template, cells, formats, columns, change, stored
):
    """The template shows the stored figure; the file changes some of its columns."""
    code = "industrial_output_above"
    content = filled(
        template,
        {(code, column): value for column, value in cells.items()},
        {(code, column): number_format for column, number_format in formats.items()},
    )
    response = upload(django_app, clerk, content)
    row = preview_row(response, "规上工业产值")
    assert (row[2:5], row[5]) == (columns, change)
    confirm(response)
    september.refresh_from_db()
    assert (september.value, september.growth, september.note) == stored


SUBMITTED = "2023年9月的数据已报送，等待审核，不能修改；如需修改，请先撤回，或请审核员退回。"
REVIEWED = "2023年9月的数据已审核锁定；如需修改，请管理员重新打开。"


@pytest.mark.parametrize("state", ["submitted", "reviewed"])
def test_a_submitted_or_locked_month_is_previewed_without_confirm(
    django_app, clerk, reviewer, office_a, september, template, state
):
    review.month_submit(office=office_a, year=2023, month=9, user=clerk)
    if state == "reviewed":
        review.month_approve(review=review.stored_review(office_a, 2023, 9), user=reviewer)
    content = filled(template, {("industrial_output_above", "F"): 32.5})
    response = upload(django_app, clerk, content)
    message = SUBMITTED if state == "submitted" else REVIEWED
    assert response.html.select_one("#import-frozen").get_text() == f"不能导入：{message}"
    assert preview_row(response, "规上工业产值")[3] == "31.3 → 32.5"
    assert "确认导入" not in response.text
    assert confirm_refused(django_app, clerk)
    september.refresh_from_db()
    assert (september.growth, september.version) == (D("31.3"), 1)
    event = SecurityEvent.objects.filter(action=SecurityEvent.Action.IMPORT).order_by("pk")[0]
    assert (event.result, event.detail) == (
        SecurityEvent.Result.REFUSED,
        f"文件：月报.xlsx；{message}",
    )


def test_a_month_submitted_after_the_preview_refuses_the_confirm(
    django_app, clerk, office_a, september, template
):
    response = upload(django_app, clerk, filled(template, {("industrial_output_above", "F"): 32.5}))
    review.month_submit(office=office_a, year=2023, month=9, user=clerk)
    answer = confirm(response)
    assert answer.status_code == 200
    assert [li.get_text() for li in answer.html.select("#import-refused li")] == [SUBMITTED]
    september.refresh_from_db()
    assert september.growth == D("31.3")


# --- 未公布 and a blank 同比 are told apart (trial 17, item 2) -----------------------------------


def test_a_growth_marked_unpublished_is_written_as_a_dash_and_read_back_so(
    django_app, clerk, indicators, town, october_2023, office_a
):
    """The template writes a 未公布 同比 as "—"; uploading it unchanged keeps the mark."""
    stored = FigureFactory(
        indicator=indicators["output"],
        place=town,
        year=2023,
        month=9,
        value=D("29.74"),
        growth=None,
        growth_unpublished=True,
        note="快报",
    )
    content = django_app.get(TEMPLATE.format(office=office_a.pk), user=clerk).body
    sheet = load_workbook(io.BytesIO(content))["月报"]
    assert sheet[f"F{line_of(sheet, 'industrial_output_above')}"].value == "—"
    response = upload(django_app, clerk, content)
    row = preview_row(response, "规上工业产值")
    assert (row[2:5], row[5]) == (["29.74", "未公布", "快报"], "不变")
    confirm(response)
    stored.refresh_from_db()
    assert (stored.value, stored.growth, stored.growth_unpublished, stored.version) == (
        D("29.74"),
        None,
        True,
        1,
    )


def test_a_growth_cleared_to_blank_is_shown_as_blank_not_as_a_dash(
    django_app, clerk, september, template
):
    """A cleared 同比 reads （空）, not "—" (what a clerk types for 未公布), and is stored blank."""
    response = upload(django_app, clerk, filled(template, {("industrial_output_above", "F"): None}))
    row = preview_row(response, "规上工业产值")
    assert (row[2:5], row[5]) == (["29.74", "31.3 → （空）", "快报"], "修改（同比增长）")
    confirm(response)
    september.refresh_from_db()
    assert (september.value, september.growth, september.growth_unpublished) == (
        D("29.74"),
        None,
        False,
    )


def test_a_row_left_wholly_blank_keeps_the_stored_figure_and_growth(
    django_app, clerk, template, indicators
):
    """A blank 本期数 leaves the figure as it is, its 同比 included: 不变, nothing cleared."""
    first = filled(
        template,
        {("industrial_output_above", "E"): 29.74, ("industrial_output_above", "F"): 31.3},
    )
    assert confirm(upload(django_app, clerk, first)).status_code == 302
    blank = filled(
        template,
        {("industrial_output_above", "E"): None, ("industrial_output_above", "F"): None},
    )
    response = upload(django_app, clerk, blank)
    assert preview_row(response, "规上工业产值")[-1] == "不变"
    stored = figure(indicators["output"])
    assert (stored.value, stored.growth) == (D("29.74"), D("31.3"))


def test_a_file_with_numbers_worth_a_second_look_needs_the_tick(
    django_app, clerk, template, indicators
):
    """As on 月报填报: a warning (here a 万元 figure in a 亿元 indicator) is saved only once
    the clerk ticks 我已核对."""
    content = filled(template, {("industrial_output_above", "E"): 297400})
    response = upload(django_app, clerk, content)
    assert response.html.select_one(".warnings li") is not None
    form = next(form for form in response.forms.values() if "confirm" in form.fields)
    refused = form.submit()
    assert "请先核对提示的数据" in refused.text
    assert not Figure.objects.filter(indicator=indicators["output"], year=2023, month=9).exists()
    form = next(form for form in refused.forms.values() if "confirm" in form.fields)
    form["confirm_warnings"] = True
    assert form.submit().status_code == 302
    assert figure(indicators["output"]).value == D("297400")


# --- two previews open at once (trial 18b, N2) ----------------------------------------------


def test_two_tabs_each_confirm_their_own_file(django_app, clerk, template, indicators):
    """Tab A previews A.xlsx (规上工业产值 29.74), tab B then previews B.xlsx (走访企业 132):
    确认导入 in tab A saves A's figure, not the file uploaded last; tab B's then saves B's;
    tab A's pressed again is refused and changes nothing."""
    tab_a = upload(django_app, clerk, filled(template, {("industrial_output_above", "E"): 29.74}))
    tab_b = upload(
        django_app, clerk, filled(template, {("firms_visited", "E"): 132}), name="B.xlsx"
    )
    assert preview_row(tab_a, "规上工业产值")[2] == "— → 29.74"
    assert preview_row(tab_b, "走访企业")[2] == "— → 132"
    tokens = {tab.forms["figure-confirm"]["token"].value for tab in (tab_a, tab_b)}
    assert len(tokens) == 2 and "" not in tokens  # each preview its own

    done = confirm(tab_a)
    assert done.status_code == 302
    assert "导入完成：新增1条，修改0条，修订0条。" in done.follow().text
    output = figure(indicators["output"])
    assert output.value == D("29.74")
    assert output.revisions.get().reason == "Excel导入：月报.xlsx"
    assert not Figure.objects.filter(indicator=indicators["firms"], year=2023, month=9).exists()

    assert confirm(tab_b).status_code == 302
    firms = figure(indicators["firms"])
    assert firms.value == 132
    assert firms.revisions.get().reason == "Excel导入：B.xlsx"
    assert figure(indicators["output"]).value == D("29.74")  # B's blank cell kept A's figure

    before = list(Figure.objects.order_by("pk").values_list("pk", "value", "version"))
    again = confirm(tab_a)
    assert again.status_code == 200
    assert [li.get_text() for li in again.html.select("#import-refused li")] == [
        "这次预览已失效（可能已确认或已在其他窗口重新上传），请重新上传文件。"
    ]
    assert "figure-confirm" not in again.forms
    assert list(Figure.objects.order_by("pk").values_list("pk", "value", "version")) == before
    assert SecurityEvent.objects.filter(action="import").latest("pk").result == "refused"


def test_only_the_latest_previews_can_be_confirmed(django_app, clerk, template, indicators):
    """Five previews are kept; the sixth pushes out the first, which is then refused."""
    tabs = [
        upload(
            django_app,
            clerk,
            filled(template, {("industrial_output_above", "E"): 20 + n}),
            name=f"{n}.xlsx",
        )
        for n in range(6)
    ]
    first = confirm(tabs[0])
    assert first.status_code == 200 and "这次预览已失效" in first.text
    assert not Figure.objects.filter(indicator=indicators["output"], year=2023, month=9).exists()
    assert confirm(tabs[1]).status_code == 302
    assert figure(indicators["output"]).value == D("21")
