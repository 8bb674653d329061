"""Excel in and out for monthly figures: the office template, its import, the year export.

The import reads only what the template wrote (a hidden sheet names the office and month);
anything else — not an xlsx, too large, merged or shifted headers, formulas, text in number
cells, unknown indicators — is refused with a Chinese message naming row and column, and
nothing is saved. Values go through the same FigureRowForm as the monthly report form.

An upload costs what the template costs, whatever it expands to: indicators/xlsx_check.py
checks the archive before anything is parsed (its parts, their uncompressed sizes and ratio,
their XML elements); the 月报 sheet may hold only so many elements more than the template's
rows need, and it is read streamed: only the rows its XML holds (never the empty rows between
them, nor up to the row its <dimension> claims), seven columns, as many rows as the template
has plus a margin; past those rows only empty cells are accepted. Every cell must be a value:
a formula anywhere in the read area refuses the file.

Cells are read as Excel stores and shows them (`read_number_cell`): a percent-formatted cell
is a percent (0.31 shown as 31% is 31), a float is taken at Excel's own 15 significant digits
or, failing that, as its number format shows it, and the row says so; text goes through the
same parse as a typed number; a date where a number is expected is refused by its date, and
the _meta sheet's month may be a date.
"""

from __future__ import annotations

import io
import math
import re
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as day_time
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._reader import WorkSheetParser

from accounts import permissions
from accounts.models import Office, User
from indicators import glossary, periods, selectors, xlsx_check
from indicators.forms import MAX_INTEGER_DIGITS, FigureRowForm, decimal_places, growth_text
from indicators.models import Category, Figure, Indicator
from xiage import spreadsheets
from xiage.downloads import XLSX_TYPE  # noqa: F401 (the import form names it)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# How far the sheets are read (the archive itself is checked first: indicators/xlsx_check.py).
MAX_META_ELEMENTS = 1_000  # the hidden _meta sheet (three rows)
SHEET_BASE_ELEMENTS = 10_000  # the 月报 sheet: this, and
SHEET_ROW_ELEMENTS = 40  # this for each indicator of the template
EXTRA_ROWS = 50  # rows read past the template's indicator rows (inserted blank lines etc.)
LAST_ROW = 1_048_576  # Excel's last row; nothing past it is read
MAX_CELL_CHARS = 500  # as long as a 情况说明 may be
MAX_LISTED_ERRORS = 50
READ_SECONDS = 10.0  # far under the worker timeout; the limits above keep a read near 1 s
META_SHEET = "_meta"
# The template's sheet name and header row are its file format, not wording: an import
# checks them as written, whatever the language of the page.
SHEET = "月报"
HEADER_ROW = 3
HEADERS = ["代码", "指标", "单位", "上期数", "本期数", "同比增长（%）", "情况说明"]
VALUE_COL, GROWTH_COL, NOTE_COL = 5, 6, 7
TEMPLATE_KIND = "xiage-monthly-report-v1"


class ImportRefused(Exception):
    """The whole file is refused; `errors` say why in Chinese (the first MAX_LISTED_ERRORS,
    then how many more). `subject` names the office and month once the file has told them."""

    def __init__(self, errors: list[str], subject: str = "") -> None:
        self.total = len(errors)
        self.errors = list_errors(errors)
        self.subject = subject
        super().__init__("; ".join(self.errors))

    @property
    def summary(self) -> str:
        """The first reason, and how many there are (for the security log)."""
        if self.total <= 1:
            return self.errors[0] if self.errors else ""
        return _("%(first)s（共%(count)d处错误）") % {"first": self.errors[0], "count": self.total}


def list_errors(errors: list[str]) -> list[str]:
    """The first MAX_LISTED_ERRORS errors, and a line counting the rest."""
    if len(errors) <= MAX_LISTED_ERRORS:
        return list(errors)
    rest = len(errors) - MAX_LISTED_ERRORS
    return [*errors[:MAX_LISTED_ERRORS], _("另有%(count)d处错误未列出。") % {"count": rest}]


