"""Who may see and change what, in one place.

Views and admin classes ask these functions; they never test roles themselves. Objects of
another office are filtered out of querysets, so reaching one by URL answers 404 rather than a
403 that would confirm it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import (
    NotRelationField,
    flatten_fieldsets,
    get_fields_from_path,
    unquote,
)
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import ADMIN_ROLES, SOLE_ROLES, Role

if TYPE_CHECKING:
    from accounts.models import Office, User


def can_read_all(user: User) -> bool:
    """Leaders and admins read every office's data."""
    return user.is_active and (user.is_admin or user.is_leader)


def can_manage_offices(user: User) -> bool:
    """Admins manage offices, including an office's robot address (it carries an access token)."""
    return user.is_active and user.is_admin


def can_enter_data(user: User) -> bool:
    """Clerks (for their own office) and admins (for any office) enter figures and progress."""
    return user.is_active and (user.is_admin or (user.is_clerk and user.office_id is not None))


def can_raise_supervision(user: User) -> bool:
    """Leaders and admins raise 督办 items (and send a resolved one back); offices resolve them."""
    return user.is_active and (user.is_admin or user.is_leader)


# --- 三权分立: the three administrators --------------------------------------------------------


def can_manage_users(user: User) -> bool:
    """系统管理员 add and change accounts and grant roles (see role_change_refusal)."""
    return user.is_active and user.is_admin


def is_security_admin(user: User) -> bool:
    """安全管理员 (by the role itself: a superuser is a 系统管理员, not this)."""
    return user.is_active and user.has_role(Role.SECURITY)


def can_manage_lockouts(user: User) -> bool:
    """Unlock accounts locked out by django-axes, and read the login records."""
    return is_security_admin(user)


def can_manage_sessions(user: User) -> bool:
    """See who is signed in and end their sessions."""
    return is_security_admin(user)


def can_manage_password_policy(user: User) -> bool:
    """Read and set the password and second-factor policy, where the app offers it."""
    return is_security_admin(user)


def can_read_security_log(user: User) -> bool:
    """Read and export the security log: the 审计管理员 alone, superusers included out."""
    return user.is_active and user.has_role(Role.AUDITOR)


def role_conflict(role_names: Iterable[str], *, is_superuser: bool = False) -> str | None:
    """Why an account may not hold these roles together, or None.

    One account holds at most one of 系统管理员, 安全管理员, 审计管理员 (a superuser counts as
    系统管理员), and 安全管理员 or 审计管理员 hold no other role at all.
    """
    names = set(role_names)
    if is_superuser:
        names.add(Role.ADMIN.value)
    admin_roles = [role for role in ADMIN_ROLES if role.value in names]
    if len(admin_roles) > 1:
        return _(
            "三权分立：一个账号只能担任系统管理员、安全管理员、审计管理员中的一个，"
            "不能同时担任%(roles)s。"
        ) % {"roles": "和".join(str(role.label) for role in admin_roles)}
    for role in SOLE_ROLES:
        if role.value in names and len(names) > 1:
            return _("三权分立：%(role)s不能兼任其他角色。") % {"role": str(role.label)}
    return None


# Roles whose work is one office's: a person holding one of them belongs to an office.
OFFICE_ROLES = frozenset({Role.CLERK.value, Role.REVIEWER.value})


def office_missing_refusal(roles: Iterable[str], office: object) -> str | None:
    """Why a person with these roles cannot be saved without an office, or None."""
    if office is None and OFFICE_ROLES & set(roles):
        return str(_("录入员和审核员必须属于一个科室，请选择科室。"))
    return None


