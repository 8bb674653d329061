"""Input for the plans app: the monthly progress form and the 督办 forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from indicators import units
from indicators.forms import VersionField, decimal_places, parse_value
from plans.models import Project, SupervisionItem, Task
from plans.selectors import ProgressRow
from plans.services import ProgressEntry

TEXT_MAX = 1000


def _unit(code: str) -> units.UnitInfo | None:
    """The unit with this code (percent, wan_yuan) from the unit table, or None."""
    for name in units.names():
        info = units.by_name(name)
        if info is not None and info.code == code:
            return info
    return None


def _optional_number(
    raw: str, *, unit: units.UnitInfo | None = None, places: int = 2
) -> Decimal | None:
    """A progress quantity as typed (indicators.forms.parse_value reads it), in `unit`: the
    unit may be written after the number (80%, 500万元); a value in another unit is refused with
    the number to type instead, since this form says nothing on a row before saving."""
    if not raw.strip():
        return None
    reading = parse_value(raw, unit, places)
    if reading.converted and unit is not None:
        raise ValidationError(
            _("“%(seen)s”：本栏单位为%(unit)s，请填写换算后的数%(value)s。")
            % {"seen": reading.seen, "unit": unit.name, "value": _plain(reading.value)}
        )
    value = reading.value
    if abs(value) >= Decimal(10) ** 12:  # the database holds 12 digits before the point
        raise ValidationError(_("数值过大（小数点前最多12位）。"))
    if decimal_places(value) > places:
        raise ValidationError(_("最多保留%(n)d位小数。") % {"n": places})
    if value < 0:
        raise ValidationError(_("不能为负数。"))
    return value


class ProgressRowForm(forms.Form):
    quantity_done = forms.CharField(label=gettext_lazy("累计完成数量"), required=False)
    percent_done = forms.CharField(label=gettext_lazy("形象进度（%）"), required=False)
    investment_ytd = forms.CharField(label=gettext_lazy("本年累计投资（万元）"), required=False)
    progress = forms.CharField(
        label=gettext_lazy("进展情况"), required=False, max_length=TEXT_MAX, widget=forms.Textarea
    )
    problems = forms.CharField(
        label=gettext_lazy("存在问题"), required=False, max_length=TEXT_MAX, widget=forms.Textarea
    )
    next_steps = forms.CharField(
        label=gettext_lazy("下步打算"), required=False, max_length=TEXT_MAX, widget=forms.Textarea
    )
    version = VersionField()

    def __init__(self, *args: Any, row: ProgressRow, **kwargs: Any) -> None:
        self.row = row
        report = row.report
        if report is not None:
            kwargs.setdefault(
                "initial",
                {
                    "quantity_done": _plain(report.quantity_done),
                    "percent_done": _plain(report.percent_done),
                    "investment_ytd": _plain(report.investment_ytd),
                    "progress": report.progress,
                    "problems": report.problems,
                    "next_steps": report.next_steps,
                    "version": report.version,
                },
            )
        else:
            kwargs.setdefault("initial", {"version": 0})
        super().__init__(*args, **kwargs)
        for name in ("progress", "problems", "next_steps"):
            self.fields[name].widget.attrs.update({"rows": 2, "cols": 24})
        if row.is_project:
            del self.fields["quantity_done"]
        else:
            del self.fields["investment_ytd"]
            if isinstance(row.subject, Task) and row.subject.quantity is None:
                del self.fields["quantity_done"]
        # Every input is named after its project or task and says what goes in it: the column
        # headers alone do not name a cell's input.
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{self.name} {field.label}"
        for name in ("quantity_done", "percent_done", "investment_ytd"):
            if name in self.fields:
                self.fields[name].widget.attrs["inputmode"] = "decimal"

    @property
    def name(self) -> str:
        subject = self.row.subject
        return subject.name if isinstance(subject, Project) else subject.title

    def clean_quantity_done(self) -> Decimal | None:
        subject = self.row.subject
        unit_id = subject.unit_id if isinstance(subject, Task) else None
        unit = units.get(unit_id) if unit_id else None
        return _optional_number(self.cleaned_data["quantity_done"], unit=unit)

    def clean_percent_done(self) -> Decimal | None:
        value = _optional_number(self.cleaned_data["percent_done"], unit=_unit("percent"))
        if value is not None and value > 100:
            raise ValidationError(_("形象进度应在0到100之间。"))
        return value

    def clean_investment_ytd(self) -> Decimal | None:
        return _optional_number(self.cleaned_data["investment_ytd"], unit=_unit("wan_yuan"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        entry = self.entry()
        if not entry.is_empty and not entry.progress and self.row.report is None:
            self.add_error("progress", _("请填写进展情况。"))
        if entry.is_empty and self.row.report is not None:
            self.add_error("progress", _("已填报的进展不能清空；如需更正，请修改内容。"))
        return cleaned

    def entry(self) -> ProgressEntry:
        data = self.cleaned_data
        return ProgressEntry(
            subject=self.row.subject,
            quantity_done=data.get("quantity_done"),
            percent_done=data.get("percent_done"),
            investment_ytd=data.get("investment_ytd"),
            progress=data.get("progress", "").strip(),
            problems=data.get("problems", "").strip(),
            next_steps=data.get("next_steps", "").strip(),
            expected_version=data.get("version"),
        )


class BaseProgressFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, rows: list[ProgressRow], **kwargs: Any) -> None:
        self.rows = rows
        kwargs.setdefault("prefix", "rows")
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        return len(self.rows)

    def initial_form_count(self) -> int:
        return len(self.rows)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            kwargs["row"] = self.rows[index]
        return kwargs


ProgressFormSet = cast(
    type[BaseProgressFormSet],
    forms.formset_factory(ProgressRowForm, formset=BaseProgressFormSet, extra=0),
)


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


class SafeModelChoiceField(forms.ModelChoiceField):
    """Any posted id that cannot name a row (text, a number beyond 64 bits) is just an
    invalid choice, never a database error."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value)
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(text)


class SupervisionItemForm(forms.ModelForm):
    """Raising a 督办 item (leaders, admins) or recording its resolution (the office)."""

    class Meta:
        model = SupervisionItem
        fields = ["project", "task", "matter", "office", "due_date", "resolution"]
        field_classes = {
            "project": SafeModelChoiceField,
            "task": SafeModelChoiceField,
            "office": SafeModelChoiceField,
        }

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk:
            if not (cleaned.get("resolution") or "").strip():
                self.add_error("resolution", _("请填写办理结果。"))
            return cleaned
        project, task = cleaned.get("project"), cleaned.get("task")
        if bool(project) == bool(task):
            raise ValidationError(_("请选择一个项目或一个任务（只能选一个）。"))
        if not (cleaned.get("matter") or "").strip():
            self.add_error("matter", _("请填写督办事项。"))
        return cleaned
