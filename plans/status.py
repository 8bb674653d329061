"""Where a target, a stage, a task, a 督办 item or a project's investment stands: one
function each, and every status word of the product as an enum with its tone.

Used by the dashboard, exports, the briefing, charts and admin alike; they print `.label` and
`.tone` and never decide a status themselves. The words are indicators.glossary's; the numbers
(时序进度, 完成率, gaps, paces) are indicators.metrics'. Statuses are said in words (`label`);
`tone` ('good', 'bad', 'neutral') is only a second signal, for colour.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from indicators import glossary as words
from indicators import metrics
from indicators.models import Indicator, Kind

# An office's monthly report (报送情况) is decided by the review workflow, which the 月报填报
# page in the indicators app prints too (indicators may not import plans); its words are
# re-exported here so every status word of the product is reachable from this module.
from indicators.review import FROZEN_STATES as FROZEN_REPORT_STATES
from indicators.review import OfficeReport, ReportState, office_report

HUNDRED = Decimal(100)


class Status(models.TextChoices):
    """An indicator against its annual target."""

    AHEAD = "ahead", words.AHEAD
    ON_PACE = "on_pace", words.ON_PACE
    BEHIND = "behind", words.BEHIND
    ABOVE = "above", words.ABOVE
    BELOW = "below", words.BELOW
    MET = "met", words.MET
    NOT_MET = "not_met", words.NOT_MET
    DONE = "done", words.DONE
    NOT_DONE = "not_done", words.NOT_DONE
    NO_DATA = "no_data", words.NOT_FILLED
    GROWTH_UNPUBLISHED = "growth_unpublished", words.GROWTH_UNPUBLISHED
    NO_TARGET = "no_target", words.NO_TARGET

    @property
    def tone(self) -> str:
        return tone(self)


GOOD = frozenset({Status.AHEAD, Status.ON_PACE, Status.ABOVE, Status.MET, Status.DONE})
BAD = frozenset({Status.BEHIND, Status.BELOW, Status.NOT_MET})


def tone(status: Status) -> str:
    """'good', 'bad' or 'neutral': a CSS hint beside the words, never instead of them."""
    return words.tone_of(status, good=GOOD, bad=BAD)


class TaskState(models.TextChoices):
    """A work task's month: its progress against its straight path to the deadline."""

    DONE = "done", words.DONE
    AHEAD = "ahead", words.AHEAD
    ON_PACE = "on_pace", words.ON_PACE
    BEHIND = "behind", words.BEHIND
    NOT_FILLED = "not_filled", words.NOT_FILLED

    @property
    def tone(self) -> str:
        good = (TaskState.DONE, TaskState.AHEAD, TaskState.ON_PACE)
        return words.tone_of(self, good=good, bad=(TaskState.BEHIND,))


class StageState(models.TextChoices):
    """A project stage on a day. The values are the board's cell classes."""

    DONE = "done", words.DONE
    OVERDUE = "overdue", words.OVERDUE
    ON_TIME = "on_time", words.ON_SCHEDULE
    NOT_STARTED = "not_started", words.UNSCHEDULED

    @property
    def tone(self) -> str:
        return words.tone_of(self, good=(StageState.DONE,), bad=(StageState.OVERDUE,))


class ItemState(models.TextChoices):
    """A 督办 item on a day."""

    OVERDUE = "overdue", words.OVERDUE
    IN_HAND = "in_hand", words.IN_HAND
    RESOLVED = "resolved", words.RESOLVED

    @property
    def tone(self) -> str:
        return words.tone_of(self, good=(ItemState.RESOLVED,), bad=(ItemState.OVERDUE,))


@dataclass(frozen=True)
class TargetProgress:
    status: Status
    completion_rate: Decimal | None = None  # % of the annual target
    time_progress: Decimal | None = None  # 时序进度, %
    gap: Decimal | None = None  # percentage points; positive is good whichever the direction
    growth: Decimal | None = None  # the growth compared, for a growth target
    growth_is_official: bool = False
    completion_is_published: bool = False  # the 完成率 is the one published with the figure

    @property
    def completion_label(self) -> str:
        """完成率 as printed: 88.87% / 93.63%（公布） / — (indicators.glossary.completion_text)."""
        return words.completion_text(self.completion_rate, published=self.completion_is_published)

    @property
    def completion_cell(self) -> str:
        """The same under a （%） header: 88.87 / 93.63（公布） / —."""
        return words.completion_text(
            self.completion_rate, published=self.completion_is_published, percent=False
        )

    @property
    def label(self) -> str:
        return str(self.status.label)

    @property
    def tone(self) -> str:
        return tone(self.status)

    @property
    def gap_label(self) -> str:
        """The gap in words: 超序时7.61个百分点 / 落后序时25.00个百分点 / 按序时, 高于目标增速
        5.00个百分点 …; for a target judged on its own (a stock's), 优于/未达年度目标 …"""
        gap = self.gap
        if gap is None:
            return words.EMPTY
        if self.status in (Status.ABOVE, Status.BELOW):
            return words.growth_gap_phrase(gap)
        if self.time_progress is not None:
            return words.gap_phrase(gap)
        return words.target_gap_phrase(gap)