def role_change_refusal(
    actor: User, target: User | None, old: Iterable[str], new: Iterable[str]
) -> str | None:
    """Why `actor` may not change `target`'s roles from `old` to `new`, or None.

    Only a 系统管理员 grants roles, never to themselves (so none can take another's role), and
    the result must obey role_conflict. `target` is None for an account being created.
    """
    if set(old) == set(new):
        return None
    if not can_manage_users(actor):
        return _("只有系统管理员可以分配角色。")
    if target is not None and target.pk == actor.pk:
        return _("三权分立：不能修改自己的角色，请由另一位系统管理员办理。")
    conflict = role_conflict(new, is_superuser=bool(target and target.is_superuser))
    if conflict:
        return conflict
    sole = {role.value for role in SOLE_ROLES}
    if sole & (set(old) ^ set(new)) or (sole & set(old) and set(old) != set(new)):
        # Were a 系统管理员 able to take these roles away and give them back, they could set the
        # account's password in between and sign in as its holder.
        return _(
            "三权分立：安全管理员和审计管理员的角色不能在网页上授予或更改，"
            "请在服务器上用 manage.py grant_role 办理。"
        )
    return None


def can_reset_second_factor_of(actor: User, target: User) -> bool:
    """Like a password: a 安全管理员's or 审计管理员's authenticator is theirs to replace."""
    return can_set_password_of(actor, target)


def can_set_password_of(actor: User, target: User) -> bool:
    """A 系统管理员 sets others' passwords, but not a 安全管理员's or 审计管理员's: those are
    their own (or set on the server with manage.py changepassword), so no administrator can
    sign in as another."""
    if not can_manage_users(actor):
        return False
    return not any(target.has_role(role) for role in SOLE_ROLES)


# Usernames with this mark in AbstractUser's otherwise unused last_name (the app names people
# by display_name) are demo accounts, made by accounts.demo for `make run`.
DEMO_ACCOUNT_MARK = "xiage-demo"


def is_demo_account(user: User) -> bool:
    return user.last_name == DEMO_ACCOUNT_MARK


def login_refusal(user: User) -> str | None:
    """Why a user whose password was right may still not sign in, or None."""
    if is_demo_account(user) and not settings.DEBUG:
        return _("演示账号只能在开发环境中使用，正式环境不能登录。请使用系统管理员为您开设的账号。")
    return None


def readable_offices(user: User) -> QuerySet[Office]:
    from accounts.models import Office

    if can_read_all(user):
        return Office.objects.all()
    if user.is_active and user.office_id is not None:
        return Office.objects.filter(pk=user.office_id)
    return Office.objects.none()


def writable_offices(user: User) -> QuerySet[Office]:
    from accounts.models import Office

    if not user.is_active:
        return Office.objects.none()
    if user.is_admin:
        return Office.objects.all()
    if user.is_clerk and user.office_id is not None:
        return Office.objects.filter(pk=user.office_id)
    return Office.objects.none()


def scope_to_offices(queryset: QuerySet, user: User, office_field: str = "office") -> QuerySet:
    """Rows of `queryset` the user may read, by the office each row belongs to."""
    if can_read_all(user):
        return queryset
    if user.is_active and user.office_id is not None:
        return queryset.filter(**{f"{office_field}_id": user.office_id})
    return queryset.none()


def can_write_office(user: User, office: Office | int | None) -> bool:
    if office is None:
        return False
    office_id = office if isinstance(office, int) else office.pk
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    return user.is_clerk and user.office_id == office_id


class DailyPage(StrEnum):
    """The pages of the 日常填报 group that heads the 数据管理 (admin) index and side bar."""

    REPORT = "report"  # 月报填报
    IMPORT = "import"  # Excel导入月报
    PROGRESS = "progress"  # 月度进展填报
    REVIEW = "review"  # 月报审核: the report page, read-only, with approve and return


def daily_pages(user: User) -> list[DailyPage]:
    """The 日常填报 pages a person's month uses, in the order they come to them."""
    if can_enter_data(user):
        return [DailyPage.REPORT, DailyPage.IMPORT, DailyPage.PROGRESS]
    if user.is_active and user.is_reviewer:
        return [DailyPage.REVIEW]
    return []


