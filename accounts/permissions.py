"""Who may see and change what, in one place.

Every rule is a plain predicate here, `can_x(user)` or `can_x(user, obj)`, True when the person
may; nothing else in the project tests a role, a group name or `is_superuser` (templates read
the flags of accounts.context_processors.roles, which asks these functions). Objects of another
office are filtered out of querysets (readable_rows, scope_to_offices), so reaching one by URL
answers 404 rather than a 403 that would confirm it exists.

Where the rules are asked:
- Views declare the page's rule where they are defined: ``@permission(can_x)`` on a function
  view (403 unless ``can_x(request.user)``), ``PermissionMixin`` with ``permission_rule`` on a
  class view, ``@permission(public)`` on the few pages for people not signed in. A view whose
  POST needs more than its GET names it too: ``@permission(can_read_x, post=can_write_x)``.
  The URL × role matrix (tests/security/test_permission_matrix.py) reads these declarations.
- Admin classes answer Django's ``has_*_permission`` from these rules (OfficeScopedAdmin,
  ScopedHistoryAdmin below; accounts.admin, accounts.admin_security).
- Services: every service that writes on a person's behalf (it takes ``user``) checks its own
  rule and raises PermissionDenied, whoever calls it (a view, the admin, a command, a test),
  so a forgotten check in a caller cannot open a write. Views declare the page's rule as well,
  for the 403 and for what the page offers. Seeding services, which take no user and run from
  manage.py on the server, check nothing: the server's operator is trusted.
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

from accounts.http import user_of
from accounts.roles import ADMIN_ROLES, SOLE_ROLES, Role

if TYPE_CHECKING:
    from accounts.models import Office, User


def can_read_all(user: User) -> bool:
    """Leaders and admins read every office's data."""
    return user.is_active and (user.is_admin or user.is_leader)


def can_manage_offices(user: User) -> bool:
    """Admins manage offices, including an office's robot address (it carries an access token)."""
    return user.is_active and user.is_admin


def can_plan_year(user: User) -> bool:
    """Admins plan a year: open it (开启新年度), turn its plan text into tasks, and import or
    export its targets and tasks by Excel."""
    return user.is_active and user.is_admin


def can_export_year_plan(user: User) -> bool:
    """The year's targets and tasks as xlsx (年度目标 → 导出): those who plan the year, and
    leaders, who read every office's targets and tasks."""
    return can_plan_year(user) or bool(user.is_active and user.is_leader)


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


def is_administrator(user: User) -> bool:
    """One of the three administrators of 三权分立 (a superuser counts as 系统管理员): they sign
    in with a second factor when OTP_REQUIRED_FOR_ADMINS is on."""
    names = {role.value for role in ADMIN_ROLES}
    return bool(user.is_superuser or (user.role_names & names))


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
        ) % {"roles": _("和").join(str(role.label) for role in admin_roles)}
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


# --- pages every signed-in person opens ----------------------------------------------------------


def can_use_site(user: User) -> bool:
    """Every active person signed in: 待办, 通知, their password and second factor. What such a
    page lists is scoped by readable_rows."""
    return bool(user.is_authenticated and user.is_active)


def can_read_dashboard(user: User) -> bool:
    """驾驶舱, 挂图作战, indicator, project and task pages: everyone signed in, each seeing the
    offices they read (readable_rows, scope_to_offices). The dashboard's CSV and Excel and the
    月度简报 (page and Word) ask can_read_office_data, as every export of figures does."""
    return can_use_site(user)


def can_open_admin(user: User) -> bool:
    """数据管理 (Django's admin site): holding a role is what opens it (or staff status)."""
    return bool(user.is_active and (user.is_staff or getattr(user, "has_any_role", False)))


def oversees_town(user: User) -> bool:
    """Leaders and admins follow every office (待办 lists the town's items, shortest first)."""
    return bool(user.is_active and (user.is_leader or user.is_admin))


# --- the month's report: 月报填报, Excel导入, 月度进展填报 and the review ------------------------


def can_open_month_report(user: User) -> bool:
    """The 月报填报 and 月度进展填报 pages: writers fill them in, reviewers read them (月报审核)."""
    return can_enter_data(user) or can_review_months(user)


def can_save_month_report(user: User) -> bool:
    """Saving those pages, importing a filled template and downloading the template."""
    return can_enter_data(user)


def can_read_office_data(user: User) -> bool:
    """Whether the person reads any office's figures and projects: leaders and admins (every
    office), clerks and reviewers (their own). 安全管理员 and 审计管理员 read none, so every
    download of figures (数据管理's exports, the dashboard's CSV and Excel, the 月度简报 and its
    Word file) answers them 403 rather than an empty file."""
    if can_read_all(user):
        return True
    return bool(
        user.is_active and user.office_id is not None and (user.is_clerk or user.is_reviewer)
    )


def can_export_figures(user: User) -> bool:
    """The year's figures as xlsx (数据管理 → 指标数据 → 导出): those who read an office's data;
    the workbook holds the offices they read."""
    return can_read_office_data(user)


def can_export_projects(user: User) -> bool:
    """The projects as xlsx (数据管理 → 重点项目 → 导出); scoped like the list."""
    return can_read_office_data(user)


def can_review_months(user: User) -> bool:
    """Whether the person reviews any office's months (admins: every office; 审核员: their own)."""
    return bool(user.is_active and (user.is_admin or user.is_reviewer))


