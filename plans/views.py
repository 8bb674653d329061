"""The data-entry pages of 重点项目与工作任务, served inside the admin (registered by the admin
classes' get_urls through admin_site.admin_view): 月度进展填报 and the projects' export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts import audit, permissions
from accounts.http import SignedInRequest
from accounts.permissions import permission
from indicators import periods
from indicators.forms import ReportPeriodForm, default_period_data
from indicators.views import admin_page, month_state, report_url
from plans import selectors, services
from plans.excel import plan_workbook
from plans.forms import ProgressFormSet
from plans.models import ProgressReport
from xiage.downloads import attachment

PROGRESS_TEMPLATE = "admin/plans/progressreport/report.html"


@permission(permissions.can_open_month_report, post=permissions.can_save_month_report)
def progress_report(request: SignedInRequest) -> HttpResponse:
    """月度进展填报: an office's projects and tasks for one month, last month beside.

    Reviewers open it too, read-only: the progress is reviewed with the month's figures."""
    writer = permissions.can_save_month_report(request.user)
    initial = request.GET or default_period_data(request.user)
    period_form = ReportPeriodForm(initial, user=request.user, readable=not writer)
    title = _("月度进展填报") if writer else _("月度进展（审核）")
    context = {**admin_page(request, title, ProgressReport), "period_form": period_form}
    if not period_form.is_valid():
        return TemplateResponse(request, PROGRESS_TEMPLATE, context)
    office = period_form.cleaned_data["office"]
    year, month = period_form.cleaned_data["period"]
    rows = selectors.progress_rows(office, year, month)
    formset = ProgressFormSet(request.POST if request.method == "POST" else None, rows=rows)
    context.update(
        month_state(request.user, office, year, month, writer=writer),
        office=office,
        period_label=periods.period_label(year, month, cumulative=False),
    )
    if request.method == "POST" and context["report"].is_frozen:
        messages.error(request, _("未保存：") + context["frozen_message"])
        formset = ProgressFormSet(rows=rows)
    elif request.method == "POST" and formset.is_valid():
        try:
            saved = services.progress_report_save(
                office=office,
                year=year,
                month=month,
                entries=[form.entry() for form in formset.forms],
                user=request.user,
            )
        except ValidationError as exc:  # a locked month or another person's change
            messages.error(request, _("未保存：") + "；".join(exc.messages))
            fresh = ProgressFormSet(rows=selectors.progress_rows(office, year, month))
            return TemplateResponse(request, PROGRESS_TEMPLATE, {**context, "formset": fresh})
        messages.success(request, _("已保存%(n)d条进展。") % {"n": saved})
        return HttpResponseRedirect(
            report_url("admin:plans_progressreport_report", office, year, month)
        )
    elif request.method == "POST":
        messages.error(request, _("有内容填写不正确，全部未保存。请按提示修改后重新保存。"))
    context["formset"] = formset
    return TemplateResponse(request, PROGRESS_TEMPLATE, context)


@permission(permissions.can_export_projects)
def export(request: SignedInRequest) -> HttpResponse:
    """The year's tasks and the projects with their latest progress, as xlsx; a ?year= that is
    not a year from 2000 to 2100 exports this year."""
    year = periods.year_from_query(request.GET)
    name = _("下各镇重点项目与工作任务_%(year)d年.xlsx") % {"year": year}
    response = attachment(plan_workbook(request.user, year), name)
    audit.record(audit.Action.EXPORT, request=request, obj=name)
    return response
