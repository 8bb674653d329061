"""The 经济指标完成情况表: sorted and paged in Python, printed by a plain template loop.

django-tables2 built it before; for a page of 30 rows it cost more than the rest of the table's
work together (bound rows, columns and a template of its own per cell), and added nothing the
page uses beyond sorting links and paging, which are written out here.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from dashboard.selectors import IndicatorRow
from indicators import glossary
from xiage.paging import MAX_PER_PAGE, bounded_int

SORT_FIELD = "sort"
PAGE_FIELD = "page"
PER_PAGE_FIELD = "per_page"


def _escaped(value: Any) -> str:
    """conditional_escape's text without its lazy wrapper (a third of a cell's time): what
    is marked safe as it is, anything else through html.escape, as Django's escape does."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _number(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.{places}f}"


def _named(row: IndicatorRow) -> str:
    """The name cell (_name), and the figure's own period when it is earlier than the
    table's: 地区生产总值 2026年1-9月（季报） in October's table."""
    if not row.period_note:
        return _name(row)
    return format_html('{}<span class="tag period">{}</span>', _name(row), row.period_note)


def _name(row: IndicatorRow) -> str:
    url = reverse("dashboard:indicator", args=[row.indicator.code])
    marks = format_html_join(
        "",
        '<span class="tag {}">{}</span>',
        ((mark.css, mark.label) for mark in row.mark_tags),
    )
    return format_html('<a href="{}">{}</a>{}', url, row.indicator.name, marks)


def _growth(row: IndicatorRow) -> str:
    """The 同比 as printed everywhere (IndicatorRow.growth_text); a computed one with what its
    mark means on hover."""
    text = row.growth_text(grouped=True)
    shown = row.year_on_year
    if shown is None or not shown.computed:
        return text
    mark = str(glossary.COMPUTED_MARK)  # the mark set apart (muted), the number as any other
    return format_html(
        '{}<span class="computed" title="{}">{}</span>',
        text.removesuffix(mark),
        glossary.COMPUTED_NOTE,
        mark,
    )


def _gap(row: IndicatorRow) -> str:
    return glossary.signed_points(row.progress.gap)


@dataclass(frozen=True)
class Column:
    name: str
    label: Any  # a lazy translation
    cell: Callable[[IndicatorRow], str]
    sort_key: Callable[[IndicatorRow], Any] | None = None  # None: not sortable
    numeric: bool = False

    @property
    def css(self) -> str:
        return f"col-{self.name}{' num' if self.numeric else ''}"


# Each cell names its column (col-status …), so a narrow screen can bring 状态 next to the
# indicator's name (static/css/dashboard.css).
COLUMNS = [
    Column("name", _("指标"), _named, lambda row: row.indicator.name),
    Column("unit", _("单位"), lambda row: row.indicator.unit_label),
    Column(
        "value",
        glossary.FIGURE,
        lambda row: glossary.published(row.value, row.indicator.decimals, grouped=True),
        lambda row: row.value,
        numeric=True,
    ),
    Column("growth", glossary.GROWTH_PCT, _growth, lambda row: row.growth_value, numeric=True),
    Column("target", glossary.TARGET, lambda row: row.target_label or "—"),
    Column(
        "completion",
        glossary.COMPLETION_PCT,
        lambda row: row.progress.completion_cell,
        lambda row: row.progress.completion_rate,
        numeric=True,
    ),
    Column(
        "time_progress",
        glossary.TIME_PROGRESS_PCT,
        lambda row: _number(row.progress.time_progress),
        lambda row: row.progress.time_progress,
        numeric=True,
    ),
    Column("gap", glossary.GAP_PTS, _gap, lambda row: row.progress.gap, numeric=True),
    Column(
        "status",
        glossary.STATUS,
        lambda row: format_html(
            '<span class="status {}">{}</span>', row.progress.tone, row.progress.label
        ),
        lambda row: row.progress.label,
    ),
    Column(
        "office",
        glossary.OFFICE,
        lambda row: row.indicator.office.name,
        lambda row: row.indicator.office.name,
    ),
]


def _growth_change(row: IndicatorRow) -> str:
    """增速较上期变化 (+3.2), with the previous period's 同比 it is taken from on hover."""
    change, before = row.growth_change, row.previous_year_on_year
    if change is None or before is None:
        return glossary.EMPTY
    note = str(glossary.PREVIOUS_GROWTH) % {
        "period": row.previous_label,
        "growth": glossary.growth_text(before.value, official=before.official, percent=True),
    }
    return format_html(
        '<span title="{}">{}</span>', note, glossary.signed_change(change.points, change.places)
    )


# The columns a reader may add (?cols=prev,delta, or ?cols=prev&cols=delta from the page's
# checkboxes; off unless asked for), each placed after the column it explains.
EXTRA_FIELD = "cols"
EXTRA_COLUMNS = {
    "prev": (
        "value",
        Column(
            "prev",
            glossary.LAST_YEAR_FIGURE,
            lambda row: glossary.published(
                row.last_year_value, row.indicator.decimals, grouped=True
            ),
            lambda row: row.last_year_value,
            numeric=True,
        ),
    ),
    "delta": (
        "growth",
        Column(
            "delta",
            glossary.GROWTH_CHANGE_PTS,
            _growth_change,
            lambda row: row.growth_change.points if row.growth_change else None,
            numeric=True,
        ),
    ),
}
BY_NAME = {column.name: column for column in COLUMNS}


