"""The indicator page's 各年走势: one line per year over the months 1-12, and its facts as a
table. Pure functions on dashboard.year_selectors' output, no queries (as dashboard.charts)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

from dashboard.charts import (
    COLOURS,
    ChartTable,
    Figure,
    _axis,
    _figure,
    _hover,
    _layout,
    _month_labels,
    _numbers,
    _shown,
    _year,
    label,
)
from dashboard.year_selectors import YearsView
from indicators.models import Indicator

MONTHS = list(range(1, 13))
# The latest year in the dashboard's colour for this year; earlier ones in colours that fade.
OLDER_COLOURS = ["#1849a9", "#12b76a", "#f79009", "#7a5af8", "#98a2b3", "#0e9384"]


def _title(indicator: Indicator) -> str:
    return gettext("%(name)s（%(unit)s）各年走势") % {
        "name": indicator.name,
        "unit": indicator.unit_label,
    }


def _colour(index_from_latest: int) -> str:
    if index_from_latest == 0:
        return COLOURS["this"]
    return OLDER_COLOURS[(index_from_latest - 1) % len(OLDER_COLOURS)]


def year_lines(indicator: Indicator, view: YearsView) -> Figure:
    """A line per chosen year: the year's town figures by month (x: 1月 … 12月); a month
    without a figure is left out and the line joins the months it has."""
    figure = _figure(_layout(label(_title(indicator))))
    years = view.chosen_years
    for position, year in enumerate(years):
        values = view.series.get(year, {})
        name = _year(year)
        figure["data"].append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label(name),
                "x": _month_labels(MONTHS),
                "y": _numbers([values.get(month) for month in MONTHS]),
                "connectgaps": True,
                "line": {"color": _colour(len(years) - 1 - position)},
                "hovertemplate": _hover(indicator, name),
            }
        )
    _axis(figure, "yaxis", tickformat=",", rangemode="tozero", gridcolor="#eaecf0")
    return figure


def year_lines_table(indicator: Indicator, view: YearsView) -> ChartTable:
    """The chart's lines month by month, a column a year; months with no figure in any of the
    years are left out."""
    places = Decimal(1).scaleb(-indicator.decimals)
    years = view.chosen_years
    rows = [
        (
            month_label,
            [_shown(view.series.get(year, {}).get(month), places) for year in years],
        )
        for month, month_label in zip(MONTHS, _month_labels(MONTHS), strict=True)
        if any(month in view.series.get(year, {}) for year in years)
    ]
    return ChartTable(_title(indicator), [gettext("月份"), *(_year(y) for y in years)], rows)
