"""The pages of a year's targets and tasks by Excel (plans/year_excel.py), served inside the
admin: TargetAdmin.get_urls registers them, and the 年度目标 and 工作任务 lists carry their
buttons (YearExcelButtons).

导出 (can_export_year_plan: planners and leaders) downloads a year's workbook; 导入
(can_plan_year) uploads one, shows every row's change and error, and confirms: all rows or
none, as the monthly import does.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit, permissions
from accounts.http import SignedInRequest, user_of
from accounts.permissions import permission
from indicators import periods
from indicators.excel import ImportRefused
from indicators.views import (
    admin_page,
    pending_drop,
    pending_keep,
    pending_of,
    stale_preview,
)
from plans import year_excel
from plans.models import Target
from xiage.downloads import attachment

IMPORT_TEMPLATE = "admin/plans/year_excel_import.html"
SESSION_KEY = "plan_year_imports"  # token → pending import (indicators.views.pending_keep)


def year_choices() -> list[tuple[int, str]]:
    """The years with targets or plan sections, this year and the next, newest first."""
    this_year = periods.today().year
    years = sorted({*year_excel.plan_years(), this_year, this_year + 1}, reverse=True)
    return [(year, _("%(year)d年") % {"year": year}) for year in years]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("年份"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]


def export_name(year: int) -> str:
    return _("%(year)d年_年度目标和工作任务.xlsx") % {"year": year}


@permission(permissions.can_export_year_plan)
def export(request: SignedInRequest) -> HttpResponse:
    """The year's targets and tasks as xlsx; a ?year= that is no year exports this year."""
    year = periods.year_from_query(request.GET)
    name = export_name(year)
    response = attachment(year_excel.year_workbook(year), name)
    audit.record(audit.Action.EXPORT, request=request, obj=name)
    return response


def _record_import(
    request: HttpRequest, year: int | None, filename: str, outcome: str, refused: bool = False
) -> None:
    """An import in the security log: the year, the file, what came of it."""
    audit.record(
        audit.Action.IMPORT,
        request=request,
        obj=_("%(year)d年年度目标和工作任务") % {"year": year} if year else "",
        result=audit.Result.REFUSED if refused else audit.Result.SUCCESS,
        detail=_("文件：%(name)s；%(outcome)s") % {"name": filename[:100], "outcome": outcome},
    )


def _refused(request: HttpRequest, context: dict, errors: list[str]) -> HttpResponse:
    context["refused"] = errors
    return TemplateResponse(request, IMPORT_TEMPLATE, context)


@permission(permissions.can_plan_year)
def import_year(request: SignedInRequest) -> HttpResponse:
    """Export a year, upload the edited file, see every row's change and error, then confirm."""
    context = admin_page(request, _("年度目标和工作任务Excel导入导出"), Target)
    context["year_form"] = YearForm(initial={"year": periods.today().year})
    if request.method != "POST":
        return TemplateResponse(request, IMPORT_TEMPLATE, context)
    if request.POST.get("confirm") == "1":
        return _confirm(request, context)
    upload = request.FILES.get("file")
    filename = (upload.name or "") if upload is not None else ""
    if upload is None:
        return _refused(request, context, [_("请选择要导入的Excel文件。")])
    try:
        preview = year_excel.read_upload(upload)
    except ImportRefused as exc:
        _record_import(request, None, filename, exc.summary, refused=True)
        return _refused(request, context, exc.errors)
    if preview.errors:
        problem = _("%(count)d处错误，不能确认") % {"count": len(preview.errors)}
        _record_import(request, preview.year, filename, problem, refused=True)
    elif preview.has_changes:  # only a preview with a confirm button keeps what it would save
        stored = {"pending": preview.pending, "filename": filename[:100]}
        context["import_token"] = pending_keep(request, SESSION_KEY, stored)
    context.update(preview=preview, filename=filename)
    return TemplateResponse(request, IMPORT_TEMPLATE, context)


def _confirm(request: SignedInRequest, context: dict) -> HttpResponse:
    """Save exactly the preview whose confirm form was pressed (its token), checked again."""
    token, stored = pending_of(request, SESSION_KEY)
    if stored is None:
        refusal = stale_preview()
        _record_import(request, None, "", refusal, refused=True)
        return _refused(request, context, [refusal])
    pending, filename = stored["pending"], stored["filename"]
    year = pending["year"]
    try:
        applied = year_excel.year_import_apply(
            pending=pending,
            user=request.user,
            reason=_("Excel导入：%(name)s") % {"name": filename},
        )
    except ImportRefused as exc:
        _record_import(request, year, filename, exc.summary, refused=True)
        pending_drop(request, SESSION_KEY, token)
        return _refused(request, context, [_("全部未保存。"), *exc.errors])
    pending_drop(request, SESSION_KEY, token)
    counts = {"created": applied.created, "changed": applied.changed, "sections": applied.sections}
    outcome = _("新增%(created)d条，修改%(changed)d条，新建板块%(sections)d个") % counts
    _record_import(request, year, filename, outcome)
    messages.success(request, _("导入完成：%(outcome)s。") % {"outcome": outcome})
    return HttpResponseRedirect(f"{reverse('admin:plans_target_changelist')}?year={year}")


class YearExcelButtons:
    """导入/导出 on a changelist (年度目标, 工作任务), for those who may; 导出 exports the year
    the list is filtered on (this year when none)."""

    change_list_template: ClassVar[Any] = "admin/plans/year_excel_change_list.html"
    year_parameter = "year"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        user = user_of(request)
        year = periods.year_from_query(
            {"year": request.GET.get(self.year_parameter, "")}  # the list's year filter
        )
        buttons = {
            "year_excel_import": permissions.can_plan_year(user),
            "year_excel_export": permissions.can_export_year_plan(user),
            "year_excel_year": year,
        }
        return super().changelist_view(  # type: ignore[misc]
            request, {**(extra_context or {}), **buttons}
        )
