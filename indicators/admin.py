from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.http import user_of
from accounts.permissions import OfficeScopedAdmin, ScopedAdminMixin
from indicators import glossary, services, views
from indicators.forms import FigureAdminForm
from indicators.models import (
    Figure,
    FigureRevision,
    Indicator,
    Place,
    Unit,
)
from xiage.versioning import ChangesSince, VersionedAdminMixin


@admin.register(Place)
class PlaceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "level", "order"]
    list_filter = ["level"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The unit table. A unit in use keeps its name, dimension and factor: the numbers stored
    in it, and every process's copy of the table (indicators/units.py), depend on them."""

    list_display = ["name", "code", "dimension", "factor", "order"]
    list_filter = ["dimension"]
    search_fields = ["name", "code"]
    fields = ["name", "code", "dimension", "factor", "order"]

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> list:
        if obj is not None and (obj.indicators.exists() or obj.tasks.exists()):
            return ["name", "code", "dimension", "factor"]
        if obj is not None:
            return ["code"]
        return []


@admin.register(Indicator)
class IndicatorAdmin(OfficeScopedAdmin):
    list_display = [
        "name",
        "code",
        "category",
        "unit",
        "kind",
        "frequency",
        "direction",
        "office",
        "is_key",
        "is_active",
    ]
    list_filter = ["category", "office", "kind", "frequency", "is_key", "is_active"]
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
        "frequency",
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


REVISION_NUMBERS = ("old_value", "new_value", "old_growth", "new_growth")


def as_published(name: str) -> Any:
    """A change record's figure or growth as every other page prints it, by the glossary's rule
    (indicators.glossary.published): a figure with its indicator's decimals (29.74, not
    29.7400), a growth with the decimals it was published with (31.3, not 31.30). Its header is
    the field's own (原本期数 …); the column's CSS class stays field-<name>."""
    field = FigureRevision._meta.get_field(name)
    growth = name.endswith("growth")

    @admin.display(description=field.verbose_name, ordering=name)  # type: ignore[union-attr]
    def column(obj: FigureRevision) -> str:
        value = getattr(obj, name)
        if growth and getattr(obj, f"{name}_unpublished"):
            return str(glossary.NOT_PUBLISHED)
        if value is None:
            return admin.site.empty_value_display
        if growth:
            return glossary.published(value)
        return glossary.published(value, obj.figure.indicator.decimals, grouped=True)

    column.__name__ = name
    return column


REVISION_COLUMNS = {name: as_published(name) for name in REVISION_NUMBERS}


class FigureRevisionInline(ScopedAdminMixin, admin.TabularInline):
    model = FigureRevision
    extra = 0
    can_delete = False
    fields = [
        "changed_at",
        "changed_by",
        "action",
        *(f"{name}_shown" for name in REVISION_NUMBERS),
        "reason",
    ]
    readonly_fields = fields  # type: ignore[assignment]
    verbose_name_plural = gettext_lazy("变更记录")

    old_value_shown = staticmethod(REVISION_COLUMNS["old_value"])
    new_value_shown = staticmethod(REVISION_COLUMNS["new_value"])
    old_growth_shown = staticmethod(REVISION_COLUMNS["old_growth"])
    new_growth_shown = staticmethod(REVISION_COLUMNS["new_growth"])

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("figure__indicator", "changed_by")

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
            obj._frozen_message = views.frozen_refusal(*self.month_of(obj))
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

    def change_view(
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
        "growth_as_published",
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

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
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
        if not permissions.can_change_figure(user_of(request), obj):
            raise PermissionDenied
        # A refusal (a frozen month, another's change) propagates: VersionedAdminMixin shows
        # the form again with it, and no success message.
        services.figures_save(
            year=obj.year,
            month=obj.month,
            place=obj.place,
            entries=[form.entry(obj.indicator, change=change)],
            user=user_of(request),
        )
        saved = Figure.objects.get(
            indicator=obj.indicator, year=obj.year, month=obj.month, place=obj.place
        )
        obj.pk = saved.pk
        obj.refresh_from_db()
        for notice in form.notices:  # how the value was read: 已将“34900万元”换算为3.49亿元。
            messages.info(request, notice)

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

    @admin.display(description=gettext_lazy("本期数"), ordering="value")
    def value_with_unit(self, obj: Figure) -> str:
        return f"{obj.value_display:,} {obj.indicator.unit_label}"

    @admin.display(description=glossary.GROWTH_PCT, ordering="growth")
    def growth_as_published(self, obj: Figure) -> str:
        """The growth as the bureau published it (31.3, not the stored 31.30), as on every
        other page (indicators.glossary.published)."""
        if obj.growth_unpublished:
            return str(glossary.NOT_PUBLISHED)
        if obj.growth is None:
            return admin.site.empty_value_display
        return glossary.published(obj.growth)

    @admin.display(description=gettext_lazy("标记"))
    def flags(self, obj: Figure) -> str:
        marks = []
        if obj.is_demo:
            marks.append(_("演示数据"))
        if obj.is_revised:
            marks.append(_("已修订"))
        return "、".join(marks)

    def get_urls(self) -> list:
        page = self.admin_site.admin_view
        return [
            path("report/", page(views.report), name="indicators_figure_report"),
            path("review/", page(views.review_step), name="indicators_figure_review"),
            path("import/", page(views.import_figures), name="indicators_figure_import"),
            path("import/template/", page(views.template), name="indicators_figure_template"),
            path("export/", page(views.export), name="indicators_figure_export"),
            *super().get_urls(),
        ]


@admin.register(FigureRevision)
class FigureRevisionAdmin(OfficeScopedAdmin):
    office_field = "figure__indicator__office"
    list_display = [
        "changed_at",
        "figure",
        "action",
        REVISION_COLUMNS["old_value"],
        REVISION_COLUMNS["new_value"],
        REVISION_COLUMNS["old_growth"],
        REVISION_COLUMNS["new_growth"],
        "changed_by",
        "reason",
    ]
    list_filter = ["action", "figure__indicator__office"]
    search_fields = ["figure__indicator__name", "reason"]
    list_select_related = ["figure__indicator", "changed_by"]
    # The record's own page prints the numbers as the list and the figure's page do (29.74,
    # a published 31.3), not as stored (29.7400, 31.30).
    fields = [
        "figure",
        "changed_at",
        "changed_by",
        "action",
        *(f"{name}_shown" for name in REVISION_NUMBERS),
        "old_note",
        "new_note",
        "reason",
    ]
    old_value_shown = staticmethod(REVISION_COLUMNS["old_value"])
    new_value_shown = staticmethod(REVISION_COLUMNS["new_value"])
    old_growth_shown = staticmethod(REVISION_COLUMNS["old_growth"])
    new_growth_shown = staticmethod(REVISION_COLUMNS["new_growth"])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
