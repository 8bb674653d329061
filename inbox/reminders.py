"""What became due on a day, and whom to tell (reads only): the events `manage.py
send_reminders` sends (inbox.services), each with a key that names it for good."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Office, User
from inbox.models import Notification
from inbox.selectors import (
    day_label,
    month_label,
    report_link,
    resolved_key,
    resolved_notice,
    subject_link,
)
from indicators import periods
from indicators.models import MonthReview, MonthReviewEvent
from indicators.selectors import office_reports
from plans.models import SupervisionItem

Kind = Notification.Kind

# A report or 督办 item is "coming due" this many days ahead (due today counts apart).
SOON_DAYS = 3
# A resolved 督办 item is told to the person who raised it if resolved this recently.
RESOLVED_WITHIN_DAYS = 7


@dataclass(frozen=True)
class Reminder:
    """One event to tell: what, to whom, and which office's group robot hears of it."""

    kind: str
    key: str
    title: str
    body: str
    link: str
    recipients: tuple[User, ...]
    office: Office | None = None


def _people() -> tuple[dict[int, list[User]], dict[int, list[User]]]:
    """Active clerks and reviewers by office (two queries; roles read from the prefetch)."""
    clerks: dict[int, list[User]] = defaultdict(list)
    reviewers: dict[int, list[User]] = defaultdict(list)
    for user in (
        User.objects.filter(is_active=True, office__isnull=False)
        .prefetch_related("groups")
        .order_by("id")
    ):
        # Fill the cached role names from the prefetch: no query per person.
        user.__dict__["role_names"] = frozenset(group.name for group in user.groups.all())
        if user.is_clerk:
            clerks[user.office_id].append(user)  # type: ignore[index]
        if user.is_reviewer:
            reviewers[user.office_id].append(user)  # type: ignore[index]
    return clerks, reviewers


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def due_reminders(on: date | None = None) -> list[Reminder]:
    """Everything due on `on` (default today), in a fixed number of queries:

    - the month being reported, while not submitted: due in 1-3 days, due today, overdue
      (to the office's clerks);
    - a month returned (to the office's clerks), once per return;
    - a month waiting for review (to the office's reviewers), once per submission;
    - a 督办 item: open (to the office's clerks), due in 0-3 days (clerks), overdue (clerks and
      whoever raised it); resolved in the last seven days (to whoever raised it).
    """
    today = on or periods.today()
    clerks, reviewers = _people()
    offices = list(Office.objects.filter(is_active=True).order_by("order", "id"))
    by_id = {office.pk: office for office in offices}
    reminders: list[Reminder] = []
    year, month = periods.reporting_period(today)
    period = f"{year}-{month}"

    for report in office_reports(offices, year, month, today=today):
        if report.is_frozen:
            continue
        office = report.office
        link = report_link(office.pk, year, month)
        label = month_label(year, month)
        if report.days_left is not None and 1 <= report.days_left <= SOON_DAYS:
            kind, key = Kind.REPORT_SOON, f"report-soon:{office.pk}:{period}"
            title = _("%(office)s%(month)s月报还剩%(n)d天截止") % {
                "office": office,
                "month": label,
                "n": report.days_left,
            }
        elif report.days_left == 0:
            kind, key = Kind.REPORT_TODAY, f"report-today:{office.pk}:{period}"
            title = _("%(office)s%(month)s月报今天截止") % {"office": office, "month": label}
        elif report.days_overdue > 0:
            kind, key = Kind.REPORT_OVERDUE, f"report-overdue:{office.pk}:{period}"
            title = _("%(office)s%(month)s月报已逾期%(n)d天") % {
                "office": office,
                "month": label,
                "n": report.days_overdue,
            }
        else:
            continue
        body = _("截止日期%(due)s，当前状态：%(state)s。") % {
            "due": day_label(report.due),
            "state": report.label,
        }
        reminders.append(
            Reminder(kind, key, title, body, link, tuple(clerks.get(office.pk, ())), office)
        )

    # Months returned: the latest return of each (one query).
    returns: dict[int, MonthReviewEvent] = {}
    for event in (
        MonthReviewEvent.objects.filter(
            action=MonthReviewEvent.Action.RETURN,
            review__state=MonthReview.State.RETURNED,
            review__office__is_active=True,
        )
        .select_related("review", "user")
        .order_by("review_id", "id")
    ):
        returns[event.review_id] = event  # the last one wins
    for event in returns.values():
        review = event.review
        office = by_id.get(review.office_id)
        if office is None:
            continue
        reminders.append(
            Reminder(
                Kind.REPORT_RETURNED,
                f"report-returned:{review.pk}:{event.pk}",
                _("%(office)s%(month)s月报被退回")
                % {"office": office, "month": month_label(review.year, review.month)},
                _("退回人：%(who)s。原因：%(reason)s。请修改后重新报送。")
                % {"who": event.user, "reason": review.reason or event.reason or "—"},
                report_link(office.pk, review.year, review.month),
                tuple(clerks.get(office.pk, ())),
                office,
            )
        )

    # Months waiting for review (one query).
    for review in (
        MonthReview.objects.filter(state=MonthReview.State.SUBMITTED, office__is_active=True)
        .select_related("submitted_by")
        .order_by("year", "month", "office_id")
    ):
        office = by_id[review.office_id]
        stamp = int(review.submitted_at.timestamp()) if review.submitted_at else 0
        recipients = tuple(
            user for user in reviewers.get(office.pk, ()) if user.pk != review.submitted_by_id
        )
        reminders.append(
            Reminder(
                Kind.REVIEW_WAITING,
                f"review-waiting:{review.pk}:{stamp}",
                _("%(office)s%(month)s月报待审核")
                % {"office": office, "month": month_label(review.year, review.month)},
                _("%(who)s已报送，请审核。") % {"who": review.submitted_by or "—"},
                report_link(office.pk, review.year, review.month),
                recipients,
                office,
            )
        )

    # 督办 items: open ones, and those resolved lately (one query).
    resolved_since = _start_of(today - timedelta(days=RESOLVED_WITHIN_DAYS))
    for item in (
        SupervisionItem.objects.filter(
            Q(resolved_at__isnull=True) | Q(resolved_at__gte=resolved_since)
        )
        .select_related("project", "task", "office", "raised_by")
        .order_by("due_date", "id")
    ):
        reminders += _supervision_reminders(item, today, clerks)
    return reminders


