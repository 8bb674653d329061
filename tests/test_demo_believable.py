"""The demo data a reader can believe across years (issue 18, item 5): the seed plus the demo
loaded at a clock, every stage, progress report and figure checked against each rule.

The data is built once per clock (module fixture, rolled back afterwards); each test checks one
rule over every record with records.assert_every, naming each record that breaks it.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from indicators import metrics, periods, units
from indicators.demo import (
    DEMO_VILLAGE_NAME,
    RATE_OF,
    TOWN_VILLAGES,
    VILLAGE_INDICATORS,
    demo_figures_load,
    demo_figures_remove,
    demo_until,
    seed_year,
)
from indicators.models import Figure, Place
from plans import status
from plans.demo import demo_plans_load, demo_plans_remove
from plans.models import (
    PlanSection,
    ProgressReport,
    Project,
    ProjectYearPlan,
    Stage,
    Target,
    Task,
    YearOpening,
)
from plans.seed import data as plan_data
from tests.records import assert_every

# The tests read the module's snapshot; the mark has pytest-django set the test database up.
pytestmark = pytest.mark.django_db

CLOCKS = {
    "2026-11-30": datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    "2027-03-05": datetime(2027, 3, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
}
SEED_DONE = {
    (project["code"], stage["stage"])
    for project in plan_data.PROJECTS
    for stage in project["stages"]
}


@dataclass
class Demo:
    today: date
    until: tuple[int, int]
    reporting: tuple[int, int]
    stages: dict[str, list[Stage]]
    project_reports: dict[str, list[ProgressReport]]
    task_lives: dict[str, list[ProgressReport]]  # a task and those carried from it, by first code
    figures: list[Figure]
    figure_at: dict[tuple[int, int, int, int], Figure]
    behind: list[str]
    open_projects: list[str]
    villages: list[Place]
    tasks_by_year: dict[int, int]
    carried: list[tuple[Task, ProgressReport | None]]
    year_plans: dict[tuple[str, int], Decimal]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    openings: list[dict[str, Any]] = field(default_factory=list)
    task_reports: list[ProgressReport] = field(default_factory=list)
    # A linked indicator's demo figure with what the year's linked tasks report done by then.
    linked: list[tuple[Figure, Decimal, Decimal]] = field(default_factory=list)
    after_removal: dict[str, Any] = field(default_factory=dict)


def _behind(today: date, year: int, month: int, stages: dict[str, list[Stage]]) -> list[str]:
    """The projects behind in the dashboard's view of (year, month): a stage overdue, or the
    year's investment behind time (plans.status, as reports.selectors judges them)."""
    on = status.judged_on(year, month, today)
    plans = {
        p.project.code: p.planned_investment
        for p in ProjectYearPlan.objects.filter(year=year).select_related("project")
    }
    reports = {
        r.subject.code: r
        for r in ProgressReport.objects.filter(
            year=year, month=month, project__isnull=False
        ).select_related("project")
    }
    behind = []
    for code, project_stages in stages.items():
        overdue = any(
            status.stage_is_overdue(planned_date=s.planned_date, completed=s.completed, on=on)
            for s in project_stages
        )
        report = reports.get(code)
        gap = status.investment_gap(
            investment_ytd=report.investment_ytd if report else None,
            planned=plans.get(code),
            month=month,
        )
        if overdue or (gap is not None and gap < 0):
            behind.append(code)
    return behind


def _linked(figures: list[Figure]) -> list[tuple[Figure, Decimal, Decimal]]:
    """Each demo figure (town, after the seed's year) of an indicator a task is linked to, with
    the quantity the year's linked tasks report done by its month (in the indicator's unit,
    less what a carried task kept from the year before) and the figure a year-end before."""
    done: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    for task in Task.objects.filter(indicator__isnull=False).select_related(
        "indicator", "carried_from"
    ):
        assert task.indicator is not None and task.indicator_id is not None
        kept = Decimal(0)
        source = task.carried_from
        if source is not None and task.quantity == source.quantity:
            last = ProgressReport.objects.filter(task=source).order_by("-year", "-month").first()
            kept = (last.quantity_done or Decimal(0)) if last else Decimal(0)
        for report in ProgressReport.objects.filter(task=task, quantity_done__isnull=False):
            assert report.quantity_done is not None
            quantity = units.convert(
                report.quantity_done - kept,
                units.get(task.unit_id),
                units.get(task.indicator.unit_id),
            )
            done[task.indicator_id, report.year, report.month] += quantity
    linked_ids = {key[0] for key in done}
    at = {(f.indicator_id, f.place_id, f.year, f.month): f for f in figures}
    rows = []
    for figure in figures:
        if figure.indicator_id not in linked_ids or not figure.is_demo:
            continue
        if figure.place.level != Place.Level.TOWN:
            continue
        before = at.get((figure.indicator_id, figure.place_id, figure.year - 1, 12))
        start = before.value if before is not None else Decimal(0)
        rows.append(
            (figure, done.get((figure.indicator_id, figure.year, figure.month), Decimal(0)), start)
        )
    return rows


