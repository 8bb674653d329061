"""A year's targets (年度目标) and tasks (工作任务) in and out by Excel.

The export is one workbook with both sheets and a hidden _meta sheet naming the year and each
row's version. The import reads only such a workbook, with the monthly import's rules
(indicators/excel.py): the archive is checked before anything is parsed, the sheets are read
streamed, formulas, moved headers and content past the rows read refuse the whole file, and
number cells are read as Excel stores and shows them. Every row is then checked against the
data (unknown indicator, unit, office or carried task, a bad type or date, a negative 不少于,
a growth under -100%, a duplicate row, a row changed by someone since the export) and the
preview shows each row's change, old → new. Confirming applies every row in one transaction,
or nothing.

A blank cell keeps what is stored, as in the monthly import (a row left blank changes
nothing): a cell is cleared in the admin, not by the file. A 节点 target or task has no
value, quantity or unit, so those are cleared when the type is 节点. A target's 目标表述 left as
exported (or blank) follows a changed type or value (plans.status.edited_target_wording); one the
admin wrote is kept. Rows of the year that the file does not list are left as they are: the
import adds and changes, it never deletes.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from accounts import permissions
from accounts.models import Office, User
from indicators import excel, periods, units, xlsx_check
from indicators.excel import ImportRefused
from indicators.forms import parse_number
from indicators.models import Indicator
from plans import status
from plans.models import PlanSection, Target, Task
from xiage import spreadsheets, versioning

TEMPLATE_KIND = "xiage-year-plan-v1"
META_SHEET = "_meta"
# The sheet names and header rows are the file format, not wording: an import checks them as
# written, whatever the language of the page (as the monthly template's are).
TARGET_SHEET = "年度目标"
TASK_SHEET = "工作任务"
HEADER_ROW = 3
TARGET_HEADERS = ["指标代码", "指标名称", "单位", "目标类型", "目标值", "目标表述"]
TASK_HEADERS = [
    "代码",
    "板块序号",
    "板块标题",
    "任务",
    "计划原文",
    "任务类型",
    "目标数量",
    "单位",
    "以上/余",
    "完成时限",
    "责任科室",
    "联系领导",
    "关联指标代码",
    "结转自",
]
# The columns, as messages name them (by their headers).
T_CODE, T_NAME, T_UNIT, T_KIND, T_VALUE, T_WORDING = TARGET_HEADERS
(
    K_CODE,
    K_SECTION,
    K_SECTION_TITLE,
    K_TITLE,
    K_TEXT,
    K_KIND,
    K_QUANTITY,
    K_UNIT,
    K_AT_LEAST,
    K_DEADLINE,
    K_OFFICE,
    K_LEADER,
    K_INDICATOR,
    K_CARRIED,
) = TASK_HEADERS
TARGET_WIDTHS = [24, 24, 8, 20, 14, 30]
TASK_WIDTHS = [14, 8, 24, 24, 40, 10, 12, 8, 8, 12, 14, 10, 22, 14]
MAX_ROWS = 500  # rows read below each sheet's header (a year has a few dozen of each)
SHEET_BASE_ELEMENTS = 10_000  # a sheet may hold this many XML elements, and
SHEET_ROW_ELEMENTS = 40  # this many for each row it may have
MAX_META_ELEMENTS = 1_000 + 10 * 2 * MAX_ROWS
MAX_TEXT_CHARS = 2_000  # a 计划原文 is a paragraph
TARGET_PLACES = 4  # Target.value's decimals
QUANTITY_PLACES = 2  # Task.quantity's decimals
YES = frozenset(["是", "以上", "余", "√", "TRUE", "True", "1"])
NO = frozenset(["否", "×", "FALSE", "False", "0"])


# --- the export --------------------------------------------------------------------------------


def _plain(value: Decimal | None) -> str:
    """A stored decimal as the preview and the file show it: 1300.00 → 1300, 8.5000 → 8.5."""
    if value is None:
        return ""
    return format(excel._plain_decimal(value), "f")


def _year_targets(year: int) -> list[Target]:
    return list(
        Target.objects.filter(year=year)
        .select_related("indicator")
        .order_by("indicator__office__order", "indicator__order", "indicator__code")
    )


def _year_tasks(year: int) -> list[Task]:
    return list(
        Task.objects.filter(section__year=year)
        .select_related("section", "office", "indicator", "carried_from")
        .order_by("section__number", "order", "id")
    )


def _exact_number(sheet: spreadsheets.Sheet, value: Decimal | None) -> Any:
    """A stored number as a number cell shown with exactly the decimals it has (5.71, 1300);
    an empty cell for None."""
    plain = excel._plain_decimal(value) if value is not None else None
    return sheet.number(
        plain, spreadsheets.decimals_format(_places(plain)) if plain is not None else ""
    )


def year_workbook(year: int) -> bytes:
    """The year's targets and tasks, each cell as the import reads it back."""
    book = spreadsheets.Book()
    note = _(
        "修改后可在“年度目标和工作任务Excel导入”页面导入；不要改动表头和工作表名称，"
        "不要合并单元格或使用公式。空白单元格表示保持原值；可在下方添加新行。"
    )

    def sheet(name: str, headers: list, widths: list, banner: str) -> spreadsheets.Sheet:
        return book.sheet(
            name,
            headers,
            widths,
            freeze=f"B{HEADER_ROW + 1}",
            banner=banner % {"year": year},
            notes=[note],
            header_fill="EEF4FF",
        )

    targets = sheet(TARGET_SHEET, TARGET_HEADERS, TARGET_WIDTHS, _("%(year)d年 年度目标"))
    stored_targets = _year_targets(year)
    for target in stored_targets:
        targets.worksheet.append(
            [
                target.indicator.code,
                targets.text_cell(target.indicator.name),
                target.indicator.unit_label,
                str(target.get_kind_display()),
                _exact_number(targets, target.value),
                targets.text_cell(target.wording) if target.wording else None,
            ]
        )
    tasks = sheet(TASK_SHEET, TASK_HEADERS, TASK_WIDTHS, _("%(year)d年 工作任务"))
    stored_tasks = _year_tasks(year)
    for task in stored_tasks:
        tasks.worksheet.append(
            [
                task.code,
                task.section.number,
                tasks.text_cell(task.section.title),
                tasks.text_cell(task.title),
                tasks.text_cell(task.text),
                str(task.get_kind_display()),
                _exact_number(tasks, task.quantity),
                task.unit_label or None,
                _("是") if task.at_least else _("否"),
                tasks.cell(task.deadline, number_format="yyyy-mm-dd"),
                task.office.name,
                tasks.text_cell(task.leader) if task.leader else None,
                task.indicator.code if task.indicator else None,
                task.carried_from.code if task.carried_from else None,
            ]
        )
    meta = book.plain_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append(["kind", TEMPLATE_KIND])
    meta.append(["year", year])
    # Each row's version as exported: an import of an old copy must not undo what someone
    # saved after it was downloaded.
    for target in stored_targets:
        meta.append(["target", target.indicator.code, target.version])
    for task in stored_tasks:
        meta.append(["task", task.code, task.version])
    return book.save()


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# --- reading the file ------------------------------------------------------------------------


