"""Every year side by side, and every village of one period: the reads of the indicator page's
各年同期对比 (table and chart) and of its 分村数据 page, each in a fixed number of queries
whatever the years or villages held.

The numbers come from indicators.metrics (同比, change, share, rank) and are written with the
glossary's words; nothing here is computed again in a template or an export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators import glossary, metrics, periods
from indicators.metrics import YearOnYear
from indicators.models import Figure, Indicator, Place

# The chart draws this many years unless the reader picks others: the latest that have data.
DEFAULT_CHART_YEARS = 3
# More picks than this in one address are not read (a year is four digits: nobody picks more).
MAX_PICKS = 200


# --- the same period of every year -------------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    """One year's figure of the chosen period, its 同比 and its change from the year before."""

    year: int
    label: str  # 2024年1-9月 (2024年9月 for a month's own figure or a stock)
    value: Decimal | None  # with the indicator's decimals; None: no figure that year
    year_on_year: YearOnYear | None  # None without a figure
    change: Decimal | None  # value − last year's, with the indicator's decimals
    decimals: int

    @property
    def value_text(self) -> str:
        return glossary.published(self.value, self.decimals, grouped=True)

    @property
    def growth_text(self) -> str:
        """The 同比 as printed everywhere: 31.3, 14.61（计算）, 提高2.1个百分点, 未公布; — with
        no figure."""
        return glossary.shown_growth_text(self.year_on_year, grouped=True)

    @property
    def growth_source(self) -> str:
        """公布, 计算 or 未公布 (the exports' 同比来源); — with no figure."""
        return glossary.shown_growth_source(self.year_on_year, empty=glossary.EMPTY)

    @property
    def change_text(self) -> str:
        """+0.51 / -1.20 / 0.00 with the indicator's decimals; — without both years."""
        if self.change is None:
            return glossary.EMPTY
        text = glossary.published(self.change, self.decimals, grouped=True)
        return f"+{text}" if self.change > 0 else text


@dataclass(frozen=True)
class YearsView:
    """The indicator's town figures of every year: the chosen period's row for each year with
    data, and each chosen year's figures month by month for the chart."""

    month: int  # the period's month (1-9月 for 9 in a year-to-date indicator)
    months: list[int]  # the months with a figure in any year: the month picker's choices
    years: list[int]  # every year with a figure, oldest first: the chart's year picker
    chosen_years: list[int]  # the chart's years, oldest first
    rows: list[YearRow]  # one per year with data, oldest first
    series: dict[int, dict[int, Decimal]]  # {year: {month: value}} of the chosen years

    cumulative: bool  # the indicator is year-to-date (1-9月), else 9月

    @property
    def period_label(self) -> str:
        """1-9月 (or 9月): the period the rows share, without a year."""
        return month_text(self.month, self.cumulative)


def month_text(month: int, cumulative: bool) -> str:
    """A period without its year, as the month picker offers it: 1-9月 (9月 for a month's own
    figure or a stock)."""
    if cumulative and month > 1:
        return _("1-%(month)d月") % {"month": month}
    return _("%(month)d月") % {"month": month}


def _picked_month(raw: str | None, months: Sequence[int], default: int) -> int:
    """?month=: one of `months` written in ASCII digits (09 as 9), else `default`."""
    text = (raw or "").strip()
    if 1 <= len(text) <= 2 and text.isascii() and text.isdigit() and int(text) in months:
        return int(text)
    return default


def picked_years(raws: Sequence[str], years: Sequence[int]) -> list[int]:
    """The years of ?years=2023&years=2024 (or ?years=2023,2024) that have data, oldest first;
    anything else (a letter, a full-width digit, a year without data, a huge number) is left
    out. With none left: the latest DEFAULT_CHART_YEARS years with data."""
    picked: set[int] = set()
    for raw in list(raws)[:MAX_PICKS]:
        for part in raw.split(",")[:MAX_PICKS]:
            text = part.strip()
            if len(text) == 4 and text.isascii() and text.isdigit() and int(text) in years:
                picked.add(int(text))
    if not picked:
        return sorted(years)[-DEFAULT_CHART_YEARS:]
    return sorted(picked)


def years_side_by_side(
    indicator: Indicator, month: str | None = None, years: Sequence[str] = ()
) -> YearsView | None:
    """The indicator's town figures of every year (one query): for the month asked for
    (?month=, one with a figure; by default the month of the latest figure) a row per year,
    and the chart's year lines for the years asked for (?years=; by default the latest three).
    None when the indicator has no town figure."""
    found = Figure.objects.filter(indicator=indicator, place__level=Place.Level.TOWN).values_list(
        "year", "month", "value", "growth"
    )
    figures = {(year, month_): (value, growth) for year, month_, value, growth in found}
    if not figures:
        return None
    _latest_year, latest_month = max(figures)
    all_years = sorted({year for year, _month in figures})
    months = sorted({month_ for _year, month_ in figures})
    chosen_month = _picked_month(month, months, latest_month)
    places = Decimal(1).scaleb(-indicator.decimals)
    rows = []
    for year in all_years:
        this = figures.get((year, chosen_month))
        last = figures.get((year - 1, chosen_month))
        value = this[0] if this else None
        last_value = last[0] if last else None
        shown = (
            metrics.year_on_year(this[1], value, last_value, points=indicator.is_ratio)
            if this
            else None
        )
        change = metrics.difference(value, last_value)
        rows.append(
            YearRow(
                year=year,
                label=periods.period_label(year, chosen_month, cumulative=indicator.is_cumulative),
                value=value.quantize(places) if value is not None else None,
                year_on_year=shown,
                change=change.quantize(places) if change is not None else None,
                decimals=indicator.decimals,
            )
        )
    chosen_years = picked_years(years, all_years)
    series: dict[int, dict[int, Decimal]] = {year: {} for year in chosen_years}
    for (year, month_), (value, _growth) in figures.items():
        if year in series:
            series[year][month_] = value
    return YearsView(
        chosen_month, months, all_years, chosen_years, rows, series, indicator.is_cumulative
    )


