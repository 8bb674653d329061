from __future__ import annotations

import gc
import html
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts import audit
from accounts.http import SignedInRequest, user_of
from accounts.permissions import (
    can_raise_supervision,
    can_read_dashboard,
    can_read_office_data,
    permission,
    readable_rows,
    scope_to_offices,
)
from dashboard import charts, exports, page_cache, selectors
from dashboard.filters import DashboardFilter
from dashboard.forms import SupervisionForm
from dashboard.tables import indicator_table, with_params
from indicators import glossary, periods
from indicators.models import Figure, Indicator, Place
from plans import services as plan_services
from plans.models import Project, Stage, Target, Task
from plans.selectors import history_entries, stage_state
from xiage.paging import bounded_int

TABLE_ROWS_PER_PAGE = 30
# The dashboard lists this many projects with an overdue stage, and links to the board for all.
OVERDUE_SHOWN = 10
# The task table's page: ?task_page= turns it (and opens it).
TASK_ROWS_PER_PAGE = 20


def _period(request: HttpRequest) -> tuple[int, int, str]:
    """The requested period, or the latest with figures; an error message for a bad one."""
    user = user_of(request)
    return periods.period_from_query(request.GET, lambda: selectors.latest_period(user))


@permission(can_read_dashboard)
def index(request: HttpRequest) -> HttpResponse:
    """领导驾驶舱: where the town stands against its goals for one period."""
    if request.GET.get("_export") in ("csv", "xlsx"):
        return export(request)
    page = page_cache.get_or_build(request, "index", _index_page)
    return page_cache.respond(request, "dashboard/index.html", page, {})


def _filtered(request: HttpRequest) -> tuple[selectors.Dashboard, DashboardFilter, str]:
    from dashboard import tables  # the table's added columns (?cols=) are read with the data

    year, month, period_error = _period(request)
    filters = DashboardFilter(request.GET or None, user=user_of(request))
    filters.is_valid()
    cleaned = getattr(filters.form, "cleaned_data", {})
    data = selectors.dashboard(
        user_of(request),
        year,
        month,
        category=cleaned.get("category") or "",
        office=cleaned.get("office"),
        previous="delta" in tables.extra_columns(request.GET),
    )
    return data, filters, period_error


@permission(can_read_office_data)
def export(request: HttpRequest) -> HttpResponse:
    """The table as filtered, every row, as CSV (?_export=csv) or Excel (?_export=xlsx): the
    rule of every export of figures, so a person who reads no office's data gets 403."""
    from dashboard import tables

    kind = "xlsx" if request.GET.get("_export") == "xlsx" else "csv"
    data, _filters, _error = _filtered(request)
    name = _("下各镇经济指标_%(period)s.%(kind)s") % {
        "period": periods.format_period(data.year, data.month),
        "kind": kind,
    }
    audit.record(audit.Action.EXPORT, request=request, obj=name, detail=request.GET.urlencode())
    extras = tables.extra_columns(request.GET)  # the columns the reader added to the table
    if kind == "csv":
        return exports.csv_response(data.rows, name, extras)
    title = _("下各镇经济指标完成情况表（%(period)s）") % {"period": data.period_label}
    return exports.xlsx_response(data.rows, name, title, extras)


def _cycle_collection_paused(
    build: Callable[[HttpRequest], page_cache.Page],
) -> Callable[[HttpRequest], page_cache.Page]:
    """The page built with Python's cycle collector paused: a build makes some 100,000
    short-lived objects, freed by reference counting, yet they set off a dozen collections,
    every few builds a full one over the whole process (a fifth of the build's time at bench
    scale). The collector runs again after the build, as before."""

    @wraps(build)
    def paused(request: HttpRequest) -> page_cache.Page:
        if not gc.isenabled():
            return build(request)
        gc.disable()
        try:
            return build(request)
        finally:
            gc.enable()

    return paused


