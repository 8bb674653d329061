"""The product's words: one term per concept, and how numbers are written.

Words only: nothing here reads the database or decides a status (plans.status decides, with
indicators.metrics computing; indicators.review decides an office's month). Every app may
import this module (it imports nothing of the project), so a page, an export, the briefing
and the admin say a concept with the same word. README's "术语表 / Glossary" is this module
as a table.

Rules for numbers (what people read; spreadsheets keep numbers as numbers, shown by a number
format that follows the same rules, xiage.spreadsheets):
- A published value is written as published: a figure with its indicator's decimals (29.74,
  430), a published growth with the decimals it was given (31.3 stays 31.3, 17 stays 17).
- Amounts in 亿元 have two decimals (indicators in 亿元 are catalogued with 2).
- Rates (完成率, 时序进度, a computed growth) and points (超/落后序时) have two decimals.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # a type only: this module imports nothing of the project when it runs
    from indicators.metrics import YearOnYear

# --- terms ------------------------------------------------------------------------------

OFFICE = _("责任科室")  # the office responsible: never 责任单位
INDICATOR = _("指标")
UNIT = _("单位")
PERIOD = _("期间")
# The period's figure. For a year-to-date indicator it is the 累计数 (1-9月), for a monthly
# one the month's own figure, for a stock the figure at the period's end; the 期间 column
# (2024年1-9月 / 2024年9月) says which.
FIGURE = _("本期数")
FIGURE_NOTE = _("本期数：累计指标为1月至本月的累计数，当月指标为本月数，存量指标为期末数。")
CUMULATIVE = _("累计数")  # said only of a year-to-date figure (charts' 累计走势, the path)
GROWTH = _("同比增长")
GROWTH_PCT = _("同比增长（%）")
GROWTH_SOURCE = _("同比来源")
GROWTH_PUBLISHED = _("公布")
GROWTH_COMPUTED = _("计算")
COMPUTED_MARK = _("（计算）")  # beside a growth computed from last year's figure
COMPUTED_NOTE = _("未公布同比，按上年同期数计算")  # what the mark means, where there is room
# A figure whose 同比 was neither published nor can be computed (no figure last year).
NOT_PUBLISHED = _("未公布")
TARGET = _("年度目标")
COMPLETION = _("完成率")
COMPLETION_PCT = _("完成率（%）")
COMPLETION_SOURCE = _("完成率来源")
# Beside a 完成率 published with the figure (the source gives it, no target to compute it from).
PUBLISHED_MARK = _("（公布）")
TIME_PROGRESS = _("时序进度")  # in headers and sentences alike (never 序时进度)
TIME_PROGRESS_PCT = _("时序进度（%）")
# The signed distance of 完成率 from 时序进度 (or of a growth from its target growth), in
# points: + is 超序时 / 高于目标增速, − is 落后序时 / 低于目标增速. Never called 差距.
GAP_PTS = _("超（+）/落后（−）（百分点）")
STATUS = _("状态")
MARKS = _("标记")
# The dashboard's optional columns (?cols=prev,delta): the same period last year's figure, and
# how many points the 同比 moved since the previous reported period (metrics.growth_change).
LAST_YEAR_FIGURE = _("上年同期")
GROWTH_CHANGE_PTS = _("增速较上期变化（百分点）")
# Beside a growth change, on hover: the previous period's 同比 it is taken from.
PREVIOUS_GROWTH = _("上期（%(period)s）同比增长%(growth)s")
POINTS = _("个百分点")

# --- status words (plans.status and indicators.review attach them to their enums) --------

AHEAD = _("超序时")
ON_PACE = _("按序时")
BEHIND = _("滞后")
ABOVE = _("高于目标增速")
BELOW = _("低于目标增速")
MET = _("已达标")
NOT_MET = _("未达标")
DONE = _("已完成")
NOT_DONE = _("未完成")
NO_TARGET = _("无目标")
# A growth target whose figure has no published growth and no figure last year to compute one.
GROWTH_UNPUBLISHED = _("同比未公布")
# Nothing reported: an entry (a figure, a project's or a task's progress for the month) is
# 未填报; an office's month that is not handed in is 未报送 (and 已报送 once it is).
NOT_FILLED = _("未填报")
NOT_SUBMITTED = _("未报送")
DRAFT = _("草稿")
SUBMITTED = _("已报送")
RETURNED = _("已退回")
REVIEWED = _("已审核")
OVERDUE = _("已逾期")
ON_SCHEDULE = _("按计划")
UNSCHEDULED = _("未排期")
IN_HAND = _("办理中")
RESOLVED = _("已办结")
# An office's month that owes nothing (its indicators report in other months: 季报, 年报 …,
# and it has no project or task), and a month still running: neither is 未报送 nor late.
NOT_DUE = _("本月无需报送")
IN_PROGRESS = _("未到报送期")
# A row of the monthly report form that the indicator does not report this month.
NOT_ASKED = _("本月不报（%(frequency)s）")
NOT_ASKED_JANUARY = _("1月不单独报送（1-2月合并报送）")
# A figure shown for a later period than its own (a 季报 figure of 9月 in October's view).
OWN_PERIOD = _("%(period)s（%(frequency)s）")
# Marks beside a figure
DEMO_DATA = _("演示数据")
DEMO_TARGET = _("演示目标")
REVISED = _("已修订")
UNREVIEWED = _("未审核")

# --- how numbers are written ---------------------------------------------------------------

TWO_PLACES = Decimal("0.01")
EMPTY = "—"


def _text(value: Decimal, grouped: bool) -> str:
    places = max(-value.as_tuple().exponent, 0)  # type: ignore[operator]
    return f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"


def published(value: Decimal | None, decimals: int | None = None, *, grouped: bool = False) -> str:
    """A published value as published: with the indicator's `decimals` when given (a figure),
    else with the decimals it was given (a growth: 31.3, not 31.30; 17, not 17.00)."""
    if value is None:
        return EMPTY
    places = published_places(value) if decimals is None else decimals
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return _text(value, grouped)


def published_places(value: Decimal) -> int:
    """The decimals a published value was given, trailing zeros dropped (31.30 → 1, 17.00 → 0):
    what `published` writes without an indicator's decimals, and a spreadsheet's format."""
    return max(-value.normalize().as_tuple().exponent, 0)  # type: ignore[operator]


def two_places(value: Decimal | None, *, grouped: bool = False) -> str:
    """A rate, a point difference or an amount in 亿元: two decimals (75.00, 25.00, 1.71)."""
    if value is None:
        return EMPTY
    return _text(value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP), grouped)


def signed_points(value: Decimal | None) -> str:
    """+7.61 / -25.00 / 0.00: the 超/落后序时 column."""
    if value is None:
        return EMPTY
    text = two_places(value)
    return f"+{text}" if value > 0 else text


def signed_change(points: Decimal | None, places: int = 2) -> str:
    """+3.2 / -0.45 / 0.0: a change in points with the decimals it is good to (the 增速较上期变化
    column: metrics.growth_change); — without one."""
    if points is None:
        return EMPTY
    text = _text(points.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), False)
    return f"+{text}" if points > 0 else text


def completion_text(rate: Decimal | None, *, published: bool = False, percent: bool = True) -> str:
    """A 完成率 as printed everywhere: 88.87% computed from the target, 93.63%（公布） when it is
    the one published with the figure; — without one. `percent=False` under a header that
    says （%）: 88.87 / 93.63（公布）."""
    if rate is None:
        return EMPTY
    text = two_places(rate) + ("%" if percent else "")
    return text + str(PUBLISHED_MARK) if published else text


def points_change(points: Decimal, text: str | None = None) -> str:
    """A rate indicator's change, in points: 提高2.1个百分点 / 降低0.50个百分点 / 持平.
    `text`: the size of the change as it is to be written (default: two decimals)."""
    size = text if text is not None else two_places(abs(points))
    if points > 0:
        return str(_("提高%(points)s个百分点")) % {"points": size}
    if points < 0:
        return str(_("降低%(points)s个百分点")) % {"points": size}
    return str(_("持平"))


def growth_text(
    growth: Decimal | None,
    *,
    official: bool,
    points: bool = False,
    percent: bool = False,
    grouped: bool = False,
) -> str:
    """A figure's 同比 as printed everywhere (its number from indicators.metrics.year_on_year):
    a published one as published (31.3), a computed one with two decimals and the mark
    (20.00（计算）), a rate indicator's change in points (提高2.1个百分点), and 未公布 when
    there is none. `percent` adds % (a card, a sentence; not under a （%） header)."""
    if growth is None:
        return str(NOT_PUBLISHED)
    write = published if official else two_places
    if points:
        text = points_change(growth, write(abs(growth), grouped=grouped))
    else:
        text = write(growth, grouped=grouped) + ("%" if percent else "")
    return text if official else text + str(COMPUTED_MARK)


def growth_source(growth: Decimal | None, *, official: bool, points: bool = False) -> str:
    """The exports' 同比来源 beside the number: 公布, 计算 or 未公布 (growth_text's words); a
    rate indicator's change, in points under a （%） header, says so: 计算（个百分点）."""
    if growth is None:
        return str(NOT_PUBLISHED)
    source = str(GROWTH_PUBLISHED if official else GROWTH_COMPUTED)
    return str(_("%(source)s（个百分点）")) % {"source": source} if points else source