@pytest.fixture(scope="module", params=list(CLOCKS))
def demo(request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any) -> Demo:
    now = CLOCKS[request.param]
    with (
        django_db_blocker.unblock(),
        time_machine.travel(now, tick=False),
        transaction.atomic(),
    ):
        call_command("seed", verbosity=0)
        until = demo_until()
        demo_figures_load(until)
        demo_plans_load(until)
        today = periods.today()
        leaves = Project.objects.filter(is_active=True, children__isnull=True).order_by("pk")
        stages = {p.code: list(p.stages.order_by("order")) for p in leaves}
        project_reports: dict[str, list[ProgressReport]] = defaultdict(list)
        for report in (
            ProgressReport.objects.filter(project__isnull=False)
            .select_related("project")
            .order_by("year", "month")
        ):
            project_reports[report.subject.code].append(report)
        task_lives: dict[str, list[ProgressReport]] = defaultdict(list)
        for report in (
            ProgressReport.objects.filter(task__isnull=False)
            .select_related("task")
            .order_by("year", "month")
        ):
            first = report.subject
            assert isinstance(first, Task)
            while first.carried_from_id is not None:
                first = Task.objects.get(pk=first.carried_from_id)
            task_lives[first.code].append(report)
        figures = list(Figure.objects.select_related("indicator", "place", "indicator__unit"))
        carried = []
        for task in Task.objects.filter(carried_from__isnull=False).select_related("carried_from"):
            source = task.carried_from
            assert source is not None
            last = ProgressReport.objects.filter(task=source).order_by("-year", "-month").first()
            carried.append((source, last))
        seed_end = date(seed_year(), 12, 31)
        open_projects = [
            code
            for code, project_stages in stages.items()
            if any(not (s.actual_date and s.actual_date <= seed_end) for s in project_stages)
        ]
        built = Demo(
            today=today,
            until=until,
            reporting=periods.reporting_period(),
            stages=stages,
            project_reports=dict(project_reports),
            task_lives=dict(task_lives),
            figures=figures,
            figure_at={(f.indicator_id, f.place_id, f.year, f.month): f for f in figures},
            behind=_behind(today, *until, stages),
            open_projects=open_projects,
            villages=list(Place.objects.filter(level=Place.Level.VILLAGE).order_by("order")),
            tasks_by_year={
                year: Task.objects.filter(section__year=year).count()
                for year in range(seed_year() + 1, today.year + 1)
            },
            carried=carried,
            year_plans={
                (p.project.code, p.year): p.planned_investment
                for p in ProjectYearPlan.objects.select_related("project")
            },
        )
        built.tasks = [
            {
                "code": task.code,
                "title": task.title,
                "year": task.section.year,
                "source": task.carried_from.code if task.carried_from else None,
                "reports": list(ProgressReport.objects.filter(task=task).order_by("year", "month")),
            }
            for task in Task.objects.select_related("section", "carried_from").order_by("pk")
        ]
        built.openings = [
            {
                "year": record.year,
                "opened_at": record.opened_at,
                "opened_by": record.opened_by_id,
                "created": record.created,
                "targets": Target.objects.filter(year=record.year).count(),
                "sections": PlanSection.objects.filter(year=record.year).count(),
                "carried": Task.objects.filter(
                    section__year=record.year, carried_from__isnull=False
                ).count(),
                "year_plans": ProjectYearPlan.objects.filter(year=record.year).count(),
            }
            for record in YearOpening.objects.order_by("year")
        ]
        built.task_reports = list(
            ProgressReport.objects.filter(task__isnull=False, is_demo=True).select_related("task")
        )
        built.linked = _linked(figures)
        demo_figures_remove()
        demo_plans_remove()
        built.after_removal = {
            "stages": {
                (s.project.code, s.key): (s.is_done, s.actual_date, s.planned_date)
                for s in Stage.objects.select_related("project")
            },
            "demo_places": Place.objects.filter(is_demo=True).count(),
            "villages": Place.objects.filter(level=Place.Level.VILLAGE).count(),
            "tasks": Task.objects.count(),
            "reports": ProgressReport.objects.count(),
            "demo_figures": Figure.objects.filter(is_demo=True).count(),
        }
        transaction.set_rollback(True)
    return built


