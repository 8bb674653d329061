from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit, permissions
from accounts.permissions import OfficeScopedAdmin, ScopedAdminMixin
from indicators import excel, periods, review, selectors, services
from indicators.forms import FigureAdminForm, ReportFormSet, ReportPeriodForm, default_period_data
from indicators.models import (
    Figure,
    FigureRevision,
    Indicator,
    MonthReview,
    MonthReviewEvent,
    Place,
)
from xiage.admin_columns import amount
from xiage.versioning import ChangesSince, VersionedAdminMixin


@admin.register(Place)
class PlaceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "level", "order"]
    list_filter = ["level"]
    search_fields = ["name"]


@admin.register(Indicator)
class IndicatorAdmin(OfficeScopedAdmin):
    list_display = [
        "name",
        "code",
        "category",
        "unit",
        "kind",
        "direction",
        "office",
        "is_key",
        "is_active",
    ]
    list_filter = ["category", "office", "kind", "is_key", "is_active"]
    search_fields = ["name", "code", "definition"]
    list_select_related = ["office"]
    filter_horizontal = ["places"]
    fields = [
        "code",
        "name",
        "category",
        "unit",
        "decimals",
        "kind",
        "direction",
        "definition",
        "office",
        "places",
        "order",
        "is_key",
        "is_active",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Indicator | None = None) -> list:
        # The kind decides how every stored figure is read; it is fixed once figures exist.
        if obj is not None and obj.figures.exists():
            return ["kind"]
        return []


IMPORT_SESSION_KEY = "figure_import"


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


