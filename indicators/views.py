"""The data-entry pages of 指标数据, served inside the admin (FigureAdmin.get_urls registers
them through admin_site.admin_view, so staff enter data where they always have): 月报填报 and
its review, the Excel template and import, and the year's export.

Each view reads the request, asks a form, a selector or a service, and answers; the rules are
in accounts.permissions, the month's freeze in indicators.review.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import audit, permissions
from accounts.http import SignedInRequest
from accounts.models import Office
from accounts.permissions import permission
from indicators import excel, periods, review, selectors, services
from indicators.forms import ReportFormSet, ReportPeriodForm, default_period_data, refreshed
from indicators.models import Figure, MonthReview, MonthReviewEvent
from xiage.downloads import attachment

IMPORT_SESSION_KEY = "figure_imports"  # token → pending import (pending_keep)
REPORT_TEMPLATE = "admin/indicators/figure/report.html"
IMPORT_TEMPLATE = "admin/indicators/figure/import.html"


def admin_page(request: HttpRequest, title: str, model: Any = Figure) -> dict[str, Any]:
    """What every admin page's template needs: the site's context, the title, the model."""
    return {**admin.site.each_context(request), "title": title, "opts": model._meta}


def report_url(name: str, office: Office | int, year: int, month: int) -> str:
    """A report page opened on an office's month."""
    pk = office if isinstance(office, int) else office.pk
    return f"{reverse(name)}?office={pk}&period={periods.format_period(year, month)}"


def form_errors(form: Any) -> str:
    return "；".join(e for errs in form.errors.values() for e in errs)


# --- the month's freeze, for every page that writes a month's rows -----------------------------


def frozen_refusal(office_id: int, year: int, month: int) -> str:
    """Why the office's month cannot be changed now (submitted or reviewed), or ""."""
    state = review.frozen_states([office_id], year, month).get(office_id)
    return review.frozen_message(state, year, month) if state else ""


def month_state(user: Any, office: Office, year: int, month: int, *, writer: bool) -> dict:
    """The office's month as a report page shows it: its review state, whether the page
    offers inputs (`editable`: a writer, and the month neither submitted nor reviewed), and
    if not, why (`frozen_message`, to writers)."""
    report = selectors.office_reports([office], year, month)[0]
    return {
        "report": report,
        "editable": writer and not report.is_frozen,
        "frozen_message": review.frozen_message(report.state, year, month)
        if writer and report.is_frozen
        else "",
    }


def review_context(request: SignedInRequest, office: Office, year: int, month: int) -> dict:
    """The month as the review workflow sees it, and what this user may do with it."""
    user = request.user
    can_write = permissions.can_write_office(user, office)
    context = month_state(user, office, year, month, writer=can_write)
    report = context["report"]
    state = report.state
    submitted = state == MonthReview.State.SUBMITTED
    submitter = report.submitted_by.pk if report.submitted_by is not None else None
    events = MonthReviewEvent.objects.filter(
        review__office=office, review__year=year, review__month=month
    ).select_related("user")
    return {
        **context,
        "review_events": list(events),
        "can_submit": permissions.can_submit_month(user, office) and not report.is_frozen,
        "can_withdraw": permissions.can_withdraw_month(user, office) and submitted,
        "can_approve": permissions.can_approve_month(user, office, submitter) and submitted,
        "can_return": permissions.can_review_month(user, office) and submitted,
        "can_reopen": permissions.can_reopen_month(user, office)
        and state == MonthReview.State.REVIEWED,
    }


# --- 月报填报 -----------------------------------------------------------------------------------


def asked_rows(
    office: Office, year: int, month: int
) -> tuple[list[selectors.ReportRow], list[selectors.ReportRow]]:
    """The office's rows for the month: those the form asks for, and those shown read-only
    because the indicator does not report this month (季报 in October, 月报 in January)."""
    rows = selectors.report_rows(office, year, month)
    return [row for row in rows if row.asked], [row for row in rows if not row.asked]