def template_workbook(office: Office, year: int, month: int) -> bytes:
    """The office's indicators that report in the month (periods.reports_in: no 季报 row in
    October): the previous figure, and the input columns filled with the stored figure (a
    同比 marked 未公布 as "—", which the import reads back as 未公布), empty where none."""
    rows = [row for row in selectors.report_rows(office, year, month) if row.asked]
    book = spreadsheets.Book()
    sheet = book.sheet(
        SHEET,
        HEADERS,
        [26, 24, 8, 12, 14, 14, 30],
        freeze=f"A{HEADER_ROW + 1}",
        banner=_("%(office)s %(period)s 月报填报模板")
        % {"office": office.name, "period": periods.period_label(year, month)},
        notes=[
            _(
                "请在“本期数”“同比增长（%）”“情况说明”三列填写；"
                "不要改动表头、代码列，不要合并单元格或使用公式。"
            )
        ],
        header_fill="EEF4FF",
    )
    unlocked = Protection(locked=False)  # the three input columns
    for row in rows:
        figure = row.figure
        value = None
        growth: float | str | None = None
        note: Any = None
        if figure is not None:
            value = float(figure.value_display)
            if figure.growth is not None:
                growth = float(figure.growth)
            elif figure.growth_unpublished:
                growth = glossary.EMPTY  # "—", what a clerk types for 未公布
            note = sheet.text_cell(figure.note, protection=unlocked) if figure.note else None
        sheet.worksheet.append(
            [
                row.indicator.code,
                sheet.text_cell(row.indicator.name),
                row.indicator.unit_label,
                sheet.number(
                    row.previous.value_display, spreadsheets.decimals_format(row.indicator.decimals)
                )
                if row.previous is not None
                else None,
                sheet.cell(value, protection=unlocked),
                sheet.cell(growth, protection=unlocked),
                note or sheet.cell(None, protection=unlocked),
            ]
        )
    meta = book.plain_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append(["kind", TEMPLATE_KIND])
    meta.append(["office", office.code])
    meta.append(["period", periods.format_period(year, month)])
    # Each figure's version as the template shows it: an import from an old copy of the file
    # must not undo what someone saved after it was downloaded.
    meta.append(
        [
            "versions",
            ";".join(
                f"{row.indicator.code}={row.figure.version if row.figure else 0}" for row in rows
            ),
        ]
    )
    return book.save()


# The input columns, as the preview and its messages name them.
COLUMN_LABELS = {
    "value": gettext_lazy("本期数"),
    "growth": gettext_lazy("同比增长（%）"),
    "note": gettext_lazy("情况说明"),
}
CHANGE_LABELS = {
    "value": gettext_lazy("本期数"),
    "growth": gettext_lazy("同比增长"),
    "note": gettext_lazy("情况说明"),
}


@dataclass(frozen=True)
class ColumnChange:
    """One input column of an import row as the preview prints it: before, and from the file."""

    label: str
    old: str
    new: str
    changed: bool


@dataclass
class ImportRow:
    line: int
    form: FigureRowForm
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the file's cells were read
    item: dict[str, str] = field(default_factory=dict)  # what the file said

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
        return _("修改") if self.changed_parts else _("不变")

    @property
    def columns(self) -> list[ColumnChange]:
        """本期数, 同比增长（%） and 情况说明, each as stored and as the file has it (a row with
        errors: the file's text as it is), and whether the file changes it."""
        figure = self.form.row.figure
        decimals = self.indicator.decimals
        old = {"value": glossary.EMPTY, "growth": _growth_text(None), "note": ""}
        if figure is not None:
            old = {
                "value": glossary.published(figure.value, decimals),
                "growth": _growth_text(figure.growth, figure.growth_unpublished),
                "note": figure.note,
            }
        if self.errors:
            new = {name: self.item.get(name) or old[name] for name in old}
            changed = {name for name in old if new[name] != old[name]}
        else:
            data = self.form.cleaned_data
            value = data.get("value")
            new = {
                "value": glossary.published(value, decimals) if value is not None else old["value"],
                "growth": _growth_text(data.get("growth"), data.get("growth_unpublished", False)),
                "note": data.get("note") or "",
            }
            changed = (
                self._changed()
                if figure is not None
                else {name for name in old if new[name] != old[name]}
            )
        return [
            ColumnChange(str(label), old[name], new[name], name in changed)
            for name, label in COLUMN_LABELS.items()
        ]

    @property
    def changed_parts(self) -> list[str]:
        """Which of 本期数, 同比增长 and 情况说明 the file changes in a stored figure."""
        changed = self._changed()
        return [str(label) for name, label in CHANGE_LABELS.items() if name in changed]

    def _changed(self) -> set[str]:
        figure = self.form.row.figure
        if figure is None or self.errors:
            return set()
        data = self.form.cleaned_data
        changed = set()
        if data.get("value") is not None and data["value"] != figure.value:
            changed.add("value")
        unpublished = bool(figure.growth_unpublished)
        if (data.get("growth"), bool(data.get("growth_unpublished"))) != (
            figure.growth,
            unpublished,
        ):
            changed.add("growth")
        if (data.get("note") or "") != figure.note:
            changed.add("note")
        return changed


