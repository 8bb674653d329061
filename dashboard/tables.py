from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from dashboard.selectors import IndicatorRow

MARK_CLASSES = {"演示数据": "demo", "演示目标": "demo", "未审核": "unreviewed", "已修订": "revised"}


def _number(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.{places}f}"


class IndicatorTable(tables.Table):
    """The 经济指标完成情况表. Data are IndicatorRow objects; sorting happens in Python."""

    name = tables.Column(_("指标"), accessor="indicator__name", attrs={"th": {"scope": "col"}})
    unit = tables.Column(_("单位"), accessor="indicator__unit_label", orderable=False)
    value = tables.Column(_("本期数"), accessor="value", attrs={"td": {"class": "num"}})
    growth = tables.Column(
        _("同比（%）"), accessor="growth", order_by="growth_value", attrs={"td": {"class": "num"}}
    )
    target = tables.Column(_("年度目标"), accessor="target_label", orderable=False)
    completion = tables.Column(
        _("完成率（%）"), accessor="progress__completion_rate", attrs={"td": {"class": "num"}}
    )
    time_progress = tables.Column(
        _("时序进度（%）"), accessor="progress__time_progress", attrs={"td": {"class": "num"}}
    )
    gap = tables.Column(
        _("差距（百分点）"), accessor="progress__gap", attrs={"td": {"class": "num"}}
    )
    status = tables.Column(_("状态"), accessor="progress__label")
    office = tables.Column(_("责任科室"), accessor="indicator__office__name")

    class Meta:
        attrs = {"class": "data-table", "id": "indicator-table"}
        template_name = "django_tables2/table.html"
        empty_text = _("没有符合条件的指标。")

    def get_column_class_names(self, classes_set: set[str], bound_column: Any) -> set[str]:
        # Each cell names its column (col-status …), so a narrow screen can bring 状态 next
        # to the indicator's name (static/css/dashboard.css).
        return {
            *super().get_column_class_names(classes_set, bound_column),
            f"col-{bound_column.name}",
        }

    def render_name(self, value: str, record: IndicatorRow) -> str:
        url = reverse("dashboard:indicator", args=[record.indicator.code])
        marks = format_html_join(
            "",
            '<span class="tag {}">{}</span>',
            ((MARK_CLASSES.get(mark, "revised"), mark) for mark in record.marks),
        )
        return format_html('<a href="{}">{}</a>{}', url, value, marks)

    def render_value(self, value: Any, record: IndicatorRow) -> str:
        return _number(value, record.indicator.decimals)

    def render_growth(self, value: Any, record: IndicatorRow) -> str:
        growth, official = value
        if growth is None:
            return "—"
        if official:
            return _number(growth)
        return format_html(
            '{}<span class="computed" title="{}">（计算）</span>',
            _number(growth),
            "未公布同比，按上年同期数计算",
        )

    def render_completion(self, value: Any) -> str:
        return _number(value)

    def render_time_progress(self, value: Any) -> str:
        return _number(value)

    def render_gap(self, value: Any) -> str:
        if value is None:
            return "—"
        return f"{value:+,.2f}"

    def render_status(self, value: str, record: IndicatorRow) -> str:
        return format_html('<span class="status {}">{}</span>', record.progress.tone, value)