def shown_growth_text(
    shown: YearOnYear | None, *, percent: bool = False, grouped: bool = False
) -> str:
    """growth_text of a metrics.year_on_year result; — (EMPTY) without a figure."""
    if shown is None:
        return str(EMPTY)
    return growth_text(
        shown.value, official=shown.official, points=shown.points, percent=percent, grouped=grouped
    )


def shown_growth_source(shown: YearOnYear | None, *, empty: str = "") -> str:
    """growth_source of a metrics.year_on_year result; `empty` without a figure."""
    if shown is None:
        return empty
    return growth_source(shown.value, official=shown.official, points=shown.points)


def gap_phrase(gap: Decimal) -> str:
    """超序时7.61个百分点 / 落后序时25.00个百分点 / 按序时."""
    if gap > 0:
        return str(_("超序时%(gap)s个百分点")) % {"gap": two_places(gap)}
    if gap < 0:
        return str(_("落后序时%(gap)s个百分点")) % {"gap": two_places(-gap)}
    return str(ON_PACE)


def growth_gap_phrase(gap: Decimal) -> str:
    """高于目标增速5.00个百分点 / 低于目标增速10.50个百分点 / 与目标增速持平."""
    if gap > 0:
        return str(_("高于目标增速%(gap)s个百分点")) % {"gap": two_places(gap)}
    if gap < 0:
        return str(_("低于目标增速%(gap)s个百分点")) % {"gap": two_places(-gap)}
    return str(_("与目标增速持平"))