def office_filled_in_by(user: User) -> int | None:
    """The office whose month the person fills in as its 录入员 (their 待办 asks them to), or
    None (admins write any office but are asked for none)."""
    if user.is_active and user.is_clerk and user.office_id is not None:
        return user.office_id
    return None


def offices_reviewed_by(user: User) -> list[int] | None:
    """The offices whose months the person reviews: None for every office (admins), else a
    list (a 审核员's own office, or none)."""
    if not user.is_active:
        return []
    if user.is_admin:
        return None
    if user.is_reviewer and user.office_id is not None:
        return [user.office_id]
    return []


def can_review_month(user: User, office: Office) -> bool:
    """审核通过 and 退回 of `office`'s month: admins, and the office's 审核员 (its head)."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    return user.has_perm("indicators.review_month") and user.office_id == office.pk


def can_approve_month(user: User, office: Office, submitted_by_id: int | None = None) -> bool:
    """审核通过: a reviewer of the office who is not the one who submitted the month."""
    return can_review_month(user, office) and (
        submitted_by_id is None or submitted_by_id != user.pk
    )


def can_submit_month(user: User, office: Office) -> bool:
    """报送 an office's month: whoever writes the office's figures."""
    return can_write_office(user, office)


def can_withdraw_month(user: User, office: Office) -> bool:
    """撤回 a submitted month before it is reviewed: whoever writes the office's figures."""
    return can_write_office(user, office)


def can_reopen_month(user: User, office: Office | None = None) -> bool:
    """重新打开 a reviewed month: admins alone, with a reason that is kept."""
    return bool(user.is_active and user.is_admin)


def can_change_figure(user: User, figure: Any) -> bool:
    """A figure (or its revision) is changed by whoever writes its indicator's office."""
    return can_write_office(user, figure.indicator.office_id)


def can_change_progress_report(user: User, report: Any) -> bool:
    """A month's progress on a project or task: whoever writes the subject's office."""
    return can_write_office(user, report.subject.office_id)


# --- 督办 ---------------------------------------------------------------------------------------


def can_resolve_supervision(user: User, item: Any) -> bool:
    """The office asked to act records the resolution (its clerks, and admins)."""
    return can_write_office(user, item.office_id)


def can_send_back_supervision(user: User, item: Any = None) -> bool:
    """A leader or admin sends a resolved item back."""
    return can_raise_supervision(user)


def can_confirm_supervision(user: User, item: Any) -> bool:
    """确认办结: whoever raised the item confirms its resolution."""
    return bool(user.is_active and item.raised_by_id == user.pk)


def can_read_notification_log(user: User) -> bool:
    """The notifications sent and their deliveries (数据管理 → 通知): admins, to see what was sent
    to whom and which channel failed; no one changes them."""
    return bool(user.is_active and user.is_admin)


# --- past versions ------------------------------------------------------------------------------


def can_revert_history(user: User, obj: Any = None) -> bool:
    """Past versions (django-simple-history) are read only: no one reverts one, admins included;
    a change is made on the row's own change page, under its own rules."""
    return False


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
    if can_review_months(user):
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


# --- declaring a page's rule -------------------------------------------------------------------

Rule = Callable[..., bool]


def public(user: Any) -> bool:
    """Pages for everyone, signed in or not (the login page, /healthz)."""
    return True


def permission(rule: Rule, *, post: Rule | None = None) -> Callable:
    """Declare a function view's rule: 403 unless `rule(request.user)` holds, and for a POST
    unless `post(request.user)` holds too. The rules are kept on the view (`permission_rule`,
    `permission_post_rule`) for the URL × role matrix to read. `public` also exempts the view
    from LoginRequiredMiddleware."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            user = request.user
            if rule is not public and not rule(user):
                raise PermissionDenied
            if post is not None and request.method == "POST" and not post(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.permission_rule = rule  # type: ignore[attr-defined]
        wrapped.permission_post_rule = post  # type: ignore[attr-defined]
        if rule is public:
            wrapped.login_required = False  # type: ignore[attr-defined]
        return wrapped

    return decorator


class PermissionMixin:
    """`permission(...)` for class-based views: set `permission_rule` (and `permission_post_rule`
    for a POST that needs more)."""

    permission_rule: Rule
    permission_post_rule: Rule | None = None

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable:
        view = super().as_view(**initkwargs)  # type: ignore[misc]
        return permission(cls.permission_rule, post=cls.permission_post_rule)(view)


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

    def field_choices(self, field, request, model_admin):
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
        return readable_rows(super().get_queryset(request), user_of(request))  # type: ignore[misc]

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)  # type: ignore[misc]
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return readable_rows(queryset, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": out_of_scope_message(db_field)})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
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
        return can_write_office(user_of(request), office)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_write_office(user_of(request), self.office_of(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_write_office(user_of(request), self.office_of(obj))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        def clean(form: forms.ModelForm) -> Any:
            cleaned = form_class.clean(form)
            model_admin._refuse_leaving_scope(request, form, obj)
            return cleaned

        attrs = {"__module__": form_class.__module__, "clean": clean}
        return type(form_class)(form_class.__name__, (form_class,), attrs)  # type: ignore[misc]

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

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None):
        pk = self._check_visible(request, object_id)
        return super().history_view(request, str(pk), extra_context=extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ):
        if request.method not in ("GET", "HEAD") and not can_revert_history(user_of(request)):
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
        return not can_revert_history(user_of(request), obj)

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_revert_history(user_of(request), obj)

    def render_history_view(
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
