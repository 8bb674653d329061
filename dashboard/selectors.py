"""Everything the leaders' dashboard shows, fetched in a fixed number of queries.

Every number here comes from indicators.metrics and plans.status; nothing is recomputed in a
template or an export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db.models import F, Q, QuerySet
from django.utils.translation import get_language, gettext

from accounts.models import Office, User
from accounts.permissions import readable_offices, scope_to_offices
from indicators import glossary, periods, review
from indicators import selectors as indicator_selectors
from indicators.metrics import GrowthChange, YearOnYear, growth_change, year_on_year
from indicators.models import Figure, Indicator, MonthReview, Place
from plans import status
from plans.models import (
    PlanSection,
    ProgressReport,
    Project,
    Stage,
    StageTemplateStep,
    SupervisionItem,
    Target,
    Task,
)
from plans.status import TargetProgress


@dataclass
class IndicatorRow:
    indicator: Indicator
    year: int
    month: int
    figure: Figure | None
    last_year: Figure | None
    target: Target | None
    progress: TargetProgress
    reviewed: bool = False

    @property
    def value(self) -> Decimal | None:
        return self.figure.value_display if self.figure else None

    @property
    def year_on_year(self) -> YearOnYear | None:
        """The figure's 同比 (indicators.metrics.year_on_year: published, else computed from
        last year's same-period figure, in points for a rate indicator); None without a figure."""
        if self.figure is None:
            return None
        last = self.last_year.value if self.last_year else None
        return year_on_year(
            self.figure.growth, self.figure.value, last, points=self.indicator.is_ratio
        )

    @property
    def growth(self) -> tuple[Decimal | None, bool]:
        """(growth shown, whether it is the official one)."""
        shown = self.year_on_year
        return (shown.value, shown.official) if shown else (None, False)

    def growth_text(self, *, percent: bool = False, grouped: bool = False) -> str:
        """The 同比 as printed (glossary.growth_text): 31.3, 20.00（计算）, 提高2.1个百分点,
        未公布; — without a figure."""
        return glossary.shown_growth_text(self.year_on_year, percent=percent, grouped=grouped)

    @property
    def growth_label(self) -> str:
        """The 同比 on a card: 31.3%, 20.00%（计算）, 提高2.1个百分点, 未公布 or —."""
        return self.growth_text(percent=True)

    @property
    def growth_value(self) -> Decimal | None:
        return self.growth[0]

    @property
    def period_label(self) -> str:
        return periods.period_label(self.year, self.month, cumulative=self.indicator.is_cumulative)

    @property
    def target_label(self) -> str:
        target = self.target
        if target is None:
            return ""
        if target.wording:
            return target.wording
        if target.value is None:
            return str(target.get_kind_display())
        value = format(target.value.normalize(), "f")
        if target.kind == Target.Kind.GROWTH:
            return gettext("增长%(value)s%%") % {"value": value}
        amount = f"{value}{self.indicator.unit_label}"
        if target.kind == Target.Kind.FLOOR:
            return gettext("%(amount)s以上") % {"amount": amount}
        return amount

    @property
    def marks(self) -> list[str]:
        """The marks in words (演示数据, 已修订, 未审核, 演示目标)."""
        return [str(mark.label) for mark in self.mark_tags]

    @property
    def mark_tags(self) -> list[status.Mark]:
        """The marks as enums: templates print .label with the class .css."""
        marks = []
        if self.figure is not None and self.figure.is_demo:
            marks.append(status.Mark.DEMO)
        if self.figure is not None and self.figure.is_revised:
            marks.append(status.Mark.REVISED)
        # A figure a person entered or changed counts once its office's month is reviewed;
        # figures taken unchanged from a published document carry their source instead.
        if (
            self.figure is not None
            and (self.figure.entered_by_id or self.figure.updated_by_id)
            and not self.reviewed
        ):
            marks.append(status.Mark.UNREVIEWED)
        if self.target is not None and self.target.is_demo:
            marks.append(status.Mark.DEMO_TARGET)
        return marks

    # The period the row is shown for (the dashboard's): (year, month) above is the figure's
    # own, earlier for an indicator that does not report that month (see indicator_rows).
    shown_for: tuple[int, int] | None = None
    # The previous reported period (periods.previous_reported_period), its figure and that
    # period's last-year figure: read only when asked for (the 增速较上期变化 column).
    previous_period: tuple[int, int] | None = None
    previous: Figure | None = None
    previous_last_year: Figure | None = None

    @property
    def last_year_value(self) -> Decimal | None:
        """上年同期: last year's figure of the row's period, with the indicator's decimals."""
        return self.last_year.value_display if self.last_year else None

    @property
    def previous_year_on_year(self) -> YearOnYear | None:
        """The previous reported period's 同比, as year_on_year shows it."""
        if self.previous is None:
            return None
        last = self.previous_last_year.value if self.previous_last_year else None
        return year_on_year(
            self.previous.growth, self.previous.value, last, points=self.indicator.is_ratio
        )

    @property
    def growth_change(self) -> GrowthChange | None:
        """增速较上期变化 (metrics.growth_change); None for a rate indicator or a missing 同比."""
        return growth_change(self.year_on_year, self.previous_year_on_year)

    @property
    def previous_label(self) -> str:
        """The previous reported period as written (2026年1-8月), '' when not read."""
        if self.previous_period is None:
            return ""
        return periods.period_label(*self.previous_period, cumulative=self.indicator.is_cumulative)

    @property
    def period_note(self) -> str:
        """'2026年1-9月（季报）' when the row's figure is of an earlier period than the one it
        is shown for (a 季报 indicator in October's view); '' otherwise."""
        from indicators.glossary import OWN_PERIOD

        if self.shown_for is None or self.shown_for == (self.year, self.month):
            return ""
        return str(OWN_PERIOD) % {
            "period": self.period_label,
            "frequency": self.indicator.get_frequency_display(),
        }


