"""CSV and XLSX downloads of the indicator table, numbers as numbers.

A text cell starting with = + - @ is prefixed with ' so that a spreadsheet never runs it
as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext

from dashboard.selectors import IndicatorRow
from indicators import glossary
from xiage import spreadsheets
from xiage.downloads import attachment
from xiage.spreadsheets import safe_text

# The glossary's words (indicators.glossary), as on the page and in the briefing.
HEADERS = [
    glossary.INDICATOR,
    glossary.UNIT,
    glossary.PERIOD,
    glossary.FIGURE,
    glossary.GROWTH_PCT,
    glossary.GROWTH_SOURCE,
    glossary.TARGET,
    glossary.COMPLETION_PCT,
    glossary.COMPLETION_SOURCE,
    glossary.TIME_PROGRESS_PCT,
    glossary.GAP_PTS,
    glossary.STATUS,
    glossary.OFFICE,
    glossary.MARKS,
]
Cell = str | Decimal | None


def table_rows(rows: Sequence[IndicatorRow]) -> list[list[Cell]]:
    result = []
    for row in rows:
        shown = row.year_on_year
        result.append(
            [
                safe_text(row.indicator.name),
                row.indicator.unit_label,
                row.period_label,
                row.value,
                shown.value if shown else None,
                glossary.growth_source(shown.value, official=shown.official, points=shown.points)
                if shown
                else "",
                safe_text(row.target_label),
                row.progress.completion_rate,
                str(glossary.GROWTH_PUBLISHED) if row.progress.completion_is_published else "",
                row.progress.time_progress,
                row.progress.gap,
                row.progress.label,
                safe_text(row.indicator.office.name),
                "、".join(row.marks),
            ]
        )
    return result


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 31.30 → 31.3, as the bureau writes it
    return value


def csv_response(rows: Sequence[IndicatorRow], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for values in table_rows(rows):
        writer.writerow([_csv_cell(value) for value in values])
    # The BOM lets Excel open the file as UTF-8 and show the Chinese.
    body = "\ufeff" + buffer.getvalue()
    return attachment(body.encode("utf-8"), filename)


WIDTHS = [22, 8, 14, 12, 12, 9, 16, 11, 9, 11, 12, 12, 12, 10]


def number_formats(row: IndicatorRow) -> dict[int, str]:
    """{column: number format} of a row's numbers, as the page prints them (dashboard.tables):
    本期数 with the indicator's decimals, a published growth with the decimals it was
    published with (31.3) and a computed one with two (a rate indicator's change worded
    提高2.10个百分点), 完成率 and 时序进度 with two (a published 完成率 shown
    93.63（公布）), the points with their sign (+7.61)."""
    shown = row.year_on_year
    growth = shown.value if shown else None
    if shown is not None and shown.official and growth is not None:
        growth_format = spreadsheets.decimals_format(glossary.published_places(growth))
    else:
        growth_format = spreadsheets.TWO_PLACES
    if shown is not None and shown.points:
        growth_format = _points_format(growth_format)
    completion_format = spreadsheets.TWO_PLACES
    if row.progress.completion_is_published:
        completion_format = _suffixed(completion_format, str(glossary.PUBLISHED_MARK))
    return {
        _column(glossary.FIGURE): spreadsheets.decimals_format(row.indicator.decimals),
        _column(glossary.GROWTH_PCT): growth_format,
        _column(glossary.COMPLETION_PCT): completion_format,
        _column(glossary.TIME_PROGRESS_PCT): spreadsheets.TWO_PLACES,
        _column(glossary.GAP_PTS): spreadsheets.POINTS,
    }


def _suffixed(number_format: str, text: str) -> str:
    """A number format that writes `text` after the number, in each of its sections:
    '#,##0.00' → '#,##0.00"（公布）"'. The cell stays a number."""
    quoted = '"' + text.replace('"', "") + '"'
    return ";".join(section + quoted for section in number_format.split(";"))


def _points_format(number: str) -> str:
    """Excel's format for a rate indicator's change, worded as the page words it
    (glossary.points_change): "提高"#,##0.00"个百分点";"降低"#,##0.00"个百分点";"持平"."""
    marker = "\x00"
    sections = [glossary.points_change(Decimal(sign), marker) for sign in (1, -1, 0)]
    return ";".join('"' + text.replace(marker, '"' + number + '"') + '"' for text in sections)


def _column(term: object) -> int:
    """The column (from 0) of a glossary term in HEADERS."""
    return next(index for index, header in enumerate(HEADERS) if header is term)


def xlsx_response(rows: Sequence[IndicatorRow], filename: str, title: str) -> HttpResponse:
    book = spreadsheets.Book()
    sheet = book.sheet(gettext("经济指标"), HEADERS, WIDTHS, freeze="B3", banner=title)
    for row, values in zip(rows, table_rows(rows), strict=True):
        formats = number_formats(row)
        sheet.append(
            [
                sheet.number(value, formats[column]) if column in formats else value
                for column, value in enumerate(values)
            ]
        )
    return attachment(book.save(), filename)
