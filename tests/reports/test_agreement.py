"""The dashboard (its rendered page), the CSV export and the briefing say the same thing.

Every status word and number comes from plans.status / indicators.metrics and is only printed
by the three; these tests read what each prints and compare, row by row, over several periods
of the seeded catalogue with the demo figures, targets, progress and stage dates.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal as D

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from dashboard.selectors import dashboard
from indicators import glossary, periods
from indicators.demo import demo_figures_load
from plans.demo import demo_plans_load
from plans.models import ProgressReport, Task
from plans.status import TaskState
from reports import selectors
from reports.briefing import indicator_wording
from tests.factories import FigureFactory, IndicatorFactory, TaskFactory

pytestmark = pytest.mark.django_db

EMPTY = "—"


def _number(text: str) -> D | None:
    """A printed number as a Decimal (commas, a sign, a %, the marks （计算） and （公布）
    dropped; a rate's 提高/降低 X个百分点 as ±X, 持平 as 0); None for — and 未公布."""
    for mark in ("（计算）", "（公布）", ",", "%", "个百分点"):
        text = text.replace(mark, "")
    text = text.strip()
    if text in ("", EMPTY, "未公布"):
        return None
    if text == "持平":
        return D(0)
    sign = "-" if text.startswith("降低") else ""
    return D(sign + text.removeprefix("提高").removeprefix("降低").lstrip("+"))


def _dashboard_table(client, period: str) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """The rendered 经济指标完成情况表, every row on one page: {name: {column: text}}."""
    body = client.get("/", {"period": period, "per_page": 200}).content.decode()
    table = BeautifulSoup(body, "html.parser").find("table", id="indicator-table")
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = {}
        for td in tr.find_all("td"):
            column = next(c for c in td.get("class", []) if c.startswith("col-"))[4:]
            if column == "name":
                cells[column] = td.find("a").get_text()
            else:
                cells[column] = td.get_text().strip()
        rows[cells["name"]] = cells
    return rows


def _dashboard_tasks(client, period: str, count: int) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """{task id: status word} from the rendered task table, page by page."""
    states: dict[int, str] = {}
    page = 1
    while len(states) < count:
        body = client.get("/", {"period": period, "task_page": page}).content.decode()
        details = BeautifulSoup(body, "html.parser").find("details", id="tasks")
        found = 0
        for tr in details.find("tbody").find_all("tr"):
            link = tr.find("a", href=re.compile(r"^/tasks/\d+/$"))
            states[int(link["href"].split("/")[2])] = tr.find("span", class_="status").get_text()
            found += 1
        assert found, f"task page {page} of {period} is empty with {len(states)}/{count} read"
        page += 1
    return states


def _csv(client, period: str) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    content = client.get("/", {"period": period, "_export": "csv"}).content.decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(content)))
    return {line[0]: dict(zip(header, line, strict=True)) for line in lines}


def _columns(header: list[str]) -> dict[str, int]:
    """Where each concept sits in the CSV, by the glossary's headers."""
    return {name: index for index, name in enumerate(header)}


@pytest.fixture
def seeded(db):  # type: ignore[no-untyped-def]
    call_command("seed")
    demo_figures_load()  # to the month before the one being reported
    demo_plans_load()
    return periods.reporting_period()


def test_the_dashboard_the_csv_and_the_briefing_agree_on_every_row(leader_client, leader, seeded):
    latest = periods.format_period(*seeded)
    checked_indicators = checked_tasks = 0
    for period in ("2023-09", "2024-06", "2024-12", latest):
        page = _dashboard_table(leader_client, period)
        exported = _csv(leader_client, period)
        briefing = leader_client.get("/reports/briefing/", {"period": period}).context["briefing"]
        data = briefing.data
        assert len(page) == len(exported) == len(data.rows), period
        for row in data.rows:
            name = row.indicator.name
            shown, line = page[name], exported[name]
            where = f"{period} {name}"
            # the status word, said once; never 未填报 beside a reported figure
            assert shown["status"] == line["状态"] == row.progress.label, where
            if row.value is not None:
                assert row.progress.label != "未填报", where
            # the numbers, as numbers
            pairs = [
                ("value", "本期数"),
                ("growth", "同比增长（%）"),
                ("completion", "完成率（%）"),
                ("time_progress", "时序进度（%）"),
                ("gap", "超（+）/落后（−）（百分点）"),
            ]
            for column, header in pairs:
                assert _number(shown[column]) == _number(line[header]), (where, column)
            assert shown["target"] == (line["年度目标"] or EMPTY), where
            checked_indicators += 1
        # the briefing's table: the key indicators, with the same words and numbers
        for row, text in zip(selectors.briefing_rows(data), briefing.table, strict=True):
            name = row.indicator.name
            assert text.indicator == indicator_wording(row)
            shown, where = page[name], f"{period} {name} (briefing)"
            assert text.status == shown["status"], where
            for column in ("value", "growth", "completion", "time_progress", "gap"):
                assert _number(getattr(text, column)) == _number(shown[column]), (where, column)
        # tasks: the word on the page; the briefing lists exactly the 滞后 ones and counts
        # exactly the 未填报 ones
        tasks = _dashboard_tasks(leader_client, period, len(data.tasks))
        assert len(tasks) == len(data.tasks), period
        behind = {pk for pk, word in tasks.items() if word == str(TaskState.BEHIND.label)}
        assert behind == {delay.row.task.pk for delay in briefing.task_delays}, period
        not_filled = sum(word == str(TaskState.NOT_FILLED.label) for word in tasks.values())
        assert not_filled == briefing.unreported_tasks, period
        for delay in briefing.task_delays:
            progress = delay.row.progress
            expected = glossary.two_places(progress.expected)
            assert f"{glossary.two_places(progress.rate)}%" in delay.progress, period
            assert f"序时应完成{expected}%" in delay.progress, period
        checked_tasks += len(tasks)
        # stages: the page's projects with overdue stages are the briefing's
        overdue_on_page = {
            int(a["href"].split("/")[2])
            for a in BeautifulSoup(
                leader_client.get("/board/", {"period": period, "overdue": 1}).content,
                "html.parser",
            ).select("tbody th a[href^='/projects/']")
        }
        with_overdue_stages = {
            delay.row.project.pk for delay in briefing.project_delays if delay.overdue_stages
        }
        assert {row.project.pk for row in data.projects if row.overdue} == with_overdue_stages
        assert overdue_on_page == with_overdue_stages, period
    assert checked_indicators > 200 and checked_tasks > 50