def _stage_name(stage: Stage) -> str:
    return f"{stage.project.code}·{stage.key}"


HUNDRED = Decimal(100)


# --- stages ---------------------------------------------------------------------------------


def test_stages_the_seed_reports_done_stay_done_within_the_seed_year(demo: Demo) -> None:
    seed = seed_year()
    done = [
        s for stages in demo.stages.values() for s in stages if (s.project.code, s.key) in SEED_DONE
    ]

    def seed_done_in_its_year(stage: Stage) -> None:
        assert stage.is_done and stage.actual_date is not None, "not done"
        assert stage.actual_date.year == seed, f"done {stage.actual_date}"
        assert stage.planned_date is None or stage.planned_date <= stage.actual_date, (
            f"planned {stage.planned_date}"
        )

    assert len(done) == len(SEED_DONE)
    assert_every(done, seed_done_in_its_year, _stage_name)


def test_stages_are_done_in_pipeline_order_with_plans_in_order(demo: Demo) -> None:
    last_day = status._month_end(*demo.until)

    def in_order(code: str) -> None:
        stages = demo.stages[code]
        flags = [s.completed for s in stages]
        assert flags == sorted(flags, reverse=True), f"done out of order: {flags}"
        actual = [s.actual_date for s in stages if s.actual_date]
        assert actual == sorted(actual), f"actual dates {actual}"
        assert all(day <= last_day for day in actual), "done after the last month with data"
        planned = [s.planned_date for s in stages if s.planned_date]
        assert planned == sorted(planned), f"planned dates {planned}"
        for stage in stages:
            if stage.completed and stage.planned_date and stage.actual_date:
                assert stage.planned_date <= demo.today, f"{stage.key} done, planned in future"

    assert_every(demo.stages, in_order, str)


def test_a_project_built_in_the_seed_year_shows_nothing_overdue_or_planned_ahead(
    demo: Demo,
) -> None:
    stages = demo.stages["zhennan_road"]  # 镇南路: 完成镇南路建设 (the 2023 summary)
    assert all(s.is_done and s.actual_date and s.actual_date.year == seed_year() for s in stages)
    assert all(s.planned_date is None for s in stages)
    assert "zhennan_road" not in demo.project_reports  # nothing to report after it was built


def test_about_a_fifth_of_the_projects_are_behind(demo: Demo) -> None:
    share = Decimal(len(demo.behind)) / len(demo.open_projects)
    assert Decimal("0.12") <= share <= Decimal("0.25"), (demo.behind, len(demo.open_projects))


# --- 形象进度 -------------------------------------------------------------------------------


def _never_falls(reports: list[ProgressReport]) -> None:
    values = [(r.year, r.month, r.percent_done or Decimal(0)) for r in reports]
    for (y0, m0, before), (y1, m1, after) in itertools.pairwise(values):
        assert after >= before, f"{y0}-{m0} {before} → {y1}-{m1} {after}"


def test_a_projects_percent_done_never_falls_over_its_life(demo: Demo) -> None:
    def project_percent_never_falls(code: str) -> None:
        reports = demo.project_reports[code]
        _never_falls(reports)
        for report in reports:
            end = status._month_end(report.year, report.month)
            complete = all(s.actual_date and s.actual_date <= end for s in demo.stages[code])
            assert (report.percent_done == 100) == complete, (
                f"{report.year}-{report.month}: {report.percent_done} complete={complete}"
            )

    assert_every(demo.project_reports, project_percent_never_falls, str)


def test_percent_done_is_not_a_copy_of_the_investment_ratio(demo: Demo) -> None:
    plans = demo.year_plans
    same = 0
    total = 0
    for code, reports in demo.project_reports.items():
        for report in reports:
            total += 1
            plan = plans.get((code, report.year))
            rate = metrics.completion_rate(report.investment_ytd, plan)
            same += rate == report.percent_done
    assert total and same < total / 10


