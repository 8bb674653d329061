"""Input on the dashboard's pages: a leader raising a 督办 item from a project or task page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Office, User
from accounts.permissions import readable_offices
from indicators import periods
from plans.forms import SafeModelChoiceField
from plans.models import Project, Task

MATTER_MAX = 1000
MAX_DAYS = 366  # a 督办 item is settled within the year
DEFAULT_DAYS = 14


class SupervisionForm(forms.Form):
    """What is to be solved, by which office, by when; the project or task comes from the URL."""

    matter = forms.CharField(
        label=gettext_lazy("督办事项"),
        max_length=MATTER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": gettext_lazy("请填写督办事项。"),
            "max_length": gettext_lazy("督办事项最多%(limit_value)d字（现有%(show_value)d字）。"),
        },
    )
    office = SafeModelChoiceField(
        label=gettext_lazy("责任科室"),
        queryset=Office.objects.none(),
        empty_label=None,
        error_messages={
            "required": gettext_lazy("请选择责任科室。"),
            "invalid_choice": gettext_lazy("所选责任科室不存在，请重新选择。"),
        },
    )
    due_date = forms.DateField(
        label=gettext_lazy("办结时限"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("不早于今天；默认为两周后。"),
        error_messages={
            "required": gettext_lazy("请填写办结时限。"),
            "invalid": gettext_lazy(
                "办结时限不是有效的日期，请按“年-月-日”填写，例如 2024-10-31。"
            ),
        },
    )

    def __init__(self, *args: Any, subject: Project | Task, user: User, **kwargs: Any) -> None:
        self.today = periods.today()
        kwargs.setdefault(
            "initial",
            {"office": subject.office_id, "due_date": self.today + timedelta(days=DEFAULT_DAYS)},
        )
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields
        super().__init__(*args, **kwargs)
        # Django's Chinese for a NUL byte ("不允许是用空字符串") says the wrong thing.
        matter = self.fields["matter"]
        matter.validators = [
            v for v in matter.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        matter.validators.append(
            ProhibitNullCharactersValidator(
                message=_("督办事项含有空字符（不可见的控制字符），请删除后再保存。")
            )
        )
        # Active offices, and the subject's own even if it has since been retired.
        cast(forms.ModelChoiceField, self.fields["office"]).queryset = readable_offices(
            user
        ).filter(Q(is_active=True) | Q(pk=subject.office_id))

    def clean_due_date(self) -> date:
        due = self.cleaned_data["due_date"]
        if due < self.today:
            raise ValidationError(
                _("办结时限不能早于今天（%(today)s）。") % {"today": self.today.isoformat()}
            )
        latest = self.today + timedelta(days=MAX_DAYS)
        if due > latest:
            raise ValidationError(
                _("办结时限最长为一年（%(latest)s）；更长的事项请列入年度任务。")
                % {"latest": latest.isoformat()}
            )
        return due
