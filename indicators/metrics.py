"""Derived numbers, each computed by one function, used by every page, export and report.

All rates are percentages as Decimals rounded to two places (93.63 means 93.63 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def time_share(month: int) -> Decimal:
    """The share of the year elapsed at the end of `month`, unrounded (September: 0.75).

    The one place the year is divided into twelfths: 时序进度 is this in %, and a target's
    straight path (the charts' 目标进度) is the target times this."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    return Decimal(month) / 12


def time_progress(month: int) -> Decimal:
    """时序进度: share of the year elapsed at the end of `month` (September: 75.00)."""
    return round2(time_share(month) * HUNDRED)


def target_to_date(target: Decimal, month: int) -> Decimal:
    """What an annual amount target asks for by the end of `month` on a straight path."""
    return target * time_share(month)


def pace(elapsed_months: int, total_months: int) -> Decimal:
    """序时 of a span that is not the calendar year: `elapsed` of `total` months, in % (two
    places); 100 once the span is over. A year-end span is exactly 时序进度."""
    if total_months <= 0 or elapsed_months >= total_months:
        return HUNDRED
    return round2(Decimal(elapsed_months) * HUNDRED / total_months)


def pace_status(rate: Decimal | None, expected: Decimal | None) -> int | None:
    """Compare a shown (rounded) rate with its shown 序时: 1 ahead, 0 on pace, -1 behind.

    Both sides are the two-place numbers people read, so a rate shown as 75.00% against a
    序时 of 75.00% is on pace whatever the digits behind it were."""
    if rate is None or expected is None:
        return None
    rate, expected = round2(rate), round2(expected)
    return (rate > expected) - (rate < expected)


def completion_rate(actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """完成率: cumulative actual / annual target, in %; None without a usable target."""
    if actual is None or target is None or target == 0:
        return None
    return round2(actual * HUNDRED / target)


def gap_points(rate: Decimal | None, progress: Decimal | None) -> Decimal | None:
    """Completion rate minus time progress, in percentage points (positive = ahead)."""
    if rate is None or progress is None:
        return None
    return round2(rate - progress)


def difference(value: Decimal | None, reference: Decimal | None) -> Decimal | None:
    """value − reference, unrounded, in the indicator's own unit (本期数 against the same period
    a year earlier: 4.00 − 3.49 = 0.51); None when either is missing."""
    if value is None or reference is None:
        return None
    return value - reference


def share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """A part's share of a whole, in % (a village's figure of the town's total); None without
    a part or a usable whole."""
    if part is None or whole is None or whole == 0:
        return None
    return round2(part * HUNDRED / whole)


def ranks(values: list[Decimal | None], *, lower_is_better: bool = False) -> list[int | None]:
    """Each value's rank among the values given (1 = best: the largest, or the smallest when
    `lower_is_better`), equal values sharing a rank (1, 1, 3); None for a missing value."""
    present = [value for value in values if value is not None]
    ranked: list[int | None] = []
    for value in values:
        if value is None:
            ranked.append(None)
            continue
        better = [v for v in present if (v < value if lower_is_better else v > value)]
        ranked.append(len(better) + 1)
    return ranked


def computed_growth(value: Decimal | None, last_year_value: Decimal | None) -> Decimal | None:
    """Year-on-year growth from last year's same-period figure, in %; None when not computable.

    Only used where the statistics bureau published none: the official growth is computed on a
    comparable basis (同口径) and is shown in preference to this one.
    """
    if value is None or last_year_value is None or last_year_value == 0:
        return None
    return round2((value - last_year_value) * HUNDRED / abs(last_year_value))


def point_change(value: Decimal | None, last_year_value: Decimal | None) -> Decimal | None:
    """A rate indicator's change from last year's same-period figure, in percentage points
    (发证率 76.55 → 78.65: 2.10); None when either is missing."""
    if value is None or last_year_value is None:
        return None
    return round2(value - last_year_value)


@dataclass(frozen=True)
class YearOnYear:
    """A figure's 同比 as every page, export and report shows it.

    `value`: the published one when there is one (`official`), else the one computed from last
    year's same-period figure, else None (not published and not computable: 未公布). For a
    rate indicator (`points`) it is a change in 个百分点, otherwise a growth in %.
    """

    value: Decimal | None
    official: bool = False
    points: bool = False

    @property
    def computed(self) -> bool:
        """Computed here, not published: always shown marked as such."""
        return self.value is not None and not self.official


def year_on_year(
    official: Decimal | None,
    value: Decimal | None,
    last_year_value: Decimal | None,
    *,
    points: bool = False,
) -> YearOnYear:
    """The 同比 to show for a figure: published if given, else computed (a growth in %, or a
    change in points for a rate indicator, `points`), else none."""
    if official is not None:
        return YearOnYear(official, True, points)
    if points:
        return YearOnYear(point_change(value, last_year_value), False, True)
    return YearOnYear(computed_growth(value, last_year_value), False, False)


def shown_growth(
    official: Decimal | None, value: Decimal | None, last_year_value: Decimal | None
) -> tuple[Decimal | None, bool]:
    """(growth to show, whether it is the official one): year_on_year's, as a pair."""
    shown = year_on_year(official, value, last_year_value)
    return shown.value, shown.official


def monthly_increment(
    month: int,
    cumulative: Decimal | None,
    previous_cumulative: Decimal | None,
    previous_month: int | None,
) -> Decimal | None:
    """A month's own amount from two year-to-date figures of the same year.

    The first figure of a year (1月, or 1-2月 when January is not reported alone) is its own
    increment. Otherwise the previous figure must be that of the month just before.
    """
    if cumulative is None:
        return None
    if previous_cumulative is None:
        return cumulative if month <= 2 and previous_month is None else None
    if previous_month != month - 1:
        return None
    return cumulative - previous_cumulative


def run_rate_change(
    value: Decimal, month: int, previous_value: Decimal, previous_month: int
) -> Decimal | None:
    """How far a cumulative figure departs from last month's pace, in % (0 = same pace).

    A cumulative figure naturally grows month by month, so it is compared with last month's
    cumulative scaled to this month: 1-9月 against 1-8月 × 9/8.
    """
    if previous_value == 0 or previous_month <= 0:
        return None
    expected = previous_value * Decimal(month) / Decimal(previous_month)
    return round2((value - expected) * HUNDRED / abs(expected))


def relative_change(value: Decimal, reference: Decimal) -> Decimal | None:
    """(value − reference) / |reference|, in %."""
    if reference == 0:
        return None
    return round2((value - reference) * HUNDRED / abs(reference))


@dataclass(frozen=True)
class GrowthChange:
    """增速较上期变化: this period's 同比 growth minus the previous reported period's, in
    percentage points (1-9月 31.3 % against 1-8月 28.1 %: 3.2), and the decimals it is good to
    (`places`: the published growths' own when both were published, else two)."""

    points: Decimal
    places: int


def _published_places(value: Decimal) -> int:
    return max(-value.normalize().as_tuple().exponent, 0)  # type: ignore[operator]


def growth_change(current: YearOnYear | None, previous: YearOnYear | None) -> GrowthChange | None:
    """How many points this period's 同比 moved from the previous reported period's (each as
    year_on_year shows it), by point_change; None when either is missing or is itself a change
    in points (a rate indicator: its 同比 is no growth rate to compare)."""
    if current is None or previous is None or current.points or previous.points:
        return None
    if current.value is None or previous.value is None:
        return None
    if current.official and previous.official:
        places = max(_published_places(current.value), _published_places(previous.value))
        exact = current.value - previous.value
        return GrowthChange(exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP), places)
    change = point_change(current.value, previous.value)
    return GrowthChange(change, 2) if change is not None else None