class Mark(models.TextChoices):
    """What a figure or target carries beside its number; `css` is the tag's class."""

    DEMO = "demo", words.DEMO_DATA
    REVISED = "revised", words.REVISED
    UNREVIEWED = "unreviewed", words.UNREVIEWED
    DEMO_TARGET = "demo_target", words.DEMO_TARGET

    @property
    def css(self) -> str:
        return "demo" if self in (Mark.DEMO, Mark.DEMO_TARGET) else self.value


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
    published_completion_rate: Decimal | None = None,
) -> TargetProgress:
    """An indicator's standing against its annual target at the end of (year, month).

    - no figure for the period: 未填报 (whatever the target, a milestone's aside).
    - amount (完成X): completion rate = value / target; a year-to-date figure is 超序时 when
      the rate is above time progress, 按序时 when equal (both as shown, two places), 滞后
      below; a stock or a monthly figure is 已达标 / 未达标 against the target itself.
      Lower-is-better indicators count the other way: using less than time progress of a
      ceiling is ahead; a ceiling of zero (0事故) is met only by zero.
    - growth (增长X%): the published growth (or, failing that, the computed one, flagged)
      against the target growth, in points (a rate indicator's change is itself in points);
      同比未公布 when none was published and there is no figure last year to compute one.
    - floor (X以上): 已达标 once reached, otherwise as an amount against time progress.
    - milestone: 已完成 once achieved by the period's end.

    时序进度 is given only for a year-to-date indicator (a stock or a month's figure has none),
    or where the decision was made against it.

    Without a target to compute a 完成率 from, the one published with the figure
    (`published_completion_rate`, %) is given, flagged `completion_is_published`. With no
    target at all, a year-to-date indicator's published 完成率 is judged against 时序进度 by
    the rule a computed one is (超序时 / 按序时 / 滞后, 已达标 at 100 %); otherwise (a growth
    or milestone target decides; a stock's or a month's figure has no 时序进度) it decides
    nothing.
    """
    result = _target_progress(
        indicator=indicator,
        target_kind=target_kind,
        target_value=target_value,
        achieved_on=achieved_on,
        month=month,
        year=year,
        value=value,
        official_growth=official_growth,
        last_year_value=last_year_value,
    )
    published = published_completion_rate
    if published is not None and result.completion_rate is None:
        if result.status == Status.NO_TARGET and indicator.is_cumulative:
            rate = metrics.round2(published)
            result = _ytd_standing(indicator, rate, metrics.time_progress(month))
        else:
            result = replace(result, completion_rate=published)
        result = replace(result, completion_is_published=True)
    if indicator.is_cumulative or result.status in TIME_STATUSES:
        return result
    return replace(result, time_progress=None)


TIME_STATUSES = frozenset({Status.AHEAD, Status.ON_PACE, Status.BEHIND})