def test_a_tasks_percent_done_never_falls_across_carried_years(demo: Demo) -> None:
    assert_every(demo.task_lives, lambda code: _never_falls(demo.task_lives[code]), str)


# --- figures --------------------------------------------------------------------------------


def _figure_name(figure: Figure) -> str:
    return f"{figure.indicator.code}@{figure.place.name} {figure.year}-{figure.month:02d}"


def _demo_figures(demo: Demo) -> list[Figure]:
    return [f for f in demo.figures if f.is_demo]


def test_no_demo_figure_at_or_after_the_month_being_reported(demo: Demo) -> None:
    def before_the_reporting_month(figure: Figure) -> None:
        assert (figure.year, figure.month) < demo.reporting, f"reporting {demo.reporting}"
        assert (figure.year, figure.month) <= demo.until

    assert_every(_demo_figures(demo), before_the_reporting_month, _figure_name)


def test_demo_figures_come_in_their_indicators_reporting_months(demo: Demo) -> None:
    def in_a_reporting_month(figure: Figure) -> None:
        assert periods.reports_in(figure.indicator.reporting_months, figure.month)

    assert_every(_demo_figures(demo), in_a_reporting_month, _figure_name)


def test_counts_are_whole(demo: Demo) -> None:
    counts = [f for f in _demo_figures(demo) if f.indicator.unit.dimension == "count"]

    def whole(figure: Figure) -> None:
        assert figure.value == figure.value.to_integral_value(), str(figure.value)

    assert_every(counts, whole, _figure_name)


def test_a_growth_is_stored_only_where_none_can_be_computed(demo: Demo) -> None:
    # A stored 同比 is shown as 公布; where a figure a year before exists the pages compute the
    # same growth and mark it （计算）, so the demo stores none there.
    def stored_only_without_last_year(figure: Figure) -> None:
        last = demo.figure_at.get(
            (figure.indicator_id, figure.place_id, figure.year - 1, figure.month)
        )
        if last is not None:
            assert figure.growth is None, f"stored {figure.growth} beside {last.value}"
            computed = metrics.computed_growth(figure.value, last.value)
            assert last.value == 0 or computed is not None, "not computable"
        elif figure.growth is not None:
            assert figure.year == seed_year() + 1, "stored after the first demo year"
            assert Decimal(-30) <= figure.growth <= Decimal(40), str(figure.growth)

    assert_every(_demo_figures(demo), stored_only_without_last_year, _figure_name)


def test_the_first_demo_year_continues_the_seeds_figures(demo: Demo) -> None:
    seed = seed_year()
    pairs = []
    for figure in demo.figures:
        if figure.is_demo or figure.year != seed or figure.indicator.kind != "ytd":
            continue
        after = demo.figure_at.get((figure.indicator_id, figure.place_id, seed + 1, figure.month))
        if after is not None and figure.value > 0:
            pairs.append((figure, after))

    def continues(pair: tuple[Figure, Figure]) -> None:
        before, after = pair
        ratio = after.value / before.value
        assert Decimal("0.8") <= ratio <= Decimal("1.3"), f"{before.value} → {after.value}"

    assert_every(pairs, continues, lambda pair: _figure_name(pair[1]))


def test_stocks_never_fall(demo: Demo) -> None:
    series: dict[str, list[Figure]] = defaultdict(list)
    for figure in sorted(demo.figures, key=lambda f: (f.year, f.month)):
        if figure.indicator.kind == "stock":
            series[f"{figure.indicator.code}@{figure.place.name}"].append(figure)

    def never_falls(name: str) -> None:
        values = [(f.year, f.month, f.value) for f in series[name]]
        for before, after in itertools.pairwise(values):
            assert after[2] >= before[2], f"{before} → {after}"

    assert_every([name for name, figs in series.items() if len(figs) > 1], never_falls, str)


def test_rates_lie_within_0_and_100_and_move_with_their_counts(demo: Demo) -> None:
    rates = [f for f in _demo_figures(demo) if f.indicator.unit.dimension == "ratio"]
    by_code = {(f.indicator.code, f.place_id, f.year, f.month): f for f in demo.figures}
    seed_at = {f.indicator.code: f for f in demo.figures if not f.is_demo and f.year == seed_year()}

    def within(figure: Figure) -> None:
        assert 0 <= figure.value <= 100, str(figure.value)
        count_code = RATE_OF.get(figure.indicator.code)
        if count_code is None:
            return
        count = by_code[count_code, figure.place_id, figure.year, figure.month]
        expected = seed_at[figure.indicator.code].value * count.value / seed_at[count_code].value
        assert abs(min(expected, Decimal(100)) - figure.value) <= Decimal("0.01"), (
            f"{figure.value} with {count.value} certificates"
        )

    assert_every(rates, within, _figure_name)


