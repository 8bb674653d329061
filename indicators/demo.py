"""Demo figures a reader can believe across years, marked 演示数据.

Each demo year continues the seed's real figures (the town's 2023 document, whose year is read
from the data: seed_year()): a year-to-date figure of month M is the seed's comparable figure
grown year by year; a 同比 is stored with it only where no figure a year before exists to compute
it from (the first demo year's months the seed lacks: the growth over the seed's pace), as the
pages compute the others and mark them （计算）; counts are whole; a stock (时点数) never falls;
a rate derived from a count moves with the count. The figures stop at the month before the one
being reported (periods.reporting_period()), so a new user's first 月报填报 is a real to-do, and
each is made only in a month its indicator reports (periods.reports_in: 月报 2-12, 季报 3 6 9
12, 年报 12).

The town has 31 administrative villages and the document names 18: the demo adds the others as
演示村19 … 演示村31 (Place.is_demo) and splits the town's 土地测量宗数 among all 31.

Deterministic (random generators seeded per indicator), removable in one call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators import periods, review, units
from indicators.models import (
    Category,
    Dimension,
    Figure,
    FigureRevision,
    Indicator,
    Kind,
    MonthReview,
    Place,
)
from indicators.seed import data as seed_data
from xiage.signals import data_written

DEMO_SEED = 20240101
DEMO_NOTE = "演示数据，非真实统计数"
DEMO_SOURCE = "演示数据生成"
ECONOMIC = (Category.INDUSTRY, Category.INVESTMENT, Category.CONSUMPTION)
HUNDRED = Decimal(100)

# The town's administrative villages (the document: 全镇31个行政村); the seed names 18 of them.
TOWN_VILLAGES = 31
DEMO_VILLAGE_NAME = "演示村{number}"
# Indicators the demo reports village by village, the villages' figures summing to the town's.
VILLAGE_INDICATORS = ("land_parcels_surveyed",)
# A stock that grows toward another (a part of a whole): transferred ≤ surveyed, and so on.
BOUNDED_BY = {
    "land_parcels_transferred": "land_parcels_surveyed",
    "land_certificates_issued": "land_parcels_transferred",
    "reclamation_project_area": "reclamation_task_area",
}
# A rate derived from a count: it moves in proportion to the count (the document's 发证率
# 76.55 % of 11985 certificates), never above 100.
RATE_OF = {"land_certification_rate": "land_certificates_issued"}


def seed_year() -> int:
    """The year of the seed's figures (the document's summary year), read from the data."""
    return max(int(spec["year"]) for spec in seed_data.FIGURES_2023)


def first_demo_year() -> int:
    return seed_year() + 1


def demo_until(on: date | None = None) -> tuple[int, int]:
    """The last month with demo data: the month before the one being reported."""
    return periods.previous_month(*periods.reporting_period(on))


def _quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _is_count(indicator: Indicator) -> bool:
    return indicator.unit_info.dimension == Dimension.COUNT


def _places(indicator: Indicator) -> int:
    return 0 if _is_count(indicator) else indicator.decimals


def published_growth(value: Decimal, last_year: Decimal) -> Decimal | None:
    """The 同比 (%, one decimal) that two figures a year apart show."""
    if last_year == 0:
        return None
    return _quantize((value - last_year) * HUNDRED / abs(last_year), 1)


def _growth_range(indicator: Indicator) -> tuple[float, float]:
    """A year's plausible growth of an indicator's annual amount."""
    if indicator.lower_is_better:
        return (-0.12, 0.03)
    if indicator.category in ECONOMIC:
        return (0.03, 0.18)
    return (-0.04, 0.12)


@dataclass
class _Path:
    """One indicator's demo values at the town, (year, month) -> value, built year by year."""

    indicator: Indicator
    base: Figure
    rng: random.Random
    values: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    growth: dict[tuple[int, int], Decimal | None] = field(default_factory=dict)


def _ytd_path(path: _Path, years: range, existing: dict) -> None:
    """A year-to-date amount: the seed's annual pace grown each year, shared over the months
    with a little noise, never falling within a year; 同比 from the figures themselves."""
    indicator, base, rng = path.indicator, path.base, path.rng
    places = _places(indicator)
    annual = base.value * 12 / base.month
    # Last year's same-period value: the seed's own figure at its month, its pace elsewhere.
    last = {month: base.value * month / base.month for month in range(1, 13)}
    low, high = _growth_range(indicator)
    for year in years:
        annual = annual * (1 + Decimal(str(round(rng.uniform(low, high), 4))))
        weights = [Decimal(str(round(rng.uniform(0.85, 1.15), 3))) for _ in range(12)]
        total, running, floor = sum(weights), Decimal(0), Decimal(0)
        this_year = {}
        for month in range(1, 13):
            running += weights[month - 1]
            value = max(_quantize(annual * running / total, places), floor)
            if base.value == 0:
                value = Decimal(0)
            stored = existing.get((indicator.pk, year, month))
            if stored is not None:
                value = stored
            floor = this_year[month] = value
            path.values[year, month] = value
            if not _is_count(indicator) and not indicator.is_ratio:
                path.growth[year, month] = published_growth(value, last[month])
        last = this_year