def read_upload(upload: Any) -> YearPreview:
    """Check and read an uploaded file; raise ImportRefused for anything not importable. The
    checks before parsing are the monthly import's (size, zip, xlsx_check.check_archive)."""
    name = getattr(upload, "name", "") or ""
    if upload.size > excel.MAX_UPLOAD_BYTES:
        raise ImportRefused([_("文件过大（超过2MB）。请使用本系统导出的年度文件。")])
    data = upload.read(excel.MAX_UPLOAD_BYTES + 1)
    if not name.lower().endswith(".xlsx") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRefused([_("文件不是Excel（.xlsx）文件。请使用本系统导出的年度文件。")])
    try:
        counts = xlsx_check.check_archive(data)
    except xlsx_check.ArchiveRefused as exc:
        raise ImportRefused([exc.message]) from exc
    deadline = time.monotonic() + excel.READ_SECONDS
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused([_("无法读取该Excel文件，文件可能已损坏。")]) from exc
    try:
        pending = _read_book(book, counts, deadline)
    except excel.READ_ERRORS as exc:  # a damaged part shows only when its rows are read
        raise ImportRefused([_("无法读取该Excel文件，文件可能已损坏。")]) from exc
    finally:
        book.close()
    return build_preview(pending)


def _read_book(book: Any, counts: dict[str, int], deadline: float) -> dict[str, Any]:
    """The file as plain text, to keep in the session until confirmed: {"year", "targets",
    "tasks", "versions"}."""
    not_ours = _("不是本系统导出的年度目标和工作任务文件。")
    if not {TARGET_SHEET, TASK_SHEET, META_SHEET} <= set(book.sheetnames):
        raise ImportRefused(
            [
                _("不是本系统导出的年度目标和工作任务文件（缺少“%(sheets)s”工作表）。")
                % {"sheets": "”“".join([TARGET_SHEET, TASK_SHEET])}
            ]
        )
    if excel._elements(book, META_SHEET, counts) > MAX_META_ELEMENTS:
        raise ImportRefused([not_ours])
    meta = _meta(book[META_SHEET])
    if meta["kind"] != TEMPLATE_KIND:
        raise ImportRefused([not_ours])
    year = meta["year"]
    if year is None:
        raise ImportRefused([not_ours])
    limit = SHEET_BASE_ELEMENTS + SHEET_ROW_ELEMENTS * MAX_ROWS
    for title in (TARGET_SHEET, TASK_SHEET):
        if excel._elements(book, title, counts) > limit:
            raise ImportRefused(
                [
                    _(
                        "“%(sheet)s”工作表的内容过多（最多读取%(rows)d行），未读取。"
                        "请使用本系统导出的文件，不要粘贴大片内容或格式。"
                    )
                    % {"sheet": title, "rows": MAX_ROWS}
                ]
            )
    problems: list[str] = []
    target_rows = list(_table(book[TARGET_SHEET], TARGET_SHEET, TARGET_HEADERS, deadline, problems))
    task_rows = list(_table(book[TASK_SHEET], TASK_SHEET, TASK_HEADERS, deadline, problems))
    if problems:
        raise ImportRefused(problems)
    if not target_rows and not task_rows:
        raise ImportRefused([_("文件中没有任何年度目标或工作任务。")])
    stored_kinds = {
        code: kind
        for code, kind in Target.objects.filter(year=year).values_list("indicator__code", "kind")
    }
    ratio = {
        indicator.code: indicator.is_ratio
        for indicator in Indicator.objects.filter(
            code__in=[_text(cells[0]) for _line, cells in target_rows]
        )
    }
    stored_units = dict(Task.objects.filter(section__year=year).values_list("code", "unit__name"))
    return {
        "year": year,
        "targets": [_target_item(line, cells, stored_kinds, ratio) for line, cells in target_rows],
        "tasks": [_task_item(line, cells, stored_units) for line, cells in task_rows],
        "versions": meta["versions"],
    }