def _growth_text(growth: Decimal | None, unpublished: bool = False) -> str:
    """A growth as the preview prints it: as published, 未公布 when the row says so, and
    （空） when none is given (not "—", which is what a clerk types for 未公布)."""
    if growth is None:
        return str(glossary.NOT_PUBLISHED) if unpublished else _("（空）")
    return glossary.published(growth)


@dataclass
class ImportPreview:
    office: Office
    year: int
    month: int
    rows: list[ImportRow]
    raw: list[dict[str, str]]  # what the file said, kept in the session until confirmed

    @property
    def subject(self) -> str:
        """The office and month, as the security log names an import."""
        return f"{self.office.name} {periods.period_label(self.year, self.month)}"

    @property
    def errors(self) -> list[str]:
        return [error for row in self.rows for error in row.errors]

    @property
    def listed_errors(self) -> list[str]:
        """What the page lists above the rows: the first errors and a count of the rest."""
        return list_errors(self.errors)

    @property
    def warnings(self) -> list[str]:
        return [
            _("第%(line)d行 %(name)s：%(message)s")
            % {"line": row.line, "name": row.indicator.name, "message": message}
            for row in self.rows
            for message in row.form.warnings
        ]


def _cell_text(value: Any) -> str:
    """A cell's value as text: a number as stored, a date as 2023-09-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    if isinstance(value, datetime) and value.time() == day_time():
        return value.date().isoformat()
    if isinstance(value, date | day_time):
        return value.isoformat()
    return str(value).strip()


# --- cells as Excel stores them ----------------------------------------------------------------

EXCEL_DIGITS = 15  # Excel keeps, and shows anywhere, at most 15 significant digits
GENERAL_CHARACTERS = 11  # the General format shows a number in at most 11 characters
GROWTH_PLACES = 2  # a growth's decimals, as indicators.forms.check_growth allows
# Built-in number formats 27-36 and 50-58 are dates and times in the Chinese, Japanese and
# Korean editions of Excel (ECMA-376 Part 1, 18.8.30); openpyxl knows them only as General.
CJK_DATE_FORMAT_IDS = frozenset([*range(27, 37), *range(50, 59)])
# What a format code shows besides its digits: quoted text, escaped and padding characters,
# colours and locales in brackets.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')
_FORMAT_CONDITION = re.compile(r"\[\s*[<>=]")
_THOUSANDS_SCALED = re.compile(r"[0#?],+(?![0#?,])")


@dataclass(frozen=True)
class Display:
    """How a number format shows a number: as a percent (×100), with `places` decimals (None:
    General, at most 11 characters); `known` is False where the shown digits cannot be told
    from the code alone (scientific, fractions, scaled by thousands, conditions)."""

    percent: bool = False
    places: int | None = None
    known: bool = True


def number_display(code: str, negative: bool = False, zero: bool = False) -> Display:
    """The display of a number under an Excel number format code ('0.00', '#,##0.00',
    '0.0%', 'General', '[Red]-0.00;"—"' …), for a positive, negative or zero number."""
    if _FORMAT_CONDITION.search(code or ""):
        return Display(percent="%" in code, known=False)
    sections = _FORMAT_LITERALS.sub("", code or "").split(";")
    index = 2 if zero and len(sections) > 2 else 1 if negative and len(sections) > 1 else 0
    section = sections[index].strip()
    if not section or "general" in section.lower() or not re.search(r"[0#?]", section):
        return Display(percent="%" in section)  # General, text (@) or no digits at all
    percent = "%" in section
    if re.search(r"[eE][+-]", section) or "/" in section or _THOUSANDS_SCALED.search(section):
        return Display(percent=percent, known=False)
    decimals = re.search(r"\.([0#?]*)", section)
    return Display(percent=percent, places=len(decimals.group(1)) if decimals else 0)


def excel_precision(value: Decimal) -> Decimal:
    """A stored double as Excel keeps and shows it: 15 significant digits, trailing zeros
    dropped (44.669999999999995 → 44.67, 0.30000000000000004 → 0.3)."""
    if not value:
        return Decimal(0)
    quantum = Decimal(1).scaleb(value.adjusted() - EXCEL_DIGITS + 1)
    return _plain_decimal(value.quantize(quantum, rounding=ROUND_HALF_EVEN))


def displayed_value(value: Decimal, display: Display) -> Decimal | None:
    """The number a cell shows (already ×100 for a percent), rounded half away from zero as
    Excel rounds; None where the display cannot be told."""
    if not display.known:
        return None
    places = display.places
    if places is None:  # General: the integer digits, a sign and a point take their room
        digits = len(str(abs(int(value))))
        if digits >= GENERAL_CHARACTERS:
            return None  # shown in scientific notation
        places = max(0, GENERAL_CHARACTERS - 1 - digits - (1 if value < 0 else 0))
    return _plain_decimal(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _plain_decimal(value: Decimal) -> Decimal:
    """Without trailing zeros, never in exponent form (460300, not 4.603E+5)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