def extra_columns(query: QueryDict) -> tuple[str, ...]:
    """The added columns the query asks for (?cols=prev,delta or repeated ?cols=), in the
    table's order; anything else in ?cols= is ignored."""
    asked: set[str] = set()
    for value in query.getlist(EXTRA_FIELD):
        asked.update(part.strip() for part in str(value).split(","))
    return tuple(name for name in EXTRA_COLUMNS if name in asked)


def columns_for(extras: tuple[str, ...]) -> list[Column]:
    """The table's columns with the added ones after the columns they explain."""
    columns = []
    for column in COLUMNS:
        columns.append(column)
        columns.extend(
            EXTRA_COLUMNS[name][1] for name in extras if EXTRA_COLUMNS[name][0] == column.name
        )
    return columns


@dataclass(frozen=True)
class Header:
    column: Column
    href: str  # "" when the column does not sort
    direction: str  # "asc" / "desc" when the table is sorted by it, else ""

    @property
    def css(self) -> str:
        classes = [f"col-{self.column.name}"]
        if self.href:
            classes.append("orderable")
        if self.direction:
            classes.append(self.direction)
        return " ".join(classes)


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the gap between page numbers
    href: str
    current: bool = False


@dataclass
class IndicatorTable:
    """Every row (`data`, sorted) and the page shown (`rows`, each a list of (class, html))."""

    data: list[IndicatorRow]
    page: Page
    headers: list[Header]
    rows: list[tuple[IndicatorRow, SafeString]]  # (row, its <td> cells)
    pages: list[PageLink]
    previous: str
    next: str


def _sorted(rows: list[IndicatorRow], order_by: str) -> tuple[list[IndicatorRow], str, str]:
    """Rows sorted by ?sort= (a column's name, '-' before it for descending; empty values
    lowest); (rows, column name, 'asc'/'desc'), or the rows as they came for any other value."""
    name = order_by.removeprefix("-")
    column = BY_NAME.get(name) or next(
        (extra for _after, extra in EXTRA_COLUMNS.values() if extra.name == name), None
    )
    if column is None or column.sort_key is None:
        return rows, "", ""
    key = column.sort_key
    descending = order_by.startswith("-")

    def empty_lowest(row: IndicatorRow) -> tuple[bool, Any]:
        value = key(row)
        return (value is not None, value if value is not None else 0)

    return (
        sorted(rows, key=empty_lowest, reverse=descending),
        name,
        ("desc" if descending else "asc"),
    )


def with_params(query: QueryDict, **changes: object) -> str:
    """'?…': the query with some parameters set (None drops one)."""
    query = query.copy()
    for field, value in changes.items():
        if value is None:
            query.pop(field, None)
        else:
            query[field] = str(value)
    return "?" + query.urlencode()


def _page_numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 13: the first, the last and a window around the current page."""
    if last <= 10:
        return list(range(1, last + 1))
    shown = {1, last, *range(max(1, current - 3), min(last, current + 3) + 1)}
    numbers: list[int | None] = []
    for number in sorted(shown):
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def indicator_table(rows: list[IndicatorRow], query: QueryDict, *, per_page: int) -> IndicatorTable:
    """The table for a request's ?sort=, ?page= and ?per_page= (each clamped to a sensible
    value: a page past the end shows the last page)."""
    data, sorted_by, direction = _sorted(rows, query.get(SORT_FIELD, "").strip())
    columns = columns_for(extra_columns(query))
    size = bounded_int(query.get(PER_PAGE_FIELD), default=per_page, lowest=1, highest=MAX_PER_PAGE)
    number = bounded_int(query.get(PAGE_FIELD), default=1, lowest=1, highest=10**9)
    paginator = Paginator(data, size)
    page = paginator.page(min(number, paginator.num_pages))
    headers = []
    for column in columns:
        href, shown = "", ""
        if column.sort_key is not None:
            shown = direction if column.name == sorted_by else ""
            next_sort = f"-{column.name}" if shown == "asc" else column.name
            href = with_params(query, **{SORT_FIELD: next_sort, PAGE_FIELD: None})
        headers.append(Header(column, href, shown))
    # Each row's cells written here (escaped as the template would): a loop over 300 cells
    # in the template cost more than building them.
    cells = [
        (
            row,
            mark_safe(
                "".join(
                    f'<td class="{_escaped(column.css)}">{_escaped(column.cell(row))}</td>'
                    for column in columns
                )
            ),
        )
        for row in page.object_list
    ]
    pages = []
    if paginator.num_pages > 1:
        for n in _page_numbers(page.number, paginator.num_pages):
            if n is None:
                pages.append(PageLink(None, ""))
            else:
                pages.append(PageLink(n, with_params(query, **{PAGE_FIELD: n}), n == page.number))
    return IndicatorTable(
        data=data,
        page=page,
        headers=headers,
        rows=cells,
        pages=pages,
        previous=with_params(query, **{PAGE_FIELD: page.number - 1}) if page.has_previous() else "",
        next=with_params(query, **{PAGE_FIELD: page.number + 1}) if page.has_next() else "",
    )
