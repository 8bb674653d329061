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
        growth, official = row.growth
        result.append(
            [
                safe_text(row.indicator.name),
                row.indicator.unit_label,
                row.period_label,
                row.value,
                growth,
                str(glossary.GROWTH_PUBLISHED if official else glossary.GROWTH_COMPUTED)
                if growth is not None
                else "",
                safe_text(row.target_label),
                row.progress.completion_rate,
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


WIDTHS = [22, 8, 14, 12, 12, 9, 16, 11, 11, 12, 12, 12, 10]


def number_formats(row: IndicatorRow) -> dict[int, str]:
    """{column: number format} of a row's numbers, as the page prints them (dashboard.tables):
    本期数 with the indicator's decimals, a published growth with the decimals it was
    published with (31.3) and a computed one with two, 完成率 and 时序进度 with two, the
    points with their sign (+7.61)."""
    growth, official = row.growth
    return {
        _column(glossary.FIGURE): spreadsheets.decimals_format(row.indicator.decimals),
        _column(glossary.GROWTH_PCT): spreadsheets.decimals_format(
            glossary.published_places(growth)
        )
        if official and growth is not None
        else spreadsheets.TWO_PLACES,
        _column(glossary.COMPLETION_PCT): spreadsheets.TWO_PLACES,
        _column(glossary.TIME_PROGRESS_PCT): spreadsheets.TWO_PLACES,
        _column(glossary.GAP_PTS): spreadsheets.POINTS,
    }


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
