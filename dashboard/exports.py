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
# The columns a reader may add to the table (dashboard.tables.EXTRA_COLUMNS), exported when
# shown: each after the column it comes after, with its width.
EXTRA_HEADERS = {
    "prev": (glossary.FIGURE, glossary.LAST_YEAR_FIGURE, 12),
    "delta": (glossary.GROWTH_SOURCE, glossary.GROWTH_CHANGE_PTS, 14),
}


def headers(extras: Sequence[str] = ()) -> list:
    """HEADERS with the added columns `extras` asks for."""
    result = []
    for header in HEADERS:
        result.append(header)
        result.extend(EXTRA_HEADERS[name][1] for name in extras if EXTRA_HEADERS[name][0] is header)
    return result


def _extra_cells(row: IndicatorRow) -> dict[object, Cell]:
    change = row.growth_change
    return {
        glossary.LAST_YEAR_FIGURE: row.last_year_value,
        glossary.GROWTH_CHANGE_PTS: change.points if change else None,
    }


def table_rows(rows: Sequence[IndicatorRow], extras: Sequence[str] = ()) -> list[list[Cell]]:
    result = []
    shown_headers = headers(extras)
    for row in rows:
        values = _base_cells(row)
        if extras:
            added = _extra_cells(row)
            base = iter(values)
            values = [added[h] if h in added else next(base) for h in shown_headers]
        result.append(values)
    return result


def _base_cells(row: IndicatorRow) -> list[Cell]:
    shown = row.year_on_year
    return [
        safe_text(row.indicator.name),
        row.indicator.unit_label,
        row.period_label,
        row.value,
        shown.value if shown else None,
        glossary.shown_growth_source(shown),
        safe_text(row.target_label),
        row.progress.completion_rate,
        str(glossary.GROWTH_PUBLISHED) if row.progress.completion_is_published else "",
        row.progress.time_progress,
        row.progress.gap,
        row.progress.label,
        safe_text(row.indicator.office.name),
        "、".join(row.marks),
    ]


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 31.30 → 31.3, as the bureau writes it
    return value


def csv_response(
    rows: Sequence[IndicatorRow], filename: str, extras: Sequence[str] = ()
) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(extras))
    for values in table_rows(rows, extras):
        writer.writerow([_csv_cell(value) for value in values])
    # The BOM lets Excel open the file as UTF-8 and show the Chinese.
    body = "\ufeff" + buffer.getvalue()
    return attachment(body.encode("utf-8"), filename)


WIDTHS = [22, 8, 14, 12, 12, 9, 16, 11, 9, 11, 12, 12, 12, 10]


def number_formats(row: IndicatorRow, extras: Sequence[str] = ()) -> dict[int, str]:
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
    shown_headers = headers(extras)
    formats = {
        _column(glossary.FIGURE, shown_headers): spreadsheets.decimals_format(
            row.indicator.decimals
        ),
        _column(glossary.GROWTH_PCT, shown_headers): growth_format,
        _column(glossary.COMPLETION_PCT, shown_headers): completion_format,
        _column(glossary.TIME_PROGRESS_PCT, shown_headers): spreadsheets.TWO_PLACES,
        _column(glossary.GAP_PTS, shown_headers): spreadsheets.POINTS,
    }
    # The added columns: 上年同期 as 本期数, the change in points signed with its decimals.
    if "prev" in extras:
        formats[_column(glossary.LAST_YEAR_FIGURE, shown_headers)] = spreadsheets.decimals_format(
            row.indicator.decimals
        )
    if "delta" in extras:
        change = row.growth_change
        places = spreadsheets.decimals_format(change.places if change else 2).removeprefix("#,##")
        formats[_column(glossary.GROWTH_CHANGE_PTS, shown_headers)] = (
            f"+{places};-{places};{places}"
        )
    return formats


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


def _column(term: object, shown: Sequence[object] = HEADERS) -> int:
    """The column (from 0) of a glossary term in HEADERS (or the headers `shown`)."""
    return next(index for index, header in enumerate(shown) if header is term)


def xlsx_response(
    rows: Sequence[IndicatorRow], filename: str, title: str, extras: Sequence[str] = ()
) -> HttpResponse:
    book = spreadsheets.Book()
    widths = list(WIDTHS)
    for name in extras:  # each added column's width, where headers() puts it
        _after, term, width = EXTRA_HEADERS[name]
        widths.insert(_column(term, headers(extras)), width)
    sheet = book.sheet(gettext("经济指标"), headers(extras), widths, freeze="B3", banner=title)
    for row, values in zip(rows, table_rows(rows, extras), strict=True):
        formats = number_formats(row, extras)
        sheet.append(
            [
                sheet.number(value, formats[column]) if column in formats else value
                for column, value in enumerate(values)
            ]
        )
    return attachment(book.save(), filename)