def _supervision_reminders(
    item: SupervisionItem, today: date, clerks: dict[int, list[User]]
) -> list[Reminder]:
    subject = item.project or item.task
    office_clerks = tuple(clerks.get(item.office_id, ()))
    raiser = (item.raised_by,) if item.raised_by.is_active else ()
    link = reverse("admin:plans_supervisionitem_change", args=[item.pk])
    facts = {
        "matter": str(item),
        "subject": subject,
        "office": item.office,
        "due": item.due_date.isoformat(),
        "who": item.raised_by,
    }
    body = _("%(subject)s · 责任科室：%(office)s · 办结时限：%(due)s · 交办人：%(who)s") % facts
    if not item.is_open:
        assert item.resolved_at is not None
        return [
            Reminder(
                Kind.SUPERVISION_RESOLVED,
                resolved_key(item),
                *resolved_notice(item),
                subject_link(item),  # where a leader reads it (and may send it back)
                raiser,
            )
        ]
    days = (item.due_date - today).days
    if days < 0:
        # The person who raised it hears of it too; the office's group once.
        recipients = tuple({user.pk: user for user in (*office_clerks, *raiser)}.values())
        return [
            Reminder(
                Kind.SUPERVISION_OVERDUE,
                f"supervision-overdue:{item.pk}:{item.due_date.isoformat()}",
                _("督办事项已逾期%(n)d天：%(matter)s") % {**facts, "n": -days},
                body,
                link,
                recipients,
                item.office,
            )
        ]
    if days <= SOON_DAYS:
        title = (
            _("督办事项今天到期：%(matter)s") % facts
            if days == 0
            else _("督办事项还剩%(n)d天到期：%(matter)s") % {**facts, "n": days}
        )
        return [
            Reminder(
                Kind.SUPERVISION_SOON,
                f"supervision-soon:{item.pk}:{item.due_date.isoformat()}",
                title,
                body,
                link,
                office_clerks,
                item.office,
            )
        ]
    return [
        Reminder(
            Kind.SUPERVISION_RAISED,
            f"supervision-raised:{item.pk}",
            _("新的督办事项：%(matter)s") % facts,
            body,
            link,
            office_clerks,
            item.office,
        )
    ]
