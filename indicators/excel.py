"""Excel in and out for monthly figures: the office template, its import, the year export.

The import reads only what the template wrote (a hidden sheet names the office and month);
anything else — not an xlsx, too large, merged or shifted headers, formulas, text in number
cells, unknown indicators — is refused with a Chinese message naming row and column, and
nothing is saved. Values go through the same FigureRowForm as the monthly report form.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from accounts import permissions
from accounts.models import Office, User
from indicators import periods, selectors
from indicators.forms import FigureRowForm
from indicators.models import Category, Figure

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
META_SHEET = "_meta"
SHEET = "月报"
HEADER_ROW = 3
HEADERS = ["代码", "指标", "单位", "上期数", "本期数", "同比增长（%）", "情况说明"]
VALUE_COL, GROWTH_COL, NOTE_COL = 5, 6, 7
TEMPLATE_KIND = "xiage-monthly-report-v1"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRefused(Exception):
    """The whole file is refused; `errors` say why in Chinese."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def template_workbook(office: Office, year: int, month: int) -> bytes:
    """The office's indicators for a month, last figures beside empty input columns."""
    rows = selectors.report_rows(office, year, month)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = safe_text(f"{office.name} {periods.period_label(year, month)} 月报填报模板")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = (
        "请在“本期数”“同比增长（%）”“情况说明”三列填写；不要改动表头、代码列，不要合并单元格或使用公式。"
    )
    for column, title in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF4FF")
    for index, row in enumerate(rows, start=HEADER_ROW + 1):
        sheet.cell(row=index, column=1, value=row.indicator.code)
        sheet.cell(row=index, column=2, value=safe_text(row.indicator.name))
        sheet.cell(row=index, column=3, value=row.indicator.unit_label)
        if row.previous is not None:
            sheet.cell(row=index, column=4, value=float(row.previous.value_display))
        if row.figure is not None:
            sheet.cell(row=index, column=VALUE_COL, value=float(row.figure.value_display))
            if row.figure.growth is not None:
                sheet.cell(row=index, column=GROWTH_COL, value=float(row.figure.growth))
            sheet.cell(row=index, column=NOTE_COL, value=safe_text(row.figure.note) or None)
        for column in (VALUE_COL, GROWTH_COL, NOTE_COL):
            sheet.cell(row=index, column=column).protection = Protection(locked=False)
    for column, width in zip(range(1, 8), [26, 24, 8, 12, 14, 14, 30], strict=True):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    meta = book.create_sheet(META_SHEET)
    meta.append(["kind", TEMPLATE_KIND])
    meta.append(["office", office.code])
    meta.append(["period", periods.format_period(year, month)])
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class ImportRow:
    line: int
    form: FigureRowForm
    errors: list[str] = field(default_factory=list)

    @property
    def indicator(self) -> Any:
        return self.form.indicator

    @property
    def old_value(self) -> Decimal | None:
        return self.form.row.figure.value_display if self.form.row.figure else None

    @property
    def new_value(self) -> Decimal | None:
        return self.form.cleaned_data.get("value") if not self.errors else None

    @property
    def change(self) -> str:
        if self.errors:
            return _("有错误")
        if self.new_value is None:
            return _("不变（未填写）")
        if self.old_value is None:
            return _("新增")
        return _("不变") if self.old_value == self.new_value else _("修改")


@dataclass
class ImportPreview:
    office: Office
    year: int
    month: int
    rows: list[ImportRow]
    raw: list[dict[str, str]]  # what the file said, kept in the session until confirmed

    @property
    def errors(self) -> list[str]:
        return [error for row in self.rows for error in row.errors]

    @property
    def warnings(self) -> list[str]:
        return [
            f"第{row.line}行 {row.indicator.name}：{message}"
            for row in self.rows
            for message in row.form.warnings
        ]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value).strip()


def read_upload(upload: Any, user: User) -> ImportPreview:
    """Check and read an uploaded file; raise ImportRefused for anything not importable."""
    name = getattr(upload, "name", "") or ""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportRefused([_("文件过大（超过2MB）。请使用本系统下载的模板。")])
    data = upload.read()
    if not name.lower().endswith(".xlsx") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRefused([_("文件不是Excel（.xlsx）文件。请使用本系统下载的模板。")])
    try:
        book = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused([_("无法读取该Excel文件，文件可能已损坏。")]) from exc
    if SHEET not in book.sheetnames or META_SHEET not in book.sheetnames:
        raise ImportRefused([_("不是本系统下载的月报模板（缺少“月报”工作表）。")])
    meta = {row[0]: row[1] for row in book[META_SHEET].iter_rows(values_only=True) if row}
    if meta.get("kind") != TEMPLATE_KIND:
        raise ImportRefused([_("不是本系统下载的月报模板。")])
    office = permissions.writable_offices(user).filter(code=meta.get("office")).first()
    if office is None:
        raise ImportRefused([_("您无权导入该模板所属科室的数据，或科室不存在。")])
    try:
        year, month = periods.parse_period(str(meta.get("period", "")))
    except periods.PeriodError as exc:
        raise ImportRefused([str(exc)]) from exc
    if periods.is_future(year, month):
        raise ImportRefused([_("不能导入未来月份的数据。")])
    return _read_sheet(book[SHEET], office, year, month)