@permission(permissions.can_open_month_report, post=permissions.can_save_month_report)
def report(request: SignedInRequest) -> HttpResponse:
    """月报填报: one office, one month, every active indicator of the office on one page.

    Reviewers open it too, read-only, to approve or return the month."""
    writer = permissions.can_save_month_report(request.user)
    period_form = ReportPeriodForm(
        request.GET or default_period_data(request.user), user=request.user, readable=not writer
    )
    context = admin_page(request, _("月报填报") if writer else _("月报审核"))
    context["period_form"] = period_form
    if not period_form.is_valid():
        return TemplateResponse(request, REPORT_TEMPLATE, context)
    office = period_form.cleaned_data["office"]
    year, month = period_form.cleaned_data["period"]
    rows, not_asked = asked_rows(office, year, month)
    posted = request.method == "POST"
    formset = ReportFormSet(request.POST if posted else None, rows=rows, month=month)
    refusal = frozen_refusal(office.pk, year, month) if posted else ""
    show_confirm = False
    if refusal:
        messages.error(request, _("未保存：") + refusal)
        formset = ReportFormSet(rows=rows, month=month)
    elif posted and formset.is_valid():
        if not formset.warnings or request.POST.get("confirm_warnings") == "1":
            saved = _save_report(request, office, year, month, formset, context)
            if saved is not None:
                return saved
            formset = context.pop("formset")
        else:
            messages.warning(request, _("以下数据需要核对。确认无误后，请勾选确认并再次保存。"))
            show_confirm = True
    elif posted:
        messages.error(request, _("有数据填写不正确，全部未保存。请按提示修改后重新保存。"))
        show_confirm = bool(formset.warnings)
    context.update(
        office=office,
        year=year,
        month=month,
        period_label=periods.period_label(year, month),
        formset=formset,
        not_asked=not_asked,
        show_confirm=show_confirm,
        **review_context(request, office, year, month),
    )
    return TemplateResponse(request, REPORT_TEMPLATE, context)


def _save_report(
    request: SignedInRequest, office: Office, year: int, month: int, formset: Any, context: dict
) -> HttpResponse | None:
    """Save the page (and with 保存并报送审核, submit it); the redirect, or None with the
    formset to show again in context["formset"] after a refusal."""
    try:
        result = services.monthly_report_save(
            office=office,
            year=year,
            month=month,
            user=request.user,
            entries=[form.entry() for form in formset.forms],
        )
    except services.ConcurrentEdit as exc:
        # Nothing was saved. The rows someone else changed now show the stored figures (and
        # their versions); every other row keeps what was typed.
        messages.error(
            request,
            _(
                "保存失败：以下数据在您打开页面后已被他人修改，全部未保存。"
                "这些行已换成当前数据，其他行保留了您填写的内容，请核对后重新保存。"
            ),
        )
        for message in exc.messages:
            messages.warning(request, message)
        rows, _not_asked = asked_rows(office, year, month)
        conflicted = {conflict.indicator.pk for conflict in exc.conflicts}
        context["formset"] = ReportFormSet(
            refreshed(request.POST, rows, conflicted), rows=rows, month=month
        )
        context["conflict_ids"] = conflicted
        return None
    except review.MonthLocked as exc:
        messages.error(request, "；".join(exc.messages))
        context["formset"] = formset
        return None
    messages.success(
        request,
        _("已保存：新增%(created)d条，修改%(changed)d条，修订%(revised)d条。")
        % {"created": result.created, "changed": result.changed, "revised": result.revised},
    )
    if request.POST.get("then_submit") == "1":
        # 保存并报送审核: the figures on the page are saved first, so nothing typed is left
        # behind when the month freezes.
        try:
            review.month_submit(
                office=office, year=year, month=month, user=request.user, request=request
            )
            messages.success(request, _("已报送，等待审核。"))
        except (ValidationError, PermissionDenied) as exc:
            refusal = getattr(exc, "messages", None) or [_("无权报送。")]
            messages.error(request, _("未报送：") + "；".join(refusal))
    return HttpResponseRedirect(report_url("admin:indicators_figure_report", office, year, month))


