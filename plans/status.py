"""Where a target, a stage, a project's investment or a task stands: one function each.

Used by the dashboard, exports, reports and admin alike; templates never recompute these.
Statuses are said in words (Status.label); `tone` is only a second signal for colour.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators import metrics
from indicators.models import Indicator, Kind

# An office's monthly report (报送情况) is decided by the review workflow, which the 月报填报
# page in the indicators app prints too (indicators may not import plans); its words are
# re-exported here so every status word of the product is reachable from this module.
from indicators.review import FROZEN_STATES as FROZEN_REPORT_STATES
from indicators.review import OfficeReport, ReportState, office_report

HUNDRED = Decimal(100)


class Status(models.TextChoices):
    AHEAD = "ahead", _("超序时")
    BEHIND = "behind", _("滞后")
    ABOVE = "above", _("高于目标增速")
    BELOW = "below", _("低于目标增速")
    MET = "met", _("已达标")
    NOT_MET = "not_met", _("未达标")
    DONE = "done", _("已完成")
    NOT_DONE = "not_done", _("未完成")
    NO_DATA = "no_data", _("未填报")
    NO_TARGET = "no_target", _("无目标")


GOOD = frozenset({Status.AHEAD, Status.ABOVE, Status.MET, Status.DONE})
BAD = frozenset({Status.BEHIND, Status.BELOW, Status.NOT_MET})


def tone(status: Status) -> str:
    """'good', 'bad' or 'neutral': a CSS hint beside the words, never instead of them."""
    if status in GOOD:
        return "good"
    if status in BAD:
        return "bad"
    return "neutral"


@dataclass(frozen=True)
class TargetProgress:
    status: Status
    completion_rate: Decimal | None = None  # % of the annual target
    time_progress: Decimal | None = None  # 时序进度, %
    gap: Decimal | None = None  # percentage points; positive is good whichever the direction
    growth: Decimal | None = None  # the growth compared, for a growth target
    growth_is_official: bool = False

    @property
    def label(self) -> str:
        return str(self.status.label)

    @property
    def tone(self) -> str:
        return tone(self.status)


def target_progress(
    *,
    indicator: Indicator,
    target_kind: str | None,
    target_value: Decimal | None,
    achieved_on: date | None = None,
    month: int,
    year: int,
    value: Decimal | None,
    official_growth: Decimal | None = None,
    last_year_value: Decimal | None = None,
) -> TargetProgress:
    """An indicator's standing against its annual target at the end of (year, month).

    - amount (完成X): completion rate = value / target; a year-to-date figure is 超序时 when
      the rate reaches time progress (month / 12), 滞后 otherwise; a stock or a monthly
      figure is 已达标 / 未达标 against the target itself. Lower-is-better indicators count
      the other way: using less than time progress of a ceiling is ahead; a ceiling of zero
      (0事故) is met only by zero.
    - growth (增长X%): the published growth (or, failing that, the computed one, flagged)
      against the target growth, in points.
    - floor (X以上): 已达标 once reached, otherwise as an amount against time progress.
    - milestone: 已完成 once achieved by the period's end.
    """
    from plans.models import Target

    progress = metrics.time_progress(month)
    if target_kind is None:
        return TargetProgress(Status.NO_TARGET, time_progress=progress)
    if target_kind == Target.Kind.MILESTONE:
        period_end = _month_end(year, month)
        done = achieved_on is not None and achieved_on <= period_end
        return TargetProgress(Status.DONE if done else Status.NOT_DONE, time_progress=progress)
    if target_kind == Target.Kind.GROWTH:
        growth, official = metrics.shown_growth(official_growth, value, last_year_value)
        if growth is None or target_value is None:
            return TargetProgress(Status.NO_DATA, time_progress=progress)
        gap = growth - target_value if not indicator.lower_is_better else target_value - growth
        return TargetProgress(
            Status.ABOVE if gap >= 0 else Status.BELOW,
            time_progress=progress,
            gap=metrics.round2(gap),
            growth=growth,
            growth_is_official=official,
        )
    if value is None or target_value is None:
        return TargetProgress(Status.NO_DATA, time_progress=progress)
    rate = metrics.completion_rate(value, target_value)
    if target_kind == Target.Kind.FLOOR:
        if value >= target_value:
            return TargetProgress(Status.MET, rate, progress, metrics.gap_points(rate, progress))
        return _against_time(rate, progress)
    # amount
    if indicator.lower_is_better:
        if target_value == 0 or value > target_value:
            met = value <= target_value
            return TargetProgress(Status.MET if met else Status.NOT_MET, rate, progress)
        if indicator.kind != Kind.YTD:
            return TargetProgress(Status.MET, rate, None, metrics.round2(HUNDRED - rate))
        gap = metrics.gap_points(progress, rate)  # below the time share of the ceiling is good
        return TargetProgress(Status.AHEAD if gap >= 0 else Status.BEHIND, rate, progress, gap)
    if indicator.kind != Kind.YTD:
        met = value >= target_value
        gap = metrics.round2(rate - HUNDRED) if rate is not None else None
        return TargetProgress(Status.MET if met else Status.NOT_MET, rate, None, gap)
    if rate is not None and rate >= HUNDRED:
        return TargetProgress(Status.MET, rate, progress, metrics.gap_points(rate, progress))
    return _against_time(rate, progress)


def _against_time(rate: Decimal | None, progress: Decimal) -> TargetProgress:
    gap = metrics.gap_points(rate, progress)
    if gap is None:
        return TargetProgress(Status.NO_DATA, rate, progress)
    return TargetProgress(Status.AHEAD if gap >= 0 else Status.BEHIND, rate, progress, gap)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def stage_is_overdue(*, planned_date: date | None, completed: bool, on: date) -> bool:
    """A stage is overdue when its planned date has passed and it is not done."""
    return planned_date is not None and not completed and planned_date < on


def investment_gap(
    *, investment_ytd: Decimal | None, planned: Decimal | None, month: int
) -> Decimal | None:
    """Investment completion rate minus time progress, in points (negative = behind)."""
    rate = metrics.completion_rate(investment_ytd, planned)
    if rate is None:
        return None
    return metrics.gap_points(rate, metrics.time_progress(month))


def investment_is_behind(
    *, investment_ytd: Decimal | None, planned: Decimal | None, month: int
) -> bool:
    gap = investment_gap(investment_ytd=investment_ytd, planned=planned, month=month)
    return gap is not None and gap < 0


def task_expected_share(*, deadline: date, year: int, month: int) -> Decimal:
    """Share of a task's quantity due by the end of (year, month), on a straight path from
    January to the deadline's month (a year-end task follows time progress exactly)."""
    if (year, month) >= (deadline.year, deadline.month):
        return HUNDRED
    if deadline.year > year:
        months_to_deadline = 12 * (deadline.year - year) + deadline.month
    else:
        months_to_deadline = deadline.month
    return metrics.round2(Decimal(month) * HUNDRED / months_to_deadline)


def task_is_behind(
    *,
    quantity: Decimal | None,
    done: Decimal | None,
    percent_done: Decimal | None,
    deadline: date,
    year: int,
    month: int,
) -> bool:
    """Behind when the reported quantity (or % for a milestone) trails the straight path."""
    share = task_expected_share(deadline=deadline, year=year, month=month)
    if quantity is not None and quantity > 0:
        if done is None:
            return False
        return done * HUNDRED / quantity < share
    if percent_done is None:
        return False
    return percent_done < share


__all__ = [
    "FROZEN_REPORT_STATES",
    "OfficeReport",
    "ReportState",
    "Status",
    "TargetProgress",
    "office_report",
    "target_progress",
    "tone",
]