def _stock_path(path: _Path, years: range, existing: dict, bound: _Path | None) -> None:
    """A 时点数 grows a little each year and never falls; a part of a whole grows toward the
    whole (`bound`); a rate gains a few tenths of a point a year, never above 100."""
    indicator, base, rng = path.indicator, path.base, path.rng
    places = _places(indicator)
    level = base.value
    previous = base.value
    for year in years:
        if indicator.is_ratio:
            target = min(HUNDRED, level + Decimal(str(round(rng.uniform(0.3, 2.0), 2))))
        elif bound is not None:
            whole = bound.values.get((year, 12), level)
            share = Decimal(str(round(rng.uniform(0.15, 0.35), 3)))
            target = level + max(whole - level, Decimal(0)) * share
        else:
            target = level * (1 + Decimal(str(round(rng.uniform(0.005, 0.04), 4))))
        for month in range(1, 13):
            value = _quantize(level + (target - level) * month / 12, places)
            stored = existing.get((indicator.pk, year, month))
            value = stored if stored is not None else max(value, previous)
            path.values[year, month] = previous = value
            path.growth[year, month] = None
        level = target


def _rate_path(path: _Path, years: range, count: _Path) -> None:
    """A rate derived from a count: the seed's rate × count / seed count, at most 100."""
    indicator, base = path.indicator, path.base
    for year in years:
        for month in range(1, 13):
            value = count.values.get((year, month))
            if value is None or count.base.value == 0:
                continue
            rate = min(HUNDRED, base.value * value / count.base.value)
            path.values[year, month] = _quantize(rate, indicator.decimals)
            path.growth[year, month] = None


def _monthly_path(path: _Path, years: range) -> None:
    """A month's own figure: the seed's level grown each year, with a little noise."""
    indicator, rng = path.indicator, path.rng
    level = path.base.value
    low, high = _growth_range(indicator)
    for year in years:
        level = level * (1 + Decimal(str(round(rng.uniform(low, high), 4))))
        for month in range(1, 13):
            noise = Decimal(str(round(rng.uniform(0.95, 1.05), 3)))
            value = _quantize(level * noise, _places(indicator))
            if indicator.is_ratio:
                value = min(value, HUNDRED)
            path.values[year, month] = value
            path.growth[year, month] = None


def demo_paths(until: tuple[int, int]) -> dict[str, _Path]:
    """Every active indicator's demo path at the town from the first demo year to `until`'s
    year (all twelve months; the loader keeps the months due up to `until`), by code."""
    town = Place.objects.get(level=Place.Level.TOWN)
    seed = seed_year()
    bases = {
        figure.indicator_id: figure
        for figure in Figure.objects.filter(year=seed, place=town, is_demo=False).order_by(
            "indicator_id", "-month"
        )
    }
    existing = {
        (indicator_id, year, month): value
        for indicator_id, year, month, value in Figure.objects.filter(
            place=town, year__gt=seed, is_demo=False
        ).values_list("indicator_id", "year", "month", "value")
    }
    years = range(seed + 1, until[0] + 1)
    indicators = list(Indicator.objects.active().order_by("pk"))
    paths: dict[str, _Path] = {}
    # Wholes before their parts, counts before the rates derived from them.
    later = set(BOUNDED_BY) | set(RATE_OF)
    for indicator in sorted(indicators, key=lambda i: (i.code in later, i.code in RATE_OF)):
        base = bases.get(indicator.pk)
        if base is None:
            continue
        path = _Path(indicator, base, random.Random(f"{DEMO_SEED}-{indicator.code}"))
        if indicator.code in RATE_OF and RATE_OF[indicator.code] in paths:
            _rate_path(path, years, paths[RATE_OF[indicator.code]])
        elif indicator.kind == Kind.YTD:
            _ytd_path(path, years, existing)
        elif indicator.kind == Kind.STOCK:
            _stock_path(path, years, existing, paths.get(BOUNDED_BY.get(indicator.code, "")))
        else:
            _monthly_path(path, years)
        paths[indicator.code] = path
    return paths


