"""Reads for the plans app, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Office, User
from accounts.permissions import scope_to_offices
from indicators import periods
from plans import status
from plans.models import ProgressReport, Project, ProjectYearPlan, Stage, SupervisionItem, Task


@dataclass
class ProgressRow:
    """One line of the monthly progress form: a project or task with last month's report."""

    subject: Project | Task
    report: ProgressReport | None
    previous: ProgressReport | None
    planned_investment: Decimal | None = None

    @property
    def is_project(self) -> bool:
        return isinstance(self.subject, Project)

    @property
    def key(self) -> str:
        return f"{'p' if self.is_project else 't'}{self.subject.pk}"


def progress_rows(office: Office, year: int, month: int) -> list[ProgressRow]:
    """The office's active projects and this year's tasks, with this month's and last month's
    reports and the year's planned investment: four queries whatever is stored."""
    projects = list(Project.objects.filter(office=office, is_active=True).order_by("order", "id"))
    tasks = list(
        Task.objects.filter(office=office, section__year=year)
        .select_related("section")
        .order_by("section__number", "order", "id")
    )
    prev_year, prev_month = periods.previous_month(year, month)
    reports = ProgressReport.objects.filter(
        Q(project__in=projects) | Q(task__in=tasks),
    ).filter(Q(year=year, month=month) | Q(year=prev_year, month=prev_month))
    by_key: dict[tuple[str, int, int, int], ProgressReport] = {}
    for report in reports:
        kind, pk = ("p", report.project_id) if report.project_id else ("t", report.task_id)
        by_key[(kind, pk, report.year, report.month)] = report  # type: ignore[index]
    plans = dict(
        ProjectYearPlan.objects.filter(project__in=projects, year=year).values_list(
            "project_id", "planned_investment"
        )
    )
    rows = [
        ProgressRow(
            subject=project,
            report=by_key.get(("p", project.pk, year, month)),
            previous=by_key.get(("p", project.pk, prev_year, prev_month)),
            planned_investment=plans.get(project.pk),
        )
        for project in projects
    ]
    rows += [
        ProgressRow(
            subject=task,
            report=by_key.get(("t", task.pk, year, month)),
            previous=by_key.get(("t", task.pk, prev_year, prev_month)),
        )
        for task in tasks
    ]
    return rows


def overdue_stages(user: User, on: date) -> QuerySet[Stage]:
    return (
        Stage.objects.filter(
            project__in=scope_to_offices(Project.objects.all(), user),
            planned_date__lt=on,
            actual_date__isnull=True,
            is_done=False,
        )
        .select_related("project")
        .order_by("planned_date")
    )


def open_supervision_items(user: User) -> QuerySet[SupervisionItem]:
    return (
        scope_to_offices(SupervisionItem.objects.filter(resolved_at__isnull=True), user)
        .select_related("project", "task", "office", "raised_by")
        .order_by("due_date")
    )


def stage_state(stage: Stage, on: date) -> status.StageState:
    """A stage's state on a day (plans.status.stage_state decides)."""
    return status.stage_state(planned_date=stage.planned_date, completed=stage.completed, on=on)


@dataclass
class HistoryEntry:
    """One change in the audit trail, with the fields it changed (old → new)."""

    when: object
    user: object
    action: str
    subject: str
    changes: list[tuple[str, object, object]]
    reason: str


HISTORY_ACTIONS = {"+": gettext_lazy("新建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


def _shown(value: object) -> str:
    """A changed value as a person reads it: 2024-09-20, 411, 是/否, — for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def history_entries(records: list, subject_of=str) -> list[HistoryEntry]:
    """Turn django-simple-history records (of one or several objects) into readable entries,
    newest first, diffing each against the previous record of the same object in memory."""
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    previous: dict[object, object] = {}
    entries = []
    # A changed link (所属项目, 责任单位 …) is said by the row's name, never its id: the ids are
    # gathered first and named with one query per kind of row.
    links: list[tuple[list, int, type, object, object]] = []
    for record in ordered:
        changes: list[tuple[str, object, object]] = []
        key = (record.instance_type, record.id)
        before = previous.get(key)
        if before is not None:
            delta = record.diff_against(before)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                if field.is_relation:
                    links.append(
                        (changes, len(changes), field.related_model, change.old, change.new)
                    )
                changes.append((str(field.verbose_name), _shown(change.old), _shown(change.new)))
        previous[key] = record
        if before is not None and not changes and record.history_type == "~":
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                user=record.history_user,
                action=str(HISTORY_ACTIONS.get(record.history_type, record.history_type)),
                subject=subject_of(record),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    _name_links(links)
    return list(reversed(entries))


def _name_links(links: list[tuple[list, int, type, object, object]]) -> None:
    ids: dict[type, set] = {}
    for _changes, _index, model, old, new in links:
        ids.setdefault(model, set()).update(pk for pk in (old, new) if pk is not None)
    names = {
        model: {pk: str(row) for pk, row in model._base_manager.in_bulk(list(pks)).items()}  # type: ignore[attr-defined]
        for model, pks in ids.items()
    }

    def name(model: type, pk: object) -> str:
        return "—" if pk is None else names[model].get(pk, gettext("（已删除）"))

    for changes, index, model, old, new in links:
        changes[index] = (changes[index][0], name(model, old), name(model, new))