def _meta(sheet: Any) -> dict[str, Any]:
    """The _meta sheet: its kind, year and the exported rows' versions."""
    meta: dict[str, Any] = {"kind": None, "year": None, "versions": {"target": {}, "task": {}}}
    for line, cells in excel._sheet_rows(sheet, 3):
        if line > 2 + 2 * MAX_ROWS + 10:
            break
        values = {cell.column: cell.value for cell in cells}
        key = values.get(1)
        if key == "kind":
            meta["kind"] = values.get(2)
        elif key == "year":
            year = excel._cell_text(values.get(2))
            known = year.isascii() and year.isdigit() and len(year) == 4
            if known and periods.FIRST_YEAR <= int(year) <= periods.LAST_YEAR:
                meta["year"] = int(year)
        elif key in ("target", "task"):
            version = excel._cell_text(values.get(3))
            if version.isdigit():
                meta["versions"][key][excel._cell_text(values.get(2))] = int(version)
    return meta


def _table(
    sheet: Any, title: str, headers: list[str], deadline: float, problems: list[str]
) -> Iterator[tuple[int, list[Any]]]:
    """A sheet's filled rows below its header, each as its cells (None for an empty one), read
    streamed as the monthly import reads (excel._sheet_rows): a moved header, a formula, an
    over-long text or anything past MAX_ROWS rows is added to `problems`."""
    width = len(headers)
    last_read = HEADER_ROW + MAX_ROWS
    header_seen = False
    for count, (line, row) in enumerate(excel._sheet_rows(sheet, width), start=1):
        if count % 1000 == 0 and time.monotonic() > deadline:
            raise ImportRefused([_("文件内容过多，无法在规定时间内读完，未读取。")])
        if line > excel.LAST_ROW:
            continue
        cells: list[Any] = [None] * width
        for cell in row:
            cells[cell.column - 1] = cell
        empty = all(cell is None or excel._cell_text(cell.value) == "" for cell in cells)
        if line > last_read:
            if empty:
                continue
            problems.append(
                _("“%(sheet)s”第%(line)d行还有内容，超出了读取范围（最多%(rows)d行）。")
                % {"sheet": title, "line": line, "rows": MAX_ROWS}
            )
            return
        formulas = [
            column
            for column, cell in enumerate(cells, start=1)
            if cell is not None and excel._is_formula(cell)
        ]
        if formulas:
            problems += [
                _("“%(sheet)s”第%(line)d行“%(column)s”是公式。文件中不能有公式，请直接填写内容。")
                % {"sheet": title, "line": line, "column": headers[column - 1]}
                for column in formulas
            ]
            continue
        if line == HEADER_ROW:
            header_seen = True
            found = [excel._cell_text(cell.value if cell else None) for cell in cells]
            if found != headers:
                problems.append(
                    _(
                        "“%(sheet)s”第%(row)d行表头应为“%(expected)s”，实际为“%(actual)s”。"
                        "表头不能移动或改动。"
                    )
                    % {
                        "sheet": title,
                        "row": HEADER_ROW,
                        "expected": "、".join(headers),
                        "actual": "、".join(excel._short(text) for text in found),
                    }
                )
                return
            continue
        if line < HEADER_ROW or empty:
            continue
        long = [
            (column, len(cell.value))
            for column, cell in enumerate(cells, start=1)
            if cell is not None and isinstance(cell.value, str) and len(cell.value) > MAX_TEXT_CHARS
        ]
        if long:
            problems += [
                _(
                    "“%(sheet)s”第%(line)d行“%(column)s”内容过长（%(length)d个字符，最多%(limit)d个）。"
                )
                % {
                    "sheet": title,
                    "line": line,
                    "column": headers[column - 1],
                    "length": length,
                    "limit": MAX_TEXT_CHARS,
                }
                for column, length in long
            ]
            continue
        yield line, cells
    if not header_seen:
        problems.append(
            _("“%(sheet)s”第%(row)d行表头应为“%(expected)s”，实际为空。表头不能移动或改动。")
            % {"sheet": title, "row": HEADER_ROW, "expected": "、".join(headers)}
        )


