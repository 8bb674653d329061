"""Everything the leaders' dashboard shows, fetched in a fixed number of queries.

Every number here comes from indicators.metrics and plans.status; nothing is recomputed in a
template or an export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q

from accounts.models import Office, User
from accounts.permissions import readable_offices, scope_to_offices
from indicators import periods, review
from indicators import selectors as indicator_selectors
from indicators.models import Figure, Indicator, MonthReview, Place
from plans import status
from plans.models import PlanSection, ProgressReport, Project, Stage, SupervisionItem, Target, Task
from plans.selectors import stage_state
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
    def growth(self) -> tuple[Decimal | None, bool]:
        """(growth shown, whether it is the official one)."""
        from indicators import metrics

        if self.figure is None:
            return None, False
        last = self.last_year.value if self.last_year else None
        return metrics.shown_growth(self.figure.growth, self.figure.value, last)

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
            return f"增长{value}%"
        suffix = "以上" if target.kind == Target.Kind.FLOOR else ""
        return f"{value}{self.indicator.unit_label}{suffix}"

    @property
    def marks(self) -> list[str]:
        marks = []
        if self.figure is not None and self.figure.is_demo:
            marks.append("演示数据")
        if self.figure is not None and self.figure.is_revised:
            marks.append("已修订")
        # A figure a person entered or changed counts once its office's month is reviewed;
        # figures taken unchanged from a published document carry their source instead.
        if (
            self.figure is not None
            and (self.figure.entered_by_id or self.figure.updated_by_id)
            and not self.reviewed
        ):
            marks.append("未审核")
        if self.target is not None and self.target.is_demo:
            marks.append("演示目标")
        return marks


@dataclass
class StageCell:
    stage: Stage
    state: str  # done / overdue / on_time / not_started

    @property
    def label(self) -> str:
        return STAGE_STATE_LABELS[self.state]


STAGE_STATE_LABELS = {
    "done": "已完成",
    "overdue": "已逾期",
    "on_time": "按计划",
    "not_started": "未排期",
}


@dataclass
class ProjectRow:
    project: Project
    cells: list[StageCell]
    report: ProgressReport | None

    @property
    def overdue(self) -> int:
        return sum(cell.state == "overdue" for cell in self.cells)

    @property
    def done(self) -> int:
        return sum(cell.state == "done" for cell in self.cells)


@dataclass
class TaskRow:
    task: Task
    report: ProgressReport | None
    behind: bool

    @property
    def state(self) -> str:
        if self.report is None:
            return "未报进展"
        return "滞后" if self.behind else "正常推进"


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
    stage_names: list[str]
    tasks: list[TaskRow]
    sections: list[PlanSection]
    missing: list[MissingReports]
    office_reports: list[OfficeReportRow]
    open_items: list[SupervisionItem]
    today: date

    @property
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
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.progress.label] = counts.get(row.progress.label, 0) + 1
        return counts


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


def indicator_queryset(user: User, category: str = "", office: Office | None = None):  # type: ignore[no-untyped-def]
    queryset = scope_to_offices(Indicator.objects.active(), user).select_related("office")
    if category:
        queryset = queryset.filter(category=category)
    if office is not None:
        queryset = queryset.filter(office=office)
    return queryset.order_by("office__order", "order", "id")


def indicator_rows(indicators: list[Indicator], year: int, month: int) -> list[IndicatorRow]:
    """Town figures of the period and of last year's same period, with targets and the
    offices' review state: three queries."""
    ids = [indicator.pk for indicator in indicators]
    figures = Figure.objects.filter(
        Q(year=year) | Q(year=year - 1),
        month=month,
        indicator__in=ids,
        place__level=Place.Level.TOWN,
    )
    by_key = {(f.indicator_id, f.year): f for f in figures}
    targets = {t.indicator_id: t for t in Target.objects.filter(indicator__in=ids, year=year)}
    reviewed = set(
        MonthReview.objects.filter(
            year=year, month=month, state=MonthReview.State.REVIEWED
        ).values_list("office_id", flat=True)
    )
    rows = []
    for indicator in indicators:
        figure = by_key.get((indicator.pk, year))
        if figure is not None:
            figure.indicator = indicator
        last_year = by_key.get((indicator.pk, year - 1))
        target = targets.get(indicator.pk)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                year=year,
                month=month,
                figure=figure,
                last_year=last_year,
                target=target,
                progress=status.target_progress(
                    indicator=indicator,
                    target_kind=target.kind if target else None,
                    target_value=target.value if target else None,
                    achieved_on=target.achieved_on if target else None,
                    year=year,
                    month=month,
                    value=figure.value if figure else None,
                    official_growth=figure.growth if figure else None,
                    last_year_value=last_year.value if last_year else None,
                ),
                reviewed=indicator.office_id in reviewed,
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
) -> Dashboard:
    today = today or periods.today()
    indicators = list(indicator_queryset(user, category, office))
    rows = indicator_rows(indicators, year, month)

    projects_qs = scope_to_offices(Project.objects.filter(is_active=True), user).filter(
        children__isnull=True
    )
    tasks_qs = scope_to_offices(Task.objects.filter(section__year=year), user)
    offices_qs = readable_offices(user).filter(is_active=True)
    if office is not None:
        projects_qs = projects_qs.filter(office=office)
        tasks_qs = tasks_qs.filter(office=office)
        offices_qs = offices_qs.filter(pk=office.pk)
    projects = list(
        projects_qs.select_related("office")
        .prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("order")))
        .order_by("order", "id")
    )
    tasks = list(tasks_qs.select_related("section", "office").order_by("section__number", "order"))
    reports = ProgressReport.objects.filter(year=year, month=month).filter(
        Q(project__in=[p.pk for p in projects]) | Q(task__in=[t.pk for t in tasks])
    )
    project_reports = {r.project_id: r for r in reports if r.project_id}
    task_reports = {r.task_id: r for r in reports if r.task_id}
    offices = list(offices_qs)

    project_rows = [
        ProjectRow(
            project=project,
            cells=[StageCell(stage, stage_state(stage, today)) for stage in project.stages.all()],
            report=project_reports.get(project.pk),
        )
        for project in projects
    ]
    stage_names = _stage_names(project_rows)
    task_rows = []
    for task in tasks:
        report = task_reports.get(task.pk)
        behind = report is not None and status.task_is_behind(
            quantity=task.quantity,
            done=report.quantity_done,
            percent_done=report.percent_done,
            deadline=task.deadline,
            year=year,
            month=month,
        )
        task_rows.append(TaskRow(task=task, report=report, behind=behind))
    sections = sorted({task.section for task in tasks}, key=lambda s: s.number)

    late = today > review.due_date(year, month)
    missing = {o.pk: MissingReports(office=o, late=late) for o in offices}
    for row in rows:
        if row.figure is None and row.indicator.office_id in missing:
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
        stage_names=stage_names,
        tasks=task_rows,
        sections=sections,
        missing=[entry for entry in missing.values() if entry.count],
        office_reports=[
            OfficeReportRow(
                report, missing[report.office.pk] if missing[report.office.pk].count else None
            )
            for report in indicator_selectors.office_reports(offices, year, month, today)
        ],
        open_items=list(items_qs.order_by("due_date")),
        today=today,
    )


def _stage_names(project_rows: list[ProjectRow]) -> list[str]:
    """Board columns: stage names in pipeline order, across the templates in use."""
    names: dict[str, tuple[int, str]] = {}
    for row in project_rows:
        for cell in row.cells:
            names.setdefault(cell.stage.name, (cell.stage.order, cell.stage.name))
    return [name for _order, name in sorted(names.values())]


def indicator_series(indicator: Indicator, years: tuple[int, ...]) -> dict[int, dict[int, Decimal]]:
    """{year: {month: value}} of the town figures of one indicator: one query."""
    series: dict[int, dict[int, Decimal]] = {year: {} for year in years}
    for year, month, value in Figure.objects.filter(
        indicator=indicator, year__in=years, place__level=Place.Level.TOWN
    ).values_list("year", "month", "value"):
        series[year][month] = value
    return series