@_cycle_collection_paused
def _index_page(request: HttpRequest) -> page_cache.Page:
    """The page's title (the period) and its body, which holds nothing of the user's own."""
    from dashboard import tables

    data, filters, period_error = _filtered(request)
    year, month = data.year, data.month
    # A page of the table at a time: leaders read the cards first, and a catalogue of hundreds
    # of indicators would make every visit slow. The exports always hold every row.
    table = indicator_table(data.rows, request.GET, per_page=TABLE_ROWS_PER_PAGE)
    # The same for the year's tasks (hundreds of them), and the list of projects with an
    # overdue stage shows the first few, with a link to the board filtered to all of them.
    tasks = Paginator(data.tasks, TASK_ROWS_PER_PAGE)
    task_page = tasks.page(
        bounded_int(request.GET.get("task_page"), default=1, lowest=1, highest=tasks.num_pages)
    )
    chosen = _chosen_indicator(request, data)
    path_chart = path_table = None
    if chosen is not None:
        # The year of the row's own period: a 年报 indicator's last year-end in October.
        path_year = chosen.year
        path_series = selectors.indicator_series(chosen.indicator, (path_year, path_year - 1))
        path_chart = charts.cumulative_path(chosen.indicator, path_year, path_series, chosen.target)
        path_table = charts.path_table(chosen.indicator, path_year, path_series, chosen.target)
    bars = charts.gantt_bars(data.projects)  # the stage chart and its table draw the same bars
    query = request.GET.copy()
    query.pop("_export", None)
    query.pop("sort", None)
    context = {
        "data": data,
        "filters": filters,
        "period_value": periods.format_period(year, month),
        "period_error": period_error,
        "table": table,
        # The columns a reader may add, as the filter form's checkboxes: (name, label, shown).
        "extra_choices": [
            (name, column.label, name in tables.extra_columns(request.GET))
            for name, (_after, column) in tables.EXTRA_COLUMNS.items()
        ],
        "task_page": task_page,
        # The export buttons and the briefing's link, for those the downloads' rule allows.
        "can_export": can_read_office_data(user_of(request)),
        "task_pages": {
            "open": "task_page" in request.GET,
            "previous": with_params(request.GET, task_page=task_page.number - 1) + "#tasks"
            if task_page.has_previous()
            else "",
            "next": with_params(request.GET, task_page=task_page.number + 1) + "#tasks"
            if task_page.has_next()
            else "",
        },
        "overdue_shown": data.overdue_projects[:OVERDUE_SHOWN],
        "chosen": chosen,
        # The indicator picker's options, each year-to-date indicator (written here: a template
        # loop over 300 options cost more than the rest of its panel).
        "picker": mark_safe(
            "".join(
                # As format_html would write each (Django's escape is html.escape of str), for
                # a third of the time: 300 options, three escapes each.
                f'<option value="{html.escape(str(row.indicator.code))}"'
                f"{' selected' if row is chosen else ''}>"
                f"{html.escape(str(row.indicator.name))}</option>"
                for row in data.rows
                if row.indicator.is_cumulative
            )
        ),
        # Each chart's facts as a table, for readers who cannot see the chart.
        "chart_tables": {
            "path": path_table,
            "growth": charts.growth_table(data.key_rows or data.rows),
            "gantt": charts.gantt_table(data.projects, data.today, bars),
            "tasks": charts.tasks_table(data.tasks, data.sections),
        },
        "charts": {
            "path": path_chart,
            "growth": charts.growth_by_indicator(data.key_rows or data.rows),
            "gantt": charts.project_gantt(data.projects, data.today, bars),
            "tasks": charts.tasks_by_section(data.tasks, data.sections),
        },
        "query": query.urlencode(),
        # The indicator picker keeps the page's other parameters. Listed here, since in a
        # template `request.GET.lists` would read a parameter named "lists" (?lists=x).
        "kept_query": [
            (key, value)
            for key, values in request.GET.lists()
            if key not in ("indicator", "_export")
            for value in values
        ],
    }
    content = render_to_string("dashboard/_index_content.html", context, request=request)
    return page_cache.Page.of(data.period_label, content)


def _chosen_indicator(
    request: HttpRequest, data: selectors.Dashboard
) -> selectors.IndicatorRow | None:
    code = request.GET.get("indicator", "")
    rows = data.key_rows or data.rows
    for row in data.rows:
        if row.indicator.code == code:
            return row
    return rows[0] if rows else None


@permission(can_read_dashboard)
def board(request: SignedInRequest) -> HttpResponse:
    """挂图作战: projects × stages, printable on one A4 landscape page."""
    year, month, _error = _period(request)
    filters = DashboardFilter(request.GET or None, user=request.user)
    filters.is_valid()
    cleaned = getattr(filters.form, "cleaned_data", {})
    data = selectors.dashboard(request.user, year, month, office=cleaned.get("office"))
    # ?overdue=1: only the projects with an overdue stage (the dashboard's 项目推进 links here).
    overdue_only = request.GET.get("overdue") == "1"
    rows = data.overdue_projects if overdue_only else data.projects
    return render(
        request,
        "dashboard/board.html",
        {
            "data": data,
            "filters": filters,
            "overdue_only": overdue_only,
            "all_projects": with_params(request.GET, overdue=None),
            "project_count": len(rows),
            "tables": selectors.board_tables(rows),
        },
    )


