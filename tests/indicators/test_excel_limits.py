"""Uploads bounded by what they expand to: hostile xlsx files, built on the fly
(tests/indicators/hostile_files.py), are refused with a Chinese message and nothing changed, or
read correctly; a worker's memory grows by less than 200 MB (how long each takes is measured by
`make bench`, "hostile uploads", not by a timed test here); formulas are refused
anywhere in the read area; error lists are capped; imports are on the security log."""

from __future__ import annotations

import io
import re
import threading
import tracemalloc
import urllib.request
import uuid
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula
from webtest import Upload

from accounts.models import SecurityEvent
from accounts.roles import Role
from indicators import excel, xlsx_check
from indicators.models import Figure, FigureRevision
from tests.factories import IndicatorFactory, UserFactory
from tests.indicators import hostile_files as hostile

pytestmark = pytest.mark.django_db
IMPORT = "/admin/indicators/figure/import/"
MEMORY = 200 * 2**20
REFUSED = "文件未导入，数据没有任何改动"


@pytest.fixture
def template(office_a, output_history, firms, october_2023) -> bytes:
    """经济发展办's template for 2023年1-9月: two indicators (rows 4 and 5)."""
    return excel.template_workbook(office_a, 2023, 9)


def filled(template: bytes, **cells) -> bytes:
    """The template with cells set through openpyxl, as a person's spreadsheet would."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["月报"]
    for coordinate, value in cells.items():
        sheet[coordinate] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_form(django_app, user):
    page = django_app.get(IMPORT, user=user)
    return next(form for form in page.forms.values() if "file" in form.fields)


def submit(django_app, user, content: bytes, name: str = "月报.xlsx"):
    """Post a file through the page's own upload form; returns the response."""
    form = upload_form(django_app, user)
    form["file"] = Upload(name, content, excel.XLSX_TYPE)
    return form.submit()


def snapshot():
    return sorted(
        Figure.objects.values_list("indicator_id", "year", "month", "value", "growth", "note")
    )


def string_starting_with_equals(template: bytes) -> bytes:
    return hostile.text_cell(template, "G4", '=HYPERLINK("http://example.com")')


def array_formula(template: bytes) -> bytes:
    return filled(template, E5=ArrayFormula("E5:E5", "=SUM(D4:D5)"))


def worst_within_limits(template: bytes) -> bytes:
    """Every limit at once, each just under: see hostile_files.worst_within_limits."""
    return hostile.worst_within_limits(
        template,
        xlsx_check.check_archive(template),
        sheet_elements=excel.SHEET_BASE_ELEMENTS + excel.SHEET_ROW_ELEMENTS * 2,
        strings_elements=xlsx_check.MAX_STRINGS_ELEMENTS,
        other_elements=xlsx_check.MAX_OTHER_ELEMENTS,
    )


