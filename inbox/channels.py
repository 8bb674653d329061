"""The channels beyond the app itself: e-mail through Django's mail, and each office's group
robot (DingTalk / 浙政钉 custom robot JSON). Each sends what its target was not yet sent, and
records every attempt (Delivery), failed ones with their error."""

from __future__ import annotations

import contextlib
import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Office, User
from inbox.models import Delivery, Notification
from inbox.reminders import Reminder

Channel = Delivery.Channel
WEBHOOK_TIMEOUT_SECONDS = 5
BRAND = gettext_lazy("下各镇经济指标与重点项目跟踪系统")


@dataclass
class ChannelResult:
    enabled: bool = True
    sent: int = 0  # messages (an e-mail, a robot post) that went through
    failed: int = 0
    items: int = 0  # notifications carried by the messages that went through
    errors: list[str] = field(default_factory=list)


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


def send_emails(
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
        for user, batch, _message in messages:
            _record(batch, Channel.EMAIL, user.email, error)
            result.failed += 1
        result.errors.append(_("邮件服务器不可用：%(error)s") % {"error": error})
        return
    try:
        for user, batch, message in messages:
            try:
                connection.send_messages([message])
            except Exception as exc:  # one refused recipient does not stop the others
                error = _error_text(exc)
                _record(batch, Channel.EMAIL, user.email, error)
                result.failed += 1
                result.errors.append(
                    _("发给%(to)s的邮件失败：%(error)s") % {"to": user.email, "error": error}
                )
            else:
                _record(batch, Channel.EMAIL, user.email, "")
                result.sent += 1
                result.items += len(batch)
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


def send_webhooks(
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
