"""The briefing's words: numbers from the dashboard's rows, said as the town's documents say them.

Nothing here computes a rate, a gap or a growth: every number comes from an IndicatorRow
(indicators.metrics and plans.status behind it). These functions only choose the words.

  1-9月，全镇实现规上工业产值29.74亿元，同比增长31.3%；
  全镇完成工业性投资（不含比亚迪）1.71亿元，完成率93.63%；…
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from dashboard.selectors import IndicatorRow
from indicators import glossary
from indicators.models import Category, Kind
from plans.status import Status

# A definition longer than this is an explanation, not a scope note such as "不含比亚迪":
# it stays on the indicator's page and out of the sentence.
SHORT_DEFINITION = 30


def number(value: Decimal) -> str:
    """A count or quantity as the document writes it: 1300.00 → 1300, 974.99, ungrouped."""
    return format(value.normalize(), "f")


def figure_text(row: IndicatorRow) -> str:
    """The period's figure as published: with the indicator's decimals (29.74, 20.00, 430)."""
    return glossary.published(row.value, row.indicator.decimals)


def growth_text(growth: Decimal, official: bool) -> str:
    """A published growth as published (31.3); a computed one with two decimals (20.00)."""
    return glossary.published(growth) if official else glossary.two_places(growth)


def period_opening(month: int) -> str:
    """How a year-to-date sentence opens: 1-9月， (1-2月， for February, 1月， for January)."""
    if month > 1:
        return _("1-%(month)d月，") % {"month": month}
    return _("1月，")


def indicator_wording(row: IndicatorRow) -> str:
    """The name as the document words it, with a short scope note: 工业性投资（不含比亚迪）."""
    indicator = row.indicator
    definition = " ".join(indicator.definition.split())
    if definition and len(definition) <= SHORT_DEFINITION and "。" not in definition:
        return _("%(name)s（%(definition)s）") % {"name": indicator.name, "definition": definition}
    return indicator.name


def _lead(row: IndicatorRow) -> str:
    """全镇实现规上工业产值 / 全镇完成固定资产投资 / 全镇发证率为 …"""
    indicator = row.indicator
    name = indicator_wording(row)
    if indicator.kind == Kind.STOCK:
        return _("全镇%(name)s为") % {"name": name}
    if indicator.category == Category.INDUSTRY:
        lead = _("全镇实现%(name)s") % {"name": name}
    else:
        lead = _("全镇完成%(name)s") % {"name": name}
    if indicator.kind == Kind.MONTHLY:
        return _("%(month)d月当月") % {"month": row.month} + lead
    return lead


def growth_phrase(row: IndicatorRow) -> str:
    """同比增长31.3% / 同比下降2.1% / 同比持平, flagged when computed rather than published;
    a rate indicator's change in points (同比提高2.1个百分点). Nothing when there is none to
    say (a growth target says 同比未公布 as its status, target_phrase)."""
    shown = row.year_on_year
    if shown is None or shown.value is None:
        return ""
    growth, official = shown.value, shown.official
    if shown.points:
        size = growth_text(abs(growth), official)
        text = _("同比%(change)s") % {"change": glossary.points_change(growth, size)}
    elif growth > 0:
        text = _("同比增长%(rate)s%%") % {"rate": growth_text(growth, official)}
    elif growth < 0:
        text = _("同比下降%(rate)s%%") % {"rate": growth_text(-growth, official)}
    else:
        text = _("同比持平")
    if not official:
        text += _("（按上年同期数计算）")
    return text


def target_phrase(row: IndicatorRow) -> str:
    """Where the figure stands against its annual target, or against 时序进度 by the 完成率
    published with it (完成率93.63%（公布），超序时18.63个百分点)."""
    progress = row.progress
    rate, gap = progress.completion_rate, progress.gap
    lower = row.indicator.lower_is_better
    published = progress.completion_is_published
    if published:
        share = _("完成率%(rate)s") % {"rate": progress.completion_label}
    elif lower:
        share = _("使用年度控制目标的%(rate)s%%") % {"rate": glossary.two_places(rate)}
    else:
        share = _("完成年度目标的%(rate)s%%") % {"rate": glossary.two_places(rate)}
    time_words = (Status.AHEAD, Status.ON_PACE, Status.BEHIND)
    if progress.status in time_words and rate is not None and gap is not None:
        return f"{share}，{progress.gap_label}"
    if progress.status in (Status.ABOVE, Status.BELOW) and gap is not None:
        return progress.gap_label
    if progress.status == Status.GROWTH_UNPUBLISHED:
        return progress.label
    if progress.status in (Status.MET, Status.NOT_MET):
        said = _("已达到年度目标") if progress.status == Status.MET else _("未达到年度目标")
        if rate is not None and (published or not lower):
            return f"{share}，{said}"
        return said
    if progress.status in (Status.DONE, Status.NOT_DONE):
        return _("年度目标“%(target)s”%(state)s") % {
            "target": row.target_label,
            "state": progress.label,
        }
    if published and rate is not None:
        return share
    return ""


def demo_mark(row: IndicatorRow) -> str:
    if row.figure is not None and row.figure.is_demo:
        return _("（演示数据）")
    if row.target is not None and row.target.is_demo:
        return _("（演示目标）")
    return ""


def clause(row: IndicatorRow) -> str:
    """One key indicator in one clause; '' when the period has no figure for it. A figure of
    an earlier period than the briefing's (a 季报 indicator's 1-9月 in October's briefing) opens
    with its own period: 2026年1-9月（季报）全镇完成…"""
    if row.figure is None or row.value is None:
        return ""
    text = row.period_note + _lead(row) + figure_text(row) + row.indicator.unit_label
    for phrase in (growth_phrase(row), target_phrase(row)):
        if phrase:
            text += "，" + phrase
    return text + demo_mark(row)


def paragraph(month: int, rows: Sequence[IndicatorRow]) -> str:
    """The economic paragraph: the period, then one clause per indicator with a figure."""
    clauses = [text for text in (clause(row) for row in rows) if text]
    if not clauses:
        return period_opening(month) + _("重点经济指标暂无数据报送。")
    return period_opening(month) + "；".join(clauses) + "。"


@dataclass(frozen=True)
class TableRow:
    """One line of the 经济指标完成情况表, every cell already text as the page prints it."""

    indicator: str
    unit: str
    value: str
    growth: str
    target: str
    completion: str
    time_progress: str
    gap: str
    status: str
    office: str
    remarks: str
    tone: str


EMPTY = "—"


def table_headers() -> list[str]:
    """Evaluated per request so that the active language applies."""
    return [
        str(glossary.INDICATOR),
        str(glossary.UNIT),
        str(glossary.FIGURE),
        str(glossary.GROWTH_PCT),
        str(glossary.TARGET),
        str(glossary.COMPLETION_PCT),
        str(glossary.TIME_PROGRESS_PCT),
        str(glossary.GAP_PTS),
        str(glossary.STATUS),
        str(glossary.OFFICE),
        _("备注"),
    ]


def table_row(row: IndicatorRow) -> TableRow:
    progress = row.progress
    return TableRow(
        indicator=indicator_wording(row),
        unit=row.indicator.unit_label,
        value=figure_text(row),
        growth=row.growth_text(),
        target=row.target_label or EMPTY,
        completion=progress.completion_cell,
        time_progress=glossary.two_places(progress.time_progress),
        gap=glossary.signed_points(progress.gap),
        status=progress.label,
        office=row.indicator.office.name,
        # A figure of an earlier period than the briefing's says its own: 2026年1-9月（季报）.
        remarks="、".join([*row.marks, row.period_note] if row.period_note else row.marks),
        tone=progress.tone,
    )


def demo_notice() -> str:
    return _("说明：本简报含演示数据（文中已标注“演示数据”“演示目标”），仅供演示，不代表实际情况。")


def table_note() -> str:
    return _(
        "注：同比增长标“计算”的按上年同期数计算，其余为统计部门公布数，“未公布”为未公布"
        "且无上年同期数；比率指标的同比为增减百分点。完成率＝累计数÷年度目标，标“公布”的为"
        "原文公布的完成率；超（+）/落后（−）＝完成率－时序进度（百分点），"
        "增速目标为同比增长－目标增速；时序进度只用于累计指标。"
    ) + str(glossary.FIGURE_NOTE)
