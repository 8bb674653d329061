from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import permissions
from accounts.http import user_of
from accounts.permissions import OfficeScopedAdmin, ScopedAdminMixin, ScopedHistoryAdmin
from indicators import periods
from indicators.admin import FrozenMonthAdminMixin
from plans import services, status, views, year_excel_views
from plans.forms import SupervisionItemForm
from plans.models import (
    PlanSection,
    ProgressReport,
    Project,
    ProjectYearPlan,
    Stage,
    StageTemplate,
    StageTemplateStep,
    SupervisionItem,
    Target,
    Task,
)
from xiage.admin_columns import amount
from xiage.versioning import VersionedAdminMixin, VersionedInlineMixin


@admin.register(Target)
class TargetAdmin(
    year_excel_views.YearExcelButtons, VersionedAdminMixin, OfficeScopedAdmin, ScopedHistoryAdmin
):
    office_field = "indicator__office"
    list_display = ["year", "indicator", "kind", "value", "wording", "achieved_on", "is_demo"]
    list_filter = ["year", "kind", "indicator__office", "is_demo"]
    search_fields = ["indicator__name", "wording"]
    list_select_related = ["indicator"]

    def get_urls(self) -> list:
        page = self.admin_site.admin_view
        return [
            path("import/", page(year_excel_views.import_year), name="plans_target_import"),
            path("export/", page(year_excel_views.export), name="plans_target_export"),
            *super().get_urls(),
        ]


class TaskInline(ScopedAdminMixin, admin.TabularInline):
    model = Task
    fields = ["title", "kind", "quantity", "unit", "at_least", "deadline", "office", "leader"]
    extra = 0
    show_change_link = True