# The admin lists ("app_label.model") each role's work uses. The 数据管理 index and side bar show
# a clerk or reviewer only these; leaders and admins see every list they may read. Hiding is not
# refusing: a list left out stays reachable, and guarded as before, at its address.
ADMIN_LISTS_IN_USE: dict[Role, frozenset[str]] = {
    Role.CLERK: frozenset(
        {
            "indicators.figure",
            "indicators.figurerevision",
            "plans.progressreport",
            "plans.project",
            "plans.supervisionitem",
        }
    ),
    Role.REVIEWER: frozenset(
        {
            "indicators.figure",
            "indicators.figurerevision",
            "plans.progressreport",
            "plans.supervisionitem",
        }
    ),
    Role.SECURITY: frozenset({"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}),
    Role.AUDITOR: frozenset({"accounts.securityevent"}),
}


def admin_lists_shown(user: User) -> frozenset[str] | None:
    """The admin lists listed for `user`, or None for every list they may read."""
    if user.is_admin or user.is_leader:
        return None
    roles = [role for role in ADMIN_LISTS_IN_USE if user.has_role(role)]
    if not roles:
        return None  # staff without a role: Django's permissions alone decide
    return frozenset().union(*(ADMIN_LISTS_IN_USE[role] for role in roles))


def role_required(test: Callable[[User], bool]) -> Callable:
    """Decorator for function views: 403 unless `test(request.user)` holds."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- the admin's gate -------------------------------------------------------------------------

# Rows that belong to an office, and the path from such a row to its office. Rows of models not
# named here (places, plan sections, stage templates, roles …) are shared by every office. Keyed
# by "app_label.model_name" so that this module imports no higher app.
OFFICE_PATHS: dict[str, tuple[str, ...]] = {
    "accounts.user": ("office",),
    "indicators.indicator": ("office",),
    "indicators.figure": ("indicator__office",),
    "indicators.figurerevision": ("figure__indicator__office",),
    "indicators.monthreview": ("office",),
    "plans.target": ("indicator__office",),
    "plans.project": ("office",),
    "plans.projectyearplan": ("project__office",),
    "plans.stage": ("project__office",),
    "plans.task": ("office",),
    "plans.progressreport": ("project__office", "task__office"),
    "plans.supervisionitem": ("office",),
}


def readable_rows(queryset: QuerySet, user: User) -> QuerySet:
    """The rows of `queryset` that `user` may read, whatever their model.

    The one rule behind every admin list, inline, select and changelist filter: an office's
    rows (OFFICE_PATHS) are read by that office and by those who read everything; shared rows
    by every active user."""
    if not user.is_active:
        return queryset.none()
    label = queryset.model._meta.label_lower
    if label == "accounts.office":
        return queryset if can_read_all(user) else queryset.filter(pk=user.office_id)
    paths = OFFICE_PATHS.get(label)
    if paths is None or can_read_all(user):
        return queryset
    if user.office_id is None:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}_id": user.office_id})
    return queryset.filter(condition)


def out_of_scope_message(field: Any) -> str:
    """What a select says when the posted row is not one it offered (another office's)."""
    return _("所选的“%(field)s”不存在，或不在您的权限范围内。") % {"field": field.verbose_name}


def _row_id(text: Any) -> int:
    """A row id from a URL; anything else (text, a number beyond 64 bits) is not found."""
    text = unquote(str(text))
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise Http404
    return int(text)


class ReadableRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A changelist's filter by a related row (科室, 指标 …), offering only rows the user reads."""

    def field_choices(self, field, request, model_admin):  # type: ignore[no-untyped-def]
        queryset = field.related_model._default_manager.all()
        limit = getattr(field, "get_limit_choices_to", None)
        if limit is not None:
            queryset = queryset.complex_filter(limit())
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(row.pk, str(row)) for row in readable_rows(queryset, request.user)]


class ScopedAdminMixin:
    """For every ModelAdmin and inline: its rows, its selects (foreign keys and many-to-many)
    and its changelist filters offer only what the user may read (readable_rows). A posted id
    outside them is refused by the select itself, in Chinese."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return readable_rows(super().get_queryset(request), request.user)  # type: ignore[misc]

    def get_field_queryset(self, db, db_field, request):  # type: ignore[no-untyped-def]
        queryset = super().get_field_queryset(db, db_field, request)  # type: ignore[misc]
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return readable_rows(queryset, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("error_messages", {"invalid_choice": out_of_scope_message(db_field)})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("error_messages", {"invalid_choice": out_of_scope_message(db_field)})
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def get_list_filter(self, request: HttpRequest) -> list:
        return [self._readable_filter(entry) for entry in super().get_list_filter(request)]  # type: ignore[misc]

    def _readable_filter(self, entry: Any) -> Any:
        if not isinstance(entry, str):
            return entry
        try:
            fields = get_fields_from_path(self.model, entry)  # type: ignore[attr-defined]
        except (FieldDoesNotExist, NotRelationField):
            return entry
        return (entry, ReadableRelatedFieldListFilter) if fields[-1].is_relation else entry


class OfficeScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Admin of rows that belong to an office: other offices' rows are invisible (404); changing
    one needs the right to write its office, and no save may leave a row in an office the
    writer may not write (a clerk moving a project, a task or a figure to another office)."""

    office_field = "office"

    def office_of(self, obj: Any) -> Any:
        for part in self.office_field.split("__"):
            obj = getattr(obj, part)
        return obj

    def may_place_in(self, request: HttpRequest, office: Office, obj: Any) -> bool:
        """Whether a save may leave a row (a new one when `obj` is None) in `office`."""
        return can_write_office(request.user, office)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_write_office(request.user, self.office_of(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_write_office(request.user, self.office_of(obj))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        def clean(form: forms.ModelForm) -> Any:
            cleaned = form_class.clean(form)
            model_admin._refuse_leaving_scope(request, form, obj)
            return cleaned

        attrs = {"__module__": form_class.__module__, "clean": clean}
        return type(form_class)(form_class.__name__, (form_class,), attrs)

    def _refuse_leaving_scope(self, request: HttpRequest, form: forms.ModelForm, obj: Any) -> None:
        first, *rest = self.office_field.split("__")
        if first in form.cleaned_data:
            value = form.cleaned_data[first]
        elif first in form.fields:
            return  # refused already by its own field
        else:
            value = getattr(form.instance, f"{first}_id", None) and getattr(form.instance, first)
        for part in rest:
            value = getattr(value, part, None)
        if value is not None and not self.may_place_in(request, value, obj):
            form.add_error(
                first if first in form.fields else None,
                _("不能把数据移到您无权填报的科室，本次修改未保存。"),
            )


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """django-simple-history's pages, read only, for objects the user may see (404 else).

    A past version is shown as text, never as a form; reverting is off whatever the settings
    say, and a POST to a past version's page is refused (403) for everyone, admins included,
    and noted in the security log."""

    def _check_visible(self, request: HttpRequest, object_id: str) -> int:
        pk = _row_id(object_id)
        if not self.get_queryset(request).filter(pk=pk).exists():
            raise Http404
        return pk

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None):  # type: ignore[no-untyped-def]
        pk = self._check_visible(request, object_id)
        return super().history_view(request, str(pk), extra_context=extra_context)

    def history_form_view(  # type: ignore[no-untyped-def]
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ):
        if request.method not in ("GET", "HEAD"):
            from accounts import audit

            audit.record(
                audit.Action.ACCESS_DENIED,
                request=request,
                obj=f"{self.model._meta.verbose_name} {_safe_id(object_id)}",
                result=audit.Result.REFUSED,
                detail=_("向历史版本页面提交（%(path)s）：历史版本只能查看，不能恢复或修改。")
                % {"path": f"{_safe_id(object_id)}/history/{_safe_id(version_id)}/"},
            )
            raise PermissionDenied
        pk = self._check_visible(request, object_id)
        version = _row_id(version_id)
        return super().history_form_view(request, str(pk), str(version), extra_context)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def render_history_view(  # type: ignore[no-untyped-def]
        self, request: HttpRequest, template: str, context: dict, **kwargs: Any
    ):
        shown = context.get("adminform")
        if shown is not None:
            # Every field as text: no input to post, and no select listing other rows.
            context["adminform"] = helpers.AdminForm(
                shown.form,
                shown.fieldsets,
                {},
                readonly_fields=flatten_fieldsets(shown.fieldsets),
                model_admin=self,
            )
        return super().render_history_view(request, template, context, **kwargs)


def _safe_id(text: Any) -> str:
    """An id from a URL as the security log may keep it (a refused id is shown as “?”)."""
    try:
        return str(_row_id(text))
    except Http404:
        return "?"
