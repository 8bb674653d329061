"""Input for 从计划文本生成任务: the pasted text and year, then the proposals as editable rows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Office
from indicators import periods
from indicators.models import Unit
from plans import plan_text
from plans.models import Task, chinese_numeral
from plans.opening_views import TypedNumberField
from plans.plan_text_services import SectionRow, TaskRow

# At most this many proposed tasks on one page: each row is eleven fields, and a page posts at
# most DATA_UPLOAD_MAX_NUMBER_FIELDS (1000) of them.
MAX_TASK_ROWS = 80
MAX_SECTION_ROWS = 30
YEARS_BACK = 1
YEARS_AHEAD = 5


def year_bounds() -> tuple[int, int]:
    this_year = periods.today().year
    return this_year - YEARS_BACK, this_year + YEARS_AHEAD


class PasteForm(forms.Form):
    """Step 1: the plan's text and the year it plans."""

    text = forms.CharField(
        label=gettext_lazy("计划文本"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        help_text=gettext_lazy(
            "粘贴年度工作计划的文字（如“二、明年工作计划”部分），最多两万字。"
            "以（一）（二）……开头的标题作为板块。"
        ),
    )
    year = forms.IntegerField(label=gettext_lazy("计划年份"))

    def __init__(self, *args: Any, oversized: int | None = None, **kwargs: Any) -> None:
        """`oversized`: the text was too long for the request to be read (about that many
        characters, counted by xiage.oversized); the form refuses it without reading it."""
        super().__init__(*args, **kwargs)
        self.oversized = oversized
        low, high = year_bounds()
        year = self.fields["year"]
        year.widget.attrs.update({"min": low, "max": high})
        year.validators = [_year_range]
        year.initial = periods.today().year + 1

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.oversized is not None:
            self.add_error("text", plan_text.too_long_message(self.oversized, approximate=True))
            return cleaned
        if "text" in cleaned:
            cleaned["text"] = plan_text.plain_line_ends(cleaned["text"])
        year = cleaned.get("year")
        if year is not None and "text" in cleaned:
            try:
                cleaned["plan"] = plan_text.parse_plan(cleaned["text"], year)
            except ValidationError as exc:
                self.add_error("text", exc)
        return cleaned


def _year_range(value: int) -> None:
    low, high = year_bounds()
    if not low <= value <= high:
        raise ValidationError(
            _("计划年份须在%(low)d年至%(high)d年之间。") % {"low": low, "high": high}
        )


class ConfirmForm(forms.Form):
    """Step 2's whole-page fields: the year (carried from step 1) and the office a ticked task
    without one of its own goes to."""

    year = forms.IntegerField(widget=forms.HiddenInput, validators=[_year_range])
    # The pasted text, carried so that a refused confirm shows step 1 as it was.
    text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    # The year's plan as the preview saw it (plan_text_services.plan_stamp): a confirm after the
    # year changed (another window, another admin) creates nothing.
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)
    default_office = forms.ModelChoiceField(
        label=gettext_lazy("未选科室的任务归入"),
        queryset=Office.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("（不指定）"),
    )


class _TickedRowForm(forms.Form):
    """A row validated only when ticked: an unticked row is left out whatever it holds."""

    include = forms.BooleanField(label=gettext_lazy("生成"), required=False)

    def full_clean(self) -> None:
        if self.is_bound and not self.fields["include"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("include")
        ):
            self._errors = ErrorDict()
            self.cleaned_data = {"include": False}
            return
        super().full_clean()


class SectionForm(_TickedRowForm):
    number = forms.IntegerField(
        label=gettext_lazy("序号"),
        min_value=1,
        max_value=99,
        error_messages={"required": gettext_lazy("请填写板块序号。")},
    )
    title = forms.CharField(
        label=gettext_lazy("板块标题"),
        max_length=100,
        error_messages={"required": gettext_lazy("板块标题不能为空。")},
    )

    def row(self) -> SectionRow:
        return SectionRow(self.cleaned_data["number"], self.cleaned_data["title"])


