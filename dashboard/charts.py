"""Charts as pure functions: selector output in, a plotly figure out. No queries here.

Figures carry Chinese labels and number formats; the page embeds them as JSON and
static/js/charts.js draws them, so no script is inline. A figure is the plain plotly JSON
structure ({"data": [...], "layout": {...}}): building it through plotly.graph_objects
validates every property and cost the dashboard about 80 ms a request (see BENCHMARKS.md).

plotly.js reads a subset of HTML in every text it draws (<a href>, <b>, <br>, <span style>
...): every name passes through `label()` on its way into a figure, so it is drawn as the
text it is. The tables beside the charts take the names as they are (templates escape them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from dashboard.selectors import IndicatorRow, ProjectRow, TaskRow
from dashboard.templatetags.figures import plain
from indicators import glossary, metrics, periods
from indicators.models import Indicator
from plans.models import PlanSection, Target
from plans.status import StageState, TaskState

FONT = "Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
COLOURS = {"this": "#b42318", "last": "#98a2b3", "target": "#1849a9"}
STATE_COLOURS = {
    StageState.DONE: "#12b76a",
    StageState.ON_TIME: "#2e90fa",
    StageState.OVERDUE: "#f04438",
    StageState.NOT_STARTED: "#d0d5dd",
}


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


def label(text: object) -> str:
    """Text for a plotly figure, drawn as plain text: &, < and > as HTML entities, which
    plotly shows as the characters themselves and never reads as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class ChartTable:
    """The facts a chart shows, as a table for those who cannot see the chart (WCAG 1.1.1):
    built from the same values as the chart, printed and never computed again."""

    caption: str
    headers: list[str]  # the first one heads the row headers
    rows: list[tuple[str, list[str]]]  # each row's header and its cells, already formatted
    numeric: bool = True  # the cells are numbers (aligned right)

    @property
    def body(self) -> str:
        """The rows as _chart_table.html printed them, escaped as it would: a template loop
        over the stage chart's 200 rows cost more than the chart."""
        td = '<td class="num">' if self.numeric else "<td>"
        return mark_safe(
            "".join(
                f'<tr><th scope="row">{_html_text(header)}</th>'
                + "".join(f"{td}{_html_text(cell)}</td>" for cell in cells)
                + "</tr>"
                for header, cells in self.rows
            )
        )


def _html_text(value: object) -> str:
    """A value as a template prints it: localized, then escaped unless marked safe."""
    text: Any = value if isinstance(value, str) else localize(value)
    return str(conditional_escape(text))


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
    """This year's cumulative path against last year's and against the target's straight path,
    over the months the indicator reports (chart_months: 3, 6, 9, 12 for a 季报 one)."""
    months = chart_months(indicator, year, series)
    columns = _path_columns(year, series, target, months)
    figure = _figure(_layout(label(_path_title(indicator))))
    styles = [
        {"mode": "lines+markers", "line": {"color": COLOURS["this"], "width": 3}},
        {"mode": "lines+markers", "line": {"color": COLOURS["last"], "dash": "dot"}},
        {"mode": "lines", "line": {"color": COLOURS["target"], "dash": "dash"}},
    ]
    for (name, values), style in zip(columns, styles, strict=False):
        figure["data"].append(
            dict(
                type="scatter",
                name=label(name),
                x=_month_labels(months),
                y=_numbers(values),
                hovertemplate=_hover(indicator, name),
                **style,
            )
        )
    _axis(figure, "yaxis", tickformat=",", rangemode="tozero", gridcolor="#eaecf0")
    return figure


def path_table(
    indicator: Indicator,
    year: int,
    series: dict[int, dict[int, Decimal]],
    target: Target | None,
) -> ChartTable:
    """The cumulative chart's lines month by month, target path included, rounded as the
    chart's labels round them; months where no line has a value are left out."""
    months = chart_months(indicator, year, series)
    columns = _path_columns(year, series, target, months)
    places = Decimal(1).scaleb(-indicator.decimals)
    rows = [
        (label, [_shown(values[index], places) for _name, values in columns])
        for index, label in enumerate(_month_labels(months))
        if any(values[index] is not None for _name, values in columns)
    ]
    return ChartTable(
        _path_title(indicator), [gettext("月份"), *(name for name, _ in columns)], rows
    )


def chart_months(
    indicator: Indicator, year: int, series: dict[int, dict[int, Decimal]]
) -> list[int]:
    """The months a chart of the indicator shows: those it reports (periods.reports_in: 2-12
    for 月报, 3 6 9 12 for 季报 …), and any other month with a figure in the year or the one
    before, so that a line joins the figures it has and no stored figure is hidden."""
    stored = set(series.get(year, {})) | set(series.get(year - 1, {}))
    return [
        month
        for month in range(1, 13)
        if periods.reports_in(indicator.reporting_months, month) or month in stored
    ]


def _month_labels(months: list[int]) -> list[str]:
    return [gettext("%(month)d月") % {"month": month} for month in months]