def test_2023_09_stages_are_judged_at_the_periods_end_by_both(leader, seeded):
    """The dashboard listed 31 projects with overdue stages for 2023-09 while the briefing said
    本期无阶段逾期: the dashboard judged 2023's stages today. Both judge at the period's end."""
    today = date(2026, 11, 30)
    data = dashboard(leader, 2023, 9, today=today)
    briefing = selectors.briefing(leader, 2023, 9, today=today)
    assert data.stages_on == date(2023, 9, 30)
    overdue = [row.project.name for row in data.projects if row.overdue]
    assert overdue == [d.row.project.name for d in briefing.project_delays if d.overdue_stages]
    # and a later period does find overdue stages, the same ones in both
    data = dashboard(leader, 2025, 9, today=today)
    briefing = selectors.briefing(leader, 2025, 9, today=today)
    overdue = [row.project.name for row in data.projects if row.overdue]
    assert overdue
    assert overdue == [d.row.project.name for d in briefing.project_delays if d.overdue_stages]


def test_a_stock_indicator_without_a_figure_has_one_answer(
    leader_client, office_a, town, october_2024
):
    """水稻新品种示范基地平均亩产 at 2024-09: the dashboard said 时序进度 75.00 and 无目标, the
    briefing — and 未报送. A stock has no 时序进度 and a missing figure is 未填报."""
    IndicatorFactory(
        code="yield", name="平均亩产", office=office_a, places=[town], kind="stock", is_key=True
    )
    other = IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town])
    FigureFactory(indicator=other, place=town, year=2024, month=9, value=D("29.74"))
    page = _dashboard_table(leader_client, "2024-09")["平均亩产"]
    assert (page["time_progress"], page["status"]) == (EMPTY, "未填报")
    line = _csv(leader_client, "2024-09")["平均亩产"]
    assert (line["时序进度（%）"], line["状态"]) == ("", "未填报")
    briefing = leader_client.get("/reports/briefing/", {"period": "2024-09"}).context["briefing"]
    [text] = briefing.table
    assert (text.time_progress, text.status) == (EMPTY, "未填报")


def test_a_task_exactly_at_its_pace_is_on_pace_everywhere(
    leader_client, office_a, leader, october_2024
):
    """974.99 of 1300 亩 by September is 75.00% (shown) of a 75.00% pace: 按序时, not 滞后."""
    task = TaskFactory(
        office=office_a, title="朱溪港两侧土地征收", quantity=D("1300"), deadline=date(2024, 12, 31)
    )
    ProgressReport.objects.create(task=task, year=2024, month=9, quantity_done=D("974.99"))
    late = TaskFactory(
        office=office_a, title="后冯区块征地", quantity=D("1300"), deadline=date(2024, 12, 31)
    )
    ProgressReport.objects.create(task=late, year=2024, month=9, quantity_done=D("974.90"))
    states = _dashboard_tasks(leader_client, "2024-09", Task.objects.count())
    assert states == {task.pk: "按序时", late.pk: "滞后"}
    briefing = leader_client.get("/reports/briefing/", {"period": "2024-09"}).context["briefing"]
    [delay] = briefing.task_delays
    assert delay.row.task == late
    assert "完成974.9/1300亩（74.99%），序时应完成75.00%" in delay.line
