from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from inbox.models import Notification
from plans.models import SupervisionItem


class MarkReadForm(forms.Form):
    """标为已读: one of the person's own notifications, or all of them (everything=1)."""

    notification = forms.ModelChoiceField(
        queryset=Notification.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("该通知不存在，或不是发给您的。")},
    )
    everything = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["notification"]
        ).queryset = Notification.objects.filter(user=user)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not data.get("notification") and not data.get("everything"):
            raise ValidationError(_("请选择要标为已读的通知。"))
        return data


class ConfirmForm(forms.Form):
    """确认办结: a resolved 督办 item the person raised."""

    item = forms.ModelChoiceField(
        queryset=SupervisionItem.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("该督办事项不存在、尚未办结，或不是您交办的。"),
            "required": _("请选择要确认的督办事项。"),
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = SupervisionItem.objects.filter(
            raised_by=user, resolved_at__isnull=False
        ).select_related("office", "project", "task")


class SendBackForm(ConfirmForm):
    """退回: a resolved 督办 item the person raised goes back to the office, with a reason."""

    reason = forms.CharField(
        label=_("退回原因"),
        max_length=200,
        error_messages={"required": _("退回时请说明原因。")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("退回时请说明原因。"))
        if "\x00" in reason:
            raise ValidationError(_("退回原因含有空字符（不可见的控制字符），请删除后再保存。"))
        return reason