class StageFacts(NamedTuple):
    """What the dashboard, the board and the briefing read of a stage: a row of values(),
    since model objects for every stage of 200 projects cost a fifth of the page's time."""

    project_id: int
    order: int
    key: str
    name: str
    planned_date: date | None
    actual_date: date | None
    is_done: bool
    dates_are_demo: bool

    @property
    def completed(self) -> bool:
        # The model's own rule, read from these fields: decided in one place.
        return bool(Stage.completed.fget(self))  # type: ignore[attr-defined]


@dataclass
class StageCell:
    stage: Stage | StageFacts
    state: status.StageState  # its value (done / overdue / on_time / not_started) is a CSS class
    label: str = ""  # the state's label; given by dashboard(), which knows it for every cell

    def __post_init__(self) -> None:
        if not self.label:
            self.label = _translated(self.state)

    @property
    def tone(self) -> str:
        return self.state.tone


_LABELS: dict[tuple[str | None, object], str] = {}


def _translated(state: status.StageState) -> str:
    """A state's label in the active language, translated once per language: the board and
    the stage chart ask for it for every stage of every project (1,400 of them)."""
    key = (get_language(), state)
    label = _LABELS.get(key)
    if label is None:
        label = _LABELS[key] = str(state.label)
    return label


class ReportFacts(NamedTuple):
    """What the dashboard and the briefing read of a month's progress report: a row of
    values(), not a model object (200 of them cost three times as much)."""

    project_id: int | None
    task_id: int | None
    quantity_done: Decimal | None
    percent_done: Decimal | None
    investment_ytd: Decimal | None
    problems: str
    is_demo: bool


@dataclass
class ProjectRow:
    project: Project
    cells: list[StageCell]
    report: ProgressReport | ReportFacts | None

    @property
    def overdue(self) -> int:
        return sum(cell.state == status.StageState.OVERDUE for cell in self.cells)

    @property
    def done(self) -> int:
        return sum(cell.state == status.StageState.DONE for cell in self.cells)


@dataclass
class TaskRow:
    task: Task
    report: ProgressReport | ReportFacts | None
    progress: status.TaskProgress

    @property
    def behind(self) -> bool:
        return self.progress.behind

    @property
    def state(self) -> str:
        return self.progress.label