def _target_progress(
    *,
    indicator: Indicator,
    target_kind: str | None,
    target_value: Decimal | None,
    achieved_on: date | None,
    month: int,
    year: int,
    value: Decimal | None,
    official_growth: Decimal | None,
    last_year_value: Decimal | None,
) -> TargetProgress:
    from plans.models import Target

    progress = metrics.time_progress(month)
    if target_kind == Target.Kind.MILESTONE:
        period_end = _month_end(year, month)
        done = achieved_on is not None and achieved_on <= period_end
        return TargetProgress(Status.DONE if done else Status.NOT_DONE, time_progress=progress)
    if value is None:
        return TargetProgress(Status.NO_DATA, time_progress=progress)
    if target_kind is None or target_value is None:
        return TargetProgress(Status.NO_TARGET, time_progress=progress)
    if target_kind == Target.Kind.GROWTH:
        shown = metrics.year_on_year(
            official_growth, value, last_year_value, points=_is_ratio(indicator)
        )
        growth, official = shown.value, shown.official
        if growth is None:
            return TargetProgress(Status.GROWTH_UNPUBLISHED, time_progress=progress)
        lead = growth - target_value if not indicator.lower_is_better else target_value - growth
        return TargetProgress(
            Status.ABOVE if lead >= 0 else Status.BELOW,
            time_progress=progress,
            gap=metrics.round2(lead),
            growth=growth,
            growth_is_official=official,
        )
    if target_value == 0 and not indicator.lower_is_better:
        # A target of nothing is met by anything reported (and leaves no rate to compare).
        return TargetProgress(Status.MET, time_progress=progress)
    rate = metrics.completion_rate(value, target_value)
    if target_kind == Target.Kind.FLOOR:
        if value >= target_value:
            if indicator.is_cumulative:
                return TargetProgress(
                    Status.MET, rate, progress, metrics.gap_points(rate, progress)
                )
            gap = metrics.round2(rate - HUNDRED) if rate is not None else None
            return TargetProgress(Status.MET, rate, None, gap)
        return _against_time(rate, progress)
    # amount
    if indicator.lower_is_better:
        if target_value == 0 or value > target_value:
            met = value <= target_value
            return TargetProgress(Status.MET if met else Status.NOT_MET, rate, progress)
        if indicator.kind != Kind.YTD:
            below = metrics.round2(HUNDRED - rate) if rate is not None else None
            return TargetProgress(Status.MET, rate, None, below)
        return _ytd_standing(indicator, rate, progress)
    if indicator.kind != Kind.YTD:
        met = value >= target_value
        gap = metrics.round2(rate - HUNDRED) if rate is not None else None
        return TargetProgress(Status.MET if met else Status.NOT_MET, rate, None, gap)
    return _ytd_standing(indicator, rate, progress)


def _ytd_standing(indicator: Indicator, rate: Decimal | None, progress: Decimal) -> TargetProgress:
    """A year-to-date 完成率 (%, computed from an amount target or published with the figure)
    against 时序进度: 已达标 from 100 %, else 超序时 / 按序时 / 滞后 by the gap in points.
    Of a ceiling (lower is better), using less than the time share is ahead and more than all
    of it is 未达标."""
    if indicator.lower_is_better:
        if rate is not None and rate > HUNDRED:
            return TargetProgress(Status.NOT_MET, rate, progress)
        gap = metrics.gap_points(progress, rate)  # below the time share of the ceiling is good
        if gap is None:
            return TargetProgress(Status.NO_DATA, rate, progress)
        return TargetProgress(_by_gap(gap), rate, progress, gap)
    if rate is not None and rate >= HUNDRED:
        return TargetProgress(Status.MET, rate, progress, metrics.gap_points(rate, progress))
    return _against_time(rate, progress)


def _is_ratio(indicator: Indicator) -> bool:
    """A rate indicator (its change is in points); an indicator not yet given a unit is not."""
    return indicator.unit_id is not None and indicator.is_ratio


def _by_gap(gap: Decimal) -> Status:
    if gap > 0:
        return Status.AHEAD
    return Status.ON_PACE if gap == 0 else Status.BEHIND


def _against_time(rate: Decimal | None, progress: Decimal) -> TargetProgress:
    gap = metrics.gap_points(rate, progress)
    if gap is None:
        return TargetProgress(Status.NO_DATA, rate, progress)
    return TargetProgress(_by_gap(gap), rate, progress, gap)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def judged_on(year: int, month: int, today: date) -> date:
    """The day a period's stages are judged: its last day, or today while it runs. A view of
    September does not call a stage late that fell due in November."""
    return min(today, _month_end(year, month))


def stage_is_overdue(*, planned_date: date | None, completed: bool, on: date) -> bool:
    """A stage is overdue when its planned date has passed and it is not done."""
    return planned_date is not None and not completed and planned_date < on


def stage_state(*, planned_date: date | None, completed: bool, on: date) -> StageState:
    """已完成, 已逾期, 按计划 (planned, not yet due) or 未排期 (no plan)."""
    if completed:
        return StageState.DONE
    if stage_is_overdue(planned_date=planned_date, completed=False, on=on):
        return StageState.OVERDUE
    if planned_date is not None:
        return StageState.ON_TIME
    return StageState.NOT_STARTED


def item_state(*, resolved: bool, due_date: date, on: date) -> ItemState:
    """A 督办 item: 已办结, 已逾期 (open past its due day) or 办理中."""
    if resolved:
        return ItemState.RESOLVED
    return ItemState.OVERDUE if due_date < on else ItemState.IN_HAND


