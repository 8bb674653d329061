"""Notifications a person receives, and each time one was sent on a channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a person was told. One per person and key: the key names the event (a month
    due in three days, a month returned, a 督办 item raised …), so it is never told twice."""

    class Kind(models.TextChoices):
        REPORT_SOON = "report_soon", _("月报即将截止")
        REPORT_TODAY = "report_today", _("月报今天截止")
        REPORT_OVERDUE = "report_overdue", _("月报逾期")
        REPORT_RETURNED = "report_returned", _("月报被退回")
        REVIEW_WAITING = "review_waiting", _("月报待审核")
        SUPERVISION_RAISED = "supervision_raised", _("新督办事项")
        SUPERVISION_SOON = "supervision_soon", _("督办即将到期")
        SUPERVISION_OVERDUE = "supervision_overdue", _("督办逾期")
        SUPERVISION_RESOLVED = "supervision_resolved", _("督办已办结")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    key = models.CharField(_("事项标识"), max_length=160)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("通知时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_user_key")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One attempt to send a notification on a channel to a target (an address, a group)."""

    class Channel(models.TextChoices):
        INAPP = "inapp", _("站内通知")
        EMAIL = "email", _("邮件")
        WEBHOOK = "webhook", _("群机器人")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("通知"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    target = models.CharField(_("发送对象"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    ok = models.BooleanField(_("成功"))
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        constraints = [
            # The same item is never sent twice on one channel to one target; failed
            # attempts are kept beside it and retried on the next run.
            models.UniqueConstraint(
                fields=["notification", "channel", "target"],
                condition=Q(ok=True),
                name="delivery_sent_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.target}"