@dataclass
class MissingReports:
    office: Office
    late: bool = False
    indicators: list[Indicator] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.indicators) + len(self.projects) + len(self.tasks)

    # The names, for a template to join (a loop over 170 names cost a millisecond).
    @property
    def indicator_names(self) -> list[str]:
        return [indicator.name for indicator in self.indicators]

    @property
    def project_names(self) -> list[str]:
        return [project.name for project in self.projects]

    @property
    def task_titles(self) -> list[str]:
        return [task.title for task in self.tasks]


@dataclass
class OfficeReportRow:
    """An office's 报送情况 for the period, with what it has not reported as detail."""

    report: review.OfficeReport
    missing: MissingReports | None


@dataclass
class Dashboard:
    year: int
    month: int
    rows: list[IndicatorRow]
    projects: list[ProjectRow]
    tasks: list[TaskRow]
    sections: list[PlanSection]
    missing: list[MissingReports]
    office_reports: list[OfficeReportRow]
    open_items: list[SupervisionItem]
    today: date
    stages_on: date | None = None  # the day stages are judged (plans.status.judged_on)

    @property
    def open_item_rows(self) -> list[tuple[SupervisionItem, status.ItemState]]:
        """Each open 督办 item with its state today (plans.status.item_state)."""
        return [
            (item, status.item_state(resolved=False, due_date=item.due_date, on=self.today))
            for item in self.open_items
        ]

    @cached_property
    def overdue_projects(self) -> list[ProjectRow]:
        """The projects with an overdue stage, in the board's order."""
        return [row for row in self.projects if row.overdue]

    @cached_property
    def key_rows(self) -> list[IndicatorRow]:
        return [row for row in self.rows if row.indicator.is_key]

    @property
    def period_label(self) -> str:
        return periods.period_label(self.year, self.month)

    @property
    def month_label(self) -> str:
        """'2024年10月': the month an office reports (its 报送情况), not a year-to-date span."""
        return periods.period_label(self.year, self.month, cumulative=False)

    @property
    def time_progress(self) -> Decimal:
        from indicators import metrics

        return metrics.time_progress(self.month)

    def status_counts(self) -> dict[str, int]:
        """{status label: how many rows}, in the order the statuses first come."""
        counts: dict[status.Status, int] = {}
        for row in self.rows:
            counts[row.progress.status] = counts.get(row.progress.status, 0) + 1
        return {str(state.label): count for state, count in counts.items()}


