"""Charts as pure functions: selector output in, a plotly figure out. No queries here.

Figures carry Chinese labels and number formats; the page embeds them as JSON and
static/js/charts.js draws them, so no script is inline. A figure is the plain plotly JSON
structure ({"data": [...], "layout": {...}}): building it through plotly.graph_objects
validates every property and cost the dashboard about 80 ms a request (see BENCHMARKS.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dashboard.selectors import IndicatorRow, ProjectRow, TaskRow
from indicators.models import Indicator
from plans.models import PlanSection, Target

FONT = "Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
COLOURS = {"this": "#b42318", "last": "#98a2b3", "target": "#1849a9"}
STATE_COLOURS = {
    "done": "#12b76a",
    "on_time": "#2e90fa",
    "overdue": "#f04438",
    "not_started": "#d0d5dd",
}
STATE_LABELS = {"done": "已完成", "on_time": "按计划", "overdue": "已逾期", "not_started": "未排期"}


def _layout(title: str, **extra: object) -> dict:
    return {
        "title": {"text": title, "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "separators": ".,",
        "margin": {"l": 48, "r": 16, "t": 48, "b": 40},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "y": -0.2},
        **extra,
    }


Figure = dict


def _figure(layout: dict) -> Figure:
    return {"data": [], "layout": layout}


def _axis(figure: Figure, axis: str, **properties: object) -> None:
    figure["layout"].setdefault(axis, {}).update(properties)


def _numbers(values: list[Decimal | None]) -> list[float | None]:
    return [float(value) if value is not None else None for value in values]


def cumulative_path(
    indicator: Indicator,
    year: int,
    series: dict[int, dict[int, Decimal]],
    target: Target | None,
) -> Figure:
    """This year's cumulative path against last year's and against the target's straight path."""
    months = list(range(1, 13))
    labels = [f"{month}月" for month in months]
    unit = indicator.unit_label
    figure = _figure(_layout(f"{indicator.name}（{unit}）累计走势"))
    this_year, last_year = series.get(year, {}), series.get(year - 1, {})
    figure["data"].append(
        dict(
            type="scatter",
            name=f"{year}年",
            x=labels,
            y=_numbers([this_year.get(m) for m in months]),
            mode="lines+markers",
            line={"color": COLOURS["this"], "width": 3},
            hovertemplate=_hover(indicator, f"{year}年"),
        )
    )
    figure["data"].append(
        dict(
            type="scatter",
            name=f"{year - 1}年",
            x=labels,
            y=_numbers([last_year.get(m) for m in months]),
            mode="lines+markers",
            line={"color": COLOURS["last"], "dash": "dot"},
            hovertemplate=_hover(indicator, f"{year - 1}年"),
        )
    )
    target_path = target_path_values(target, last_year)
    if target_path is not None:
        figure["data"].append(
            dict(
                type="scatter",
                name="目标进度",
                x=labels,
                y=_numbers(target_path),
                mode="lines",
                line={"color": COLOURS["target"], "dash": "dash"},
                hovertemplate=_hover(indicator, "目标进度"),
            )
        )
    _axis(figure, "yaxis", tickformat=",", rangemode="tozero", gridcolor="#eaecf0")
    return figure


def _hover(indicator: Indicator, series: str) -> str:
    value = f"%{{y:,.{indicator.decimals}f}}{indicator.unit_label}"
    return f"%{{x}}：{value}<extra>{series}</extra>"


def target_path_values(
    target: Target | None, last_year: dict[int, Decimal]
) -> list[Decimal | None] | None:
    """The straight path to an amount target (target × month/12), or, for a growth target,
    last year's path raised by the target growth. None where a path makes no sense."""
    if target is None or target.value is None:
        return None
    if target.kind in (Target.Kind.AMOUNT, Target.Kind.FLOOR):
        return [target.value * month / 12 for month in range(1, 13)]
    if target.kind == Target.Kind.GROWTH:
        factor = 1 + target.value / 100
        return [last_year[month] * factor if month in last_year else None for month in range(1, 13)]
    return None


