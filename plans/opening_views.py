"""开启新年度, the admin's page (数据管理 → 年度开启记录 → 开启新年度): pick the year, read the
proposal (plans.opening.year_proposal), edit it, confirm. YearOpeningAdmin.get_urls registers it
through admin_site.admin_view; the rule is accounts.permissions.can_plan_year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.http import SignedInRequest
from accounts.permissions import permission
from indicators import glossary
from indicators.forms import parse_number
from indicators.views import admin_page
from plans import opening, status
from plans.models import Target, YearOpening

OPEN_TEMPLATE = "admin/plans/open_year.html"


class TypedNumberField(forms.DecimalField):
    """A number read as people type it, as 月报填报 reads one (indicators.forms.parse_number:
    full-width digits １２．５, 1,234.5, a minus look-alike, stray spaces)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return parse_number(str(value))
        except ValidationError as exc:
            code = "max_digits" if exc.code == "too_large" else "invalid"
            raise ValidationError(self.error_messages[code], code=code) from exc


def _number_field(
    label: Any, *, max_digits: int, decimal_places: int, required: bool = False
) -> forms.DecimalField:
    return TypedNumberField(
        label=label,
        required=required,
        max_digits=max_digits,
        decimal_places=decimal_places,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )


class RowForm(forms.Form):
    """A row of the proposal: its number boxes say what is wrong in words naming the box. A
    row whose box (建立, 结转, 续建) is unticked creates nothing: what is typed in it is not
    checked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:  # an empty box says which: 第三板块：请填写板块标题。
                field.error_messages["required"] = _("请填写%(name)s。") % {"name": field.label}
            if isinstance(field, forms.DecimalField):
                name = {"name": field.label, "places": field.decimal_places}
                field.error_messages.update(
                    {
                        "required": _("请填写%(name)s。") % name,
                        "invalid": _("%(name)s应为数字，如 12.5。") % name,
                        "max_digits": _("%(name)s位数过多。") % name,
                        "max_decimal_places": _("%(name)s最多保留%(places)d位小数。") % name,
                        "max_whole_digits": _("%(name)s整数位数过多。") % name,
                    }
                )

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        unticked = "include" in self.fields and not self.cleaned_data.get("include")
        found: ErrorDict = self.errors
        if unticked and found:
            self._errors = ErrorDict({name: found[name] for name in found if name == "key"})


class YearForm(forms.Form):
    """The year to open: one of the years that may be opened now (plans.opening.open_years)."""

    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.choices = [  # type: ignore[attr-defined]
            (year, _("%(year)d年度") % {"year": year}) for year in sorted(opening.open_years())
        ]
        field.error_messages["invalid_choice"] = _("所选年度现在不能开启，请从列表中选择。")


class TargetRowForm(RowForm):
    key = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(label=gettext_lazy("建立"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("目标类型"), choices=Target.Kind.choices)
    value = _number_field(gettext_lazy("目标值"), max_digits=20, decimal_places=4)
    wording = forms.CharField(
        label=gettext_lazy("目标表述"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"size": 24}),
    )

    def __init__(self, *args: Any, proposed: opening.TargetProposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposed = proposed

    def clean(self) -> dict[str, Any]:
        """The target as it would be created (its wording as plans.opening.apply_edits words
        it), checked by the target's own rules (plans.models.Target.clean)."""
        cleaned = super().clean() or {}
        if not cleaned.get("include") or self.errors:
            return cleaned
        kind, value = str(cleaned.get("kind")), cleaned.get("value")
        if kind == Target.Kind.MILESTONE:
            value = None  # a 节点 target has no value: the page says so above the table
        item = self.proposed
        wording = status.edited_target_wording(
            item.indicator,
            was=(item.kind, item.value, item.wording),
            kind=kind,
            value=value,
            typed=cleaned.get("wording"),
        )
        try:
            Target(kind=kind, value=value, wording=wording).clean()
        except ValidationError as exc:
            for name, messages_ in exc.message_dict.items():
                for message in messages_:
                    self.add_error("wording" if name == "wording" else "value", message)
        return cleaned