class FigureRevisionInline(ScopedAdminMixin, admin.TabularInline):
    model = FigureRevision
    extra = 0
    can_delete = False
    fields = [
        "changed_at",
        "changed_by",
        "action",
        "old_value",
        "new_value",
        "old_growth",
        "new_growth",
        "reason",
    ]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("变更记录")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FrozenMonthAdminMixin:
    """For the change form of a row of an office's month (a figure, a progress report): once the
    month is submitted or reviewed the page shows it as text, without inputs or a save button,
    and says why. A save posted from a page opened before the month froze goes on to the
    service, which refuses it with that reason (VersionedAdminMixin shows it)."""

    def month_of(self, obj: Any) -> tuple[int, int, int]:
        """(office id, year, month) of a row."""
        raise NotImplementedError

    def frozen_message(self, obj: Any) -> str:
        if "_frozen_message" not in obj.__dict__:  # asked several times while a page renders
            office_id, year, month = self.month_of(obj)
            state = review.frozen_states([office_id], year, month).get(office_id)
            obj._frozen_message = review.frozen_message(state, year, month) if state else ""
        return obj._frozen_message

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]
        if obj is None or not allowed or request.method == "POST":
            return allowed
        return not self.frozen_message(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting is a change too: a frozen month's rows stay as they were submitted.
        allowed = super().has_delete_permission(request, obj)  # type: ignore[misc]
        if obj is None or not allowed:
            return allowed
        return not self.frozen_message(obj)

    def get_actions(self, request: HttpRequest) -> dict:
        # "Delete selected" checks no row's month: rows are deleted one at a time, or not at all.
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions

    def change_view(  # type: ignore[no-untyped-def]
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        if request.method == "GET":
            obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
            if obj is not None and self.frozen_message(obj):
                messages.warning(request, self.frozen_message(obj))
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]


@admin.register(Figure)
class FigureAdmin(FrozenMonthAdminMixin, VersionedAdminMixin, OfficeScopedAdmin):
    office_field = "indicator__office"
    form = FigureAdminForm
    inlines = [FigureRevisionInline]
    list_display = [
        "indicator",
        "period",
        "place",
        "value_with_unit",
        "growth",
        "flags",
        "updated_by",
        "updated_at",
    ]
    list_filter = [
        "year",
        "month",
        "indicator__office",
        "indicator__category",
        "is_demo",
        "is_revised",
    ]
    search_fields = ["indicator__name", "indicator__code", "note"]
    list_select_related = ["indicator", "place", "updated_by"]
    readonly_fields = ["source", "is_demo", "is_revised", "entered_by", "entered_at"]
    change_list_template = "admin/indicators/figure/change_list.html"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A figure's change record (数据变更记录) would go with it: a wrong figure is corrected by
        # entering the right one, which keeps both on record.
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class UserForm(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, user=request.user, **form_kwargs)

        return UserForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A figure's identity is fixed; a wrong period is corrected by entering it anew.
            fields = ["indicator", "year", "month", "place", *fields]
        return fields

    def save_model(self, request: HttpRequest, obj: Figure, form: Any, change: bool) -> None:
        if not permissions.can_write_office(request.user, obj.indicator.office):
            raise PermissionDenied
        # A refusal (a frozen month, another's change) propagates: VersionedAdminMixin shows
        # the form again with it, and no success message.
        services.figures_save(
            year=obj.year,
            month=obj.month,
            place=obj.place,
            entries=[
                services.FigureEntry(
                    indicator=obj.indicator,
                    value=form.cleaned_data["value"],
                    growth=form.cleaned_data["growth"],
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data.get("version") if change else 0,
                )
            ],
            user=request.user,
        )
        saved = Figure.objects.get(
            indicator=obj.indicator, year=obj.year, month=obj.month, place=obj.place
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def month_of(self, obj: Figure) -> tuple[int, int, int]:
        return obj.indicator.office_id, obj.year, obj.month

    def changes_since(self, obj: Figure, opened: int) -> ChangesSince:
        """From the revisions: every change raises a figure's version by one and leaves one."""
        count = obj.version - opened
        newer = list(obj.revisions.select_related("changed_by")[: max(count, 0)])
        if count <= 0 or len(newer) != count:
            return ChangesSince(snapshot=None, users=[obj.updated_by])
        oldest = newer[-1]
        return ChangesSince(
            snapshot={
                "value": oldest.old_value,
                "growth": oldest.old_growth,
                "note": oldest.old_note,
            },
            users=[revision.changed_by for revision in reversed(newer)],
        )

    @admin.display(description=gettext_lazy("期间"), ordering="month")
    def period(self, obj: Figure) -> str:
        return obj.period_label

    @admin.display(description=gettext_lazy("数值"), ordering="value")
    def value_with_unit(self, obj: Figure) -> str:
        return f"{obj.value_display:,} {obj.indicator.unit_label}"

    @admin.display(description=gettext_lazy("标记"))
    def flags(self, obj: Figure) -> str:
        marks = []
        if obj.is_demo:
            marks.append(_("演示数据"))
        if obj.is_revised:
            marks.append(_("已修订"))
        return "、".join(marks)

    def get_urls(self) -> list:
        return [
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="indicators_figure_report",
            ),
            path(
                "review/",
                self.admin_site.admin_view(self.review_view),
                name="indicators_figure_review",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="indicators_figure_import",
            ),
            path(
                "import/template/",
                self.admin_site.admin_view(self.template_view),
                name="indicators_figure_template",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="indicators_figure_export",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request: HttpRequest) -> HttpResponse:
        """月报填报: one office, one month, every active indicator of the office on one page.

        Reviewers open it too, read-only, to approve or return the month."""
        user = request.user
        if not (permissions.can_enter_data(user) or user.is_reviewer):
            raise PermissionDenied
        if request.method == "POST" and not permissions.can_enter_data(user):
            raise PermissionDenied
        period_form = ReportPeriodForm(
            request.GET or default_period_data(request.user),
            user=user,
            readable=not permissions.can_enter_data(user),
        )
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            # Reviewers open the same page to approve or return a month.
            "title": _("月报填报") if permissions.can_enter_data(user) else _("月报审核"),
            "opts": self.model._meta,
            "period_form": period_form,
        }
        if not period_form.is_valid():
            return TemplateResponse(request, "admin/indicators/figure/report.html", context)
        office = period_form.cleaned_data["office"]
        year, month = period_form.cleaned_data["period"]
        rows = selectors.report_rows(office, year, month)
        formset = ReportFormSet(
            request.POST if request.method == "POST" else None, rows=rows, month=month
        )
        confirmed = request.POST.get("confirm_warnings") == "1"
        frozen = review.frozen_states([office.pk], year, month) if request.method == "POST" else {}
        if frozen:
            messages.error(
                request, _("未保存：") + review.frozen_message(frozen[office.pk], year, month)
            )
            formset = ReportFormSet(rows=rows, month=month)
        elif request.method == "POST" and formset.is_valid():
            if formset.warnings and not confirmed:
                messages.warning(request, _("以下数据需要核对。确认无误后，请勾选确认并再次保存。"))
            else:
                try:
                    result = services.monthly_report_save(
                        office=office,
                        year=year,
                        month=month,
                        user=request.user,
                        entries=[
                            services.FigureEntry(
                                indicator=form.indicator,
                                value=form.cleaned_data["value"],
                                growth=form.cleaned_data["growth"],
                                note=form.cleaned_data["note"],
                                expected_version=_version(form),
                            )
                            for form in formset.forms
                        ],
                    )
                except services.ConcurrentEdit as exc:
                    # Nothing was saved. The rows someone else changed now show the stored
                    # figures (and their versions); every other row keeps what was typed.
                    messages.error(
                        request,
                        _(
                            "保存失败：以下数据在您打开页面后已被他人修改，全部未保存。"
                            "这些行已换成当前数据，其他行保留了您填写的内容，请核对后重新保存。"
                        ),
                    )
                    for message in exc.messages:
                        messages.warning(request, message)
                    rows = selectors.report_rows(office, year, month)
                    conflicted = {conflict.indicator.pk for conflict in exc.conflicts}
                    formset = ReportFormSet(
                        _refreshed(request.POST, rows, conflicted), rows=rows, month=month
                    )
                    context["conflict_ids"] = conflicted
                    result = None
                except review.MonthLocked as exc:
                    messages.error(request, "；".join(exc.messages))
                    result = None
                if result is None:
                    context.update(
                        office=office,
                        year=year,
                        month=month,
                        period_label=periods.period_label(year, month),
                        formset=formset,
                        show_confirm=False,
                        **review_context(request, office, year, month),
                    )
                    return TemplateResponse(request, "admin/indicators/figure/report.html", context)
                messages.success(
                    request,
                    _("已保存：新增%(created)d条，修改%(changed)d条，修订%(revised)d条。")
                    % {
                        "created": result.created,
                        "changed": result.changed,
                        "revised": result.revised,
                    },
                )
                if request.POST.get("then_submit") == "1":
                    # 保存并报送审核: the figures on the page are saved first, so nothing typed
                    # is left behind when the month freezes.
                    try:
                        review.month_submit(
                            office=office, year=year, month=month, user=user, request=request
                        )
                        messages.success(request, _("已报送，等待审核。"))
                    except (ValidationError, PermissionDenied) as exc:
                        refusal = getattr(exc, "messages", None) or [_("无权报送。")]
                        messages.error(request, _("未报送：") + "；".join(refusal))
                url = reverse("admin:indicators_figure_report")
                return HttpResponseRedirect(
                    f"{url}?office={office.pk}&period={periods.format_period(year, month)}"
                )
        elif request.method == "POST":
            messages.error(request, _("有数据填写不正确，全部未保存。请按提示修改后重新保存。"))
        context.update(
            office=office,
            year=year,
            month=month,
            period_label=periods.period_label(year, month),
            formset=formset,
            show_confirm=request.method == "POST" and bool(formset.warnings) and not frozen,
            **review_context(request, office, year, month),
        )
        return TemplateResponse(request, "admin/indicators/figure/report.html", context)

    def template_view(self, request: HttpRequest) -> HttpResponse:
        """Download the xlsx template of an office's month."""
        if not permissions.can_enter_data(request.user):
            raise PermissionDenied
        form = ReportPeriodForm(request.GET or default_period_data(request.user), user=request.user)
        if not form.is_valid():
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
            return HttpResponseRedirect(reverse("admin:indicators_figure_import"))
        office = form.cleaned_data["office"]
        year, month = form.cleaned_data["period"]
        response = HttpResponse(
            excel.template_workbook(office, year, month), content_type=excel.XLSX_TYPE
        )
        name = f"{office.name}_{periods.format_period(year, month)}_月报模板.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        audit.record(audit.Action.DOWNLOAD, request=request, obj=name)
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a filled template, see every row's change and error, then confirm."""
        if not permissions.can_enter_data(request.user):
            raise PermissionDenied
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Excel导入月报"),
            "opts": self.model._meta,
            "period_form": ReportPeriodForm(default_period_data(request.user), user=request.user),
        }
        template = "admin/indicators/figure/import.html"
        if request.method != "POST":
            return TemplateResponse(request, template, context)
        if request.POST.get("confirm") == "1":
            return self._import_confirm(request, context, template)
        upload = request.FILES.get("file")
        if upload is None:
            context["refused"] = [_("请选择要导入的Excel文件。")]
            return TemplateResponse(request, template, context)
        try:
            preview = excel.read_upload(upload, request.user)
        except excel.ImportRefused as exc:
            _record_import(request, exc.subject, upload.name, exc.summary, refused=True)
            context["refused"] = exc.errors
            return TemplateResponse(request, template, context)
        frozen = review.frozen_states([preview.office.pk], preview.year, preview.month)
        if frozen:
            state = frozen[preview.office.pk]
            context["refused"] = [review.frozen_message(state, preview.year, preview.month)]
            _record_import(
                request, preview.subject, upload.name, context["refused"][0], refused=True
            )
            return TemplateResponse(request, template, context)
        if preview.errors:
            problem = _("%(count)d处错误，不能确认") % {"count": len(preview.errors)}
            _record_import(request, preview.subject, upload.name, problem, refused=True)
        request.session[IMPORT_SESSION_KEY] = {
            "office": preview.office.pk,
            "year": preview.year,
            "month": preview.month,
            "raw": preview.raw,
            "filename": upload.name[:100],
        }
        context.update(preview=preview, filename=upload.name)
        return TemplateResponse(request, template, context)

    def _import_confirm(self, request: HttpRequest, context: dict, template: str) -> HttpResponse:
        pending = request.session.get(IMPORT_SESSION_KEY)
        office = (
            permissions.writable_offices(request.user).filter(pk=pending["office"]).first()
            if pending
            else None
        )
        if office is None:
            context["refused"] = [_("没有待确认的导入，请重新上传文件。")]
            _record_import(request, "", "", context["refused"][0], refused=True)
            return TemplateResponse(request, template, context)
        filename = pending["filename"]
        subject = f"{office.name} {periods.period_label(pending['year'], pending['month'])}"
        try:
            preview = excel.build_preview(office, pending["year"], pending["month"], pending["raw"])
        except excel.ImportRefused as exc:
            _record_import(request, subject, filename, exc.summary, refused=True)
            context["refused"] = exc.errors
            return TemplateResponse(request, template, context)
        if preview.errors:
            problem = _("%(count)d处错误，不能确认") % {"count": len(preview.errors)}
            _record_import(request, subject, filename, problem, refused=True)
            context.update(preview=preview, filename=filename)
            return TemplateResponse(request, template, context)
        entries = [
            services.FigureEntry(
                indicator=row.indicator,
                value=row.form.cleaned_data["value"],
                growth=row.form.cleaned_data["growth"],
                note=row.form.cleaned_data["note"],
                expected_version=row.form.cleaned_data.get("version"),
            )
            for row in preview.rows
        ]
        try:
            result = services.figures_save(
                year=preview.year,
                month=preview.month,
                place=selectors.town(),
                entries=entries,
                user=request.user,
                reason=_("Excel导入：%(name)s") % {"name": pending["filename"]},
            )
        except (services.ConcurrentEdit, review.MonthLocked) as exc:
            context["refused"] = [_("全部未保存。"), *exc.messages]
            _record_import(request, subject, filename, "；".join(exc.messages), refused=True)
            return TemplateResponse(request, template, context)
        del request.session[IMPORT_SESSION_KEY]
        _record_import(
            request,
            subject,
            filename,
            _("%(rows)d行：新增%(created)d条，修改%(changed)d条，修订%(revised)d条")
            % {
                "rows": len(preview.rows),
                "created": result.created,
                "changed": result.changed,
                "revised": result.revised,
            },
        )
        messages.success(
            request,
            _("导入完成：新增%(created)d条，修改%(changed)d条，修订%(revised)d条。")
            % {"created": result.created, "changed": result.changed, "revised": result.revised},
        )
        url = reverse("admin:indicators_figure_report")
        return HttpResponseRedirect(
            f"{url}?office={office.pk}&period={periods.format_period(preview.year, preview.month)}"
        )

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """All figures of a year the user may read, one sheet per category."""
        raw = request.GET.get("year", "")
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else periods.today().year
        response = HttpResponse(
            excel.year_workbook(request.user, year), content_type=excel.XLSX_TYPE
        )
        name = f"下各镇经济指标_{year}年.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        audit.record(audit.Action.EXPORT, request=request, obj=name)
        return response

    def review_view(self, request: HttpRequest) -> HttpResponse:
        """Submit, approve, return or reopen an office's month (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = ReportPeriodForm(request.POST, user=request.user, readable=True)
        if not form.is_valid():
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
            return HttpResponseRedirect(reverse("admin:indicators_figure_report"))
        office = form.cleaned_data["office"]
        year, month = form.cleaned_data["period"]
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        step = {"user": request.user, "request": request}
        try:
            if action == "submit":
                review.month_submit(office=office, year=year, month=month, **step)
                messages.success(request, _("已报送，等待审核。"))
            else:
                # Never a new row here: a step refused below must leave nothing behind.
                current = review.stored_review(office, year, month)
                if action == "withdraw":
                    review.month_withdraw(review=current, **step)
                    messages.success(request, _("已撤回，可以继续修改后重新报送。"))
                elif action == "approve":
                    review.month_approve(review=current, **step)
                    messages.success(request, _("审核通过，该月数据已锁定。"))
                elif action == "return":
                    review.month_return(review=current, reason=reason, **step)
                    messages.success(request, _("已退回。"))
                elif action == "reopen":
                    review.month_reopen(review=current, reason=reason, **step)
                    messages.success(request, _("已重新打开，可以修改。"))
                else:
                    messages.error(request, _("未知操作。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        url = reverse("admin:indicators_figure_report")
        return HttpResponseRedirect(
            f"{url}?office={office.pk}&period={periods.format_period(year, month)}"
        )


def _refreshed(posted: Any, rows: list, conflicted: set[int]) -> Any:
    """The posted report with the conflicting rows replaced by the stored figures."""
    data = posted.copy()
    for index, row in enumerate(rows):
        if row.indicator.pk not in conflicted:
            continue
        figure = row.figure
        data[f"rows-{index}-value"] = format(figure.value_display, "f") if figure else ""
        growth = figure.growth if figure else None
        data[f"rows-{index}-growth"] = format(growth.normalize(), "f") if growth is not None else ""
        data[f"rows-{index}-note"] = figure.note if figure else ""
        data[f"rows-{index}-version"] = str(figure.version if figure else 0)
    return data


def _version(form: Any) -> int | None:
    """The row's version when the page was opened; None (no check) when none was posted."""
    return form.cleaned_data.get("version")