def latest_period(user: User) -> tuple[int, int]:
    """The latest month with a town figure the user may read; else the month being reported."""
    latest = (
        scope_to_offices(Figure.objects.all(), user, "indicator__office")
        .filter(place__level=Place.Level.TOWN)
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    return latest or periods.reporting_period()


def indicator_queryset(user: User, category: str = "", office: Office | None = None):
    queryset = scope_to_offices(Indicator.objects.active(), user).select_related("office")
    if category:
        queryset = queryset.filter(category=category)
    if office is not None:
        queryset = queryset.filter(office=office)
    return queryset.order_by("office__order", "order", "id")


def indicator_rows(
    indicators: list[Indicator],
    year: int,
    month: int,
    *,
    among: QuerySet | None = None,
    previous: bool = False,
) -> list[IndicatorRow]:
    """Each indicator's town figure for the period, and last year's of the same month, with
    its target and whether its office's month is reviewed: two queries. `among`, the query the
    indicators came from, is used as a subquery instead of their ids (Django binds hundreds of
    ids one by one).

    An indicator that does not report in the period's month shows the latest period it
    reports (periods.reported_period): for 2026-10 a 季报 indicator's 2026-09 figure, a 年报
    one's 2025-12; the row's year and month are then that period's (its label, 时序进度 and
    target are its own) and `shown_for` is the period asked for. A figure stored for the
    period asked for is always the one shown. With `previous`, the previous reported
    period's figures too (IndicatorRow.previous), in the same query."""
    from django.db.models import Exists, OuterRef

    ids = (
        among.values_list("pk", flat=True)
        if among is not None
        else [indicator.pk for indicator in indicators]
    )
    own = {
        indicator.pk: periods.reported_period(indicator.reporting_months, year, month)
        for indicator in indicators
    }
    wanted = {(year, month), *own.values()}
    before: dict[tuple[int, int, int], tuple[int, int]] = {}  # (pk, row's period): previous
    if previous:
        for indicator in indicators:
            for period in {(year, month), own[indicator.pk]}:
                before[(indicator.pk, *period)] = periods.previous_reported_period(
                    indicator.reporting_months, *period
                )
        wanted |= set(before.values())
    in_periods = Q()
    for wanted_year, wanted_month in wanted:
        in_periods |= Q(year__in=(wanted_year, wanted_year - 1), month=wanted_month)
    figures = (
        Figure.objects.filter(in_periods, indicator__in=ids, place__level=Place.Level.TOWN)
        .annotate(
            # Whether the figure's office has its month reviewed (the 未审核 mark).
            office_reviewed=Exists(
                MonthReview.objects.filter(
                    office=OuterRef("indicator__office"),
                    year=OuterRef("year"),
                    month=OuterRef("month"),
                    state=MonthReview.State.REVIEWED,
                )
            )
        )
        .defer("entered_at", "updated_at")  # no row shows them; parsing them was a fifth of this
    )
    by_key = {(f.indicator_id, f.year, f.month): f for f in figures}
    targets = {
        (t.indicator_id, t.year): t
        for t in Target.objects.filter(indicator__in=ids, year__in={y for y, _m in wanted})
    }
    rows = []
    for indicator in indicators:
        row_year, row_month = year, month
        figure = by_key.get((indicator.pk, year, month))
        if figure is None:
            row_year, row_month = own[indicator.pk]
            figure = by_key.get((indicator.pk, row_year, row_month))
        if figure is not None:
            figure.indicator = indicator
        last_year = by_key.get((indicator.pk, row_year - 1, row_month))
        if last_year is not None:
            last_year.indicator = indicator
        previous_period = before.get((indicator.pk, row_year, row_month))
        target = targets.get((indicator.pk, row_year))
        rows.append(
            IndicatorRow(
                indicator=indicator,
                year=row_year,
                month=row_month,
                figure=figure,
                last_year=last_year,
                target=target,
                progress=status.target_progress(
                    indicator=indicator,
                    target_kind=target.kind if target else None,
                    target_value=target.value if target else None,
                    achieved_on=target.achieved_on if target else None,
                    year=row_year,
                    month=row_month,
                    value=figure.value if figure else None,
                    official_growth=figure.growth if figure else None,
                    last_year_value=last_year.value if last_year else None,
                    published_completion_rate=figure.reported_completion_rate if figure else None,
                ),
                reviewed=bool(figure is not None and figure.office_reviewed),
                shown_for=(year, month),
                previous_period=previous_period,
                previous=by_key.get((indicator.pk, *previous_period)) if previous_period else None,
                previous_last_year=by_key.get(
                    (indicator.pk, previous_period[0] - 1, previous_period[1])
                )
                if previous_period
                else None,
            )
        )
    return rows


def dashboard(
    user: User,
    year: int,
    month: int,
    *,
    category: str = "",
    office: Office | None = None,
    today: date | None = None,
    previous: bool = False,
) -> Dashboard:
    today = today or periods.today()
    # Every row below belongs to an office the user may read: one object per office, given to
    # each row, instead of one per row from a join (800 of them at bench scale).
    readable = {o.pk: o for o in readable_offices(user)}
    indicators_qs = indicator_queryset(user, category, office).select_related(None)
    indicators = _with_office(list(indicators_qs), readable)
    # The readable offices' review records, for 报送情况 below.
    reviews = indicator_selectors.month_reviews(list(readable), year, month)
    rows = indicator_rows(indicators, year, month, among=indicators_qs, previous=previous)

    projects_qs = scope_to_offices(Project.objects.filter(is_active=True), user).filter(
        children__isnull=True
    )
    tasks_qs = scope_to_offices(Task.objects.filter(section__year=year), user)
    if office is not None:
        projects_qs = projects_qs.filter(office=office)
        tasks_qs = tasks_qs.filter(office=office)
    projects = _with_office(
        list(
            projects_qs.annotate(template_name=F("template__name")).order_by("order", "id")
        ),  # the template's name for the board, without a model each
        readable,
    )
    # The projects' and tasks' queries as subqueries below, not their ids (hundreds of them,
    # which Django binds one by one: a sixth of the page's time).
    stages = _stage_facts(projects_qs.values("pk"))
    tasks = _with_office(
        _with_section(
            tasks_qs.annotate(
                section_year=F("section__year"),
                section_number=F("section__number"),
                section_title=F("section__title"),
            ).order_by("section__number", "order")
        ),
        readable,
    )
    reports = [
        ReportFacts._make(row)
        for row in ProgressReport.objects.filter(year=year, month=month)
        .filter(Q(project__in=projects_qs.values("pk")) | Q(task__in=tasks_qs.values("pk")))
        .values_list(*ReportFacts._fields)
    ]
    project_reports = {r.project_id: r for r in reports if r.project_id}
    task_reports = {r.task_id: r for r in reports if r.task_id}
    offices = [
        o for o in readable.values() if o.is_active and (office is None or o.pk == office.pk)
    ]

    stages_on = status.judged_on(year, month, today)
    labels = {state: _translated(state) for state in status.StageState}
    project_rows = [
        ProjectRow(
            project=project,
            cells=[
                StageCell(stage, state, labels[state])
                for stage in stages.get(project.pk, ())
                for state in [
                    status.stage_state(
                        planned_date=stage.planned_date, completed=stage.completed, on=stages_on
                    )
                ]
            ],
            report=project_reports.get(project.pk),
        )
        for project in projects
    ]
    task_rows = []
    for task in tasks:
        report = task_reports.get(task.pk)
        progress = status.task_progress(
            reported=report is not None,
            quantity=task.quantity,
            done=report.quantity_done if report else None,
            percent_done=report.percent_done if report else None,
            deadline=task.deadline,
            year=year,
            month=month,
        )
        task_rows.append(TaskRow(task=task, report=report, progress=progress))
    sections = sorted({task.section for task in tasks}, key=lambda s: s.number)

    late = today > review.due_date(year, month)
    missing = {o.pk: MissingReports(office=o, late=late) for o in offices}
    for row in rows:
        # Only an indicator that reports this month is missing (periods.reports_in): a 季报
        # one in October shows its September figure and is owed nothing.
        asked = periods.reports_in(row.indicator.reporting_months, month)
        if asked and row.figure is None and row.indicator.office_id in missing:
            missing[row.indicator.office_id].indicators.append(row.indicator)
    for project_row in project_rows:
        if project_row.report is None and project_row.project.office_id in missing:
            missing[project_row.project.office_id].projects.append(project_row.project)
    for task_row in task_rows:
        if task_row.report is None and task_row.task.office_id in missing:
            missing[task_row.task.office_id].tasks.append(task_row.task)

    items_qs = scope_to_offices(
        SupervisionItem.objects.filter(resolved_at__isnull=True), user
    ).select_related("project", "task", "office")
    if office is not None:
        items_qs = items_qs.filter(office=office)
    return Dashboard(
        year=year,
        month=month,
        rows=rows,
        projects=project_rows,
        tasks=task_rows,
        sections=sections,
        missing=[entry for entry in missing.values() if entry.count],
        office_reports=[
            OfficeReportRow(
                report, missing[report.office.pk] if missing[report.office.pk].count else None
            )
            for report in indicator_selectors.office_reports(
                offices, year, month, today, reviews=reviews
            )
        ],
        open_items=list(items_qs.order_by("due_date")),
        today=today,
        stages_on=stages_on,
    )


def _with_office(rows: list, offices: dict[int, Office]) -> list:
    """Each row (of one model) with its office from `offices`, set in the field's cache as a
    select_related join would (the descriptor's checks cost more, for hundreds of rows)."""
    if rows:
        field = type(rows[0])._meta.get_field("office")
        for row in rows:
            office = offices.get(row.office_id)
            if office is not None:
                field.set_cached_value(row, office)
    return rows


def _with_section(tasks: QuerySet[Task]) -> list[Task]:
    """The tasks, each with its plan section: one object per section (a dozen), not one per
    task as select_related would build (300)."""
    fields = ("year", "number", "title")  # annotated by dashboard() as section_*
    sections: dict[int, PlanSection] = {}
    section_field = Task._meta.get_field("section")
    rows = list(tasks)
    for task in rows:
        section = sections.get(task.section_id)
        if section is None:
            values = (task.section_id, *(getattr(task, f"section_{name}") for name in fields))
            section = sections[task.section_id] = PlanSection.from_db(
                task._state.db, ["id", *fields], values
            )
        section_field.set_cached_value(task, section)
    return rows


def _stage_facts(project_ids: QuerySet) -> dict[int, list[StageFacts]]:
    """Each project's stages in pipeline order, as values: one query."""
    stages: dict[int, list[StageFacts]] = {}
    rows = (
        Stage.objects.filter(project__in=project_ids)
        .order_by("project_id", "order")
        .values_list(*StageFacts._fields)
    )
    for row in rows:
        stage = StageFacts._make(row)
        stages.setdefault(stage.project_id, []).append(stage)
    return stages


@dataclass
class BoardTable:
    """One stage template's part of 挂图作战: its steps as columns, and each project's stages
    placed under the column of their own name (None where a project lacks that stage)."""

    template: str
    stage_names: list[str]
    rows: list[tuple[ProjectRow, list[StageCell | None]]]
    steps: int = 0  # the first `steps` columns are the template's; any after them are stray


def board_tables(project_rows: list[ProjectRow]) -> list[BoardTable]:
    """A table per stage template in use, in the order its first project comes on the board:
    a leader reads a pipeline across, and projects on different pipelines do not share columns
    (a 7-stage project under a 12-column header would put its stages under others' names).

    A table's columns are its template's steps, in the template's order and with its names.
    A stage is placed by name, so it is only ever under a header with its own name; stages a
    project has beyond its template's steps (a project made before the template was edited)
    are added after the steps as columns of that table only. One query, for the steps."""
    groups: dict[int | None, list[ProjectRow]] = {}
    for row in project_rows:
        groups.setdefault(row.project.template_id, []).append(row)
    steps: dict[int, list[str]] = {}
    for step_template, name in (
        StageTemplateStep.objects.filter(template_id__in=[pk for pk in groups if pk is not None])
        .order_by("template_id", "order", "pk")
        .values_list("template_id", "name")
    ):
        steps.setdefault(step_template, []).append(name)
    tables = []
    for template_id, rows in groups.items():
        template = getattr(rows[0].project, "template_name", "")  # annotated by dashboard()
        columns = _columns([] if template_id is None else steps.get(template_id, []))
        own = set(columns)
        stray: dict[tuple[str, int], int] = {}  # column: the lowest order of a stage in it
        placed = []
        for row in rows:
            names = _columns([cell.stage.name for cell in row.cells])
            cells = dict(zip(names, row.cells, strict=True))
            placed.append(cells)
            for column, cell in cells.items():
                if column not in own:
                    stray[column] = min(stray.get(column, cell.stage.order), cell.stage.order)
        steps_shown = len(columns)
        columns += sorted(stray, key=stray.__getitem__)  # ties: as first met on the board
        tables.append(
            BoardTable(
                template=template or "",
                stage_names=[name for name, _nth in columns],
                rows=[
                    (row, [cells.get(c) for c in columns])
                    for row, cells in zip(rows, placed, strict=True)
                ],
                steps=steps_shown,
            )
        )
    return tables


def _columns(names: list[str]) -> list[tuple[str, int]]:
    """Each name with how many times it came before: (name, 0), or (name, 1) for a second."""
    seen: dict[str, int] = {}
    columns = []
    for name in names:
        columns.append((name, seen.get(name, 0)))
        seen[name] = seen.get(name, 0) + 1
    return columns


def indicator_series(indicator: Indicator, years: tuple[int, ...]) -> dict[int, dict[int, Decimal]]:
    """{year: {month: value}} of the town figures of one indicator: one query."""
    series: dict[int, dict[int, Decimal]] = {year: {} for year in years}
    for year, month, value in Figure.objects.filter(
        indicator=indicator, year__in=years, place__level=Place.Level.TOWN
    ).values_list("year", "month", "value"):
        series[year][month] = value
    return series