def _number_text(value: Decimal) -> str:
    return format(value, "f")


@dataclass(frozen=True)
class CellReading:
    """One number cell as read: `text` goes to the form as if typed; `note` says on the row
    how a stored number was read; `error` refuses the cell (the form's own messages aside)."""

    text: str
    note: str = ""
    error: str = ""


def read_number_cell(cell: Any, *, places: int, percent: bool, unit: str) -> CellReading:
    """A 本期数 or 同比增长 cell as Excel stores it.

    `places`: the decimals the column allows; `percent`: whether a percent is the column's own
    unit (a growth, or a figure in %), else a percent-formatted number is refused, naming
    `unit`. Text is passed on as typed. A number is taken at Excel's precision (15
    significant digits) when that fits `places`, else as its number format shows it when
    that fits, and the note says which; else the cell is refused with what it holds."""
    value = cell.value
    if value is None or isinstance(value, str):
        return CellReading(_cell_text(value))
    if getattr(cell, "data_type", "n") == "e":
        return CellReading(
            str(value), error=_("单元格是Excel的错误值“%(value)s”，应为数值。") % {"value": value}
        )
    when = _cell_date(cell)
    if when is not None:
        return CellReading(
            _cell_text(when),
            error=_(
                "单元格是日期或时间（%(date)s），应为数值；请把单元格格式改为“常规”后重新填写。"
            )
            % {"date": _cell_text(when)},
        )
    if isinstance(value, bool):
        return CellReading(str(value))
    if isinstance(value, float) and not math.isfinite(value):
        return CellReading(str(value), error=_("单元格中的数无法读取，应为数值。"))
    stored = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if stored.adjusted() >= MAX_INTEGER_DIGITS:
        return CellReading(_cell_text(value), error=_("数值过大。"))
    display = number_display(cell.number_format, negative=stored < 0, zero=not stored)
    scale, sign = (100, "%") if display.percent else (1, "")
    number = stored * scale
    stored_text = _number_text(_plain_decimal(number)) + sign
    precise = excel_precision(number)
    shown = displayed_value(precise, display)
    shown_text = _number_text(shown if shown is not None else precise) + sign
    if display.percent and not percent:
        return CellReading(
            _number_text(precise),
            error=_(
                "单元格是百分数格式（显示为%(shown)s），但该指标的单位是%(unit)s；"
                "请去掉百分数格式，填写以%(unit)s计的数值。"
            )
            % {"shown": shown_text, "unit": unit},
        )
    if decimal_places(precise) <= places:
        read = precise
    elif shown is not None and decimal_places(shown) <= places:
        read = shown
    elif precise == number and shown in (None, precise):
        return CellReading(_number_text(precise))  # shown as stored: refused as if typed
    else:
        return CellReading(
            _number_text(precise), error=_too_many_places(stored_text, shown_text, precise, places)
        )
    read_text = _number_text(read)
    note = ""
    if shown is not None and read != shown:
        note = _("单元格显示为%(shown)s，存储值为%(stored)s，按%(read)s读取") % {
            "shown": shown_text,
            "stored": stored_text,
            "read": read_text,
        }
    elif read != number:
        note = _("单元格存储值为%(stored)s，按显示值%(shown)s读取") % {
            "stored": stored_text,
            "shown": read_text + sign,
        }
    return CellReading(read_text, note=note)


def _too_many_places(stored: str, shown: str, precise: Decimal, places: int) -> str:
    """A number whose display, too, has more decimals than allowed: what the cell holds, the
    digits past the allowed places, what is expected."""
    fraction = _number_text(precise).partition(".")[2]
    extra = fraction[places:]
    held = (
        stored
        if stored == shown
        else _("%(stored)s（显示为%(shown)s）")
        % {
            "stored": stored,
            "shown": shown,
        }
    )
    if places == 0:
        return _("单元格存储值为%(held)s，小数部分“%(extra)s”多余；应为整数。") % {
            "held": held,
            "extra": extra,
        }
    return _(
        "单元格存储值为%(held)s，小数点后第%(first)d位起的“%(extra)s”超出了%(places)d位小数；"
        "请填写最多%(places)d位小数的数值。"
    ) % {"held": held, "first": places + 1, "extra": extra, "places": places}