def _year(year: int) -> str:
    return gettext("%(year)d年") % {"year": year}


def _path_title(indicator: Indicator) -> str:
    return gettext("%(name)s（%(unit)s）累计走势") % {
        "name": indicator.name,
        "unit": indicator.unit_label,
    }


def _path_columns(
    year: int, series: dict[int, dict[int, Decimal]], target: Target | None, months: list[int]
) -> list[tuple[str, list[Decimal | None]]]:
    """This year's, last year's and the target's values for `months`, the chart's lines."""
    this_year, last_year = series.get(year, {}), series.get(year - 1, {})
    columns = [
        (_year(year), [this_year.get(month) for month in months]),
        (_year(year - 1), [last_year.get(month) for month in months]),
    ]
    target_path = target_path_values(target, last_year)
    if target_path is not None:
        columns.append((gettext("目标进度"), [target_path[month - 1] for month in months]))
    return columns


def _shown(value: Decimal | None, places: Decimal) -> str:
    return plain(value.quantize(places) if value is not None else None)


def _hover(indicator: Indicator, series: str) -> str:
    value = f"%{{y:,.{indicator.decimals}f}}{label(indicator.unit_label)}"
    return f"%{{x}}：{value}<extra>{label(series)}</extra>"


def target_path_values(
    target: Target | None, last_year: dict[int, Decimal]
) -> list[Decimal | None] | None:
    """The straight path to an amount target (metrics.target_to_date), or, for a growth target,
    last year's path raised by the target growth. None where a path makes no sense."""
    if target is None or target.value is None:
        return None
    if target.kind in (Target.Kind.AMOUNT, Target.Kind.FLOOR):
        return [metrics.target_to_date(target.value, month) for month in range(1, 13)]
    if target.kind == Target.Kind.GROWTH:
        factor = 1 + target.value / 100
        return [last_year[month] * factor if month in last_year else None for month in range(1, 13)]
    return None


def growth_by_indicator(rows: list[IndicatorRow]) -> Figure:
    """Year-on-year growth of every indicator that has one; computed ones are marked."""
    shown = _growth_bars(rows)
    names = [label(name) for name, _growth, _text in shown]
    values = [float(growth) for _name, growth, _text in shown]
    figure = _figure(_layout(gettext("同比增长（%）"), height=max(240, 28 * len(shown) + 90)))
    figure["data"].append(
        dict(
            type="bar",
            x=values,
            y=names,
            orientation="h",
            marker={"color": [COLOURS["this"] if v >= 0 else COLOURS["last"] for v in values]},
            text=[f"{text}%" for _name, _growth, text in shown],
            textposition="auto",
            hovertemplate="%{y}：%{x:,.2f}%<extra></extra>",
        )
    )
    _axis(figure, "yaxis", autorange="reversed", automargin=True)
    _axis(figure, "xaxis", ticksuffix="%", gridcolor="#eaecf0", zerolinecolor="#667085")
    if not shown:
        _say_empty(figure, gettext("本期没有同比数据"))
    return figure


def growth_table(rows: list[IndicatorRow]) -> ChartTable:
    """The growth chart's bars: each indicator's 同比, computed ones marked as in the chart."""
    table_rows = [(name, [text]) for name, _growth, text in _growth_bars(rows)]
    growth = gettext("同比增长（%）")
    return ChartTable(growth, [gettext("指标"), growth], table_rows)


def _growth_bars(rows: list[IndicatorRow]) -> list[tuple[str, Decimal, str]]:
    """(name, growth, growth as written): a published growth as published (31.3), a computed
    one with two decimals and marked, as everywhere else (indicators.glossary). A rate
    indicator's change is in points, not %, and is left out of this chart of growths in %."""
    bars = []
    for row in rows:
        shown = row.year_on_year
        if shown is None or shown.value is None or shown.points:
            continue
        growth, official = shown.value, shown.official
        name = row.indicator.name + ("" if official else str(glossary.COMPUTED_MARK))
        if row.period_note:  # the figure's own, earlier period: 地区生产总值 2026年1-9月（季报）
            name = f"{name} {row.period_note}"
        if official:
            text = glossary.published(growth, grouped=True)
        else:
            text = glossary.two_places(growth, grouped=True)
        bars.append((name, growth, text))
    return bars