# --- villages -------------------------------------------------------------------------------


def test_the_town_has_its_31_villages_the_missing_ones_marked_demo(demo: Demo) -> None:
    assert len(demo.villages) == TOWN_VILLAGES
    named = len(demo.villages) - sum(v.is_demo for v in demo.villages)
    assert [v.name for v in demo.villages if v.is_demo] == [
        DEMO_VILLAGE_NAME.format(number=n) for n in range(named + 1, TOWN_VILLAGES + 1)
    ]
    assert demo.after_removal["demo_places"] == 0
    assert demo.after_removal["villages"] == named


def test_village_figures_add_up_to_the_towns(demo: Demo) -> None:
    sums: dict[tuple[str, int, int], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, int, int], int] = defaultdict(int)
    towns = {}
    for figure in _demo_figures(demo):
        key = (figure.indicator.code, figure.year, figure.month)
        if figure.indicator.code not in VILLAGE_INDICATORS:
            continue
        if figure.place.level == Place.Level.TOWN:
            towns[key] = figure.value
        else:
            sums[key] += figure.value
            counts[key] += 1

    def adds_up(key: tuple[str, int, int]) -> None:
        assert counts[key] == TOWN_VILLAGES, f"{counts[key]} villages"
        assert sums[key] == towns[key], f"{sums[key]} ≠ {towns[key]}"

    assert_every(towns, adds_up, str)


# --- plan years -----------------------------------------------------------------------------


def test_every_plan_year_up_to_this_one_has_tasks(demo: Demo) -> None:
    def has_tasks(year: int) -> None:
        assert demo.tasks_by_year[year] > 0, "本年度没有工作任务"

    assert_every(demo.tasks_by_year, has_tasks, str)
    assert max(demo.tasks_by_year) == demo.today.year  # and none beyond this year


def test_a_task_done_is_not_carried_over(demo: Demo) -> None:
    def unfinished(pair: tuple[Task, ProgressReport | None]) -> None:
        source, last = pair
        assert last is not None and last.month == 12, "no December report"
        progress = status.task_progress(
            reported=True,
            quantity=source.quantity,
            done=last.quantity_done,
            percent_done=last.percent_done,
            deadline=source.deadline,
            year=last.year,
            month=last.month,
        )
        assert progress.state != status.TaskState.DONE, "done, yet carried"

    assert_every(demo.carried, unfinished, lambda pair: pair[0].code)


def test_no_two_tasks_of_a_year_share_a_title(demo: Demo) -> None:
    by_year: dict[int, list[str]] = defaultdict(list)
    for task in demo.tasks:
        by_year[task["year"]].append(task["title"])

    def titles_unique(year: int) -> None:
        twice = sorted({t for t in by_year[year] if by_year[year].count(t) > 1})
        assert not twice, f"twice: {twice}"

    assert_every(by_year, titles_unique, str)


def test_task_codes_follow_the_years_pattern(demo: Demo) -> None:
    # A year's own task is t<year>_<nn>; a carried one its source's code and the year
    # (plans.opening._task_code); the demo adds no prefix of its own.
    def code_of_its_year(task: dict[str, Any]) -> None:
        code, year = task["code"], task["year"]
        if task["source"] is None:
            assert re.fullmatch(rf"t{year}_\d{{2,}}", code), code
        else:
            assert code.startswith(f"{task['source'][:25]}-{year}"), code

    assert_every(demo.tasks, code_of_its_year, lambda task: task["code"])


def test_a_carried_task_continues_where_its_source_ended(demo: Demo) -> None:
    ended = {task["code"]: task["reports"][-1] for task in demo.tasks if task["reports"]}
    carried = [task for task in demo.tasks if task["source"] is not None]

    def continues(task: dict[str, Any]) -> None:
        last = ended[task["source"]]
        first = task["reports"][0] if task["reports"] else None
        assert first is not None, "no report"
        assert (first.year, first.month) == (last.year + 1, 1), f"first {first.year}-{first.month}"
        assert (first.percent_done or 0) >= (last.percent_done or 0), (
            f"{last.percent_done} → {first.percent_done}"
        )

    assert_every(carried, continues, lambda task: task["code"])


