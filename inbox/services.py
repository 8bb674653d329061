"""Writes of the inbox: reminders sent on their channels, notifications marked read.

`send_reminders` tells each active person what became due (see `due_reminders`), on three
channels: in-app notifications (always), e-mail through Django's mail (when EMAIL_HOST is set)
and each office's group robot (DingTalk / 浙政钉 custom robot JSON, when the office has a
webhook URL). An event has a key; a person gets one notification per key, and each channel
sends a key to a target at most once (Delivery, unique while successful). A channel that
fails is recorded with its error and retried on the next run; it never stops the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Office, User
from inbox.models import Delivery, Notification
from inbox.selectors import day_label, month_label, report_link
from indicators import periods
from indicators.models import MonthReview, MonthReviewEvent
from indicators.selectors import office_reports
from plans.models import SupervisionItem

Kind = Notification.Kind
Channel = Delivery.Channel

# A report or 督办 item is "coming due" this many days ahead (due today counts apart).
SOON_DAYS = 3
# A resolved 督办 item is told to the person who raised it if resolved this recently.
RESOLVED_WITHIN_DAYS = 7
WEBHOOK_TIMEOUT_SECONDS = 5
BRAND = "下各镇经济指标与重点项目跟踪系统"


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


# --- what became due ---------------------------------------------------------------------------


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
    from django.urls import reverse

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
    body = _("%(subject)s · 责任单位：%(office)s · 办结时限：%(due)s · 交办人：%(who)s") % facts
    if not item.is_open:
        assert item.resolved_at is not None
        return [
            Reminder(
                Kind.SUPERVISION_RESOLVED,
                f"supervision-resolved:{item.pk}:{int(item.resolved_at.timestamp())}",
                _("督办事项已办结，请确认：%(matter)s") % facts,
                _("%(office)s的办理结果：%(resolution)s")
                % {"office": item.office, "resolution": item.resolution},
                link,
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


# --- sending ------------------------------------------------------------------------------------


@dataclass
class ChannelResult:
    enabled: bool = True
    sent: int = 0  # messages (an e-mail, a robot post) that went through
    failed: int = 0
    items: int = 0  # notifications carried by the messages that went through
    errors: list[str] = field(default_factory=list)


@dataclass
class Summary:
    on: date
    reminders: int
    new_notifications: int
    channels: dict[str, ChannelResult]
    dry_run: bool = False

    @property
    def every_channel_failed(self) -> bool:
        """Something was to be sent and nothing went through on any channel."""
        results = self.channels.values()
        return any(r.failed for r in results) and not any(r.sent for r in results)

    def lines(self) -> list[str]:
        head = _("%(day)s：到期提醒%(n)d项") % {"day": self.on.isoformat(), "n": self.reminders}
        if self.dry_run:
            head += _("（试运行：不发送、不记录）")
        lines = [head]
        inapp = self.channels[Channel.INAPP]
        lines.append(
            (_("站内通知：将新增%(n)d条") if self.dry_run else _("站内通知：新增%(n)d条"))
            % {"n": inapp.sent}
        )
        for channel, name, unit in (
            (Channel.EMAIL, _("邮件"), _("封")),
            (Channel.WEBHOOK, _("群机器人"), _("条消息")),
        ):
            result = self.channels[channel]
            if not result.enabled:
                lines.append(_("%(name)s：未启用") % {"name": name})
                continue
            if self.dry_run:
                lines.append(
                    _("%(name)s：至多发送%(n)d%(unit)s")
                    % {"name": name, "n": result.sent, "unit": unit}
                )
                continue
            line = _("%(name)s：发送%(n)d%(unit)s（含%(items)d项提醒）") % {
                "name": name,
                "n": result.sent,
                "unit": unit,
                "items": result.items,
            }
            if result.failed:
                line += _("，失败%(n)d%(unit)s") % {"n": result.failed, "unit": unit}
            lines.append(line)
            lines += [f"  {error}" for error in result.errors]
        return lines


def absolute(link: str) -> str:
    return f"{settings.SITE_URL}{link}" if settings.SITE_URL and link.startswith("/") else link


def webhook_target(url: str) -> str:
    """How a robot is named in the records: its host and path and a digest of the whole URL,
    never the access token itself."""
    parts = urlsplit(url)
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    return f"{parts.scheme}://{parts.netloc}{parts.path}#{digest}"


def email_enabled() -> bool:
    return bool(settings.EMAIL_HOST)


def send_reminders(*, on: date | None = None, dry_run: bool = False) -> Summary:
    """Tell every active person what became due on `on` (default today)."""
    today = on or periods.today()
    reminders = [r for r in due_reminders(today) if r.recipients]
    channels = {
        Channel.INAPP: ChannelResult(),
        Channel.EMAIL: ChannelResult(enabled=email_enabled()),
        Channel.WEBHOOK: ChannelResult(
            enabled=Office.objects.filter(is_active=True).exclude(webhook_url="").exists()
        ),
    }
    keys = {r.key for r in reminders}
    existing = set(
        Notification.objects.filter(key__in=keys).values_list("user_id", "key")
    )  # one query
    wanted = [
        (user, reminder)
        for reminder in reminders
        for user in reminder.recipients
        if (user.pk, reminder.key) not in existing
    ]
    if dry_run:
        channels[Channel.INAPP].sent = len(wanted)
        channels[Channel.WEBHOOK].sent = len(
            {r.office.pk for r in reminders if r.office is not None and r.office.webhook_url}
        )
        if channels[Channel.EMAIL].enabled:
            channels[Channel.EMAIL].sent = len({u.pk for u, _r in wanted if u.email})
        return Summary(today, len(reminders), len(wanted), channels, dry_run=True)

    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    user=user,
                    kind=reminder.kind,
                    key=reminder.key,
                    title=reminder.title[:200],
                    body=reminder.body,
                    link=reminder.link,
                )
                for user, reminder in wanted
            ],
            ignore_conflicts=True,  # a run alongside this one made it first: told once
        )
        notifications = {
            (n.user_id, n.key): n
            for n in Notification.objects.filter(
                key__in=keys, user__in={u.pk for r in reminders for u in r.recipients}
            )
        }
        new_ids = [
            notifications[(u.pk, r.key)].pk for u, r in wanted if (u.pk, r.key) in notifications
        ]
        Delivery.objects.bulk_create(
            [Delivery(notification_id=pk, channel=Channel.INAPP, ok=True) for pk in new_ids],
            ignore_conflicts=True,
        )
    channels[Channel.INAPP].sent = channels[Channel.INAPP].items = len(new_ids)

    if channels[Channel.EMAIL].enabled:
        _send_emails(reminders, notifications, channels[Channel.EMAIL])
    _send_webhooks(reminders, notifications, channels[Channel.WEBHOOK])
    return Summary(today, len(reminders), len(new_ids), channels)


def _delivered(notification_ids: Iterable[int], channel: str) -> set[tuple[int, str]]:
    return set(
        Delivery.objects.filter(
            notification__in=list(notification_ids), channel=channel, ok=True
        ).values_list("notification_id", "target")
    )


def _record(notifications: list[Notification], channel: str, target: str, error: str) -> None:
    for notification in notifications:
        try:
            with transaction.atomic():
                Delivery.objects.create(
                    notification=notification,
                    channel=channel,
                    target=target,
                    ok=not error,
                    error=error[:2000],
                )
        except IntegrityError:
            pass  # sent successfully by a concurrent run: still once


def _error_text(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"[:500]


def _send_emails(
    reminders: list[Reminder],
    notifications: dict[tuple[int, str], Notification],
    result: ChannelResult,
) -> None:
    """One e-mail per person with everything not yet e-mailed to their address."""
    pending: dict[int, tuple[User, list[tuple[Reminder, Notification]]]] = {}
    for reminder in reminders:
        for user in reminder.recipients:
            notification = notifications.get((user.pk, reminder.key))
            if notification is None or not user.email:
                continue
            pending.setdefault(user.pk, (user, []))[1].append((reminder, notification))
    done = _delivered(
        (n.pk for _user, entries in pending.values() for _r, n in entries), Channel.EMAIL
    )
    messages = []
    for user, entries in pending.values():
        entries = [(r, n) for r, n in entries if (n.pk, user.email) not in done]
        if not entries:
            continue
        body = [_("%(name)s，您好：") % {"name": user}, ""]
        for reminder, _n in entries:
            body += [f"· {reminder.title}", f"  {reminder.body}"]
            if reminder.link:
                body.append(f"  {absolute(reminder.link)}")
        body += ["", _("此邮件由%(brand)s系统自动发送。") % {"brand": BRAND}]
        subject = _("【%(brand)s】%(n)d条提醒：%(first)s") % {
            "brand": BRAND,
            "n": len(entries),
            "first": entries[0][0].title,
        }
        messages.append(
            (
                user,
                [n for _r, n in entries],
                EmailMessage(
                    subject=subject[:200],
                    body="\n".join(body),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[user.email],
                ),
            )
        )
    if not messages:
        return
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # refused, unreachable, bad login: every message fails alike
        error = _error_text(exc)
        for user, entries, _message in messages:
            _record(entries, Channel.EMAIL, user.email, error)
            result.failed += 1
        result.errors.append(_("邮件服务器不可用：%(error)s") % {"error": error})
        return
    try:
        for user, entries, message in messages:
            try:
                connection.send_messages([message])
            except Exception as exc:  # one refused recipient does not stop the others
                error = _error_text(exc)
                _record(entries, Channel.EMAIL, user.email, error)
                result.failed += 1
                result.errors.append(
                    _("发给%(to)s的邮件失败：%(error)s") % {"to": user.email, "error": error}
                )
            else:
                _record(entries, Channel.EMAIL, user.email, "")
                result.sent += 1
                result.items += len(entries)
    finally:
        # Closing a broken connection is not worth a failure of its own.
        with contextlib.suppress(Exception):
            connection.close()


def post_webhook(url: str, content: str) -> str:
    """POST a text message as DingTalk / 浙政钉 custom robots accept it; '' when accepted,
    else the error. The robots answer 200 with {"errcode": 0} when they took it."""
    payload = json.dumps(
        {"msgtype": "text", "text": {"content": content}}, ensure_ascii=False
    ).encode()
    request = urllib.request.Request(
        url,
        data=payload,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return _("超时（%(n)d秒）") % {"n": WEBHOOK_TIMEOUT_SECONDS}
        return _error_text(exc.reason if isinstance(exc.reason, BaseException) else exc)
    except TimeoutError:
        return _("超时（%(n)d秒）") % {"n": WEBHOOK_TIMEOUT_SECONDS}
    except (OSError, ValueError) as exc:
        return _error_text(exc)
    try:
        data: Any = json.loads(answer or b"{}")
    except ValueError:
        return ""  # a robot that answers 200 without JSON took it
    if isinstance(data, dict) and data.get("errcode") not in (None, 0):
        return f"errcode {data.get('errcode')}: {data.get('errmsg', '')}"[:500]
    return ""


def _send_webhooks(
    reminders: list[Reminder],
    notifications: dict[tuple[int, str], Notification],
    result: ChannelResult,
) -> None:
    """One robot message per office with everything its group has not been told yet."""
    by_office: dict[int, tuple[Office, list[tuple[Reminder, Notification]]]] = {}
    for reminder in reminders:
        office = reminder.office
        if office is None or not office.webhook_url:
            continue
        # The delivery is recorded against the first recipient's notification of the event.
        notification = next(
            (
                notifications[(u.pk, reminder.key)]
                for u in sorted(reminder.recipients, key=lambda u: u.pk)
                if (u.pk, reminder.key) in notifications
            ),
            None,
        )
        if notification is not None:
            by_office.setdefault(office.pk, (office, []))[1].append((reminder, notification))
    if not by_office:
        return
    keys = {r.key for _office, entries in by_office.values() for r, _n in entries}
    done = set(
        Delivery.objects.filter(
            channel=Channel.WEBHOOK, ok=True, notification__key__in=keys
        ).values_list("notification__key", "target")
    )
    for office, entries in by_office.values():
        target = webhook_target(office.webhook_url)
        entries = [(r, n) for r, n in entries if (r.key, target) not in done]
        if not entries:
            continue
        lines = [_("【%(brand)s】%(office)s") % {"brand": BRAND, "office": office}]
        for number, (reminder, _n) in enumerate(entries, start=1):
            lines.append(f"{number}. {reminder.title}")
            lines.append(f"   {reminder.body}")
            if reminder.link:
                lines.append(f"   {absolute(reminder.link)}")
        error = post_webhook(office.webhook_url, "\n".join(lines))
        _record([n for _r, n in entries], Channel.WEBHOOK, target, error)
        if error:
            result.failed += 1
            result.errors.append(
                _("%(office)s群机器人失败：%(error)s") % {"office": office, "error": error}
            )
        else:
            result.sent += 1
            result.items += len(entries)


# --- reading ---------------------------------------------------------------------------------


def notifications_mark_read(*, user: User, notifications: Iterable[Notification] | None) -> int:
    """Mark the person's own notifications read (all unread ones when None); returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notifications is not None:
        unread = unread.filter(pk__in=[n.pk for n in notifications if n.user_id == user.pk])
    return unread.update(read_at=timezone.now())