def review_context(request: HttpRequest, office: Any, year: int, month: int) -> dict[str, Any]:
    """The office's month as the review workflow sees it, and what this user may do with it.

    `editable` is False for a submitted or reviewed month and for readers: the page then shows
    the figures as text, with no inputs and no save button."""
    user = request.user
    report = selectors.office_reports([office], year, month)[0]
    events = MonthReviewEvent.objects.filter(
        review__office=office, review__year=year, review__month=month
    ).select_related("user")
    state = report.state
    can_write = permissions.can_write_office(user, office)
    reviewer = review.can_review(user, office)
    return {
        "report": report,
        "review_events": list(events),
        "editable": can_write and not report.is_frozen,
        "frozen_message": review.frozen_message(state, year, month)
        if can_write and report.is_frozen
        else "",
        "can_submit": can_write and not report.is_frozen,
        "can_withdraw": can_write and state == MonthReview.State.SUBMITTED,
        "can_approve": reviewer
        and state == MonthReview.State.SUBMITTED
        and report.submitted_by != user,
        "can_return": reviewer and state == MonthReview.State.SUBMITTED,
        "can_reopen": user.is_admin and state == MonthReview.State.REVIEWED,
    }


@admin.register(FigureRevision)
class FigureRevisionAdmin(OfficeScopedAdmin):
    office_field = "figure__indicator__office"
    list_display = [
        "changed_at",
        "figure",
        "action",
        amount(FigureRevision, "old_value"),
        amount(FigureRevision, "new_value"),
        "changed_by",
        "reason",
    ]
    list_filter = ["action", "figure__indicator__office"]
    search_fields = ["figure__indicator__name", "reason"]
    list_select_related = ["figure__indicator", "changed_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
