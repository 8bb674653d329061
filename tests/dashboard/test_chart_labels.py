"""Names are drawn as text in the charts: plotly.js reads <a href>, <b>, <br>, <span style>,
<sub>, <sup> in every text it draws, so every name reaches a figure with & < > as entities.

Fast checks on the figure JSON, built in memory (no database); the browser test
tests/e2e/test_chart_labels.py draws the same names in Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D

from dashboard import charts
from dashboard.selectors import IndicatorRow, ProjectRow, StageCell, TaskRow
from indicators.models import Figure, Indicator, Unit
from plans.models import PlanSection, Project, Stage, Target, Task
from plans.status import StageState, TaskProgress, TaskState

PROJECT = '<a href="https://evil.example/">后冯美妆项目</a>'
INDICATOR = '<span style="color:red;font-size:40px">规上</span>工业产值'
SECTION = "<b>&amp;</b>产业"
# plotly's own markup in a hover template: the trace name box. Nothing else may be a tag.
PLOTLY_TAGS = re.compile(r"</?extra>")


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def figures() -> dict[str, charts.Figure]:
    yi_yuan = Unit(code="yi_yuan", name="亿元", dimension="money")
    indicator = Indicator(code="output", name=INDICATOR, unit=yi_yuan, decimals=2)
    figure = Figure(indicator=indicator, year=2024, month=9, value=D("29.74"), growth=D("31.3"))
    row = IndicatorRow(
        indicator=indicator,
        year=2024,
        month=9,
        figure=figure,
        last_year=None,
        target=None,
        progress=None,  # type: ignore[arg-type]  # not read by the charts
    )
    project = Project(name=PROJECT)
    stage = Stage(name="<i>土地</i>", planned_date=date(2024, 6, 30))
    projects = [
        ProjectRow(project=project, cells=[StageCell(stage, StageState.OVERDUE)], report=None)
    ]
    section = PlanSection(pk=1, number=1, title=SECTION)
    task = Task(title="<br>朱溪港", section=section)
    target = Target(kind=Target.Kind.AMOUNT, value=D("36"))
    series = {2024: {9: D("29.74")}, 2023: {9: D("25")}}
    return {
        "path": charts.cumulative_path(indicator, 2024, series, target),
        "growth": charts.growth_by_indicator([row]),
        "gantt": charts.project_gantt(projects, date(2024, 10, 15)),
        "tasks": charts.tasks_by_section(
            [TaskRow(task, None, TaskProgress(TaskState.NOT_FILLED))], [section]
        ),
    }


def test_label_writes_ampersand_and_angle_brackets_as_entities() -> None:
    assert charts.label(PROJECT) == ('&lt;a href="https://evil.example/"&gt;后冯美妆项目&lt;/a&gt;')
    assert charts.label("R&D <b>") == "R&amp;D &lt;b&gt;"
    assert charts.label("&lt;") == "&amp;lt;"  # an entity typed in a name stays as typed
    assert charts.label("规上工业产值") == "规上工业产值"


def test_no_text_in_any_figure_is_markup() -> None:
    for key, figure in figures().items():
        for text in strings_in(figure):
            assert "<" not in PLOTLY_TAGS.sub("", text), (key, text)
            assert not re.search(r"&(?!amp;|lt;|gt;)", text), (key, text)


def test_the_names_are_in_the_figures_as_entities() -> None:
    drawn = figures()
    assert drawn["path"]["layout"]["title"]["text"] == (
        '&lt;span style="color:red;font-size:40px"&gt;规上&lt;/span&gt;工业产值（亿元）累计走势'
    )
    assert drawn["growth"]["data"][0]["y"] == [charts.label(INDICATOR)]
    gantt = drawn["gantt"]["data"][0]
    assert gantt["y"] == [charts.label(PROJECT)]
    assert gantt["hovertext"] == ["&lt;i&gt;土地&lt;/i&gt;（已逾期，2024-06-30）"]
    # The section's title is cut to 6 characters first, then escaped: no entity cut in two.
    assert drawn["tasks"]["data"][0]["x"] == ["（一）&lt;b&gt;&amp;am"]


def test_the_tables_beside_the_charts_keep_the_names_as_typed() -> None:
    """The templates escape the tables' text; escaping it here too would show &lt; on the page."""
    project = Project(name=PROJECT)
    stage = Stage(name="土地", planned_date=date(2024, 6, 30))
    table = charts.gantt_table(
        [ProjectRow(project=project, cells=[StageCell(stage, StageState.DONE)], report=None)],
        date(2024, 10, 15),
    )
    assert table.rows == [(PROJECT, ["土地（已完成，2024-06-30）"])]