def investment_gap(
    *, investment_ytd: Decimal | None, planned: Decimal | None, month: int
) -> Decimal | None:
    """Investment completion rate minus time progress, in points (negative = behind)."""
    rate = metrics.completion_rate(investment_ytd, planned)
    if rate is None:
        return None
    return metrics.gap_points(rate, metrics.time_progress(month))


def task_expected_share(*, deadline: date, year: int, month: int) -> Decimal:
    """Share of a task's quantity due by the end of (year, month), on a straight path from
    January to the deadline's month (a year-end task follows time progress exactly)."""
    if (year, month) >= (deadline.year, deadline.month):
        return HUNDRED
    if deadline.year > year:
        months_to_deadline = 12 * (deadline.year - year) + deadline.month
    else:
        months_to_deadline = deadline.month
    return metrics.pace(month, months_to_deadline)


@dataclass(frozen=True)
class TaskProgress:
    state: TaskState
    rate: Decimal | None = None  # % of the quantity done (or the 形象进度 of a milestone)
    expected: Decimal | None = None  # 序时应完成, %

    @property
    def label(self) -> str:
        return str(self.state.label)

    @property
    def tone(self) -> str:
        return self.state.tone

    @property
    def behind(self) -> bool:
        return self.state == TaskState.BEHIND


def task_progress(
    *,
    reported: bool,
    quantity: Decimal | None,
    done: Decimal | None,
    percent_done: Decimal | None,
    deadline: date,
    year: int,
    month: int,
) -> TaskProgress:
    """A task's month: 未填报 without a report; otherwise its rate (quantity done / quantity,
    or the 形象进度 of a milestone, two places as shown) against the share due by now:
    超序时, 按序时 (equal as shown: 974.99 of 1300 亩 in September is 75.00% of 75.00%) or
    滞后; 已完成 once all is done. A report with no number to compare is 按序时 (it is not
    called late on nothing)."""
    if not reported:
        return TaskProgress(TaskState.NOT_FILLED)
    expected = task_expected_share(deadline=deadline, year=year, month=month)
    if quantity is not None and quantity > 0:
        rate = metrics.completion_rate(done, quantity)
    else:
        rate = metrics.round2(percent_done) if percent_done is not None else None
    if rate is None:
        return TaskProgress(TaskState.ON_PACE, None, expected)
    if rate >= HUNDRED:
        return TaskProgress(TaskState.DONE, rate, expected)
    state = {1: TaskState.AHEAD, 0: TaskState.ON_PACE, -1: TaskState.BEHIND}[
        metrics.pace_status(rate, expected) or 0
    ]
    return TaskProgress(state, rate, expected)


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
    return task_progress(
        reported=True,
        quantity=quantity,
        done=done,
        percent_done=percent_done,
        deadline=deadline,
        year=year,
        month=month,
    ).behind


def target_wording(indicator: Indicator, kind: str | None, value: Decimal | None) -> str:
    """A target in words, from its type and value: 完成12.5亿元, 增长8%, 12.5亿元以上. A 节点
    target (or one without a value) has none: its wording is written by a person."""
    from plans.models import Target

    if value is None:
        return ""
    number = words.published(value)
    if kind == Target.Kind.AMOUNT:
        return _("完成%(amount)s") % {"amount": f"{number}{indicator.unit_label}"}
    if kind == Target.Kind.GROWTH:
        return _("增长%(growth)s%%") % {"growth": number}
    if kind == Target.Kind.FLOOR:
        return _("%(amount)s以上") % {"amount": f"{number}{indicator.unit_label}"}
    return ""


def edited_target_wording(
    indicator: Indicator,
    *,
    was: tuple[str | None, Decimal | None, str],
    kind: str | None,
    value: Decimal | None,
    typed: str | None,
) -> str:
    """The wording of a target edited from `was` (its type, value and wording) to `kind` and
    `value`, with `typed` the wording box or cell as left: a wording the person wrote (neither
    blank nor the wording before) is theirs and kept; otherwise, when the type or value changed,
    the wording follows them (target_wording; a 节点 target's is then blank, for the person to
    write); else it stays as it was."""
    typed = (typed or "").strip()
    was_kind, was_value, was_wording = was
    if typed and typed != was_wording:
        return typed
    if (kind, value) != (was_kind, was_value):
        return target_wording(indicator, kind, value)
    return was_wording


__all__ = [
    "FROZEN_REPORT_STATES",
    "ItemState",
    "OfficeReport",
    "ReportState",
    "StageState",
    "Status",
    "TargetProgress",
    "TaskProgress",
    "TaskState",
    "edited_target_wording",
    "item_state",
    "office_report",
    "stage_state",
    "target_progress",
    "target_wording",
    "task_progress",
    "tone",
]