def target_gap_phrase(gap: Decimal) -> str:
    """A target judged on its own (a stock's, a month's): 优于年度目标… / 未达年度目标…"""
    if gap > 0:
        return str(_("优于年度目标%(gap)s个百分点")) % {"gap": two_places(gap)}
    if gap < 0:
        return str(_("未达年度目标%(gap)s个百分点")) % {"gap": two_places(-gap)}
    return str(_("与年度目标持平"))


# The README's table: (term, what it means).
TERMS: list[tuple[str, str]] = [
    ("责任科室", "负责指标、项目、任务的科室（不用“责任单位”）"),
    ("本期数", "期间的数：累计指标为1至本月的累计数，当月指标为当月数，存量指标为期末数"),
    ("累计数", "1月至本月的累计数，只用于累计指标"),
    (
        "同比增长（%）",
        "统计部门公布的同口径增速；未公布时按上年同期数计算并标“（计算）”，"
        "无上年同期数时为“未公布”；比率指标（%）为增减个百分点",
    ),
    ("时序进度", "本月末已过去的全年比例，月份÷12（9月为75.00%），只用于累计指标"),
    ("完成率", "累计数÷年度目标；无年度目标而原文公布完成率的，用公布数并标“（公布）”"),
    ("同比未公布", "增速目标的本期数没有公布同比，也没有上年同期数可计算"),
    (
        "超序时 / 落后序时",
        "完成率与时序进度之差（百分点），正为超序时，负为落后序时；表头“超（+）/落后（−）”，不称“差距”",
    ),
    ("高于 / 低于目标增速", "增速目标：同比增长与目标增速之差（百分点）"),
    ("按序时", "完成率与时序进度（任务为序时应完成比例）按两位小数相等"),
    ("未填报", "一项数据（指标数据、项目或任务的当月进展）没有填写"),
    ("未报送", "科室当月的数据没有报送审核"),
]


def tone_of(value: str, *, good: Collection[str], bad: Collection[str]) -> str:
    """'good', 'bad' or 'neutral' for a status value: a CSS hint printed beside the status's
    words, never instead of them. Each status enum names its good and bad values once."""
    if value in good:
        return "good"
    if value in bad:
        return "bad"
    return "neutral"