def _text(cell: Any) -> str:
    return "" if cell is None else excel._unquoted(excel._cell_text(cell.value))


def _date_text(cell: Any) -> str:
    """A date cell as 2024-12-31; a text cell as typed (parsed later)."""
    if cell is None:
        return ""
    when = excel._cell_date(cell)
    if isinstance(when, datetime):
        return when.date().isoformat()
    if isinstance(when, date):
        return when.isoformat()
    return excel._cell_text(cell.value)


def _number_item(name: str, reading: excel.CellReading) -> dict[str, str]:
    return {name: reading.text, f"{name}_note": reading.note, f"{name}_error": reading.error}


def _target_item(
    line: int, cells: list[Any], stored_kinds: dict[str, str], ratio: dict[str, bool]
) -> dict[str, str]:
    code = _text(cells[0])
    kind = _kind(_text(cells[3]), Target.Kind) or stored_kinds.get(code)
    percent = kind == Target.Kind.GROWTH or ratio.get(code, False)
    return {
        "line": str(line),
        "code": code,
        "kind": _text(cells[3]),
        **_number_item(
            "value",
            excel._number_reading(
                cells[4], places=TARGET_PLACES, percent=percent, unit=_text(cells[2]) or "—"
            ),
        ),
        "wording": _text(cells[5]),
    }


def _task_item(
    line: int, cells: list[Any], stored_units: Mapping[str, str | None]
) -> dict[str, str]:
    code = _text(cells[0])
    unit_name = _text(cells[7]) or stored_units.get(code) or ""
    unit = units.by_name(unit_name) if unit_name else None
    return {
        "line": str(line),
        "code": code,
        "section": _text(cells[1]),
        "section_title": _text(cells[2]),
        "title": _text(cells[3]),
        "text": _text(cells[4]),
        "kind": _text(cells[5]),
        **_number_item(
            "quantity",
            excel._number_reading(
                cells[6],
                places=QUANTITY_PLACES,
                percent=bool(unit and unit.is_ratio),
                unit=unit_name or "—",
            ),
        ),
        "unit": _text(cells[7]),
        "at_least": _text(cells[8]),
        "deadline": _date_text(cells[9]),
        "office": _text(cells[10]),
        "leader": _text(cells[11]),
        "indicator": _text(cells[12]),
        "carried_from": _text(cells[13]),
    }


def _kind(text: str, choices: Any) -> str | None:
    """A type as written: its label (完成额（完成X）), the label's head (完成额) or its code."""
    for choice in choices:
        label = str(choice.label)
        if text in (label, label.split("（")[0], choice.value):
            return choice.value
    return None


def _kind_names(choices: Any) -> str:
    return "、".join(str(choice.label).split("（")[0] for choice in choices)


# --- the preview -------------------------------------------------------------------------------