HOSTILE = {
    # what the issue names
    "1.5 MB that expands to 1.5 GB": (
        hostile.expansion_bomb,
        "文件解压后过大（超过20MB），不是本系统的模板，未读取。",
    ),
    "13 million rows": (
        hostile.many_rows,
        "文件解压后过大（超过20MB），不是本系统的模板，未读取。",
    ),
    "60,000 unknown codes": (
        hostile.unknown_codes,
        "文件内容过于庞大（单元格、文字或格式过多），不是本系统的模板，未读取。",
    ),
    "formula in 情况说明": (
        lambda t: filled(t, E4=29.74, G4='=A4&"说明"'),
        "第4行“情况说明”是公式。文件中不能有公式，请直接填写内容。",
    ),
    "formula in 本期数": (
        lambda t: filled(t, E4="=D4*1.1"),
        "第4行“本期数”是公式，请填写数值。",
    ),
    # the rest of each kind
    "deflated 1,000 to 1": (
        lambda t: hostile.expansion_bomb(t, expanded=10_000_000),
        "文件压缩比异常（解压后是原来的100倍以上），不是本系统的模板，未读取。",
    ),
    "1,500 unknown codes": (
        lambda t: hostile.unknown_codes(t, 1_500),
        "另有1处错误未列出。",
    ),
    "a formatted region far larger than the template": (
        lambda t: hostile.formatted_rows(t, 8_000),
        "“月报”工作表的内容远多于模板（模板有2个指标），不是本系统的模板，未读取。",
    ),
    "a row of 30,000 cells": (
        lambda t: hostile.wide_row(t, 30_000),
        "“月报”工作表的内容远多于模板（模板有2个指标）",
    ),
    "25,000 shared strings": (
        lambda t: hostile.shared_strings(t, 25_000),
        "文件内容过于庞大（单元格、文字或格式过多），不是本系统的模板，未读取。",
    ),
    "9,000 cell styles": (
        lambda t: hostile.styles(t, 9_000),
        "文件内容过于庞大（单元格、文字或格式过多），不是本系统的模板，未读取。",
    ),
    "110 parts": (
        lambda t: hostile.many_parts(t, 100),
        "文件中的部件过多（110个，最多100个），不是本系统的模板，未读取。",
    ),
    "entities of a DTD": (
        hostile.entity_expansion,
        "文件中含有文档类型定义（DTD），不是本系统的模板，未读取。",
    ),
    "a part that states a tenth of its size": (
        hostile.understated_size,
        "无法读取该Excel文件，文件可能已损坏。",
    ),
    "a value past the template's rows": (
        lambda t: filled(t, E4=29.74, G200="补充"),
        "第200行还有内容，超出了模板的范围（模板有2个指标，读到第55行为止）。",
    ),
    "a value at row 1,048,576": (
        lambda t: hostile.formatted_cell_at_last_row(t, text="末行"),
        "第1048576行还有内容",
    ),
    "a 600-character 情况说明": (
        lambda t: filled(t, E4=29.74, G4="说" * 600),
        "第4行“情况说明”内容过长（600个字符，最多500个）。",
    ),
    "text that starts with =": (
        string_starting_with_equals,
        "第4行“情况说明”是公式。文件中不能有公式，请直接填写内容。",
    ),
    "array formula": (array_formula, "第5行“本期数”是公式，请填写数值。"),
    "formula in the code column": (
        lambda t: filled(t, A5='="firms_"&"visited"'),
        "第5行“代码”是公式。文件中不能有公式，请直接填写内容。",
    ),
    "formula in the title": (lambda t: filled(t, A1="=1+1"), "单元格A1是公式。"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_file_is_refused_with_a_chinese_message_and_changes_nothing(
    django_app, clerk, template, case
):
    build, message = HOSTILE[case]
    content = build(template)
    assert len(content) <= excel.MAX_UPLOAD_BYTES, len(content)
    before = snapshot()
    response = submit(django_app, clerk, content)
    assert response.status_code == 200
    body = response.text
    assert REFUSED in body and message in body, re.findall(r"<li>(.*?)</li>", body)[:5]
    assert len(body) < 60_000  # the refused page, not a list of every row
    assert snapshot() == before
    assert not FigureRevision.objects.exists()
    event = SecurityEvent.objects.get(action=SecurityEvent.Action.IMPORT)
    assert (event.result, event.user, event.detail.startswith("文件：月报.xlsx；")) == (
        SecurityEvent.Result.REFUSED,
        clerk,
        True,
    )


def test_the_preview_lists_fifty_errors_and_counts_the_rest(
    django_app, clerk, office_a, town, template
):
    """More rows with errors than the page lists: 60 indicators, each with a wrong number."""
    for n in range(58):
        IndicatorFactory(code=f"extra_{n:02d}", office=office_a, places=[town], order=10 + n)
    book = load_workbook(io.BytesIO(excel.template_workbook(office_a, 2023, 9)))
    sheet = book["月报"]
    for row in range(4, 64):
        sheet.cell(row=row, column=excel.VALUE_COL, value="不是数")
    buffer = io.BytesIO()
    book.save(buffer)
    response = submit(django_app, clerk, buffer.getvalue())
    listed = response.html.select("#import-errors li")
    assert len(listed) == 51
    assert listed[-1].text == "另有10处错误未列出。"
    assert "有 60 处错误，不能导入" in response.text
    assert "确认导入" not in response.text


def test_a_cell_formatted_at_the_last_row_is_read_and_imported(
    django_app, clerk, template, output_history
):
    """As tests/../shared/cases/formatted-cell-at-last-row.xlsx: a whole column formatted."""
    content = hostile.formatted_cell_at_last_row(filled(template, E4=29.74, G4="快报"))
    response = submit(django_app, clerk, content)
    preview = response.context["preview"]
    assert [(row.line, row.indicator.code, row.change) for row in preview.rows] == [
        (4, "industrial_output_above", "新增"),
        (5, "firms_visited", "不变（未填写）"),
    ]
    confirm = next(f for f in response.forms.values() if "confirm" in f.fields)
    assert confirm.submit().status_code == 302
    figure = Figure.objects.get(indicator=output_history, year=2023, month=9)
    assert (figure.value, figure.note) == (D("29.74"), "快报")
    event = SecurityEvent.objects.get(action=SecurityEvent.Action.IMPORT)
    assert (event.result, event.object, event.detail) == (
        SecurityEvent.Result.SUCCESS,
        "经济发展办 2023年1-9月",
        "文件：月报.xlsx；2行：新增1条，修改0条，修订0条",
    )


def test_a_formula_outside_the_templates_seven_columns_is_not_read(
    django_app, clerk, template, output_history
):
    content = filled(template, E4=29.74, H4="=E4*2")
    response = submit(django_app, clerk, content)
    assert [row.new_value for row in response.context["preview"].rows] == [D("29.74"), None]


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def memory_growth(function) -> int:
    """How much more memory the process held at its peak while `function` ran: the kernel's
    high-water mark, reset first (Linux), over the resident size before; elsewhere
    tracemalloc's peak (the same measure for Python's own allocations, and slower)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_bytes("VmRSS")
    except OSError:
        tracemalloc.start()
        try:
            function()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    function()
    return _status_bytes("VmHWM") - before


@pytest.mark.parametrize(
    "case",
    ["1.5 MB that expands to 1.5 GB", "13 million rows", "60,000 unknown codes", "worst"],
)
def test_reading_a_hostile_file_takes_under_200_mb(clerk, template, case):
    """The reader alone, measured for its memory (its time is `make bench`'s). "worst" holds every
    limit at once, each just under it (a style sheet, a shared-string table, a 月报 sheet
    padded with formatted rows and a formatted cell at the last row): it is read."""
    content = worst_within_limits(template) if case == "worst" else HOSTILE[case][0](template)

    def read():
        try:
            return excel.read_upload(SimpleUploadedFile("月报.xlsx", content), clerk)
        except excel.ImportRefused as exc:
            return exc

    outcome = read()
    peak = memory_growth(read)
    assert peak < MEMORY, f"{case}: {peak / 2**20:.0f} MB"
    if case == "worst":
        assert [row.indicator.code for row in outcome.rows] == [
            "industrial_output_above",
            "firms_visited",
        ]
    else:
        assert isinstance(outcome, excel.ImportRefused)


def test_the_refusal_and_the_success_are_on_the_security_log(
    django_app, clerk, template, output_history
):
    submit(django_app, clerk, hostile.expansion_bomb(template), name="炸弹.xlsx")
    response = submit(django_app, clerk, filled(template, E4=29.74))
    confirm = next(f for f in response.forms.values() if "confirm" in f.fields)
    confirm.submit()
    events = SecurityEvent.objects.filter(action=SecurityEvent.Action.IMPORT).order_by("pk")
    assert [(e.username, e.object, e.result, e.detail) for e in events] == [
        (
            "clerk_a",
            "",
            SecurityEvent.Result.REFUSED,
            "文件：炸弹.xlsx；文件解压后过大（超过20MB），不是本系统的模板，未读取。",
        ),
        (
            "clerk_a",
            "经济发展办 2023年1-9月",
            SecurityEvent.Result.SUCCESS,
            "文件：月报.xlsx；2行：新增1条，修改0条，修订0条",
        ),
    ]
    assert events[0].address == "127.0.0.1"


# --- three at once, on a live server ------------------------------------------------------


def _multipart(fields: dict[str, str], content: bytes) -> tuple[bytes, str]:
    boundary = f"xiage-{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="hostile.xlsx"'
        f"\r\nContent-Type: {excel.XLSX_TYPE}\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _session(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
def test_three_hostile_uploads_at_once_leave_the_dashboard_answering(
    migration_rows, live_server, clerk, leader, template
):
    """Three uploads (expansion, 13 million rows, 60,000 codes) post at the same moment while a
    leader opens the dashboard: every request is answered (the time each takes is `make bench`'s;
    the timeouts below only stop a hung run)."""
    files = [
        hostile.expansion_bomb(template),
        hostile.many_rows(template),
        hostile.unknown_codes(template),
    ]
    # Three clerks of the office, each with a session of their own (as three people would be):
    # requests sharing one session could end it for each other.
    clerks = [clerk] + [
        UserFactory(username=f"clerk_a{n}", office=clerk.office, roles=[Role.CLERK]) for n in (2, 3)
    ]
    sessions = []
    for person in clerks:
        clerk_cookie = f"sessionid={_session(person)}"
        page = urllib.request.urlopen(
            urllib.request.Request(live_server.url + IMPORT, headers={"Cookie": clerk_cookie})
        )
        csrf_cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
        sessions.append((f"{clerk_cookie}; csrftoken={csrf_cookie}", token))
    # Every session is made before the requests start: on SQLite the live server shares this
    # thread's in-memory connection, which must not be used while they run.
    leader_cookie = f"sessionid={_session(leader)}"
    answers: dict[int, tuple[int, str]] = {}
    start = threading.Barrier(len(files) + 1)

    def post(index: int, content: bytes) -> None:
        cookie, token = sessions[index]
        body, content_type = _multipart({"csrfmiddlewaretoken": token}, content)
        request = urllib.request.Request(
            live_server.url + IMPORT,
            data=body,
            headers={"Cookie": cookie, "Content-Type": content_type},
        )
        start.wait()
        with urllib.request.urlopen(request, timeout=60) as response:
            answers[index] = (response.status, response.read().decode())

    threads = [threading.Thread(target=post, args=item) for item in enumerate(files)]
    for thread in threads:
        thread.start()
    start.wait()
    dashboard = urllib.request.Request(live_server.url + "/", headers={"Cookie": leader_cookie})
    with urllib.request.urlopen(dashboard, timeout=30) as response:
        dashboard_status = response.status
    for thread in threads:
        thread.join(timeout=60)
    assert dashboard_status == 200
    assert sorted(answers) == [0, 1, 2]
    for status, body in answers.values():
        assert status == 200 and REFUSED in body
