"""What each person has to do now (待办), in a fixed number of queries whatever the data size.

`todo_items` is the one function that decides a person's to-do items; the landing page, the
badge in the top bar and the tests all read it. Roles add up: a person who is both clerk and
reviewer gets both lists, each item once.

- 录入员 (clerk): the month being reported while it is not yet submitted (state, due day, days
  left or overdue), every month of the office that was returned (with the reason), the rows
  of the month that raised a warning, the office's overdue stages and tasks behind schedule,
  and its open 督办 items with their due dates.
- 审核员 (reviewer): the office's months waiting for review, oldest first.
- 领导 (leader): offices late or returned for the month being reported, 督办 items due within
  seven days or overdue, and the items they raised that were resolved and await their
  confirmation (their notification of the resolution, read, is the confirmation).
- 系统管理员 (admin): the leader's list and every office's months waiting for review.
- 安全管理员 (security admin): accounts locked out by too many failed logins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import Office, User
from inbox.models import Notification
from indicators import periods
from indicators.forms import figure_warnings
from indicators.models import MonthReview
from indicators.review import OfficeReport, ReportState, due_date
from indicators.selectors import office_reports, report_rows
from plans import selectors as plan_selectors
from plans import status
from plans.models import ProgressReport, SupervisionItem, Task

# 督办 items due within this many days are listed as coming due.
SUPERVISION_SOON_DAYS = 7
# A resolved 督办 item waits this long for the confirmation of whoever raised it; after that it
# leaves the list (its resolution stays on the item's page).
CONFIRM_WITHIN_DAYS = 14


class TodoKind(models.TextChoices):
    REPORT = "report", gettext_lazy("月报待报送")
    RETURNED = "returned", gettext_lazy("月报被退回")
    WARNING = "warning", gettext_lazy("数据待核对")
    STAGE = "stage", gettext_lazy("阶段逾期")
    TASK = "task", gettext_lazy("任务滞后")
    SUPERVISION = "supervision", gettext_lazy("督办事项")
    REVIEW = "review", gettext_lazy("月报待审核")
    OFFICE = "office", gettext_lazy("科室报送")
    CONFIRM = "confirm", gettext_lazy("督办待确认")
    LOCKOUT = "lockout", gettext_lazy("账号锁定")


MONTH_KINDS = frozenset({TodoKind.REPORT, TodoKind.RETURNED, TodoKind.REVIEW})


class Urgency(models.IntegerChoices):
    """How soon an item needs doing; items are listed most urgent first."""

    OVERDUE = 0, gettext_lazy("已逾期")
    TODAY = 1, gettext_lazy("今天到期")
    SOON = 2, gettext_lazy("即将到期")
    NORMAL = 3, gettext_lazy("待办")


URGENCY_TONES = {
    Urgency.OVERDUE: "bad",
    Urgency.TODAY: "warn",
    Urgency.SOON: "warn",
    Urgency.NORMAL: "neutral",
}


@dataclass(frozen=True)
class TodoItem:
    """One thing to do: what, why, where to do it and by when."""

    kind: TodoKind
    key: str  # stable across days: the same matter keeps its key
    title: str
    detail: str
    link: str
    due: date | None
    urgency: Urgency
    due_label: str = ""  # '逾期3天', '今天到期', '还剩2天', or ''
    confirm_id: int | None = None  # a resolved 督办 item the person may confirm from the list

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)

    @property
    def urgency_label(self) -> str:
        return str(self.urgency.label)

    @property
    def tone(self) -> str:
        return URGENCY_TONES[self.urgency]

    @property
    def sort_key(self) -> tuple:
        # The month's own report (to fill, returned, to review) leads the list: it is the work
        # with a due day for the whole office, however many stages are overdue.
        return (self.kind not in MONTH_KINDS, self.urgency, self.due or date.max)


def urgency_of(due: date | None, today: date, soon_days: int = SUPERVISION_SOON_DAYS) -> Urgency:
    if due is None:
        return Urgency.NORMAL
    if due < today:
        return Urgency.OVERDUE
    if due == today:
        return Urgency.TODAY
    if (due - today).days <= soon_days:
        return Urgency.SOON
    return Urgency.NORMAL


def due_label(due: date | None, today: date) -> str:
    if due is None:
        return ""
    days = (due - today).days
    if days < 0:
        return _("逾期%(n)d天") % {"n": -days}
    if days == 0:
        return _("今天到期")
    return _("还剩%(n)d天") % {"n": days}


def day_label(day: date) -> str:
    return _("%(month)d月%(day)d日") % {"month": day.month, "day": day.day}


def month_label(year: int, month: int) -> str:
    return periods.period_label(year, month, cumulative=False)


def report_link(office_id: int, year: int, month: int) -> str:
    """月报填报 (or, for a reviewer, 月报审核) of one office and month."""
    query = urlencode({"office": office_id, "period": periods.format_period(year, month)})  # type: ignore[arg-type]
    return f"{reverse('admin:indicators_figure_report')}?{query}"


def subject_link(item: SupervisionItem) -> str:
    if item.project_id:
        return reverse("dashboard:project", args=[item.project_id])
    return reverse("dashboard:task", args=[item.task_id])


# --- who is asked what -----------------------------------------------------------------------


def _clerk_office(user: User) -> int | None:
    return permissions.office_filled_in_by(user)


def _reviewer_offices(user: User) -> Any:
    """Offices whose months the user reviews: None for every office (admins), else a list."""
    return permissions.offices_reviewed_by(user)


def _oversees(user: User) -> bool:
    """Leaders and admins follow every office."""
    return permissions.oversees_town(user)


def relevant_offices(user: User) -> list[Office]:
    """The active offices whose month being reported the person follows: every office for
    leaders and admins, else their own (one query)."""
    if _oversees(user):
        return list(Office.objects.filter(is_active=True).order_by("order", "id"))
    if permissions.can_read_office_data(user) and user.office_id is not None:
        return list(Office.objects.filter(pk=user.office_id, is_active=True))
    return []


def reports_now(user: User, today: date) -> list[OfficeReport]:
    """报送情况 of the month being reported for the offices the person follows (three
    queries: the offices, then indicators.selectors.office_reports' two)."""
    year, month = periods.reporting_period(today)
    offices = relevant_offices(user)
    return office_reports(offices, year, month, today=today) if offices else []


# --- the items ----------------------------------------------------------------------------------


def todo_items(
    user: User, on: date | None = None, *, reports: list[OfficeReport] | None = None
) -> list[TodoItem]:
    """The person's to-do items, most urgent first (then by due date).

    `reports` is reports_now(user, on) when the caller has it already (the landing page
    shows it too). Queries: 3 for the reports, then per role — clerk 6, reviewer 1, leader 3,
    admin 5 — whatever the number of offices, figures, projects, tasks or items.
    """
    today = on or periods.today()
    if not user.is_active:
        return []
    if reports is None:
        reports = reports_now(user, today)
    items: dict[str, TodoItem] = {}

    def add(item: TodoItem) -> None:
        items.setdefault(item.key, item)

    office_id = _clerk_office(user)
    if office_id is not None:
        for item in _clerk_items(user, office_id, today, reports):
            add(item)
    reviewer_offices = _reviewer_offices(user)
    if reviewer_offices is None or reviewer_offices:
        for item in _review_items(reviewer_offices):
            add(item)
    if _oversees(user):
        for item in _oversight_items(user, today, reports):
            add(item)
    if permissions.can_manage_lockouts(user):
        for item in _lockout_items():
            add(item)
    return sorted(items.values(), key=lambda item: item.sort_key)


def _clerk_items(
    user: User, office_id: int, today: date, reports: list[OfficeReport]
) -> list[TodoItem]:
    year, month = periods.reporting_period(today)
    items: list[TodoItem] = []
    report = next((r for r in reports if r.office.pk == office_id), None)
    if report is not None and report.state in (ReportState.NOT_STARTED, ReportState.DRAFT):
        detail = _("截止%(due)s（%(state)s）") % {
            "due": day_label(report.due),
            "state": report.label,
        }
        items.append(
            TodoItem(
                kind=TodoKind.REPORT,
                key=f"report:{office_id}:{year}-{month}",
                title=_("报送%(month)s月报") % {"month": month_label(year, month)},
                detail=detail,
                link=report_link(office_id, year, month),
                due=report.due,
                urgency=urgency_of(report.due, today, soon_days=3),
                due_label=report.due_label,
            )
        )
    frozen = report is not None and report.is_frozen

    # The month before, still not submitted after its due day, stays on the list until it is
    # (two queries): a month does not drop out of sight because the next one has opened.
    if report is not None:
        earlier_year, earlier_month = periods.previous_month(year, month)
        earlier = office_reports([report.office], earlier_year, earlier_month, today=today)[0]
        if earlier.state in (ReportState.NOT_STARTED, ReportState.DRAFT) and earlier.is_late:
            items.append(
                TodoItem(
                    kind=TodoKind.REPORT,
                    key=f"report:{office_id}:{earlier_year}-{earlier_month}",
                    title=_("补报%(month)s月报")
                    % {"month": month_label(earlier_year, earlier_month)},
                    detail=_("截止%(due)s（%(state)s）")
                    % {"due": day_label(earlier.due), "state": earlier.label},
                    link=report_link(office_id, earlier_year, earlier_month),
                    due=earlier.due,
                    urgency=urgency_of(earlier.due, today, soon_days=3),
                    due_label=earlier.due_label,
                )
            )

    # Every returned month of the office, whichever it is (one query).
    for review in MonthReview.objects.filter(
        office_id=office_id, state=MonthReview.State.RETURNED
    ).order_by("year", "month"):
        due = due_date(review.year, review.month)
        items.append(
            TodoItem(
                kind=TodoKind.RETURNED,
                key=f"returned:{review.pk}",
                title=_("%(month)s月报被退回，请修改后重新报送")
                % {"month": month_label(review.year, review.month)},
                detail=_("原因：%(reason)s") % {"reason": review.reason or "—"},
                link=report_link(office_id, review.year, review.month),
                due=due,
                urgency=urgency_of(due, today, soon_days=3),
                due_label=due_label(due, today),
            )
        )

    # Rows of the month being reported that the monthly form warned about, while it can still
    # be changed (two queries: indicators.selectors.report_rows).
    if report is not None and not frozen:
        for row in report_rows(report.office, year, month):
            if row.figure is None:
                continue
            warnings = figure_warnings(
                row.indicator, month, row.figure.value, row.previous, row.last_year
            )
            if warnings:
                items.append(
                    TodoItem(
                        kind=TodoKind.WARNING,
                        key=f"warning:{row.indicator.pk}:{year}-{month}",
                        title=_("%(name)s：请核对%(month)s数据")
                        % {"name": row.indicator.name, "month": month_label(year, month)},
                        detail="".join(warnings),
                        link=report_link(office_id, year, month),
                        due=None,
                        urgency=Urgency.NORMAL,
                    )
                )

    # The office's overdue stages (one query).
    for stage in plan_selectors.overdue_stages(user, today).filter(
        project__office_id=office_id, project__is_active=True
    ):
        items.append(
            TodoItem(
                kind=TodoKind.STAGE,
                key=f"stage:{stage.pk}",
                title=f"{stage.project.name} · {stage.name}",
                detail=_("计划%(date)s完成，尚未完成")
                % {"date": stage.planned_date.isoformat() if stage.planned_date else "—"},
                link=reverse("dashboard:project", args=[stage.project_id]),
                due=stage.planned_date,
                urgency=Urgency.OVERDUE,
                due_label=due_label(stage.planned_date, today),
            )
        )

    items += _tasks_behind(office_id, today)

    # Open 督办 items for the office (one query).
    for item in plan_selectors.open_supervision_items(user).filter(office_id=office_id):
        items.append(_supervision_item(item, today, link=_supervision_change_link(item)))
    return items


def _tasks_behind(office_id: int, today: date) -> list[TodoItem]:
    """This year's tasks of the office whose latest progress report trails the straight path
    to their deadline (plans.status.task_is_behind): two queries. The year is the one being
    reported, so in January last year's unfinished tasks still show."""
    year, _month = periods.reporting_period(today)
    tasks = {
        task.pk: task
        for task in Task.objects.filter(office_id=office_id, section__year=year).order_by(
            "section__number", "order", "id"
        )
    }
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(task__in=list(tasks), year=year).order_by(
        "task_id", "month"
    ):
        latest[report.task_id] = report  # type: ignore[index]
    items = []
    for task_id, task in tasks.items():
        progress = latest.get(task_id)
        if progress is None or not status.task_is_behind(
            quantity=task.quantity,
            done=progress.quantity_done,
            percent_done=progress.percent_done,
            deadline=task.deadline,
            year=progress.year,
            month=progress.month,
        ):
            continue
        items.append(
            TodoItem(
                kind=TodoKind.TASK,
                key=f"task:{task.pk}:{year}",
                title=task.title,
                detail=_("截至%(month)s，进度落后于计划（完成时限%(deadline)s）")
                % {
                    "month": month_label(progress.year, progress.month),
                    "deadline": task.deadline.isoformat(),
                },
                link=reverse("dashboard:task", args=[task.pk]),
                due=task.deadline,
                urgency=Urgency.OVERDUE if task.deadline < today else Urgency.NORMAL,
                due_label=due_label(task.deadline, today) if task.deadline < today else "",
            )
        )
    return items


def _supervision_change_link(item: SupervisionItem) -> str:
    """Where the office records how the item was solved."""
    return reverse("admin:plans_supervisionitem_change", args=[item.pk])


def _supervision_item(item: SupervisionItem, today: date, *, link: str) -> TodoItem:
    subject = item.project or item.task
    return TodoItem(
        kind=TodoKind.SUPERVISION,
        key=f"supervision:{item.pk}",
        title=str(item),
        detail=_("%(subject)s · %(office)s · 办结时限%(due)s")
        % {"subject": subject, "office": item.office, "due": item.due_date.isoformat()},
        link=link,
        due=item.due_date,
        urgency=urgency_of(item.due_date, today),
        due_label=due_label(item.due_date, today),
    )


def _review_items(office_ids: list[int] | None) -> list[TodoItem]:
    """Months waiting for review, oldest first (one query); None means every office."""
    waiting = MonthReview.objects.filter(state=MonthReview.State.SUBMITTED)
    if office_ids is not None:
        waiting = waiting.filter(office_id__in=office_ids)
    items = []
    for review in waiting.select_related("office", "submitted_by").order_by(
        "year", "month", "office__order", "office_id"
    ):
        submitted = (
            timezone.localtime(review.submitted_at).strftime("%Y-%m-%d %H:%M")
            if review.submitted_at
            else "—"
        )
        items.append(
            TodoItem(
                kind=TodoKind.REVIEW,
                key=f"review:{review.pk}",
                title=_("审核%(office)s%(month)s月报")
                % {"office": review.office, "month": month_label(review.year, review.month)},
                detail=_("%(who)s于%(when)s报送")
                % {"who": review.submitted_by or "—", "when": submitted},
                link=report_link(review.office_id, review.year, review.month),
                due=None,
                urgency=Urgency.NORMAL,
            )
        )
    return items


def _oversight_items(user: User, today: date, reports: list[OfficeReport]) -> list[TodoItem]:
    """Leaders and admins: offices late or returned this period; 督办 items coming due or
    overdue (one query)."""
    items = []
    for report in reports:
        if not report.needs_attention:
            continue
        if report.state == ReportState.RETURNED:
            detail = _("%(month)s月报已退回：%(reason)s") % {
                "month": month_label(report.year, report.month),
                "reason": report.reason or "—",
            }
        else:
            detail = _("%(month)s月报%(state)s，截止%(due)s") % {
                "month": month_label(report.year, report.month),
                "state": report.label,
                "due": report.due.isoformat(),
            }
        items.append(
            TodoItem(
                kind=TodoKind.OFFICE,
                key=f"office:{report.office.pk}:{report.year}-{report.month}",
                title=f"{report.office}：{report.label}",
                detail=detail,
                link=f"{reverse('dashboard:index')}?{urlencode({'office': report.office.pk})}",
                due=report.due,
                urgency=Urgency.OVERDUE if report.is_late else Urgency.NORMAL,
                due_label=report.lateness_label,
            )
        )
    horizon = today + timedelta(days=SUPERVISION_SOON_DAYS)
    for item in plan_selectors.open_supervision_items(user).filter(due_date__lte=horizon):
        items.append(_supervision_item(item, today, link=subject_link(item)))
    for item in awaiting_confirmation(user, today):
        _title, body = resolved_notice(item)
        items.append(
            TodoItem(
                kind=TodoKind.CONFIRM,
                key=f"confirm:{item.pk}",
                title=str(item),
                detail=body,
                link=subject_link(item),
                due=None,
                urgency=Urgency.NORMAL,
                confirm_id=item.pk,
            )
        )
    return items


def resolved_key(item: SupervisionItem) -> str:
    """The key of an item's resolution, as the reminders tell it to whoever raised the item.
    A resolution sent back and given again is a new one."""
    assert item.resolved_at is not None
    return f"supervision-resolved:{item.pk}:{int(item.resolved_at.timestamp())}"


def resolved_notice(item: SupervisionItem) -> tuple[str, str]:
    """(title, body) telling whoever raised an item that it was resolved, and how."""
    return (
        _("督办事项已办结，请确认：%(matter)s") % {"matter": item},
        _("%(office)s的办理结果：%(resolution)s")
        % {"office": item.office, "resolution": item.resolution},
    )


def awaiting_confirmation(user: User, today: date) -> list[SupervisionItem]:
    """督办 items the person raised, resolved in the last CONFIRM_WITHIN_DAYS days, whose
    resolution they have not confirmed (read): two queries."""
    since = timezone.make_aware(
        datetime.combine(today - timedelta(days=CONFIRM_WITHIN_DAYS), time.min)
    )
    resolved = list(
        SupervisionItem.objects.filter(raised_by=user, resolved_at__gte=since)
        .select_related("project", "task", "office")
        .order_by("resolved_at", "id")
    )
    confirmed = set(
        Notification.objects.filter(
            user=user, kind=Notification.Kind.SUPERVISION_RESOLVED, read_at__gte=since
        ).values_list("key", flat=True)
    )
    return [item for item in resolved if resolved_key(item) not in confirmed]


def locked_out_attempts() -> Any:
    """django-axes records of usernames locked out now (failure limit reached, cool-off not
    yet over)."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


def _lockout_items() -> list[TodoItem]:
    items = []
    for attempt in locked_out_attempts():
        until = timezone.localtime(attempt.attempt_time + settings.AXES_COOLOFF_TIME)
        items.append(
            TodoItem(
                kind=TodoKind.LOCKOUT,
                key=f"lockout:{attempt.pk}",
                title=_("账号“%(username)s”已被锁定") % {"username": attempt.username or "—"},
                detail=_(
                    "来自%(ip)s，连续%(n)d次登录失败；%(until)s自动解锁，删除该记录可立即解锁。"
                )
                % {
                    "ip": attempt.ip_address or "—",
                    "n": attempt.failures_since_start,
                    "until": until.strftime("%H:%M"),
                },
                link=reverse("admin:axes_accessattempt_change", args=[attempt.pk]),
                due=None,
                urgency=Urgency.TODAY,
            )
        )
    return items


# --- the landing page ------------------------------------------------------------------------


@dataclass
class Landing:
    """Everything the 待办 page shows: the items, the month being reported per office and,
    for leaders and admins, the key indicators' status words and the overdue stages."""

    today: date
    year: int
    month: int
    items: list[TodoItem]
    reports: list[OfficeReport]
    cards: list[Any] = field(default_factory=list)  # dashboard IndicatorRow of key indicators
    cards_year: int | None = None
    cards_month: int | None = None
    overdue_stages: int = 0

    @property
    def period_label(self) -> str:
        return month_label(self.year, self.month)

    @property
    def cards_period_label(self) -> str:
        if self.cards_year is None or self.cards_month is None:
            return ""
        return periods.period_label(self.cards_year, self.cards_month)

    @property
    def overdue_count(self) -> int:
        return sum(item.urgency == Urgency.OVERDUE for item in self.items)


def landing(user: User, on: date | None = None) -> Landing:
    today = on or periods.today()
    year, month = periods.reporting_period(today)
    reports = reports_now(user, today)
    data = Landing(
        today=today,
        year=year,
        month=month,
        items=todo_items(user, today, reports=reports),
        reports=reports,
    )
    if _oversees(user):
        # The dashboard's own reads: the key cards of the latest month with figures.
        from dashboard import selectors as dashboard_selectors

        data.cards_year, data.cards_month = dashboard_selectors.latest_period(user)
        indicators = list(dashboard_selectors.indicator_queryset(user).filter(is_key=True))
        data.cards = dashboard_selectors.indicator_rows(
            indicators, data.cards_year, data.cards_month
        )
        data.overdue_stages = (
            plan_selectors.overdue_stages(user, today).filter(project__is_active=True).count()
        )
    return data