def _cell_date(cell: Any) -> date | datetime | day_time | timedelta | None:
    """The date or time a cell holds: one openpyxl read as such, or a serial number under
    one of the built-in date formats of the Chinese edition of Excel."""
    value = cell.value
    if isinstance(value, date | datetime | day_time | timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        try:
            format_id = cell.style_array.numFmtId
        except (AttributeError, IndexError):
            return None
        if format_id in CJK_DATE_FORMAT_IDS:
            try:
                return from_excel(value, cell.parent.parent.epoch)
            except (OverflowError, ValueError):
                return None
    return None


def _sheet_rows(sheet: Any, max_column: int) -> Iterator[tuple[int, list[Any]]]:
    """The rows the sheet's XML holds, in its order, with their cells up to `max_column`.

    openpyxl's iter_rows makes up every row missing between two rows (and, after the last,
    up to the row the sheet's <dimension> claims): one formatted cell at row 1,048,576 of a
    7 KB file is a million rows. Its sheet parser (the one iter_rows uses) yields only the
    rows there are, so a read costs what the file holds, which check_archive has bounded."""
    book = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=False,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for line, cells in parser.parse():
            yield (
                line,
                [ReadOnlyCell(sheet, **cell) for cell in cells if cell["column"] <= max_column],
            )


def read_upload(upload: Any, user: User) -> ImportPreview:
    """Check and read an uploaded file; raise ImportRefused for anything not importable."""
    name = getattr(upload, "name", "") or ""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportRefused([_("文件过大（超过2MB）。请使用本系统下载的模板。")])
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if not name.lower().endswith(".xlsx") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRefused([_("文件不是Excel（.xlsx）文件。请使用本系统下载的模板。")])
    try:
        counts = xlsx_check.check_archive(data)
    except xlsx_check.ArchiveRefused as exc:
        raise ImportRefused([exc.message]) from exc
    deadline = time.monotonic() + READ_SECONDS
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused([_("无法读取该Excel文件，文件可能已损坏。")]) from exc
    try:
        return _read_book(book, user, counts, deadline)
    except READ_ERRORS as exc:  # a damaged part shows only when its rows are read
        raise ImportRefused([_("无法读取该Excel文件，文件可能已损坏。")]) from exc
    finally:
        book.close()


# What openpyxl raises for broken XML (SyntaxError: ElementTree's ParseError), a shared-string
# index out of range, a bad date serial, a truncated or corrupt part.
READ_ERRORS = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    SyntaxError,
    OverflowError,
    EOFError,
    OSError,
    zlib.error,
    zipfile.BadZipFile,
)


def _elements(book: Any, title: str, counts: dict[str, int]) -> int:
    """The XML elements of one sheet, as check_archive counted them (all of the largest part,
    should openpyxl ever stop telling a read-only sheet's part)."""
    path = getattr(book[title], "_worksheet_path", None)
    return counts[path] if path in counts else max(counts.values(), default=0)


def _read_book(book: Any, user: User, counts: dict[str, int], deadline: float) -> ImportPreview:
    if SHEET not in book.sheetnames or META_SHEET not in book.sheetnames:
        raise ImportRefused([_("不是本系统下载的月报模板（缺少“月报”工作表）。")])
    if _elements(book, META_SHEET, counts) > MAX_META_ELEMENTS:
        raise ImportRefused([_("不是本系统下载的月报模板。")])
    meta = _meta(book[META_SHEET])
    if meta.get("kind") != TEMPLATE_KIND:
        raise ImportRefused([_("不是本系统下载的月报模板。")])
    office = permissions.writable_offices(user).filter(code=str(meta.get("office"))).first()
    if office is None:
        raise ImportRefused([_("您无权导入该模板所属科室的数据，或科室不存在。")])
    try:
        year, month = periods.parse_period(_period_text(meta.get("period")))
    except periods.PeriodError as exc:
        raise ImportRefused([str(exc)]) from exc
    subject = f"{office.name} {periods.period_label(year, month)}"  # as ImportPreview.subject
    if periods.is_future(year, month):
        raise ImportRefused([_("不能导入未来月份的数据。")], subject)
    by_code = {row.indicator.code: row for row in selectors.report_rows(office, year, month)}
    indicators = len(by_code)
    if _elements(book, SHEET, counts) > SHEET_BASE_ELEMENTS + SHEET_ROW_ELEMENTS * indicators:
        raise ImportRefused(
            [
                _(
                    "“月报”工作表的内容远多于模板（模板有%(count)d个指标），"
                    "不是本系统的模板，未读取。请使用原模板，不要粘贴大片内容或格式。"
                )
                % {"count": indicators}
            ],
            subject,
        )
    try:
        return _read_sheet(book[SHEET], office, year, month, by_code, deadline, _versions(meta))
    except ImportRefused as exc:
        exc.subject = subject
        raise