class TaskRowForm(RowForm):
    key = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(label=gettext_lazy("结转"), required=False)
    title = forms.CharField(
        label=gettext_lazy("任务"), max_length=64, widget=forms.TextInput(attrs={"size": 24})
    )
    quantity = _number_field(gettext_lazy("剩余数量"), max_digits=14, decimal_places=2)

    def __init__(self, *args: Any, quantity_task: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quantity_task = quantity_task
        if not quantity_task:
            del self.fields["quantity"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("include") or self.errors or not self.quantity_task:
            return cleaned
        quantity = cleaned.get("quantity")
        if quantity is None:
            self.add_error("quantity", _("请填写剩余数量。"))
        elif quantity <= 0:
            self.add_error("quantity", _("剩余数量应大于0；已完成的任务请取消勾选“结转”。"))
        return cleaned


class SectionRowForm(RowForm):
    key = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(
        label=gettext_lazy("板块标题"), max_length=100, widget=forms.TextInput(attrs={"size": 40})
    )


class ProjectRowForm(RowForm):
    key = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(label=gettext_lazy("续建"), required=False)
    planned_investment = _number_field(
        gettext_lazy("年度计划投资（万元）"), max_digits=14, decimal_places=2, required=True
    )

    def clean_planned_investment(self) -> Decimal:
        value = self.cleaned_data["planned_investment"]
        if value < 0:
            raise ValidationError(_("计划投资不能为负数。"))
        return value


def _number_text(value: Decimal | None) -> str:
    return "" if value is None else glossary.published(value)


class ProposalForms:
    """The proposal as four groups of rows, each row a form with the item it stands for."""

    PREFIXES = ("targets", "tasks", "sections", "projects")

    def __init__(self, proposal: opening.YearProposal, data: Any = None) -> None:
        self.proposal = proposal
        self.data = data
        self.targets = self._rows(
            "targets",
            TargetRowForm,
            proposal.targets,
            lambda item: {
                "key": item.key,
                "include": item.include,
                "kind": item.kind,
                "value": _number_text(item.value),
                "wording": item.wording,
            },
            lambda item: {"proposed": item},
        )
        self.tasks = self._rows(
            "tasks",
            TaskRowForm,
            proposal.tasks,
            lambda item: {
                "key": item.key,
                "include": item.include,
                "title": item.title,
                "quantity": _number_text(item.quantity),
            },
            lambda item: {"quantity_task": item.quantity is not None},
        )
        self.sections = self._rows(
            "sections",
            SectionRowForm,
            proposal.sections,
            lambda item: {"key": item.key, "title": item.title},
        )
        self.projects = self._rows(
            "projects",
            ProjectRowForm,
            proposal.projects,
            lambda item: {
                "key": item.key,
                "include": item.include,
                "planned_investment": _number_text(item.planned_investment),
            },
        )

    def _rows(self, prefix, form_class, items, initial, extra=None) -> list[tuple[Any, Any]]:
        rows = []
        for index, item in enumerate(items):
            kwargs = extra(item) if extra else {}
            form = form_class(
                self.data, prefix=f"{prefix}-{index}", initial=initial(item), **kwargs
            )
            rows.append((form, item))
        return rows

    def all_forms(self) -> list[Any]:
        return [form for group in self.groups() for form, _item in group]

    def groups(self) -> list[list[tuple[Any, Any]]]:
        return [self.targets, self.tasks, self.sections, self.projects]

    def matches_proposal(self) -> bool:
        """Whether the rows posted are those proposed now (nothing was added or taken away
        since the page was opened)."""
        for group in self.groups():
            for form, item in group:
                if str(form["key"].value()) != str(item.key):
                    return False
        counts = self.data.get("counts", "") if self.data is not None else ""
        return counts == self.counts()

    def counts(self) -> str:
        return ",".join(str(len(group)) for group in self.groups())

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all_forms()])

    def errors(self) -> list[str]:
        """Each error with its row named, for the summary above the page."""
        messages_: list[str] = []
        for group in self.groups():
            for form, item in group:
                name = _row_name(item)
                for errors in form.errors.values():
                    messages_.extend(f"{name}：{error}" for error in errors)
        return messages_

    def edits(self) -> opening.ProposalEdits:
        """What the rows say (an unticked row only that it is unticked: what is typed in it is
        neither checked nor taken)."""
        targets = {
            item.key: opening.TargetEdit(
                include=True,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"],
                wording=form.cleaned_data["wording"],
            )
            if form.cleaned_data["include"]
            else opening.TargetEdit(include=False)
            for form, item in self.targets
        }
        tasks = {
            item.key: opening.TaskEdit(
                include=True,
                title=form.cleaned_data["title"],
                quantity=form.cleaned_data.get("quantity"),
            )
            if form.cleaned_data["include"]
            else opening.TaskEdit(include=False)
            for form, item in self.tasks
        }
        sections = {item.key: form.cleaned_data["title"] for form, item in self.sections}
        projects = {
            item.key: opening.ProjectEdit(
                include=True, planned_investment=form.cleaned_data["planned_investment"]
            )
            if form.cleaned_data["include"]
            else opening.ProjectEdit(include=False)
            for form, item in self.projects
        }
        return opening.ProposalEdits(
            targets=targets, tasks=tasks, sections=sections, projects=projects
        )