def project_gantt(
    projects: list[ProjectRow], today: date, bars: list[GanttBar] | None = None
) -> Figure:
    """Stages as bars from the previous stage's date to their own (actual, else planned),
    coloured by state, with today marked. `bars`: gantt_bars(projects), when already made."""
    figure = _figure(
        _layout(gettext("重点项目阶段进度"), height=max(260, 26 * len(projects) + 110))
    )
    by_state: dict[str, dict[str, list]] = {}
    for bar in gantt_bars(projects) if bars is None else bars:
        bucket = by_state.setdefault(bar.state, {"x": [], "base": [], "y": [], "text": []})
        bucket["base"].append(bar.begin.isoformat())
        bucket["x"].append((bar.end - bar.begin).days * 86400000 or 86400000)
        bucket["y"].append(label(bar.project))
        bucket["text"].append(label(bar.text))
    for state, bucket in by_state.items():
        figure["data"].append(
            dict(
                type="bar",
                name=str(StageState(state).label),
                x=bucket["x"],
                base=bucket["base"],
                y=bucket["y"],
                orientation="h",
                marker={"color": STATE_COLOURS[StageState(state)]},
                hovertext=bucket["text"],
                hoverinfo="text+y",
            )
        )
    figure["layout"]["barmode"] = "overlay"
    _axis(figure, "xaxis", type="date", tickformat=gettext("%Y年%m月"), gridcolor="#eaecf0")
    _axis(figure, "yaxis", autorange="reversed", automargin=True)
    if not by_state:
        _say_empty(figure, gettext("重点项目尚未排定阶段日期"))
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
        {
            "x": today.isoformat(),
            "y": 1.02,
            "yref": "paper",
            "text": gettext("今天"),
            "showarrow": False,
        }
    )
    return figure


class GanttBar(NamedTuple):
    project: str
    state: StageState
    begin: date
    end: date
    text: str


def gantt_bars(projects: list[ProjectRow]) -> list[GanttBar]:
    """A bar per dated stage, from the previous dated stage (or 30 days before) to its own
    date (actual, else planned)."""
    bars = []
    for row in projects:
        start = None
        for cell in row.cells:
            end = cell.stage.actual_date or cell.stage.planned_date
            if end is None:
                continue
            text = f"{cell.stage.name}（{cell.label}，{end}）"
            bars.append(
                GanttBar(row.project.name, cell.state, start or end - timedelta(days=30), end, text)
            )
            start = end
    return bars


def gantt_table(
    projects: list[ProjectRow], today: date, bars: list[GanttBar] | None = None
) -> ChartTable:
    """The stage chart's bars, a row per project: each dated stage with its state and date,
    as the chart labels them; the caption gives the day the chart marks as today."""
    stages: dict[str, list[str]] = {}
    for bar in gantt_bars(projects) if bars is None else bars:
        stages.setdefault(bar.project, []).append(bar.text)
    rows = [(project, ["；".join(texts)]) for project, texts in stages.items()]
    caption = gettext("重点项目阶段进度（今天：%(today)s）") % {"today": today.isoformat()}
    return ChartTable(
        caption, [gettext("项目"), gettext("阶段（状态，日期）")], rows, numeric=False
    )


TASK_STATES = list(TaskState)
TASK_COLOURS = {
    TaskState.DONE: "#027a48",
    TaskState.AHEAD: "#12b76a",
    TaskState.ON_PACE: "#2e90fa",
    TaskState.BEHIND: "#f04438",
    TaskState.NOT_FILLED: "#d0d5dd",
}


def _task_counts(
    tasks: list[TaskRow], sections: list[PlanSection]
) -> tuple[list[str], dict[TaskState, list[int]]]:
    labels = [f"（{_numeral(section.number)}）{section.title[:6]}" for section in sections]
    # One pass over the tasks (not one per section and state: 30,000 steps for 300 tasks).
    index = {section.pk: n for n, section in enumerate(sections)}
    counts = {state: [0] * len(sections) for state in TASK_STATES}
    for row in tasks:
        n = index.get(row.task.section_id)
        if n is not None and row.progress.state in counts:
            counts[row.progress.state][n] += 1
    return labels, counts


def tasks_table(tasks: list[TaskRow], sections: list[PlanSection]) -> ChartTable:
    """The task chart's stacked bars: per plan section, how many tasks are in each state."""
    labels, counts = _task_counts(tasks, sections)
    rows = [
        (label, [str(counts[state][index]) for state in TASK_STATES])
        for index, label in enumerate(labels)
    ]
    headers = [gettext("板块"), *(str(state.label) for state in TASK_STATES)]
    return ChartTable(gettext("工作任务进展（按板块，项）"), headers, rows)


def tasks_by_section(tasks: list[TaskRow], sections: list[PlanSection]) -> Figure:
    """How many tasks of each plan section are on track, behind, or not reported."""
    labels, all_counts = _task_counts(tasks, sections)
    figure = _figure(_layout(gettext("工作任务进展（按板块）"), barmode="stack"))
    for state in TASK_STATES:
        counts = all_counts[state]
        figure["data"].append(
            dict(
                type="bar",
                name=str(state.label),
                x=[label(text) for text in labels],
                y=counts,
                marker={"color": TASK_COLOURS[state]},
                hovertemplate=gettext("%%{x}：%%{y}项<extra>%(state)s</extra>")
                % {"state": state.label},
            )
        )
    _axis(
        figure,
        "yaxis",
        title={"text": gettext("任务数（项）")},
        dtick=1 if len(tasks) < 12 else None,
    )
    if not sections:
        _say_empty(figure, gettext("本年度没有工作任务"))
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