META_ROWS = 10  # the _meta sheet's rows read (it has four)


def _meta(sheet: Any) -> dict[str, Any]:
    """{key: value} of the _meta sheet's first rows; a date-formatted value as its date."""
    meta: dict[str, Any] = {}
    for line, cells in _sheet_rows(sheet, 2):
        if line > META_ROWS:
            break
        by_column = {cell.column: cell for cell in cells}
        key = by_column.get(1)
        if key is not None and isinstance(key.value, str):
            value = by_column.get(2)
            meta[key.value] = None if value is None else _cell_date(value) or value.value
    return meta


def _period_text(value: Any) -> str:
    """The template's month as text for periods.parse_period. The month is the _meta sheet's
    (the banner only shows it); Excel makes a date of a retyped 2023-09, which is read as
    that month (its day ignored)."""
    if isinstance(value, date):  # a datetime too
        return periods.format_period(value.year, value.month)
    return _cell_text(value)


COLUMN_NAMES = dict(enumerate(HEADERS, start=1))


def _formula_message(line: int, column: int) -> str:
    if column in (VALUE_COL, GROWTH_COL):
        return _("第%(line)d行“%(column)s”是公式，请填写数值。") % {
            "line": line,
            "column": COLUMN_NAMES[column],
        }
    if line > HEADER_ROW:
        return _("第%(line)d行“%(column)s”是公式。文件中不能有公式，请直接填写内容。") % {
            "line": line,
            "column": COLUMN_NAMES[column],
        }
    return _("单元格%(cell)s是公式。文件中不能有公式，请使用原模板。") % {
        "cell": f"{get_column_letter(column)}{line}"
    }


def _short(text: str, length: int = 30) -> str:
    """A cell's text as a message quotes it."""
    return text if len(text) <= length else text[:length] + "…"


def _is_formula(cell: Any) -> bool:
    value = cell.value
    return getattr(cell, "data_type", None) == "f" or (
        isinstance(value, str) and value.startswith("=")
    )