class TaskForm(_TickedRowForm):
    section = forms.TypedChoiceField(label=gettext_lazy("板块"), coerce=int)
    title = forms.CharField(
        label=gettext_lazy("任务"),
        max_length=64,
        error_messages={"required": gettext_lazy("任务名称不能为空。")},
    )
    text = forms.CharField(
        label=gettext_lazy("计划原文"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 36}),
        error_messages={"required": gettext_lazy("计划原文不能为空。")},
    )
    kind = forms.ChoiceField(label=gettext_lazy("任务类型"), choices=Task.Kind.choices)
    # Read as 开启新年度 and 月报填报 read a number: full-width digits (１２．５), 1,234.5.
    quantity = TypedNumberField(
        label=gettext_lazy("目标数量"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位"), queryset=Unit.objects.all(), required=False
    )
    at_least = forms.BooleanField(label=gettext_lazy("为下限（以上/余）"), required=False)
    office = forms.ModelChoiceField(
        label=gettext_lazy("责任科室"),
        queryset=Office.objects.filter(is_active=True),
        required=False,
    )
    leader = forms.CharField(label=gettext_lazy("联系领导"), max_length=32, required=False)
    deadline = forms.DateField(
        label=gettext_lazy("完成时限"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("请填写完成时限。")},
    )

    def __init__(self, *args: Any, sections: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Task.Kind.QUANTITY:
            quantity: Decimal | None = cleaned.get("quantity")
            if quantity is None and "quantity" not in self.errors:
                self.add_error("quantity", _("数量任务请填写目标数量。"))
            elif quantity is not None and quantity <= 0:
                self.add_error("quantity", _("目标数量必须大于0。"))
            if cleaned.get("unit") is None and "unit" not in self.errors:
                self.add_error("unit", _("数量任务请选择单位。"))
        return cleaned

    def row(self, default_office: Office | None) -> TaskRow:
        data = self.cleaned_data
        return TaskRow(
            section=data["section"],
            title=data["title"],
            text=data["text"],
            kind=data["kind"],
            quantity=data.get("quantity"),
            unit=data.get("unit"),
            at_least=data.get("at_least", False),
            office=data.get("office") or default_office,  # type: ignore[arg-type]
            leader=data.get("leader", ""),
            deadline=data["deadline"],
        )


class BaseTaskFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, sections: list[tuple[int, str]], **kwargs: Any) -> None:
        self.sections = sections
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "sections": self.sections}


SectionFormSet = forms.formset_factory(
    SectionForm, extra=0, max_num=MAX_SECTION_ROWS, absolute_max=MAX_SECTION_ROWS
)
TaskFormSet = cast(
    type[BaseTaskFormSet],
    forms.formset_factory(
        TaskForm,
        formset=BaseTaskFormSet,
        extra=0,
        max_num=MAX_TASK_ROWS,
        absolute_max=MAX_TASK_ROWS,
    ),
)


def section_label(number: int, title: str) -> str:
    return _("（%(number)s）%(title)s") % {"number": chinese_numeral(number), "title": title}


def task_index(tasks: Iterable[Task]) -> dict[str, Task]:
    """The year's tasks on record by what they are known by (plan_text.same_task_keys)."""
    index: dict[str, Task] = {}
    for task in tasks:
        for key in plan_text.same_task_keys(task.title, task.text):
            index.setdefault(key, task)
    return index


def same_task(index: Mapping[str, Task], title: str, text: str) -> Task | None:
    """The task on record that a proposed (or edited) row repeats, or None."""
    keys = sorted(plan_text.same_task_keys(title, text))
    return next((index[key] for key in keys if key in index), None)


def unheaded_number(existing_numbers: Collection[int]) -> int:
    """The number the 未分节 section of a text without headings takes: after the year's own."""
    return max(existing_numbers, default=0) + 1


def proposal_initial(
    plan: plan_text.ProposedPlan,
    *,
    existing_numbers: Collection[int] = (),
    existing_tasks: Mapping[str, Task] | None = None,
) -> tuple[list[dict], list[dict]]:
    """The preview's rows for the proposals, at most the page's limits: ticked, except a task
    the year already has (`existing_tasks`, see task_index). The 未分节 section of a text
    without headings is numbered after the year's sections on record (`existing_numbers`), so
    it is never taken for one of them."""
    renumber = {}
    if plan_text.unheaded(plan):
        renumber = {plan.sections[0].number: unheaded_number(existing_numbers)}
    sections = [
        {"include": True, "number": renumber.get(s.number, s.number), "title": s.title}
        for s in plan.sections[:MAX_SECTION_ROWS]
    ]
    units_by_pk = {unit.pk: unit for unit in Unit.objects.all()}
    index = existing_tasks or {}
    tasks = [
        {
            "include": same_task(index, task.title, task.text) is None,
            "section": renumber.get(task.section, task.section),
            "title": task.title,
            "text": task.text,
            "kind": task.kind,
            "quantity": task.quantity,
            "unit": units_by_pk.get(task.unit.pk) if task.unit else None,
            "at_least": task.at_least,
            "deadline": task.deadline,
        }
        for task in plan.tasks[:MAX_TASK_ROWS]
    ]
    return sections, tasks
