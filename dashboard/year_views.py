"""The indicator page's 各年同期对比 (its context) and the 分村数据 page with its Excel file.

Both are read under the indicator page's own rule: every signed-in person who may open the
indicator (scope_to_offices), and the Excel file under the rule of every export of figures
(can_read_office_data)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.http import SignedInRequest
from accounts.permissions import (
    can_read_dashboard,
    can_read_office_data,
    permission,
    scope_to_offices,
)
from dashboard import year_charts, year_selectors
from dashboard.exports import _points_format
from dashboard.year_selectors import VillageRow, VillagesView
from indicators import glossary, periods
from indicators.models import Indicator, Place
from xiage import spreadsheets
from xiage.downloads import attachment

# --- the indicator page's 各年同期对比 ------------------------------------------------------------


def years_context(request: HttpRequest, indicator: Indicator) -> dict[str, Any]:
    """What the indicator page shows of every year: the table of the chosen period (?month=)
    across the years, the chart of the chosen years (?years=) and its pickers, and whether a
    link to the 分村数据 page is offered (the indicator is reported by villages)."""
    view = year_selectors.years_side_by_side(
        indicator, request.GET.get("month"), request.GET.getlist("years")
    )
    context: dict[str, Any] = {
        "years_view": view,
        "has_villages": indicator.places.filter(level=Place.Level.VILLAGE).exists(),
    }
    if view is None:
        return context
    # Years and months as text: a number in a template would be grouped (2,024).
    context["years_months"] = [
        (str(month), year_selectors.month_text(month, indicator.is_cumulative), month == view.month)
        for month in view.months
    ]
    context["years_picks"] = [(str(year), year in view.chosen_years) for year in view.years]
    context["years_chart"] = year_charts.year_lines(indicator, view)
    context["years_chart_table"] = year_charts.year_lines_table(indicator, view)
    return context


# --- 分村数据 ------------------------------------------------------------------------------------

SORT_FIELD = "sort"


class VillageTable(tables.Table):
    """Every village of the period, sortable by each column (?sort=rank, ?sort=-value); a
    village without a figure (未填报) stays below those with one whichever way a column is
    sorted. The cells are the rows' own texts (glossary's writing), never formatted here."""

    name = tables.Column(verbose_name=gettext_lazy("行政村"), order_by=("order",))
    value = tables.Column(
        verbose_name=glossary.FIGURE,
        empty_values=(),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    growth = tables.Column(
        verbose_name=glossary.GROWTH_PCT,
        empty_values=(),
        attrs={"td": {"class": "num growth"}, "th": {"class": "num"}},
    )
    share = tables.Column(
        verbose_name=gettext_lazy("占全镇比重（%）"),
        empty_values=(),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    rank = tables.Column(
        verbose_name=gettext_lazy("排名"),
        empty_values=(),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )

    class Meta:
        template_name = "django_tables2/table.html"
        attrs = {"class": "data-table"}
        order_by_field = SORT_FIELD
        empty_text = gettext_lazy("没有行政村。")

    # The order of the rows: django-tables2's, then every village without the column's value
    # after those with one (a stable sort keeps the column's order among each).
    @property
    def order_by(self) -> Any:
        return self._order_by

    @order_by.setter
    def order_by(self, value: Any) -> None:
        tables.Table.order_by.fset(self, value)
        columns = [alias.lstrip("-") for alias in self._order_by]
        if columns and columns[0] in ("value", "growth", "share", "rank"):
            self.data.data.sort(key=lambda row: getattr(row, columns[0]) is None)

    def render_value(self, record: VillageRow) -> str:
        return record.value_text

    def render_growth(self, record: VillageRow) -> str:
        return record.growth_text

    def render_share(self, record: VillageRow) -> str:
        return glossary.two_places(record.share)

    def render_rank(self, record: VillageRow) -> str:
        return str(record.rank) if record.rank is not None else glossary.EMPTY


def _village_period(request: HttpRequest, indicator: Indicator) -> tuple[int, int, str]:
    return periods.period_from_query(
        request.GET, lambda: year_selectors.latest_village_period(indicator)
    )


@permission(can_read_dashboard)
def indicator_villages(request: SignedInRequest, code: str) -> HttpResponse:
    """分村数据: the indicator's figure of each village for one period (?period=YYYY-MM, by
    default the latest with a village figure), sortable, and as Excel (?_export=xlsx)."""
    indicator = get_object_or_404(
        scope_to_offices(Indicator.objects.select_related("office", "unit"), request.user),
        code=code,
    )
    year, month, period_error = _village_period(request, indicator)
    view = year_selectors.villages(indicator, year, month)
    table = VillageTable(view.rows)
    tables.RequestConfig(request, paginate=False).configure(table)
    if request.GET.get("_export") == "xlsx":
        if not can_read_office_data(request.user):
            raise PermissionDenied
        return _xlsx(request, indicator, view, [row.record for row in table.rows])
    return render(
        request,
        "dashboard/indicator_villages.html",
        {
            "indicator": indicator,
            "view": view,
            "table": table,
            "period_value": periods.format_period(year, month),
            "period_error": period_error,
            "sort_value": request.GET.get(SORT_FIELD, ""),
            "can_export": can_read_office_data(request.user),
            # The download keeps the period and the order the page shows.
            "export_query": _export_query(request),
        },
    )


def _export_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["_export"] = "xlsx"
    return query.urlencode()


HEADERS = [
    gettext_lazy("行政村"),
    glossary.FIGURE,
    glossary.GROWTH_PCT,
    glossary.GROWTH_SOURCE,
    gettext_lazy("占全镇比重（%）"),
    gettext_lazy("排名"),
    glossary.MARKS,
]
WIDTHS = [16, 14, 14, 10, 14, 8, 10]


def _growth_format(row: VillageRow) -> str:
    """As the dashboard's Excel writes a 同比 (dashboard.exports.number_formats): a published
    one with its own decimals, a computed one with two, a rate's change in points worded."""
    shown = row.year_on_year
    if shown is not None and shown.official and shown.value is not None:
        number = spreadsheets.decimals_format(glossary.published_places(shown.value))
    else:
        number = spreadsheets.TWO_PLACES
    return _points_format(number) if shown is not None and shown.points else number


