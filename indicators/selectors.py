"""Reads for the indicators app, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from accounts.models import Office
from indicators import glossary, metrics, periods, review
from indicators.models import Figure, Frequency, Indicator, MonthReview, Place


def town() -> Place:
    return Place.objects.get(level=Place.Level.TOWN)


@dataclass
class ReportRow:
    """One line of the monthly report form: an indicator with the figures beside it."""

    indicator: Indicator
    figure: Figure | None
    previous: Figure | None  # the figure before this one that the form compares with
    last_year: Figure | None  # the same month a year earlier
    # Whether the indicator reports this month (periods.reports_in): a row that does not is
    # shown read-only and is left out of the form and of the Excel template.
    asked: bool = True

    @property
    def last_year_value(self) -> Decimal | None:
        return self.last_year.value if self.last_year else None

    @property
    def not_asked_label(self) -> str:
        """Why the row is not asked for: 本月不报（季报）, or for a monthly indicator in
        January 1月不单独报送（1-2月合并报送）; '' for a row that is asked."""
        if self.asked:
            return ""
        if self.indicator.frequency == Frequency.MONTHLY:
            return str(glossary.NOT_ASKED_JANUARY)
        return str(glossary.NOT_ASKED) % {"frequency": self.indicator.get_frequency_display()}


def monthly_increments(
    indicator: Indicator, figures: Iterable[Figure]
) -> dict[int, Decimal | None]:
    """Each figure's own month (当月数) by figure id, for a year-to-date indicator: its value
    less the same place's figure of the month before (metrics.monthly_increment decides), with
    the indicator's decimals; None for every figure of any other kind of indicator."""
    figures = list(figures)
    if not indicator.is_cumulative:
        return {figure.pk: None for figure in figures}
    places = Decimal(1).scaleb(-indicator.decimals)
    by_period = {(f.place_id, f.year, f.month): f for f in figures}
    increments: dict[int, Decimal | None] = {}
    for figure in figures:
        previous = next(
            (
                by_period[(figure.place_id, figure.year, month)]
                for month in range(figure.month - 1, 0, -1)
                if (figure.place_id, figure.year, month) in by_period
            ),
            None,
        )
        increment = metrics.monthly_increment(
            figure.month,
            figure.value,
            previous.value if previous else None,
            previous.month if previous else None,
        )
        increments[figure.pk] = None if increment is None else increment.quantize(places)
    return increments


def previous_period_for(indicator: Indicator, year: int, month: int) -> tuple[int, int] | None:
    """The period a figure is compared with (上期): the latest the indicator reports before
    (year, month) (periods.reported_period: last month for a 月报 one, last quarter for a 季报
    one, December before February); cumulative figures stay in-year."""
    prev_year, prev_month = periods.reported_period(
        indicator.reporting_months, *periods.previous_month(year, month)
    )
    if indicator.is_cumulative and prev_year != year:
        return None
    return prev_year, prev_month


def report_rows(office: Office, year: int, month: int) -> list[ReportRow]:
    """All active indicators of an office with this period's, the previous period's
    (previous_period_for) and last year's town figures: two queries whatever the number of
    indicators or months stored."""
    indicators = list(Indicator.objects.active().filter(office=office).order_by("order", "id"))
    earlier = [previous_period_for(indicator, year, month) for indicator in indicators]
    wanted = Q(year=year, month=month) | Q(year=year - 1, month=month)
    for prev_year, prev_month in {period for period in earlier if period is not None}:
        wanted |= Q(year=prev_year, month=prev_month)
    figures = (
        Figure.objects.select_related("updated_by")
        .filter(
            indicator__in=[indicator.pk for indicator in indicators],
            place__level=Place.Level.TOWN,
        )
        .filter(wanted)
    )
    indicators_by_id = {indicator.pk: indicator for indicator in indicators}
    by_key = {}
    for figure in figures:
        figure.indicator = indicators_by_id[figure.indicator_id]  # no query per row
        by_key[(figure.indicator_id, figure.year, figure.month)] = figure
    rows = []
    for indicator, previous_period in zip(indicators, earlier, strict=True):
        previous = None
        if previous_period is not None:
            previous = by_key.get((indicator.pk, *previous_period))
        rows.append(
            ReportRow(
                indicator=indicator,
                figure=by_key.get((indicator.pk, year, month)),
                previous=previous,
                last_year=by_key.get((indicator.pk, year - 1, month)),
                asked=periods.reports_in(indicator.reporting_months, month),
            )
        )
    return rows