TARGET_LABELS = {
    "kind": gettext_lazy("目标类型"),
    "value": gettext_lazy("目标值"),
    "wording": gettext_lazy("目标表述"),
}
TASK_LABELS = {
    "section": gettext_lazy("板块"),
    "title": gettext_lazy("任务"),
    "text": gettext_lazy("计划原文"),
    "kind": gettext_lazy("任务类型"),
    "quantity": gettext_lazy("目标数量"),
    "unit": gettext_lazy("单位"),
    "at_least": gettext_lazy("以上/余"),
    "deadline": gettext_lazy("完成时限"),
    "office": gettext_lazy("责任科室"),
    "leader": gettext_lazy("联系领导"),
    "indicator": gettext_lazy("关联指标"),
    "carried_from": gettext_lazy("结转自"),
}
# Which column of the sheet a field's error names.
TARGET_COLUMNS = {
    "indicator": T_CODE,
    "kind": T_KIND,
    "value": T_VALUE,
    "wording": T_WORDING,
}
TASK_COLUMNS = {
    "code": K_CODE,
    "section": K_SECTION,
    "title": K_TITLE,
    "text": K_TEXT,
    "kind": K_KIND,
    "quantity": K_QUANTITY,
    "unit": K_UNIT,
    "at_least": K_AT_LEAST,
    "deadline": K_DEADLINE,
    "office": K_OFFICE,
    "leader": K_LEADER,
    "indicator": K_INDICATOR,
    "carried_from": K_CARRIED,
}


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class PreviewRow:
    """One row of the file as the preview shows it, and the row it would save (`obj`)."""

    sheet: str
    line: int
    name: str
    obj: Any = None
    is_new: bool = False
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def change(self) -> str:
        if self.errors:
            return _("有错误")
        if self.is_new:
            return _("新增")
        return _("修改") if self.changes else _("不变")

    def error(self, column: str | None, message: str) -> None:
        if column:
            self.errors.append(
                _("“%(sheet)s”第%(line)d行“%(column)s”：%(message)s")
                % {"sheet": self.sheet, "line": self.line, "column": column, "message": message}
            )
        else:
            self.errors.append(
                _("“%(sheet)s”第%(line)d行：%(message)s")
                % {"sheet": self.sheet, "line": self.line, "message": message}
            )


@dataclass
class YearPreview:
    year: int
    sections: list[PlanSection]  # new sections the tasks name
    targets: list[PreviewRow]
    tasks: list[PreviewRow]
    pending: dict[str, Any]  # what the file said, kept in the session until confirmed

    @property
    def rows(self) -> list[PreviewRow]:
        return [*self.targets, *self.tasks]

    @property
    def errors(self) -> list[str]:
        return [error for row in self.rows for error in row.errors]

    @property
    def listed_errors(self) -> list[str]:
        return excel.list_errors(self.errors)

    def count(self, change: str) -> int:
        return sum(1 for row in self.rows if not row.errors and row.change == change)

    @property
    def summary(self) -> str:
        """新增x条，修改y条，不变z条 (and the new sections)."""
        text = _("新增%(created)d条，修改%(changed)d条，不变%(same)d条") % {
            "created": self.count(_("新增")),
            "changed": self.count(_("修改")),
            "same": self.count(_("不变")),
        }
        if self.sections:
            text += _("，新建板块%(count)d个") % {"count": len(self.sections)}
        return text

    @property
    def has_changes(self) -> bool:
        return any(row.is_new or row.changes for row in self.rows)


def build_preview(pending: dict[str, Any], *, lock: bool = False) -> YearPreview:
    """Check every row against the data (also on confirm, from the session; `lock` holds the
    year's rows for the transaction that saves them)."""
    year = pending["year"]
    targets = Target.objects.filter(year=year).select_related("indicator")
    tasks = Task.objects.select_related("section", "unit", "office", "indicator", "carried_from")
    if lock:
        targets = targets.select_for_update(of=("self",))
    codes = [item["code"] for item in pending["tasks"] if item["code"]]
    carried = [item["carried_from"] for item in pending["tasks"] if item["carried_from"]]
    task_query = tasks.filter(code__in=[*codes, *carried])
    if lock:
        task_query = task_query.select_for_update(of=("self",))
    world = _World(
        year=year,
        targets={target.indicator.code: target for target in targets},
        tasks={task.code: task for task in task_query},
        indicators={i.code: i for i in Indicator.objects.all()},
        offices=list(Office.objects.all()),
        sections={s.number: s for s in PlanSection.objects.filter(year=year)},
        versions=pending.get("versions") or {"target": {}, "task": {}},
    )
    seen: set[str] = set()
    target_rows = [world.target_row(item, seen) for item in pending["targets"]]
    seen = set()
    task_rows = [world.task_row(item, seen) for item in pending["tasks"]]
    return YearPreview(
        year=year,
        sections=list(world.new_sections.values()),
        targets=target_rows,
        tasks=task_rows,
        pending=pending,
    )