def _row_name(item: Any) -> str:
    if isinstance(item, opening.TargetProposal):
        return _("目标“%(name)s”") % {"name": item.indicator.name}
    if isinstance(item, opening.TaskProposal):
        return _("结转任务“%(name)s”") % {"name": item.source.title}
    if isinstance(item, opening.SectionProposal):
        return _("第%(number)s板块") % {"number": item.numeral}
    return _("项目“%(name)s”") % {"name": item.project.name}


@permission(permissions.can_plan_year)
def open_year(request: SignedInRequest) -> HttpResponse:
    """Pick the year, see what opening it creates, edit it, confirm (确认开启)."""
    context = admin_page(request, _("开启新年度"), YearOpening)
    source = request.POST if request.method == "POST" else request.GET
    year_form = YearForm(
        source if "year" in source else {"year": opening.default_year()},
    )
    context["year_form"] = year_form
    if not year_form.is_valid():
        context["refused"] = [e for errors in year_form.errors.values() for e in errors]
        return TemplateResponse(request, OPEN_TEMPLATE, context, status=200)
    year = year_form.cleaned_data["year"]
    proposal = opening.year_proposal(year)
    context["proposal"] = proposal
    if proposal.opening is not None:
        context["opened"] = opening.opened_refusal(proposal.opening)
        context["created"] = opening.created_summary(proposal.opening.created)
        return TemplateResponse(request, OPEN_TEMPLATE, context)
    if request.method != "POST":
        context["rows"] = ProposalForms(proposal)
        return TemplateResponse(request, OPEN_TEMPLATE, context)
    rows = ProposalForms(proposal, request.POST)
    context["rows"] = rows
    if not rows.matches_proposal():
        context["rows"] = ProposalForms(proposal)
        context["refused"] = [
            _(
                "打开页面后，相关数据已有变化，建议已按最新数据重新生成，未作任何更改。请核对后再确认。"
            )
        ]
        return TemplateResponse(request, OPEN_TEMPLATE, context)
    if not rows.is_valid():
        context["refused"] = rows.errors()
        return TemplateResponse(request, OPEN_TEMPLATE, context)
    try:
        record = opening.year_open(year=year, user=request.user, proposal_edits=rows.edits())
    except ValidationError as exc:
        context["refused"] = exc.messages
        return TemplateResponse(request, OPEN_TEMPLATE, context)
    summary = opening.created_summary(record.created)
    LogEntry.objects.log_actions(
        user_id=request.user.pk,
        queryset=[record],
        action_flag=ADDITION,
        change_message=summary,
        single_object=True,
    )
    messages.success(
        request, _("已开启%(year)d年度：新建%(summary)s。") % {"year": year, "summary": summary}
    )
    return HttpResponseRedirect(reverse("admin:plans_yearopening_changelist"))
