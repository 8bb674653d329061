"""Writes of the inbox: reminders sent on their channels, notifications marked read.

`send_reminders` tells each active person what became due (inbox.reminders), on three
channels: in-app notifications (always), e-mail through Django's mail (when EMAIL_HOST is set)
and each office's group robot (DingTalk / 浙政钉 custom robot JSON, when the office has a
webhook URL) — inbox.channels. An event has a key; a person gets one notification per key, and
each channel sends a key to a target at most once (Delivery, unique while successful). A
channel that fails is recorded with its error and retried on the next run; it never stops the
others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Office, User
from inbox.channels import ChannelResult, email_enabled, send_emails, send_webhooks
from inbox.models import Delivery, Notification
from inbox.reminders import due_reminders
from inbox.selectors import resolved_key, resolved_notice, subject_link
from indicators import periods
from plans.models import SupervisionItem

Channel = Delivery.Channel


@dataclass
class Summary:
    on: date
    reminders: int
    new_notifications: int
    channels: dict[Channel, ChannelResult]
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
        send_emails(reminders, notifications, channels[Channel.EMAIL])
    send_webhooks(reminders, notifications, channels[Channel.WEBHOOK])
    return Summary(today, len(reminders), len(new_ids), channels)


# --- reading ---------------------------------------------------------------------------------


def notifications_mark_read(*, user: User, notifications: Iterable[Notification] | None) -> int:
    """Mark the person's own notifications read (all unread ones when None); returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notifications is not None:
        unread = unread.filter(pk__in=[n.pk for n in notifications if n.user_id == user.pk])
    return unread.update(read_at=timezone.now())


@transaction.atomic
def supervision_confirm(*, user: User, item: SupervisionItem) -> Notification:
    """Whoever raised a 督办 item confirms its resolution: their notification of it is marked
    read, and made first if the daily reminders have not made it yet (so they never send it)."""
    if not permissions.can_confirm_supervision(user, item):
        raise PermissionDenied
    if item.is_open:
        raise ValidationError(_("只能确认自己交办、已经办结的督办事项。"))
    title, body = resolved_notice(item)
    notification, _created = Notification.objects.get_or_create(
        user=user,
        key=resolved_key(item),
        defaults={
            "kind": Notification.Kind.SUPERVISION_RESOLVED,
            "title": title[:200],
            "body": body,
            "link": subject_link(item),
        },
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