@dataclass
class _World:
    """The data a preview checks the file's rows against."""

    year: int
    targets: dict[str, Target]
    tasks: dict[str, Task]
    indicators: dict[str, Indicator]
    offices: list[Office]
    sections: dict[int, PlanSection]
    versions: dict[str, dict[str, int]]
    new_sections: dict[int, PlanSection] = field(default_factory=dict)

    def _stale(self, row: PreviewRow, kind: str, code: str, stored: Target | Task | None) -> None:
        """A row changed (or added) by someone since the export, which the file would change:
        refused, saying what happened to the row, by whom and when, and what to do."""
        exported = self.versions.get(kind, {}).get(code, 0)
        current = stored.version if stored is not None else 0
        if exported == current or not (row.changes or row.is_new):
            return
        if stored is None:
            happened = _("已被删除")
        else:
            happened = _changed_by(stored, exported, added=not exported)
        row.error(
            None,
            _("“%(name)s”在您导出文件后%(happened)s，为免覆盖，全部未导入。请重新导出后再修改。")
            % {"name": row.name, "happened": happened},
        )

    # --- 年度目标 ---

    def target_row(self, item: dict[str, str], seen: set[str]) -> PreviewRow:
        code = item["code"]
        indicator = self.indicators.get(code)
        row = PreviewRow(TARGET_SHEET, int(item["line"]), indicator.name if indicator else code)
        if not code:
            row.error(T_CODE, _("请填写指标代码。"))
            return row
        if indicator is None:
            row.error(T_CODE, _("指标“%(code)s”不存在。") % {"code": excel._short(code)})
            return row
        if code in seen:
            row.error(T_CODE, _("指标“%(code)s”重复。") % {"code": code})
            return row
        seen.add(code)
        stored = self.targets.get(code)
        target = stored or Target(indicator=indicator, year=self.year)
        row.obj, row.is_new = target, stored is None
        old = _target_values(target) if stored else None
        was = (target.kind or None, target.value, target.wording)
        kind = _kind(item["kind"], Target.Kind) if item["kind"] else target.kind or None
        if item["kind"] and kind is None:
            row.error(
                T_KIND,
                _("“%(text)s”不是目标类型，应为%(kinds)s之一。")
                % {"text": excel._short(item["kind"]), "kinds": _kind_names(Target.Kind)},
            )
        elif kind is None:
            row.error(T_KIND, _("请填写目标类型。"))
        else:
            target.kind = kind
        value = _number(row, T_VALUE, item, "value")
        if kind == Target.Kind.MILESTONE:
            if value is not None:
                row.error(T_VALUE, _("节点目标不填目标值。"))
            target.value = None
        elif value is not None:
            target.value = value
        elif stored is None and kind is not None and not item["value_error"]:
            row.error(T_VALUE, _("除节点目标外，目标值必须填写。"))
        # The wording follows a new type or value unless the admin wrote their own: a cell left
        # as exported (or blank) is worded anew (plans.status, as on 开启新年度).
        target.wording = status.edited_target_wording(
            indicator, was=was, kind=target.kind or None, value=target.value, typed=item["wording"]
        )
        if not row.errors:
            _clean(row, target, TARGET_COLUMNS, exclude=["indicator", "year"])
        if not row.errors:
            row.changes = _changes(old or NOTHING, _target_values(target), TARGET_LABELS)
        self._stale(row, "target", code, stored)
        return row

    # --- 工作任务 ---

    def task_row(self, item: dict[str, str], seen: set[str]) -> PreviewRow:
        code = item["code"]
        stored = self.tasks.get(code)
        if stored is not None and stored.section.year != self.year:
            stored_elsewhere, stored = stored, None
        else:
            stored_elsewhere = None
        row = PreviewRow(
            TASK_SHEET, int(item["line"]), item["title"] or (stored.title if stored else code)
        )
        if not code:
            row.error(K_CODE, _("请填写任务代码。"))
            return row
        if stored_elsewhere is not None:
            row.error(
                K_CODE,
                _("代码“%(code)s”已用于%(year)d年的任务，请换一个代码。")
                % {"code": code, "year": stored_elsewhere.section.year},
            )
            return row
        if code in seen:
            row.error(K_CODE, _("任务“%(code)s”重复。") % {"code": code})
            return row
        seen.add(code)
        task = stored or Task(code=code)
        row.obj, row.is_new = task, stored is None
        old = _task_values(task) if stored else None
        self._task_section(row, task, item, stored)
        for name, column in (("title", K_TITLE), ("text", K_TEXT)):
            if item[name]:
                setattr(task, name, item[name])
            elif stored is None:
                row.error(column, _("请填写%(column)s。") % {"column": column})
        kind = _kind(item["kind"], Task.Kind) if item["kind"] else task.kind or None
        if item["kind"] and kind is None:
            row.error(
                K_KIND,
                _("“%(text)s”不是任务类型，应为%(kinds)s之一。")
                % {"text": excel._short(item["kind"]), "kinds": _kind_names(Task.Kind)},
            )
        elif kind is None:
            row.error(K_KIND, _("请填写任务类型。"))
        else:
            task.kind = kind
        self._task_quantity(row, task, item, kind, stored)
        self._task_links(row, task, item, stored)
        if not row.errors:
            exclude: list[str] = ["section"] if task.section_id is None else []
            _clean(row, task, TASK_COLUMNS, exclude=exclude)
        if not row.errors:
            row.changes = _changes(old or NOTHING, _task_values(task), TASK_LABELS)
        self._stale(row, "task", code, stored)
        return row

    def _task_section(
        self, row: PreviewRow, task: Task, item: dict[str, str], stored: Task | None
    ) -> None:
        text, title = item["section"], item["section_title"]
        if not text:
            if stored is None:
                row.error(K_SECTION, _("请填写板块序号。"))
            return
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= 99:
            row.error(
                K_SECTION,
                _("“%(text)s”不是板块序号，应为1到99的整数。") % {"text": excel._short(text)},
            )
            return
        number = int(text)
        section = self.sections.get(number) or self.new_sections.get(number)
        if section is None:
            if not title:
                row.error(
                    K_SECTION_TITLE,
                    _("%(year)d年没有第%(number)d板块，新建板块请填写板块标题。")
                    % {"year": self.year, "number": number},
                )
                return
            section = self.new_sections[number] = PlanSection(
                year=self.year, number=number, title=title
            )
        elif title and title != section.title:
            row.error(
                K_SECTION_TITLE,
                _(
                    "第%(number)d板块的标题是“%(title)s”，与文件中的“%(text)s”不一致；板块标题请在系统中修改。"
                )
                % {"number": number, "title": section.title, "text": excel._short(title)},
            )
            return
        task.section = section

    def _task_quantity(
        self,
        row: PreviewRow,
        task: Task,
        item: dict[str, str],
        kind: str | None,
        stored: Task | None,
    ) -> None:
        unit = None
        if item["unit"]:
            unit = units.by_name(item["unit"])
            if unit is None:
                row.error(
                    K_UNIT,
                    _("没有名为“%(unit)s”的计量单位。") % {"unit": excel._short(item["unit"])},
                )
        quantity = _number(row, K_QUANTITY, item, "quantity")
        if item["at_least"]:
            if item["at_least"] in YES:
                task.at_least = True
            elif item["at_least"] in NO:
                task.at_least = False
            else:
                row.error(
                    K_AT_LEAST,
                    _("“%(text)s”应为“是”或“否”。") % {"text": excel._short(item["at_least"])},
                )
        if kind == Task.Kind.MILESTONE:
            if quantity is not None or unit is not None:
                row.error(K_QUANTITY, _("节点任务不填目标数量和单位。"))
            task.quantity, task.unit_id = None, None
            return
        if quantity is not None:
            task.quantity = quantity
        if unit is not None:
            task.unit_id = unit.pk
        if kind is not None and not item["quantity_error"]:
            if task.quantity is None:
                row.error(K_QUANTITY, _("数量任务必须填写目标数量。"))
            elif task.quantity < 0:
                row.error(K_QUANTITY, _("目标数量不能为负数。"))
            if task.unit_id is None and not item["unit"]:
                row.error(K_UNIT, _("数量任务必须填写单位。"))

    def _task_links(
        self, row: PreviewRow, task: Task, item: dict[str, str], stored: Task | None
    ) -> None:
        if item["deadline"]:
            deadline = _parse_date(item["deadline"])
            if deadline is None:
                row.error(
                    K_DEADLINE,
                    _("“%(text)s”不是有效的日期，应为如%(example)s的日期。")
                    % {
                        "text": excel._short(item["deadline"]),
                        "example": date(self.year, 12, 31).isoformat(),
                    },
                )
            else:
                task.deadline = deadline
        elif stored is None:
            row.error(K_DEADLINE, _("请填写完成时限。"))
        if item["office"]:
            office = next((o for o in self.offices if item["office"] in (o.name, o.code)), None)
            if office is None:
                row.error(
                    K_OFFICE,
                    _("没有名为“%(office)s”的科室。") % {"office": excel._short(item["office"])},
                )
            else:
                task.office = office
        elif stored is None:
            row.error(K_OFFICE, _("请填写责任科室。"))
        if item["leader"]:
            task.leader = item["leader"]
        if item["indicator"]:
            indicator = self.indicators.get(item["indicator"])
            if indicator is None:
                row.error(
                    K_INDICATOR,
                    _("指标“%(code)s”不存在。") % {"code": excel._short(item["indicator"])},
                )
            else:
                task.indicator = indicator
        if item["carried_from"]:
            origin = self.tasks.get(item["carried_from"])
            if origin is None or origin.section.year >= self.year:
                row.error(
                    K_CARRIED,
                    _("没有代码为“%(code)s”的往年任务。")
                    % {"code": excel._short(item["carried_from"])},
                )
            else:
                task.carried_from = origin