# --- every village of one period ---------------------------------------------------------------


@dataclass(frozen=True)
class VillageRow:
    """One village's figure of the period, or none (未填报)."""

    place: Place
    value: Decimal | None  # with the indicator's decimals
    year_on_year: YearOnYear | None
    share: Decimal | None  # of the town's total, in %
    rank: int | None
    decimals: int
    is_demo: bool = False

    @property
    def name(self) -> str:
        return self.place.name

    @property
    def order(self) -> tuple[int, int]:
        return self.place.order, self.place.pk

    @property
    def growth(self) -> Decimal | None:
        return self.year_on_year.value if self.year_on_year else None

    @property
    def value_text(self) -> str:
        if self.value is None:
            return str(glossary.NOT_FILLED)
        return glossary.published(self.value, self.decimals, grouped=True)

    @property
    def growth_text(self) -> str:
        return glossary.shown_growth_text(self.year_on_year, grouped=True)

    @property
    def growth_source(self) -> str:
        return glossary.shown_growth_source(self.year_on_year)


@dataclass(frozen=True)
class VillagesView:
    year: int
    month: int
    label: str  # 2024年1-9月
    rows: list[VillageRow]  # every village, in the places' order
    total: Decimal | None  # the town's figure, else the villages' sum (of an additive
    # indicator); None without either
    total_is_sum: bool  # the total is the villages' sum (no town figure for the period)
    reported_by_villages: bool  # the indicator's places include a village
    filled: int  # villages with a figure

    @property
    def total_text(self) -> str:
        decimals = self.rows[0].decimals if self.rows else 2
        return glossary.published(self.total, decimals, grouped=True)


def latest_village_period(indicator: Indicator) -> tuple[int, int]:
    """The period of the indicator's latest village figure, else of its latest figure, else the
    month being reported."""
    figures = Figure.objects.filter(indicator=indicator).order_by("-year", "-month")
    latest = (
        figures.filter(place__level=Place.Level.VILLAGE).values_list("year", "month").first()
        or figures.values_list("year", "month").first()
    )
    return latest or periods.reporting_period()


def villages(indicator: Indicator, year: int, month: int) -> VillagesView:
    """Every village's figure of the period, with its 同比 (published, else computed from the
    village's own figure a year earlier), its share of the town's total and its rank: three
    queries, however many villages."""
    village_places = list(Place.objects.filter(level=Place.Level.VILLAGE).order_by("order", "id"))
    reported = indicator.places.filter(level=Place.Level.VILLAGE).exists()
    figures = {
        (f.place_id, f.year): f
        for f in Figure.objects.filter(
            indicator=indicator, month=month, year__in=(year, year - 1)
        ).select_related("place")
    }
    town_figure = next(
        (
            f
            for (_place, figure_year), f in figures.items()
            if figure_year == year and f.place.level == Place.Level.TOWN
        ),
        None,
    )
    places = Decimal(1).scaleb(-indicator.decimals)
    values = []
    for place in village_places:
        figure = figures.get((place.pk, year))
        values.append(figure.value if figure is not None else None)
    present = [value for value in values if value is not None]
    total: Decimal | None
    if town_figure is not None:
        total, total_is_sum = town_figure.value, False
    elif indicator.is_additive:
        total, total_is_sum = (sum(present, Decimal(0)) if present else None), True
    else:  # an average (公斤/亩) or a rate: the villages' values do not add up to the town's
        total, total_is_sum = None, False
    ranked = metrics.ranks(values, lower_is_better=indicator.lower_is_better)
    rows = []
    for place, value, rank in zip(village_places, values, ranked, strict=True):
        figure = figures.get((place.pk, year))
        last = figures.get((place.pk, year - 1))
        shown = (
            metrics.year_on_year(
                figure.growth,
                figure.value,
                last.value if last else None,
                points=indicator.is_ratio,
            )
            if figure is not None
            else None
        )
        rows.append(
            VillageRow(
                place=place,
                value=value.quantize(places) if value is not None else None,
                year_on_year=shown,
                # A rate (发证率 %) or an average (亩产) is no part of a whole: no share.
                share=metrics.share(value, total) if indicator.is_additive else None,
                rank=rank,
                decimals=indicator.decimals,
                is_demo=bool(figure and figure.is_demo),
            )
        )
    return VillagesView(
        year=year,
        month=month,
        label=periods.period_label(year, month, cumulative=indicator.is_cumulative),
        rows=rows,
        total=total,
        total_is_sum=total_is_sum,
        reported_by_villages=reported,
        filled=len(present),
    )