def test_a_task_linked_to_an_indicator_agrees_with_its_figures(demo: Demo) -> None:
    # The figures follow the tasks: a year-to-date figure is what the year's linked tasks report
    # done by that month; a 时点数 (垦造水田立项) the year-end before plus that.
    def agrees(row: tuple[Figure, Decimal, Decimal]) -> None:
        figure, done, start = row
        expected = start + done if figure.indicator.kind == "stock" else done
        assert abs(figure.value - expected) <= Decimal("0.01"), (
            f"figure {figure.value}, tasks {done} (+{start})"
        )

    assert_every(demo.linked, agrees, lambda row: _figure_name(row[0]))


def test_demo_openings_count_what_exists_dated_the_december_before(demo: Demo) -> None:
    def counts_and_date(record: dict[str, Any]) -> None:
        created, year = record["created"], record["year"]
        assert created.get("demo") is True
        assert created["targets"] == record["targets"] > 0, created
        assert created["sections"] == record["sections"], created
        assert created["tasks"] == record["carried"], created
        assert created["year_plans"] == record["year_plans"], created
        assert record["opened_by"] is None
        opened = record["opened_at"].astimezone(ZoneInfo("Asia/Shanghai")).date()
        assert opened == date(year - 1, 12, 1), str(opened)

    assert_every(demo.openings, counts_and_date, lambda record: str(record["year"]))


def test_progress_is_dated_as_handed_in_the_month_after(demo: Demo) -> None:
    now = CLOCKS[str(demo.today)]

    def handed_in(report: ProgressReport) -> None:
        local = report.reported_at.astimezone(ZoneInfo("Asia/Shanghai"))
        after = periods.previous_month(local.year, local.month)
        assert after == (report.year, report.month), f"reported {local:%Y-%m-%d}"
        assert 5 <= local.day <= 10 or local.date() == demo.today, f"reported {local:%Y-%m-%d}"
        assert report.reported_at <= now, f"reported {local:%Y-%m-%d %H:%M}"
        assert report.updated_at >= report.reported_at

    reports = demo.task_reports + [
        r for reports in demo.project_reports.values() for r in reports if r.is_demo
    ]
    assert_every(reports, handed_in, lambda r: f"{r.subject.code} {r.year}-{r.month:02d}")


def _months_in_the_nineties(reports: list[ProgressReport]) -> int:
    return sum(Decimal(90) <= (r.percent_done or 0) < HUNDRED for r in reports)


def _longest_stall(reports: list[ProgressReport]) -> int:
    """The most months in a row a project's 形象进度 stays the same short of 100."""
    longest = run = 0
    for before, after in itertools.pairwise(reports):
        same = after.percent_done == before.percent_done and (after.percent_done or 0) < HUNDRED
        run = run + 1 if same else 0
        longest = max(longest, run)
    return longest


def test_no_project_sits_at_its_last_stage_for_years(demo: Demo) -> None:
    # 90–99 %: every stage done but the last. A project on time passes it within half a year;
    # one behind (counted so on the dashboard) within a year and a half.
    def moves_on(code: str) -> None:
        months = _months_in_the_nineties(demo.project_reports[code])
        limit = 18 if code in demo.behind else 6
        assert months <= limit, f"{months} months at 90–99 %"

    assert_every(demo.project_reports, moves_on, str)


def test_stalled_projects_are_few_and_counted_behind(demo: Demo) -> None:
    stalled = [
        code for code, reports in demo.project_reports.items() if _longest_stall(reports) >= 6
    ]

    def counted_behind(code: str) -> None:
        assert code in demo.behind, f"stalled {_longest_stall(demo.project_reports[code])} months"

    if stalled:
        assert_every(stalled, counted_behind, str)
    assert len(stalled) <= len(demo.open_projects) // 4, stalled


# --- removal --------------------------------------------------------------------------------


def test_removing_the_demo_leaves_the_seed_as_it_was(demo: Demo) -> None:
    after = demo.after_removal
    assert after["demo_figures"] == 0 and after["reports"] == 0
    assert after["tasks"] == len(plan_data.TASKS)
    for (code, key), (is_done, actual, planned) in after["stages"].items():
        assert (is_done, actual, planned) == ((code, key) in SEED_DONE, None, None), (code, key)
