"""Reads for the indicators app, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from accounts.models import Office
from indicators import metrics, periods
from indicators.models import Figure, Indicator, Place


def town() -> Place:
    return Place.objects.get(level=Place.Level.TOWN)


@dataclass
class ReportRow:
    """One line of the monthly report form: an indicator with the figures beside it."""

    indicator: Indicator
    figure: Figure | None
    previous: Figure | None  # the figure before this one that the form compares with
    last_year: Figure | None  # the same month a year earlier

    @property
    def last_year_value(self) -> Decimal | None:
        return self.last_year.value if self.last_year else None

    @property
    def growth_shown(self) -> tuple[Decimal | None, bool]:
        if self.figure is None:
            return None, False
        return metrics.shown_growth(self.figure.growth, self.figure.value, self.last_year_value)

    @property
    def increment(self) -> Decimal | None:
        """This month's own amount, for a year-to-date indicator."""
        if self.figure is None or not self.indicator.is_cumulative:
            return None
        previous = self.previous
        return metrics.monthly_increment(
            self.figure.month,
            self.figure.value,
            previous.value if previous else None,
            previous.month if previous else None,
        )


def previous_period_for(indicator: Indicator, year: int, month: int) -> tuple[int, int] | None:
    """The period a figure is compared with month on month; cumulative figures stay in-year."""
    prev_year, prev_month = periods.previous_month(year, month)
    if indicator.is_cumulative and prev_year != year:
        return None
    return prev_year, prev_month


def report_rows(office: Office, year: int, month: int) -> list[ReportRow]:
    """All active indicators of an office with this period's, last month's and last year's
    town figures: two queries whatever the number of indicators or months stored."""
    indicators = list(Indicator.objects.active().filter(office=office).order_by("order", "id"))
    prev_year, prev_month = periods.previous_month(year, month)
    figures = (
        Figure.objects.select_related("updated_by")
        .filter(
            indicator__in=[indicator.pk for indicator in indicators],
            place__level=Place.Level.TOWN,
        )
        .filter(
            Q(year=year, month=month)
            | Q(year=prev_year, month=prev_month)
            | Q(year=year - 1, month=month)
        )
    )
    indicators_by_id = {indicator.pk: indicator for indicator in indicators}
    by_key = {}
    for figure in figures:
        figure.indicator = indicators_by_id[figure.indicator_id]  # no query per row
        by_key[(figure.indicator_id, figure.year, figure.month)] = figure
    rows = []
    for indicator in indicators:
        previous = None
        previous_period = previous_period_for(indicator, year, month)
        if previous_period is not None:
            previous = by_key.get((indicator.pk, *previous_period))
        rows.append(
            ReportRow(
                indicator=indicator,
                figure=by_key.get((indicator.pk, year, month)),
                previous=previous,
                last_year=by_key.get((indicator.pk, year - 1, month)),
            )
        )
    return rows