def _read_sheet(
    sheet: Any,
    office: Office,
    year: int,
    month: int,
    by_code: dict[str, Any],
    deadline: float,
    versions: dict[str, str],
) -> ImportPreview:
    """Read the 月报 sheet streamed: the rows its XML holds, in its seven columns, as far as
    the template's rows plus EXTRA_ROWS. Past that only emptiness is accepted: reading stops
    at the first value."""
    last_read = HEADER_ROW + len(by_code) + EXTRA_ROWS
    problems: list[str] = []
    raw: list[dict[str, str]] = []
    seen: set[str] = set()
    header: list[str] = []
    for count, (line, row) in enumerate(_sheet_rows(sheet, NOTE_COL), start=1):
        if count % 1000 == 0 and time.monotonic() > deadline:
            raise ImportRefused([_("文件内容过多，无法在规定时间内读完，未读取。请使用原模板。")])
        if line > LAST_ROW:
            continue
        cells: list[Any] = [None] * NOTE_COL
        for cell in row:
            cells[cell.column - 1] = cell
        if line > last_read:
            if all(cell is None or _cell_text(cell.value) == "" for cell in cells):
                continue
            problems.append(
                _(
                    "第%(line)d行还有内容，超出了模板的范围（模板有%(count)d个指标，"
                    "读到第%(last)d行为止）。请使用原模板，不要在表格下方添加内容。"
                )
                % {"line": line, "count": len(by_code), "last": last_read}
            )
            break
        formulas = [
            column
            for column, cell in enumerate(cells, start=1)
            if cell is not None and _is_formula(cell)
        ]
        problems += [_formula_message(line, column) for column in formulas]
        values = [
            cell.value if cell is not None and not _is_formula(cell) else None for cell in cells
        ]
        if line == HEADER_ROW:
            header = [_cell_text(value) for value in values[: len(HEADERS)]]
            if header != HEADERS:
                raise ImportRefused(
                    [
                        _(
                            "第%(row)d行表头应为“%(expected)s”，实际为“%(actual)s”。"
                            "表头不能移动或改动。"
                        )
                        % {
                            "row": HEADER_ROW,
                            "expected": "、".join(HEADERS),
                            "actual": "、".join(_short(text) for text in header),
                        }
                    ]
                )
        if line <= HEADER_ROW or (
            not formulas and all(v is None or _cell_text(v) == "" for v in values)
        ):
            continue
        long = [
            (column, len(value))
            for column, value in enumerate(values, start=1)
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS
        ]
        if long:
            problems += [
                _("第%(line)d行“%(column)s”内容过长（%(length)d个字符，最多%(limit)d个）。")
                % {
                    "line": line,
                    "column": COLUMN_NAMES[column],
                    "length": length,
                    "limit": MAX_CELL_CHARS,
                }
                for column, length in long
            ]
            continue
        code = _cell_text(values[0])
        if 1 in formulas:
            continue  # said above; the code is not known
        if code not in by_code:
            problems.append(
                _("第%(line)d行：代码“%(code)s”不是%(office)s的指标。")
                % {"line": line, "code": _short(code), "office": office.name}
            )
            continue
        if code in seen:
            problems.append(_("第%(line)d行：指标“%(code)s”重复。") % {"line": line, "code": code})
            continue
        seen.add(code)
        indicator = by_code[code].indicator
        number = {
            "value": _number_reading(
                cells[VALUE_COL - 1],
                places=indicator.decimals,
                percent=indicator.is_ratio,
                unit=indicator.unit_label,
            ),
            "growth": _number_reading(
                cells[GROWTH_COL - 1], places=GROWTH_PLACES, percent=True, unit="%"
            ),
        }
        raw.append(
            {
                "line": str(line),
                "code": code,
                "value": number["value"].text,
                "growth": number["growth"].text,
                "note": _unquoted(_cell_text(values[NOTE_COL - 1])),
                # The version the downloaded template showed; a template without them (made
                # before versions were written) is checked against the figures as they are now.
                "version": versions.get(code)
                or str(by_code[code].figure.version if by_code[code].figure else 0),
                # How a stored number was read, or why it is refused (build_preview shows them).
                **{f"{name}_note": reading.note for name, reading in number.items()},
                **{f"{name}_error": reading.error for name, reading in number.items()},
            }
        )
    if not header:
        raise ImportRefused(
            [
                _("第%(row)d行表头应为“%(expected)s”，实际为空。表头不能移动或改动。")
                % {"row": HEADER_ROW, "expected": "、".join(HEADERS)}
            ]
        )
    if problems:
        raise ImportRefused(problems)
    if not raw:
        raise ImportRefused([_("模板中没有任何指标行。")])
    return build_preview(office, year, month, raw)


def _number_reading(cell: Any, *, places: int, percent: bool, unit: str) -> CellReading:
    """A number column's cell (None: absent, or a formula, said elsewhere) as read."""
    if cell is None or _is_formula(cell):
        return CellReading("")
    return read_number_cell(cell, places=places, percent=percent, unit=unit)


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
        value, growth = item["value"], item["growth"]
        if not value and figure is not None:
            # A blank 本期数 leaves the figure as it is: its value, and its 同比 unless one is
            # typed (a row left wholly blank changes nothing).
            value = format(figure.value_display, "f")
            if not growth:
                growth = growth_text(figure)
        form = FigureRowForm(
            data={
                "value": value,
                "growth": growth,
                "note": item["note"] if item["note"] or figure is None else figure.note,
                "version": item.get("version") or str(figure.version if figure else 0),
            },
            row=report_row,
            month=month,
        )
        # A cell refused as read (a date, a percent where the unit is not %, decimals hidden
        # by its format) is said as read; the form's message for that column would not say it.
        found = {column: list(messages) for column, messages in form.errors.items()}
        for column in ("value", "growth"):
            if item.get(f"{column}_error"):
                found[column] = [item[f"{column}_error"]]
        errors = [
            _("第%(line)s行“%(label)s”（%(name)s）：%(message)s")
            % {
                "line": item["line"],
                "label": COLUMN_LABELS.get(column, column),
                "name": report_row.indicator.name,
                "message": message,
            }
            for column in [*COLUMN_LABELS, *(c for c in found if c not in COLUMN_LABELS)]
            for message in found.get(column, [])
        ]
        notes = [
            _("“%(label)s”：%(note)s") % {"label": COLUMN_LABELS[column], "note": item[key]}
            for column in ("value", "growth")
            if item.get(key := f"{column}_note") and not item.get(f"{column}_error")
        ]
        rows.append(
            ImportRow(line=int(item["line"]), form=form, errors=errors, notes=notes, item=item)
        )
    return ImportPreview(office=office, year=year, month=month, rows=rows, raw=raw)