@admin.register(PlanSection)
class PlanSectionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "year", "number", "task_count"]
    list_filter = ["year"]
    inlines = [TaskInline]

    def get_urls(self) -> list:
        from plans import plan_text_views

        from_text = self.admin_site.admin_view(plan_text_views.plan_from_text)
        return [
            path("from-text/", from_text, name="plans_plansection_from_text"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # The 从计划文本生成 button, for those who may plan a year.
        context = {"can_plan_year": permissions.can_plan_year(user_of(request))}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        from django.db.models import Count, Q

        # The tasks the person may read: another office's are neither listed nor counted.
        readable = permissions.readable_rows(Task.objects.all(), user_of(request))
        tasks = Count("tasks", filter=Q(tasks__in=readable.values("pk")))
        return super().get_queryset(request).annotate(num_tasks=tasks)

    @admin.display(description=gettext_lazy("任务数"), ordering="num_tasks")
    def task_count(self, obj: PlanSection) -> int:
        return obj.num_tasks  # type: ignore[attr-defined]


@admin.register(Task)
class TaskAdmin(
    year_excel_views.YearExcelButtons, VersionedAdminMixin, OfficeScopedAdmin, ScopedHistoryAdmin
):
    year_parameter = "section__year"
    list_display = ["title", "section", "target_label", "deadline", "office", "leader"]
    list_filter = ["section__year", "section", "kind", "office"]
    search_fields = ["title", "text"]
    list_select_related = ["section", "office"]
    ordering = ["section__year", "section__number", "order", "id"]

    @admin.display(description=gettext_lazy("目标"))
    def target_label(self, obj: Task) -> str:
        return obj.quantity_label or str(obj.get_kind_display())


class StepFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check: Any) -> str:
        # The fields by their names on the page (Django's message names them by code).
        names = [
            str(getattr(StageTemplateStep._meta.get_field(name), "verbose_name", name))
            for name in unique_check
            if name != self.fk.name
        ]
        return _("请修改%(fields)s的重复数据，同一模板中不能重复。") % {"fields": "、".join(names)}


class StageTemplateStepInline(ScopedAdminMixin, admin.TabularInline):
    model = StageTemplateStep
    formset = StepFormSet
    extra = 0


@admin.register(StageTemplate)
class StageTemplateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_default"]
    inlines = [StageTemplateStepInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is StageTemplateStep and change:
            # Two steps swapping their orders (or a step taking a deleted one's) would meet the
            # unique order half-way through the rows' saves.
            services.template_steps_reorder(
                form.instance,
                [
                    row.instance
                    for row in formset.initial_forms
                    if row in formset.deleted_forms or {"order", "key"} & set(row.changed_data)
                ],
            )
        super().save_formset(request, form, formset, change)


class StageInline(VersionedInlineMixin, ScopedAdminMixin, admin.TabularInline):
    model = Stage
    extra = 0
    # What a person fills in for a stage is what puts it on record (services decide a change of
    # template on the same list).
    fields = ["order", "name", *services.STAGE_RECORD_FIELDS]
    readonly_fields = ["order", "name"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # stages come from the project's template

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "note" and field is not None:
            field.widget.attrs.update({"rows": 2, "cols": 30})
        return field


class YearPlanInline(ScopedAdminMixin, admin.TabularInline):
    model = ProjectYearPlan
    extra = 0


@admin.register(Project)
class ProjectAdmin(VersionedAdminMixin, OfficeScopedAdmin, ScopedHistoryAdmin):
    list_display = ["name", "parent", "type", "location", "area_mu", "office", "stage_summary"]
    list_filter = ["type", "office", "is_active"]
    search_fields = ["name", "code", "block", "description"]
    list_select_related = ["office", "place", "parent"]
    inlines = [StageInline, YearPlanInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("stages")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A 所属项目 of another office is neither offered nor shown to this writer; leaving the
        # field off the form keeps it as it is (an empty select would have cleared it).
        excluded = list(super().get_exclude(request, obj) or [])
        if obj is not None and obj.parent_id is not None:
            readable = permissions.readable_rows(Project.objects.all(), user_of(request))
            if not readable.filter(pk=obj.parent_id).exists():
                excluded.append("parent")
        return excluded

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class ProjectForm(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, **form_kwargs)
                parent = self.fields.get("parent")
                if parent is not None and self.instance.pk is not None:
                    # Not its own 所属项目 (Project.clean refuses that and any cycle).
                    parent.queryset = parent.queryset.exclude(pk=self.instance.pk)

            def clean_template(self) -> Any:
                # A change of template replaces the stages the new one lacks: refused while one
                # of those carries a record. A project with stages keeps a template (the board
                # draws each template's stages under its own headers).
                template = self.cleaned_data.get("template")
                changed = "template" in self.changed_data
                if self.instance.pk is None or not changed:
                    return template
                if template is None:
                    if self.instance.stages.exists():
                        raise ValidationError(
                            _("项目已有阶段，不能不选阶段模板；如需更换，请选择另一个阶段模板。"),
                            code="required",
                        )
                    return template
                refusal = services.template_change_refusal(self.instance, template)
                if refusal is not None:
                    raise ValidationError(refusal, code="stages_on_record")
                return template

        return ProjectForm

    @admin.display(description=gettext_lazy("位置"))
    def location(self, obj: Project) -> str:
        return obj.location

    @admin.display(description=gettext_lazy("阶段"))
    def stage_summary(self, obj: Project) -> str:
        stages = list(obj.stages.all())
        done = [stage.name for stage in stages if stage.completed]
        return _("已完成%(done)d/%(total)d：%(names)s") % {
            "done": len(done),
            "total": len(stages),
            "names": "、".join(done) or "—",
        }

    def get_urls(self) -> list:
        export = self.admin_site.admin_view(views.export)
        return [path("export/", export, name="plans_project_export"), *super().get_urls()]

    def save_model(self, request: HttpRequest, obj: Project, form: Any, change: bool) -> None:
        if not change and obj.template is None:
            obj.template = services.default_template()
        super().save_model(request, obj, form, change)
        if not change:
            services.project_stages_create(project=obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        template = form.instance.template
        if change and "template" in form.changed_data and template is not None:
            # After the stage rows typed on the page are saved: one typed in now is a record
            # too, and the service refuses (the page comes back with its reason, nothing saved).
            created = services.project_template_change(
                project=form.instance, template=template, user=user_of(request)
            )
            self.message_user(
                request,
                ngettext(
                    "已按新阶段模板“%(template)s”重建%(count)d个阶段。",
                    "已按新阶段模板“%(template)s”重建%(count)d个阶段。",
                    created,
                )
                % {"template": template, "count": created},
                messages.SUCCESS,
            )


@admin.register(ProgressReport)
class ProgressReportAdmin(FrozenMonthAdminMixin, VersionedAdminMixin, ScopedHistoryAdmin):
    list_display = [
        "subject_name",
        "period",
        amount(ProgressReport, "quantity_done"),
        "percent_done",
        amount(ProgressReport, "investment_ytd"),
        "problems",
        "reported_by",
        "updated_at",
        "is_demo",
    ]
    list_filter = ["year", "month", "is_demo"]
    search_fields = ["project__name", "task__title", "progress", "problems"]
    list_select_related = ["project", "task", "reported_by"]
    change_list_template = "admin/plans/progressreport/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports are entered through the monthly progress form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return permissions.can_change_progress_report(user_of(request), obj)

    def month_of(self, obj: ProgressReport) -> tuple[int, int, int]:
        return obj.subject.office_id, obj.year, obj.month

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list:
        subject = ["project", "task", "year", "month"]
        return [*subject, *services.REPORT_FIELDS, "is_demo", "reported_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list:
        return ["project", "task", "year", "month", "is_demo", "reported_by"]

    def save_model(
        self, request: HttpRequest, obj: ProgressReport, form: Any, change: bool
    ) -> None:
        # Through the service the monthly form uses: its permission check, the month's freeze
        # and the audit trail. A refusal propagates (VersionedAdminMixin shows it).
        services.progress_report_save(
            office=obj.subject.office,
            year=obj.year,
            month=obj.month,
            user=user_of(request),
            entries=[
                services.ProgressEntry(
                    obj.subject,
                    **{name: getattr(obj, name) for name in services.REPORT_FIELDS},
                    expected_version=form.cleaned_data.get("version"),
                )
            ],
        )
        obj.refresh_from_db()

    @admin.display(description=gettext_lazy("项目/任务"))
    def subject_name(self, obj: ProgressReport) -> str:
        return str(obj.subject)

    @admin.display(description=gettext_lazy("月份"), ordering="month")
    def period(self, obj: ProgressReport) -> str:
        return periods.period_label(obj.year, obj.month, cumulative=False)

    def get_urls(self) -> list:
        report = self.admin_site.admin_view(views.progress_report)
        return [path("report/", report, name="plans_progressreport_report"), *super().get_urls()]


@admin.register(SupervisionItem)
class SupervisionItemAdmin(VersionedAdminMixin, OfficeScopedAdmin, ScopedHistoryAdmin):
    form = SupervisionItemForm
    list_display = ["matter_short", "subject_name", "office", "due_date", "state", "raised_by"]
    list_filter = ["office", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["matter", "resolution"]
    list_select_related = ["project", "task", "office", "raised_by"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class UserForm(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, user=request.user, **form_kwargs)

        return UserForm

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return ["project", "task", "matter", "office", "due_date"]
        return ["project", "task", "matter", "office", "due_date", "raised_by", "resolution"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        fields = ["project", "task", "matter", "office", "due_date", "raised_by"]
        if not self._answerable(request, obj):
            fields.append("resolution")
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_raise_supervision(user_of(request))

    def may_place_in(self, request: HttpRequest, office: Any, obj: Any) -> bool:
        if obj is None:  # raising an item names the office that is to act on it
            return permissions.can_raise_supervision(user_of(request))
        return super().may_place_in(request, office, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return super().has_change_permission(request, obj)
        return self._answerable(request, obj) and permissions.can_resolve_supervision(
            user_of(request), obj
        )

    def _answerable(self, request: HttpRequest, obj: SupervisionItem) -> bool:
        # An item resolved after the page was opened: the resolution typed on that page is
        # judged against the resolution now stored and refused (never saved), not forbidden.
        return obj.is_open or self.is_stale_post(request, obj)

    def save_model(self, request: HttpRequest, obj: SupervisionItem, form: Any, change: bool):
        # The form has checked the input; the services record who and when.
        if change:
            services.supervision_resolve(
                item=obj, resolution=form.cleaned_data["resolution"], user=user_of(request)
            )
        else:
            saved = services.supervision_raise(
                subject=obj.project or obj.task,  # type: ignore[arg-type]
                matter=obj.matter,
                due_date=obj.due_date,
                office=obj.office,
                user=user_of(request),
            )
            obj.pk = saved.pk

    @admin.display(description=gettext_lazy("督办事项"))
    def matter_short(self, obj: SupervisionItem) -> str:
        return obj.matter[:40]

    @admin.display(description=gettext_lazy("项目/任务"))
    def subject_name(self, obj: SupervisionItem) -> str:
        return str(obj.subject)

    @admin.display(description=gettext_lazy("状态"))
    def state(self, obj: SupervisionItem) -> str:
        return str(
            status.item_state(
                resolved=not obj.is_open, due_date=obj.due_date, on=timezone.localdate()
            ).label
        )


# 开启新年度 (plans.opening): its record's list and its page.
from plans import opening, opening_views  # noqa: E402
from plans.models import YearOpening  # noqa: E402


@admin.register(YearOpening)
class YearOpeningAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """年度开启记录: one row per opened year, read only; 开启新年度 is its page (open/)."""

    list_display = ["year", "opener", "opened_at", "created_summary"]
    list_select_related = ["opened_by"]
    change_list_template = "admin/plans/yearopening/change_list.html"
    # The record's page says what was created in words, never the raw JSON of `created`.
    fields = ["year", "opener", "opened_at", "created_summary"]
    readonly_fields = ["year", "opener", "opened_at", "created_summary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a year is opened on its own page (开启新年度)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("创建内容"))
    def created_summary(self, obj: YearOpening) -> str:
        return opening.created_summary(obj.created)

    @admin.display(description=gettext_lazy("开启人"), ordering="opened_by")
    def opener(self, obj: YearOpening) -> str:
        return opening.opener(obj)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None):
        extra = {"can_open_year": permissions.can_plan_year(user_of(request))}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self) -> list:
        page = self.admin_site.admin_view(opening_views.open_year)
        return [path("open/", page, name="plans_yearopening_open"), *super().get_urls()]