def _xlsx(
    request: HttpRequest, indicator: Indicator, view: VillagesView, rows: list[VillageRow]
) -> HttpResponse:
    name = _("%(name)s分村数据_%(period)s.xlsx") % {
        "name": indicator.name,
        "period": periods.format_period(view.year, view.month),
    }
    audit.record(audit.Action.EXPORT, request=request, obj=name, detail=request.GET.urlencode())
    title = _("%(name)s（%(unit)s）分村数据（%(period)s）") % {
        "name": indicator.name,
        "unit": indicator.unit_label,
        "period": view.label,
    }
    book = spreadsheets.Book()
    sheet = book.sheet(_("分村数据"), HEADERS, WIDTHS, freeze="B3", banner=title)
    figure_format = spreadsheets.decimals_format(indicator.decimals)
    for row in rows:
        sheet.append(
            [
                row.name,
                sheet.number(row.value, figure_format)
                if row.value is not None
                else str(glossary.NOT_FILLED),
                sheet.number(row.growth, _growth_format(row)),
                row.growth_source,
                sheet.number(row.share, spreadsheets.TWO_PLACES),
                sheet.number(row.rank, "0"),
                str(glossary.DEMO_DATA) if row.is_demo else "",
            ]
        )
    if view.total is not None:  # the page's 全镇合计 line, under the villages
        source = _("（各村合计）") if view.total_is_sum else _("（全镇数）")
        sheet.append(
            [str(_("全镇合计")) + str(source), sheet.number(view.total, figure_format)]
            + [None] * (len(HEADERS) - 2)
        )
    return attachment(book.save(), name)