def _number(row: PreviewRow, column: str, item: dict[str, str], name: str) -> Decimal | None:
    """A number column as read (its note said on the row); None when blank or refused."""
    if item[f"{name}_error"]:
        row.error(column, item[f"{name}_error"])
        return None
    if item[f"{name}_note"]:
        row.notes.append(
            _("“%(column)s”：%(note)s") % {"column": column, "note": item[f"{name}_note"]}
        )
    if not item[name]:
        return None
    try:
        return parse_number(item[name])
    except ValidationError as exc:
        row.error(column, "；".join(exc.messages))
        return None


DATE_SEPARATORS = re.compile(r"[./年月]")


def _parse_date(text: str) -> date | None:
    """2024-12-31, 2024/12/31, 2024.12.31 or 2024年12月31日 (a time after it ignored)."""
    text = DATE_SEPARATORS.sub("-", text.strip().split(" ")[0]).removesuffix("日")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


def _clean(row: PreviewRow, obj: Any, columns: dict[str, str], exclude: list[str]) -> None:
    """The model's own checks (max lengths, 不少于 not negative, growth not under -100% …),
    each said on the row under its column."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                row.error(None if name == NON_FIELD_ERRORS else columns.get(name), message)


def _target_values(target: Target) -> dict[str, str]:
    return {
        "kind": str(target.get_kind_display()) if target.kind else "",
        "value": _plain(target.value),
        "wording": target.wording,
    }


def _task_values(task: Task) -> dict[str, str]:
    return {
        "section": str(task.section) if task.section_id or task.section else "",
        "title": task.title,
        "text": task.text,
        "kind": str(task.get_kind_display()) if task.kind else "",
        "quantity": _plain(task.quantity),
        "unit": task.unit_label,
        "at_least": str(_("是") if task.at_least else _("否")),
        "deadline": task.deadline.isoformat() if task.deadline else "",
        "office": task.office.name if task.office_id else "",
        "leader": task.leader,
        "indicator": task.indicator.name if task.indicator_id and task.indicator else "",
        "carried_from": str(task.carried_from.code)
        if task.carried_from_id and task.carried_from
        else "",
    }


NOTHING: dict[str, str] = {}  # a new row's values before: none


def _changed_by(stored: Target | Task, exported: int, *, added: bool) -> str:
    """已被张三于2024-10-15 09:30修改 (添加): the users of the history records after the
    exported version, and the time of the last; 他人 when nobody is recorded."""
    records = list(
        stored.history.filter(version__gt=exported)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    values = {
        "who": versioning.names(record.history_user for record in records),
        "when": timezone.localtime(records[-1].history_date).strftime("%Y-%m-%d %H:%M")
        if records
        else "",
    }
    if added:
        return _("已被%(who)s于%(when)s添加") % values if records else _("已被他人添加")
    return _("已被%(who)s于%(when)s修改") % values if records else _("已被他人修改")


def _changes(old: dict[str, str], new: dict[str, str], labels: dict[str, Any]) -> list[Change]:
    """The columns whose value the file changes (a new row: each it fills in)."""
    return [
        Change(str(labels[name]), old.get(name, ""), new[name])
        for name in labels
        if old.get(name, "") != new[name]
    ]


# --- confirming ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    created: int
    changed: int
    sections: int


def year_import_apply(*, pending: dict[str, Any], user: User, reason: str) -> Applied:
    """Save every row of a previewed file, or nothing: the rows are checked again with the
    year's rows held (a change made since the preview refuses the whole file). Each save is
    recorded in the rows' history under `user`, with `reason`."""
    if not permissions.can_plan_year(user):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return _apply(pending, user, reason)
    except IntegrityError as exc:  # a row added by someone else between the check and the save
        raise ImportRefused(
            [_("有目标或任务在预览后已被他人添加，全部未保存。请重新导出后再导入。")]
        ) from exc


def _apply(pending: dict[str, Any], user: User, reason: str) -> Applied:
    preview = build_preview(pending, lock=True)
    if preview.errors:
        raise ImportRefused(preview.errors)
    for section in preview.sections:
        _record(section, user, reason)
    created = changed = 0
    for row in preview.rows:
        if not (row.is_new or row.changes):
            continue
        if row.sheet == TASK_SHEET and row.is_new:
            row.obj.order = _next_order(row.obj.section)
        _record(row.obj, user, reason)
        created += row.is_new
        changed += not row.is_new
    return Applied(created=created, changed=changed, sections=len(preview.sections))


def _record(obj: Any, user: User, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def _next_order(section: PlanSection) -> int:
    """After the section's tasks: a new task goes to the end of its section."""
    last = Task.objects.filter(section=section).order_by("-order").values_list("order", flat=True)
    return (last.first() or 0) + 1


def plan_years() -> list[int]:
    """The years that have targets or plan sections, newest first."""
    years = set(Target.objects.values_list("year", flat=True).distinct())
    years |= set(PlanSection.objects.values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)