def _read_sheet(sheet: Any, office: Office, year: int, month: int) -> ImportPreview:
    problems: list[str] = []
    if sheet.merged_cells.ranges:
        merged = "、".join(str(r) for r in list(sheet.merged_cells.ranges)[:3])
        problems.append(_("表格中有合并单元格（%(cells)s），请使用原模板。") % {"cells": merged})
    header = [_cell_text(cell.value) for cell in sheet[HEADER_ROW][: len(HEADERS)]]
    if header != HEADERS:
        problems.append(
            _("第%(row)d行表头应为“%(expected)s”，实际为“%(actual)s”。表头不能移动或改动。")
            % {"row": HEADER_ROW, "expected": "、".join(HEADERS), "actual": "、".join(header)}
        )
    if problems:
        raise ImportRefused(problems)
    by_code = {row.indicator.code: row for row in selectors.report_rows(office, year, month)}
    raw: list[dict[str, str]] = []
    seen: set[str] = set()
    for line, cells in enumerate(sheet.iter_rows(min_row=HEADER_ROW + 1), start=HEADER_ROW + 1):
        values = [cell.value for cell in cells[:NOTE_COL]] + [None] * (NOTE_COL - len(cells))
        if all(v is None or _cell_text(v) == "" for v in values):
            continue
        code = _cell_text(values[0])
        for column, cell in zip(
            ("本期数", "同比增长（%）"), cells[VALUE_COL - 1 : GROWTH_COL], strict=False
        ):
            if cell.data_type == "f":
                problems.append(
                    _("第%(line)d行“%(column)s”是公式，请填写数值。")
                    % {"line": line, "column": column}
                )
        if code not in by_code:
            problems.append(
                _("第%(line)d行：代码“%(code)s”不是%(office)s的指标。")
                % {"line": line, "code": code, "office": office.name}
            )
            continue
        if code in seen:
            problems.append(_("第%(line)d行：指标“%(code)s”重复。") % {"line": line, "code": code})
            continue
        seen.add(code)
        raw.append(
            {
                "line": str(line),
                "code": code,
                "value": _cell_text(values[VALUE_COL - 1]),
                "growth": _cell_text(values[GROWTH_COL - 1]),
                "note": _cell_text(values[NOTE_COL - 1]),
                "version": str(by_code[code].figure.version if by_code[code].figure else 0),
            }
        )
    if problems:
        raise ImportRefused(problems)
    if not raw:
        raise ImportRefused([_("模板中没有任何指标行。")])
    return build_preview(office, year, month, raw)


def build_preview(
    office: Office, year: int, month: int, raw: list[dict[str, str]]
) -> ImportPreview:
    """Validate the rows with the monthly form's rules (also on confirm, from the session)."""
    by_code = {row.indicator.code: row for row in selectors.report_rows(office, year, month)}
    rows = []
    for item in raw:
        report_row = by_code.get(item["code"])
        if report_row is None:
            raise ImportRefused([_("指标“%(code)s”已不存在或已停用。") % {"code": item["code"]}])
        figure = report_row.figure
        value = item["value"]
        if not value and figure is not None:
            value = format(figure.value_display, "f")  # a blank cell leaves the figure as it is
        form = FigureRowForm(
            data={
                "value": value,
                "growth": item["growth"],
                "note": item["note"] if item["note"] or figure is None else figure.note,
                "version": item.get("version") or str(figure.version if figure else 0),
            },
            row=report_row,
            month=month,
        )
        errors = []
        if not form.is_valid():
            for column, messages in form.errors.items():
                label = {"value": "本期数", "growth": "同比增长（%）", "note": "情况说明"}.get(
                    column, column
                )
                errors += [
                    f"第{item['line']}行“{label}”（{report_row.indicator.name}）：{message}"
                    for message in messages
                ]
        rows.append(ImportRow(line=int(item["line"]), form=form, errors=errors))
    return ImportPreview(office=office, year=year, month=month, rows=rows, raw=raw)


def year_workbook(user: User, year: int) -> bytes:
    """All town and village figures of a year the user may read: one sheet per category."""
    figures = (
        permissions.scope_to_offices(Figure.objects.all(), user, "indicator__office")
        .filter(year=year)
        .select_related("indicator__office", "place")
        .order_by("indicator__office__order", "indicator__order", "place__order", "month")
    )
    book = Workbook()
    book.remove(book.active)
    sheets: dict[str, Any] = {}
    headers = [
        "指标",
        "单位",
        "地点",
        "期间",
        "数值",
        "同比增长（%）",
        "公布完成率（%）",
        "责任科室",
        "标记",
        "情况说明",
    ]
    for figure in figures:
        label = str(Category(figure.indicator.category).label).replace("/", "、")
        sheet = sheets.get(label)
        if sheet is None:
            sheet = book.create_sheet(label[:31])  # category labels are fixed, safe titles
            sheet.append(headers)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
            sheets[label] = sheet
        marks = [m for m, on in (("演示数据", figure.is_demo), ("已修订", figure.is_revised)) if on]
        sheet.append(
            safe_row(
                [
                    figure.indicator.name,
                    figure.indicator.unit_label,
                    figure.place.name,
                    figure.period_label,
                    float(figure.value_display),
                    float(figure.growth) if figure.growth is not None else None,
                    float(figure.reported_completion_rate)
                    if figure.reported_completion_rate is not None
                    else None,
                    figure.indicator.office.name,
                    "、".join(marks),
                    figure.note,
                ]
            )
        )
    if not sheets:
        sheet = book.create_sheet("说明")
        sheet.append([f"{year}年没有可导出的数据。"])
    for sheet in book.worksheets:
        for column, width in zip(
            "ABCDEFGHIJ", [24, 8, 10, 14, 12, 12, 12, 12, 10, 30], strict=True
        ):
            sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def safe_row(values: list) -> list:
    """A spreadsheet row with every text cell made safe (see safe_text)."""
    return [safe_text(v) if isinstance(v, str) else v for v in values]


def safe_text(text: str) -> str:
    """Text safe for a spreadsheet cell: control characters (which xlsx cannot hold, e.g. a
    vertical tab pasted from Word) become spaces, and = + - @ get a leading ' so that the
    cell is never run as a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub(" ", text)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