YEAR_HEADERS = [
    gettext_lazy("指标"),
    gettext_lazy("单位"),
    gettext_lazy("地点"),
    gettext_lazy("期间"),
    gettext_lazy("本期数"),
    gettext_lazy("同比增长（%）"),
    gettext_lazy("公布完成率（%）"),
    gettext_lazy("责任科室"),
    gettext_lazy("标记"),
    gettext_lazy("情况说明"),
]
YEAR_WIDTHS = [24, 8, 10, 14, 12, 12, 12, 12, 10, 30]


def year_workbook(user: User, year: int) -> bytes:
    """All town and village figures of a year the user may read: one sheet per category.

    Streamed: the figures come as plain values (one query, no model objects), each indicator's
    name, unit and decimals are looked up once, and rows go straight to a write-only book."""
    figures = (
        permissions.scope_to_offices(Figure.objects.all(), user, "indicator__office")
        .filter(year=year)
        .order_by("indicator__office__order", "indicator__order", "place__order", "month")
        .values_list(
            "indicator_id",
            "place__name",
            "month",
            "value",
            "growth",
            "reported_completion_rate",
            "is_demo",
            "is_revised",
            "note",
        )
    )
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(
            pk__in=figures.values("indicator_id")
        ).select_related("office")
    }
    quantum = {pk: Decimal(1).scaleb(-i.decimals) for pk, i in indicators.items()}
    # Each number shown as the pages print it: a figure with its indicator's decimals, a
    # published growth or completion rate with the decimals it was published with.
    value_formats = {pk: spreadsheets.decimals_format(i.decimals) for pk, i in indicators.items()}
    units = {pk: i.unit_label for pk, i in indicators.items()}
    categories = {
        pk: str(Category(i.category).label).replace("/", "、") for pk, i in indicators.items()
    }
    labels: dict[tuple[int, int], str] = {}  # (indicator, month): 期间
    book = spreadsheets.Book()
    sheets: dict[str, spreadsheets.Sheet] = {}
    marks = {
        (False, False): "",
        (True, False): _("演示数据"),
        (False, True): _("已修订"),
        (True, True): _("演示数据、已修订"),
    }
    for pk, place, month, value, growth, rate, is_demo, is_revised, note in figures.iterator(
        chunk_size=5000
    ):
        indicator = indicators[pk]
        category = categories[pk]
        sheet = sheets.get(category)
        if sheet is None:  # category labels are fixed, safe titles
            sheet = sheets[category] = book.sheet(category, YEAR_HEADERS, YEAR_WIDTHS, freeze="A2")
        label = labels.get((pk, month))
        if label is None:
            label = labels[pk, month] = periods.period_label(
                year, month, cumulative=indicator.is_cumulative
            )
        sheet.append(
            [
                indicator.name,
                units[pk],
                place,
                label,
                sheet.number(value.quantize(quantum[pk]), value_formats[pk]),  # value_display
                _published(sheet, growth),
                _published(sheet, rate),
                indicator.office.name,
                marks[is_demo, is_revised],
                note,
            ]
        )
    if not sheets:
        book.plain_sheet(_("说明"), YEAR_WIDTHS).append(
            [_("%(year)d年没有可导出的数据。") % {"year": year}]
        )
    return book.save()


def _published(sheet: spreadsheets.Sheet, value: Decimal | None) -> Any:
    """A published growth or rate, a number shown with the decimals it was published with
    (31.3, stored as 31.30), as indicators.glossary.published writes it."""
    if value is None:
        return None
    return sheet.number(value, spreadsheets.decimals_format(glossary.published_places(value)))


def _unquoted(text: str) -> str:
    """A note as written, without the ' that templates of an earlier version put before text
    beginning with + - or @ (so that Excel would not take it for a formula)."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("+", "-", "@") else text


def _versions(meta: dict) -> dict[str, str]:
    """{code: version} from the template's _meta sheet (older templates have none)."""
    text = meta.get("versions")
    if not isinstance(text, str):
        return {}
    pairs = (part.split("=", 1) for part in text.split(";") if "=" in part)
    return {code: version for code, version in pairs if version.isdigit()}