@require_POST
@permission(permissions.can_open_admin)
def review_step(request: SignedInRequest) -> HttpResponse:
    """Submit, approve, return or reopen an office's month (POST only); each step checks its
    own rule in indicators.review."""
    form = ReportPeriodForm(request.POST, user=request.user, readable=True)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return HttpResponseRedirect(reverse("admin:indicators_figure_report"))
    office = form.cleaned_data["office"]
    year, month = form.cleaned_data["period"]
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    user = request.user
    try:
        if action == "submit":
            review.month_submit(office=office, year=year, month=month, user=user, request=request)
            messages.success(request, _("已报送，等待审核。"))
        elif action in ("withdraw", "approve", "return", "reopen"):
            # Never a new row here: a step refused below must leave nothing behind.
            current = review.stored_review(office, year, month)
            if action == "withdraw":
                review.month_withdraw(review=current, user=user, request=request)
                messages.success(request, _("已撤回，可以继续修改后重新报送。"))
            elif action == "approve":
                review.month_approve(review=current, user=user, request=request)
                messages.success(request, _("审核通过，该月数据已锁定。"))
            elif action == "return":
                review.month_return(review=current, reason=reason, user=user, request=request)
                messages.success(request, _("已退回。"))
            else:
                review.month_reopen(review=current, reason=reason, user=user, request=request)
                messages.success(request, _("已重新打开，可以修改。"))
        else:
            messages.error(request, _("未知操作。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return HttpResponseRedirect(report_url("admin:indicators_figure_report", office, year, month))


# --- Excel: the template, its import, the year's export ----------------------------------------


@permission(permissions.can_save_month_report)
def template(request: SignedInRequest) -> HttpResponse:
    """Download the xlsx template of an office's month."""
    form = ReportPeriodForm(request.GET or default_period_data(request.user), user=request.user)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return HttpResponseRedirect(reverse("admin:indicators_figure_import"))
    office = form.cleaned_data["office"]
    year, month = form.cleaned_data["period"]
    name = _("%(office)s_%(period)s_月报模板.xlsx") % {
        "office": office.name,
        "period": periods.format_period(year, month),
    }
    response = attachment(excel.template_workbook(office, year, month), name)
    audit.record(audit.Action.DOWNLOAD, request=request, obj=name)
    return response


@permission(permissions.can_export_figures)
def export(request: SignedInRequest) -> HttpResponse:
    """All figures of a year the user may read, one sheet per category; without a ?year= (or
    with one that is not a year from 2000 to 2100) the year of the month being reported, so in
    January it is the year just ended, whose 1-12月 is being reported, not an empty new one."""
    year = periods.year_from_query(request.GET, default=periods.reporting_period()[0])
    name = _("下各镇经济指标_%(year)d年.xlsx") % {"year": year}
    response = attachment(excel.year_workbook(request.user, year), name)
    audit.record(audit.Action.EXPORT, request=request, obj=name)
    return response


def _record_import(
    request: HttpRequest, subject: str, filename: str, outcome: str, refused: bool = False
) -> None:
    """An Excel import in the security log: the office and month, the file, what came of it."""
    audit.record(
        audit.Action.IMPORT,
        request=request,
        obj=subject,
        result=audit.Result.REFUSED if refused else audit.Result.SUCCESS,
        detail=_("文件：%(name)s；%(outcome)s") % {"name": filename[:100], "outcome": outcome},
    )


def _refused(request: HttpRequest, context: dict, errors: list[str]) -> HttpResponse:
    context["refused"] = errors
    return TemplateResponse(request, IMPORT_TEMPLATE, context)


# --- pending imports: each preview its own, by a token its confirm form carries ----------------

PENDING_KEPT = 5  # the latest previews (tabs) that can each still be confirmed


def pending_keep(request: HttpRequest, key: str, pending: dict[str, Any]) -> str:
    """Keep a preview's pending import in the session under a new token, which the preview's
    confirm form carries (a hidden `token`), so that 确认导入 saves exactly the file on that
    page even when another tab has uploaded another; the latest PENDING_KEPT are kept."""
    token = secrets.token_urlsafe(16)
    kept = request.session.get(key)
    kept = dict(kept) if isinstance(kept, dict) else {}
    kept[token] = pending
    request.session[key] = dict(list(kept.items())[-PENDING_KEPT:])
    return token


def pending_of(request: HttpRequest, key: str) -> tuple[str, dict[str, Any] | None]:
    """The token the confirm form posted and the pending import kept for it (None when it is
    unknown: confirmed already, pushed out by newer previews, or never given)."""
    token = request.POST.get("token", "")
    kept = request.session.get(key)
    pending = kept.get(token) if isinstance(kept, dict) and token else None
    return token, pending if isinstance(pending, dict) else None


def pending_drop(request: HttpRequest, key: str, token: str) -> None:
    """Forget a pending import (confirmed or refused for good): a second 确认导入 of the same
    page, or the browser's back button, cannot save it twice."""
    kept = request.session.get(key)
    if isinstance(kept, dict) and token in kept:
        request.session[key] = {t: p for t, p in kept.items() if t != token}


def stale_preview() -> str:
    return _("这次预览已失效（可能已确认或已在其他窗口重新上传），请重新上传文件。")


@permission(permissions.can_save_month_report)
def import_figures(request: SignedInRequest) -> HttpResponse:
    """Upload a filled template, see every row's change and error, then confirm."""
    context = admin_page(request, _("Excel导入月报"))
    context["period_form"] = ReportPeriodForm(default_period_data(request.user), user=request.user)
    if request.method != "POST":
        return TemplateResponse(request, IMPORT_TEMPLATE, context)
    if request.POST.get("confirm") == "1":
        return _import_confirm(request, context)
    upload = request.FILES.get("file")
    filename = (upload.name or "") if upload is not None else ""
    if upload is None:
        return _refused(request, context, [_("请选择要导入的Excel文件。")])
    try:
        preview = excel.read_upload(upload, request.user)
    except excel.ImportRefused as exc:
        _record_import(request, exc.subject, filename, exc.summary, refused=True)
        return _refused(request, context, exc.errors)
    refusal = frozen_refusal(preview.office.pk, preview.year, preview.month)
    if refusal:
        # The rows are shown, so that the clerk sees what the file would change, and the
        # month's state instead of a confirm button; nothing waits for confirming.
        _record_import(request, preview.subject, filename, refusal, refused=True)
        context.update(preview=preview, filename=filename, frozen=refusal)
        return TemplateResponse(request, IMPORT_TEMPLATE, context)
    if preview.errors:
        # No confirm button, so nothing is kept to confirm.
        problem = _("%(count)d处错误，不能确认") % {"count": len(preview.errors)}
        _record_import(request, preview.subject, filename, problem, refused=True)
    else:
        pending = {
            "office": preview.office.pk,
            "year": preview.year,
            "month": preview.month,
            "raw": preview.raw,
            "filename": filename[:100],
        }
        context["import_token"] = pending_keep(request, IMPORT_SESSION_KEY, pending)
    context.update(preview=preview, filename=filename)
    return TemplateResponse(request, IMPORT_TEMPLATE, context)


def _import_confirm(request: SignedInRequest, context: dict) -> HttpResponse:
    """Save exactly the preview whose confirm form was pressed (its token), checked again."""
    token, pending = pending_of(request, IMPORT_SESSION_KEY)
    office = (
        permissions.writable_offices(request.user).filter(pk=pending["office"]).first()
        if pending
        else None
    )
    if pending is None or office is None:
        refusal = stale_preview()
        _record_import(request, "", "", refusal, refused=True)
        return _refused(request, context, [refusal])
    year, month, filename = pending["year"], pending["month"], pending["filename"]
    subject = f"{office.name} {periods.period_label(year, month)}"
    refusal = frozen_refusal(office.pk, year, month)  # submitted or reviewed since the preview
    if refusal:
        _record_import(request, subject, filename, refusal, refused=True)
        return _refused(request, context, [refusal])
    try:
        preview = excel.build_preview(office, year, month, pending["raw"])
    except excel.ImportRefused as exc:
        _record_import(request, subject, filename, exc.summary, refused=True)
        return _refused(request, context, exc.errors)
    if preview.errors:
        problem = _("%(count)d处错误，不能确认") % {"count": len(preview.errors)}
        _record_import(request, subject, filename, problem, refused=True)
        context.update(preview=preview, filename=filename)
        return TemplateResponse(request, IMPORT_TEMPLATE, context)
    if preview.warnings and request.POST.get("confirm_warnings") != "1":
        # As on 月报填报: numbers worth a second look are saved only once the clerk says so;
        # the page is shown again with the same preview's confirm form.
        messages.error(
            request, _("请先核对提示的数据，勾选“我已核对以上提示的数据，确认保存”后再确认导入。")
        )
        context.update(preview=preview, filename=filename, import_token=token)
        return TemplateResponse(request, IMPORT_TEMPLATE, context)
    try:
        result = services.figures_save(
            year=year,
            month=month,
            place=selectors.town(),
            entries=[row.form.entry() for row in preview.rows],
            user=request.user,
            reason=_("Excel导入：%(name)s") % {"name": filename},
        )
    except (services.ConcurrentEdit, review.MonthLocked) as exc:
        _record_import(request, subject, filename, "；".join(exc.messages), refused=True)
        return _refused(request, context, [_("全部未保存。"), *exc.messages])
    pending_drop(request, IMPORT_SESSION_KEY, token)
    counts = {"created": result.created, "changed": result.changed, "revised": result.revised}
    _record_import(
        request,
        subject,
        filename,
        _("%(rows)d行：新增%(created)d条，修改%(changed)d条，修订%(revised)d条")
        % {"rows": len(preview.rows), **counts},
    )
    messages.success(
        request, _("导入完成：新增%(created)d条，修改%(changed)d条，修订%(revised)d条。") % counts
    )
    return HttpResponseRedirect(report_url("admin:indicators_figure_report", office, year, month))