def growth_by_indicator(rows: list[IndicatorRow]) -> Figure:
    """Year-on-year growth of every indicator that has one; computed ones are marked."""
    shown = [(row, *row.growth) for row in rows if row.growth[0] is not None]
    names = [
        row.indicator.name + ("" if official else "（计算）") for row, _growth, official in shown
    ]
    values = [float(growth) for _row, growth, _official in shown]
    figure = _figure(_layout("同比增长（%）", height=max(240, 28 * len(shown) + 90)))
    figure["data"].append(
        dict(
            type="bar",
            x=values,
            y=names,
            orientation="h",
            marker={"color": [COLOURS["this"] if v >= 0 else COLOURS["last"] for v in values]},
            text=[f"{v:,.1f}%" for v in values],
            textposition="auto",
            hovertemplate="%{y}：%{x:,.2f}%<extra></extra>",
        )
    )
    _axis(figure, "yaxis", autorange="reversed", automargin=True)
    _axis(figure, "xaxis", ticksuffix="%", gridcolor="#eaecf0", zerolinecolor="#667085")
    if not shown:
        _say_empty(figure, "本期没有同比数据")
    return figure


def project_gantt(projects: list[ProjectRow], today: date) -> Figure:
    """Stages as bars from the previous stage's date to their own (actual, else planned),
    coloured by state, with today marked."""
    figure = _figure(_layout("重点项目阶段进度", height=max(260, 26 * len(projects) + 110)))
    by_state: dict[str, dict[str, list]] = {}
    for row in projects:
        start = None
        for cell in row.cells:
            end = cell.stage.actual_date or cell.stage.planned_date
            if end is None:
                continue
            begin = start or (end - timedelta(days=30))
            bucket = by_state.setdefault(cell.state, {"x": [], "base": [], "y": [], "text": []})
            bucket["base"].append(begin.isoformat())
            bucket["x"].append((end - begin).days * 86400000 or 86400000)
            bucket["y"].append(row.project.name)
            bucket["text"].append(f"{cell.stage.name}（{STATE_LABELS[cell.state]}，{end}）")
            start = end
    for state, bucket in by_state.items():
        figure["data"].append(
            dict(
                type="bar",
                name=STATE_LABELS[state],
                x=bucket["x"],
                base=bucket["base"],
                y=bucket["y"],
                orientation="h",
                marker={"color": STATE_COLOURS[state]},
                hovertext=bucket["text"],
                hoverinfo="text+y",
            )
        )
    figure["layout"]["barmode"] = "overlay"
    _axis(figure, "xaxis", type="date", tickformat="%Y年%m月", gridcolor="#eaecf0")
    _axis(figure, "yaxis", autorange="reversed", automargin=True)
    if not by_state:
        _say_empty(figure, "重点项目尚未排定阶段日期")
    figure["layout"]["shapes"] = [
        {
            "type": "line",
            "x0": today.isoformat(),
            "x1": today.isoformat(),
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "paper",
            "line": {"color": "#101828", "width": 2, "dash": "dot"},
        }
    ]
    figure["layout"].setdefault("annotations", []).append(
        {"x": today.isoformat(), "y": 1.02, "yref": "paper", "text": "今天", "showarrow": False}
    )
    return figure


def tasks_by_section(tasks: list[TaskRow], sections: list[PlanSection]) -> Figure:
    """How many tasks of each plan section are on track, behind, or not reported."""
    states = ["正常推进", "滞后", "未报进展"]
    colours = {"正常推进": "#12b76a", "滞后": "#f04438", "未报进展": "#d0d5dd"}
    labels = [f"（{_numeral(section.number)}）{section.title[:6]}" for section in sections]
    figure = _figure(_layout("工作任务进展（按板块）", barmode="stack"))
    for state in states:
        counts = [
            sum(1 for row in tasks if row.task.section_id == section.pk and row.state == state)
            for section in sections
        ]
        figure["data"].append(
            dict(
                type="bar",
                name=state,
                x=labels,
                y=counts,
                marker={"color": colours[state]},
                hovertemplate=f"%{{x}}：%{{y}}项<extra>{state}</extra>",
            )
        )
    _axis(figure, "yaxis", title={"text": "任务数（项）"}, dtick=1 if len(tasks) < 12 else None)
    if not sections:
        _say_empty(figure, "本年度没有工作任务")
    return figure


def _say_empty(figure: Figure, text: str) -> None:
    _axis(figure, "xaxis", visible=False)
    _axis(figure, "yaxis", visible=False)
    figure["layout"].setdefault("annotations", []).append(
        {
            "text": text,
            "x": 0.5,
            "y": 0.5,
            "xref": "paper",
            "yref": "paper",
            "showarrow": False,
            "font": {"size": 14},
        }
    )


def _numeral(number: int) -> str:
    from plans.models import chinese_numeral

    return chinese_numeral(number)


def to_json(figure: Figure) -> dict:
    """The figure as plain JSON data, for json_script (which escapes it for HTML)."""
    return figure