def frequencies_reporting_in(month: int) -> list[str]:
    """The Frequency values whose indicators report in `month` (periods.reports_in)."""
    return [f.value for f in Frequency if periods.reports_in(f.months, month)]


def month_reviews(office_ids: list[int], year: int, month: int) -> dict[int, MonthReview]:
    """The offices' review records for (year, month), by office, with who submitted and
    reviewed them: one query."""
    return {
        r.office_id: r
        for r in MonthReview.objects.filter(
            office__in=office_ids, year=year, month=month
        ).select_related("submitted_by", "reviewed_by")
    }


def office_reports(
    offices: list[Office],
    year: int,
    month: int,
    today: date | None = None,
    *,
    reviews: dict[int, MonthReview] | None = None,
) -> list[review.OfficeReport]:
    """报送情况: each office's report for (year, month), late and returned first.

    Two queries whatever the number of offices: the review records (none when `reviews`,
    month_reviews() of these offices or more, is given), and for each office whether it has
    a figure or a project's or task's progress report that month, and whether it owes any:
    an active indicator that reports in the month (periods.reports_in), an active project,
    or a task of the year (an office owing nothing is 本月无需报送, never late).
    """
    today = today or periods.today()
    ids = [office.pk for office in offices]
    if reviews is None:
        reviews = month_reviews(ids, year, month)
    # The plans app's progress reports, named rather than imported (this app sits below it).
    progress = apps.get_model("plans", "ProgressReport").objects.filter(year=year, month=month)
    projects = apps.get_model("plans", "Project").objects.filter(is_active=True)
    tasks = apps.get_model("plans", "Task").objects.filter(section__year=year)
    asked = Indicator.objects.active().filter(frequency__in=frequencies_reporting_in(month))
    found = {
        pk: (entered, owes)
        for pk, entered, owes in Office.objects.filter(pk__in=ids)
        .annotate(
            entered=ExpressionWrapper(
                Exists(
                    Figure.objects.filter(indicator__office=OuterRef("pk"), year=year, month=month)
                )
                | Exists(progress.filter(project__office=OuterRef("pk")))
                | Exists(progress.filter(task__office=OuterRef("pk"))),
                output_field=BooleanField(),
            ),
            owes=ExpressionWrapper(
                Exists(asked.filter(office=OuterRef("pk")))
                | Exists(projects.filter(office=OuterRef("pk")))
                | Exists(tasks.filter(office=OuterRef("pk"))),
                output_field=BooleanField(),
            ),
        )
        .values_list("pk", "entered", "owes")
    }
    due = review.due_date(year, month)
    reports = []
    for office in offices:
        record = reviews.get(office.pk)
        reports.append(
            review.office_report(
                office=office,
                year=year,
                month=month,
                review_state=record.state if record else None,
                has_entries=found.get(office.pk, (False, True))[0],
                owes=found.get(office.pk, (False, True))[1],
                due=due,
                today=today,
                submitted_by=record.submitted_by if record else None,
                submitted_at=record.submitted_at if record else None,
                reviewed_by=record.reviewed_by if record else None,
                reviewed_at=record.reviewed_at if record else None,
                reason=record.reason if record else "",
            )
        )
    return sorted(reports, key=lambda report: report.urgency)


def office_report(office: Office, year: int, month: int) -> review.OfficeReport:
    """One office's report for (year, month); see office_reports."""
    return office_reports([office], year, month)[0]


def growth_texts(indicator: Indicator, figures: Iterable[Figure]) -> dict[int, str]:
    """Each figure's 同比 as printed (glossary.growth_text) by figure id: the published one,
    else the one computed from the same place's figure of the same month a year earlier
    (metrics.year_on_year), marked 计算, else 未公布. `figures`: the indicator's figures;
    last year's are looked up among them (no query)."""
    figures = list(figures)
    by_period = {(f.place_id, f.year, f.month): f for f in figures}
    texts = {}
    for figure in figures:
        last = by_period.get((figure.place_id, figure.year - 1, figure.month))
        shown = metrics.year_on_year(
            figure.growth,
            figure.value,
            last.value if last else None,
            points=indicator.is_ratio,
        )
        texts[figure.pk] = glossary.growth_text(
            shown.value, official=shown.official, points=shown.points
        )
    return texts