@permission(can_read_dashboard)
def indicator_detail(request: SignedInRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(
        scope_to_offices(Indicator.objects.select_related("office"), request.user), code=code
    )
    figures = list(
        Figure.objects.filter(indicator=indicator)
        .select_related("place", "entered_by", "updated_by")
        .prefetch_related("revisions__changed_by")
        .order_by("-year", "-month", "place__order")
    )
    for figure in figures:
        figure.indicator = indicator
    from dashboard.year_views import years_context
    from indicators.selectors import growth_texts, monthly_increments

    increments = monthly_increments(indicator, figures)
    growths = growth_texts(indicator, figures)
    years = sorted({f.year for f in figures if f.place.level == Place.Level.TOWN}, reverse=True)
    chart = chart_table = None
    if years:
        latest = years[0]
        series = selectors.indicator_series(indicator, (latest, latest - 1))
        target = Target.objects.filter(indicator=indicator, year=latest).first()
        chart = charts.cumulative_path(indicator, latest, series, target)
        chart_table = charts.path_table(indicator, latest, series, target)
    targets = Target.objects.filter(indicator=indicator).order_by("-year")
    return render(
        request,
        "dashboard/indicator_detail.html",
        {
            "indicator": indicator,
            # Each figure with its own month (当月数) when the indicator is year-to-date, its
            # 同比 as printed everywhere, and the 完成率 published with it (93.63%（公布）).
            "figures": [
                (
                    figure,
                    increments[figure.pk],
                    growths[figure.pk],
                    glossary.completion_text(figure.reported_completion_rate, published=True)
                    if figure.reported_completion_rate is not None
                    else "",
                )
                for figure in figures
            ],
            "chart": chart,
            "chart_table": chart_table,
            "targets": targets,
            # 各年同期对比 (?month=, ?years=) and the link to 分村数据.
            **years_context(request, indicator),
        },
    )


@permission(can_read_dashboard)
def project_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        scope_to_offices(Project.objects.select_related("office", "place", "parent"), request.user),
        pk=pk,
    )
    today = periods.today()
    stages = [
        selectors.StageCell(stage, stage_state(stage, today))
        for stage in project.stages.order_by("order")
    ]
    reports = project.reports.select_related("reported_by").order_by("-year", "-month")
    items = project.supervision_items.select_related("office", "raised_by").order_by(
        "resolved_at", "due_date"
    )
    plans = project.year_plans.order_by("-year")
    records = [
        *project.history.select_related("history_user"),
        *Stage.history.filter(project_id=project.pk).select_related("history_user"),
    ]
    history = history_entries(records, subject_of=_history_subject)
    return render(
        request,
        "dashboard/project_detail.html",
        {
            "project": project,
            "stages": stages,
            "reports": reports,
            "items": items,
            "plans": plans,
            "children": readable_rows(project.children.order_by("order"), request.user),
            "history": history,
            "can_supervise": can_raise_supervision(request.user),
        },
    )


@permission(can_read_dashboard)
def task_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        scope_to_offices(
            Task.objects.select_related("section", "office", "indicator", "project"), request.user
        ),
        pk=pk,
    )
    reports = task.reports.select_related("reported_by").order_by("-year", "-month")
    items = task.supervision_items.select_related("office", "raised_by")
    history = history_entries(
        list(task.history.select_related("history_user")), subject_of=_history_subject
    )
    return render(
        request,
        "dashboard/task_detail.html",
        {
            "task": task,
            "reports": reports,
            "items": items,
            "history": history,
            "can_supervise": can_raise_supervision(request.user),
        },
    )


@permission(can_raise_supervision)
def project_supervise(request: SignedInRequest, pk: int) -> HttpResponse:
    """发起督办 on a project, from its page: leaders and admins only (403 for the others)."""
    project = get_object_or_404(
        scope_to_offices(Project.objects.select_related("office"), request.user), pk=pk
    )
    return _supervise(request, project, back=reverse("dashboard:project", args=[project.pk]))


@permission(can_raise_supervision)
def task_supervise(request: SignedInRequest, pk: int) -> HttpResponse:
    """发起督办 on a task, from its page: leaders and admins only (403 for the others)."""
    task = get_object_or_404(
        scope_to_offices(Task.objects.select_related("office"), request.user), pk=pk
    )
    return _supervise(request, task, back=reverse("dashboard:task", args=[task.pk]))


def _supervise(request: SignedInRequest, subject: Project | Task, *, back: str) -> HttpResponse:
    form = SupervisionForm(request.POST or None, subject=subject, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_services.supervision_raise(
                subject=subject,
                matter=data["matter"],
                due_date=data["due_date"],
                office=data["office"],
                user=request.user,
            )
        except ValidationError as exc:
            # The service's own checks (the model's rules): shown on the form, nothing saved.
            errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for field, field_errors in errors.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(
                request,
                _("已发起督办：%(office)s，办结时限 %(due)s。")
                % {"office": data["office"], "due": data["due_date"].isoformat()},
            )
            return redirect(back)
    is_project = isinstance(subject, Project)
    return render(
        request,
        "dashboard/supervise.html",
        {
            "form": form,
            "subject": subject,
            "subject_name": subject.name if isinstance(subject, Project) else subject.title,
            "subject_kind": _("项目") if is_project else _("任务"),
            "back": back,
        },
    )


def _history_subject(record) -> str:
    if record.instance_type is Stage:
        return _("阶段：%(name)s") % {"name": record.name}
    return str(record.instance_type._meta.verbose_name)
