"""Plausible demo figures from 2024 to the month being reported, marked 演示数据, each in a
month its indicator reports (月报 2-12, 季报 3 6 9 12, 年报 12: periods.reports_in).

Deterministic (a fixed random seed) so that every machine shows the same demo; never used by
tests of real behaviour, and removable in one call.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators import metrics, periods, review
from indicators.models import Figure, FigureRevision, Indicator, Kind, MonthReview, Place
from xiage.signals import data_written

DEMO_SEED = 20240101
FIRST_DEMO_YEAR = 2024
DEMO_NOTE = "演示数据，非真实统计数"


def _quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _annual_base(indicator: Indicator, figure: Figure) -> Decimal:
    """A full-year level implied by the 2023 figure."""
    if indicator.kind == Kind.YTD:
        return figure.value * 12 / figure.month
    return figure.value


def _demo_periods(until: tuple[int, int]) -> list[tuple[int, int]]:
    result = []
    for year in range(FIRST_DEMO_YEAR, until[0] + 1):
        for month in range(2, 13):  # the first report of a year is 1-2月
            if (year, month) <= until:
                result.append((year, month))
    return result


@transaction.atomic
def demo_figures_load(until: tuple[int, int] | None = None) -> int:
    """Create the demo figures that do not exist yet; returns how many were created."""
    until = until or periods.reporting_period()
    rng = random.Random(DEMO_SEED)
    town = Place.objects.get(level=Place.Level.TOWN)
    base_figures = {
        figure.indicator_id: figure
        for figure in Figure.objects.filter(year=2023, place=town, is_demo=False)
    }
    existing = set(
        Figure.objects.filter(place=town, year__gte=FIRST_DEMO_YEAR).values_list(
            "indicator_id", "year", "month"
        )
    )
    to_create: list[Figure] = []
    for indicator in Indicator.objects.active().order_by("pk"):
        base_figure = base_figures.get(indicator.pk)
        if base_figure is None:
            continue
        level = _annual_base(indicator, base_figure)
        previous_year_values: dict[int, Decimal] = {}
        for year in range(FIRST_DEMO_YEAR, until[0] + 1):
            growth = Decimal(str(rng.uniform(-0.05, 0.25)))
            level = level * (1 + growth)
            year_values: dict[int, Decimal] = {}
            for month in range(2, 13):
                noise = Decimal(str(rng.uniform(0.95, 1.05)))
                # A cumulative figure builds up over the year; others hover around the level.
                share = metrics.time_share(month) if indicator.kind == Kind.YTD else Decimal(1)
                raw = level * share * noise
                if indicator.is_ratio:
                    raw = min(raw, Decimal(100))
                if indicator.lower_is_better and base_figure.value == 0:
                    raw = Decimal(0)
                value = _quantize(max(raw, Decimal(0)), indicator.decimals)
                if indicator.kind == Kind.YTD and month > 2:
                    value = max(value, year_values[month - 1])
                year_values[month] = value
                if (year, month) > until or (indicator.pk, year, month) in existing:
                    continue
                if not periods.reports_in(indicator.reporting_months, month):
                    continue  # a 年报 indicator's figure is made at month 12 only
                official = metrics.computed_growth(value, previous_year_values.get(month))
                to_create.append(
                    Figure(
                        indicator=indicator,
                        year=year,
                        month=month,
                        place=town,
                        value=value,
                        # A published growth differs a little from the naive one (同口径).
                        growth=(
                            _quantize(official + Decimal(str(rng.uniform(-1, 1))), 1)
                            if official is not None and indicator.kind == Kind.YTD
                            else None
                        ),
                        note=DEMO_NOTE,
                        source="演示数据生成",
                        is_demo=True,
                    )
                )
            previous_year_values = year_values
    Figure.objects.bulk_create(to_create, batch_size=500)
    data_written(Figure)
    return len(to_create)


@transaction.atomic
def demo_figures_remove() -> int:
    """Delete every demo figure (and its change records); real figures are untouched."""
    demo = Figure.objects.filter(is_demo=True)
    count = demo.count()
    FigureRevision.objects.filter(figure__in=demo).delete()
    demo.delete()
    return count


def demo_months_close(before: tuple[int, int] | None = None) -> int:
    """Mark every office's demo months before `before` (default: the month being reported) as
    reviewed, as a town that has used the system for a while would have them, so that a new
    installation does not show two years of demo months as overdue drafts. Months a person has
    reported or reviewed (a MonthReview exists) are left alone. Returns how many were closed."""
    before = before or periods.reporting_period()
    earlier = Q(year__lt=before[0]) | Q(year=before[0], month__lt=before[1])
    months = set(
        Figure.objects.filter(earlier, is_demo=True)
        .values_list("indicator__office_id", "year", "month")
        .distinct()
        .order_by()
    )
    # The demo's project and task progress too: an office whose indicators are 年报 reports
    # its projects every month (the plans app's model, named: this app sits below it).
    progress = apps.get_model("plans", "ProgressReport").objects.filter(earlier, is_demo=True)
    for office in ("project__office_id", "task__office_id"):
        months |= set(
            progress.filter(**{f"{office}__isnull": False})
            .values_list(office, "year", "month")
            .distinct()
            .order_by()
        )
    existing = set(MonthReview.objects.values_list("office_id", "year", "month"))
    to_create = []
    for office_id, year, month in sorted(months):
        if (office_id, year, month) in existing:
            continue
        due = review.due_date(year, month)
        handed_in = timezone.make_aware(datetime.combine(due, time(9)))
        to_create.append(
            MonthReview(
                office_id=office_id,
                year=year,
                month=month,
                state=MonthReview.State.REVIEWED,
                submitted_at=handed_in,
                reviewed_at=handed_in + timedelta(hours=4),
            )
        )
    MonthReview.objects.bulk_create(to_create, ignore_conflicts=True)
    return len(to_create)