def demo_villages_ensure() -> int:
    """Add the villages the seed does not name, up to the town's 31, as 演示村N (N their number
    among the 31), marked is_demo. Returns how many were created."""
    villages = Place.objects.filter(level=Place.Level.VILLAGE)
    have = villages.count()
    order = max(villages.values_list("order", flat=True), default=0)
    created = 0
    for number in range(have + 1, TOWN_VILLAGES + 1):
        order += 1
        _place, made = Place.objects.get_or_create(
            name=DEMO_VILLAGE_NAME.format(number=number),
            defaults={"level": Place.Level.VILLAGE, "order": order, "is_demo": True},
        )
        created += made
    return created


def _split(total: int, weights: list[Decimal]) -> list[int]:
    """`total` in whole parts proportional to `weights` (largest remainders), summing to it."""
    whole = sum(weights)
    exact = [Decimal(total) * weight / whole for weight in weights]
    parts = [int(share) for share in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - parts[i], reverse=True)
    for index in order[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _village_figures(paths: dict[str, _Path], due: list[tuple[int, int]]) -> list[Figure]:
    """Per-village figures of VILLAGE_INDICATORS summing to the town's, each village's never
    falling (a stock): the first year split by the villages' sizes, later growth likewise."""
    villages = list(Place.objects.filter(level=Place.Level.VILLAGE).order_by("order", "pk"))
    if not villages:
        return []
    figures = []
    for code in VILLAGE_INDICATORS:
        path = paths.get(code)
        if path is None:
            continue
        indicator = path.indicator
        indicator.places.add(*villages)
        rng = random.Random(f"{DEMO_SEED}-{code}-villages")
        weights = [Decimal(str(round(rng.uniform(0.5, 1.5), 3))) for _ in villages]
        existing = set(
            Figure.objects.filter(indicator=indicator, place__in=villages).values_list(
                "place_id", "year", "month"
            )
        )
        previous: list[int] | None = None
        town_previous = 0
        for year, month in sorted(p for p in path.values if p in set(due)):
            town_value = int(path.values[year, month])
            if previous is None:
                shares = _split(town_value, weights)
            else:
                added = _split(max(town_value - town_previous, 0), weights)
                shares = [before + more for before, more in zip(previous, added, strict=True)]
            previous, town_previous = shares, town_value
            for village, share in zip(villages, shares, strict=True):
                if (village.pk, year, month) in existing:
                    continue
                figures.append(_demo_figure(indicator, year, month, village, Decimal(share)))
    return figures


def _demo_figure(
    indicator: Indicator,
    year: int,
    month: int,
    place: Place,
    value: Decimal,
    growth: Decimal | None = None,
) -> Figure:
    return Figure(
        indicator=indicator,
        year=year,
        month=month,
        place=place,
        value=value,
        growth=growth,
        note=DEMO_NOTE,
        source=DEMO_SOURCE,
        is_demo=True,
    )


@transaction.atomic
def demo_figures_load(until: tuple[int, int] | None = None) -> int:
    """Create the demo figures that do not exist yet, from the first demo year to `until`
    (default: the month before the one being reported), and the demo villages; returns how
    many figures were created."""
    until = until or demo_until()
    units.clear()  # the unit table may have been loaded before the seed made its units
    demo_villages_ensure()
    town = Place.objects.get(level=Place.Level.TOWN)
    paths = demo_paths(until)
    on_record = set(
        Figure.objects.filter(place=town, year__gte=seed_year()).values_list(
            "indicator_id", "year", "month"
        )
    )
    to_create: list[Figure] = []
    due_by_code: dict[str, list[tuple[int, int]]] = {}
    for code, path in paths.items():
        indicator = path.indicator
        due = [
            (year, month)
            for year, month in sorted(path.values)
            if (year, month) <= until and periods.reports_in(indicator.reporting_months, month)
        ]
        due_by_code[code] = due
        for year, month in due:
            if (indicator.pk, year, month) in on_record:
                continue
            # 同比 is stored only where no figure a year before exists to compute it from:
            # elsewhere the pages compute the same growth and say so (（计算）), instead of
            # calling a generated one 公布.
            computable = (indicator.pk, year - 1, month) in on_record or (year - 1, month) in due
            to_create.append(
                _demo_figure(
                    indicator,
                    year,
                    month,
                    town,
                    path.values[year, month],
                    None if computable else path.growth.get((year, month)),
                )
            )
    for code in VILLAGE_INDICATORS:
        if code in paths:
            to_create += _village_figures({code: paths[code]}, due_by_code[code])
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
    villages = Place.objects.filter(level=Place.Level.VILLAGE)
    for indicator in Indicator.objects.filter(code__in=VILLAGE_INDICATORS):
        if not Figure.objects.filter(indicator=indicator, place__in=villages).exists():
            indicator.places.remove(*villages)  # the demo made it a village indicator
    # A demo village a person has since reported for, or put a project in, stays.
    Place.objects.filter(is_demo=True, figures__isnull=True, projects__isnull=True).delete()
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
