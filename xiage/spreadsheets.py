"""Writing xlsx files: every download and the import template go through here.

The workbook is openpyxl's write-only (streaming) kind: rows are written as they come and
never kept as cell objects, so a sheet of ten thousand rows costs its values and no more. A
sheet is declared with its headers, column widths and frozen pane; text cells are made safe
(safe_text) on the way in; a number is written with the number format of how the pages print
it (Sheet.number: a figure with its indicator's decimals, rates and points with two).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from xiage.downloads import XLSX_TYPE

__all__ = [
    "POINTS",
    "TWO_PLACES",
    "XLSX_TYPE",
    "Book",
    "Sheet",
    "decimals_format",
    "safe_row",
    "safe_text",
]

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)


def decimals_format(places: int) -> str:
    """Excel's number format for a number written with `places` decimals, digits grouped as the
    pages group them: 0 → '#,##0', 2 → '#,##0.00'. The value stays a number; only its display
    is fixed (Excel's General would show 29.10 as 29.1 and 75.00 as 75)."""
    return "#,##0" + ("." + "0" * places if places > 0 else "")


# Rates (完成率, 时序进度, a computed growth): two decimals. Points (超/落后序时): two decimals
# with their sign, as the page writes them (+7.61 / -25.00 / 0.00).
TWO_PLACES = decimals_format(2)
POINTS = "+0.00;-0.00;0.00"


def safe_text(text: str) -> str:
    """Text safe for a spreadsheet cell: control characters (which xlsx cannot hold, e.g. a
    vertical tab pasted from Word) become spaces, and = + - @ get a leading ' so that the
    cell is never run as a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub(" ", text)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def safe_row(values: Iterable[Any]) -> list:
    """A spreadsheet row with every text cell made safe (see safe_text)."""
    return [safe_text(v) if isinstance(v, str) else v for v in values]


class Sheet:
    """One streamed worksheet: a title line and notes above the header if asked for, the bold
    header row, then the rows appended."""

    def __init__(
        self,
        book: Book,
        title: str,
        headers: Sequence[Any],  # text, or lazy translations
        widths: Sequence[float],
        freeze: str | None = None,
        banner: str | None = None,
        notes: Sequence[str] = (),
        header_fill: str | None = None,
    ) -> None:
        self.worksheet = book.workbook.create_sheet(str(title)[:31])
        for column, width in enumerate(widths, start=1):
            self.worksheet.column_dimensions[get_column_letter(column)].width = width
        if freeze:
            self.worksheet.freeze_panes = freeze
        if banner is not None:
            self.worksheet.append([self.cell(safe_text(banner), font=TITLE)])
        for note in notes:
            self.worksheet.append([note])
        fill = PatternFill("solid", fgColor=header_fill) if header_fill else None
        self.worksheet.append([self.cell(str(text), font=BOLD, fill=fill) for text in headers])

    def cell(self, value: Any, **style: Any) -> WriteOnlyCell:
        """A cell with a style (font, fill, protection, …) to put in a row."""
        cell = WriteOnlyCell(self.worksheet, value=value)
        for name, setting in style.items():
            if setting is not None:
                setattr(cell, name, setting)
        return cell

    def number(self, value: Any, number_format: str) -> WriteOnlyCell | None:
        """A number (kept a number: a Decimal goes in as a float) shown with `number_format`
        (decimals_format, TWO_PLACES, POINTS); None for no value, an empty cell."""
        if value is None:
            return None
        return self.cell(float(value), number_format=number_format)

    def text_cell(self, text: str, **style: Any) -> WriteOnlyCell:
        """Text stored as text whatever it begins with (a string with Excel's quote prefix):
        never run as a formula, and read back exactly as written."""
        cell = self.cell(ILLEGAL_CHARACTERS_RE.sub(" ", text), quotePrefix=True, **style)
        cell.data_type = "s"
        return cell

    def append(self, values: Iterable[Any]) -> None:
        """A row of values; text is made safe (cells made with cell() go in as they are)."""
        self.worksheet.append(safe_row(values))

    def append_rows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.worksheet.append(safe_row(values))


class Book:
    """A streamed workbook; `sheet()` adds a sheet, `save()` gives the file's bytes."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)

    def sheet(
        self, title: str, headers: Sequence[Any], widths: Sequence[float], **kwargs: Any
    ) -> Sheet:
        return Sheet(self, title, headers, widths, **kwargs)

    def plain_sheet(self, title: str, widths: Sequence[float] = ()) -> Any:
        """A sheet without a header row (a note, a hidden sheet of settings)."""
        worksheet = self.workbook.create_sheet(title[:31])
        for column, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(column)].width = width
        return worksheet

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()
