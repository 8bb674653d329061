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

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
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
    return role_conflict(new, is_superuser=bool(target and target.is_superuser))


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


class OfficeScopedAdmin(admin.ModelAdmin):
    """Admin mixin: rows of other offices are invisible (404); writes need the office's right."""

    office_field = "office"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_to_offices(super().get_queryset(request), request.user, self.office_field)

    def office_of(self, obj: Any) -> Any:
        for part in self.office_field.split("__"):
            obj = getattr(obj, part)
        return obj

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


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin views, limited to objects the user may see (404 else)."""

    def _check_visible(self, request: HttpRequest, object_id: str) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None):  # type: ignore[no-untyped-def]
        self._check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(  # type: ignore[no-untyped-def]
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ):
        self._check_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
