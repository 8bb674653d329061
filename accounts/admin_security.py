"""The admin pages of the 安全管理员 and the 审计管理员 (三权分立).

- 安全审计日志 (accounts.SecurityEvent): the 审计管理员 alone lists, filters and exports it
  (CSV or Excel); no one adds, changes or deletes a row here.
- 登录安全 (django-axes' records): the 安全管理员 alone reads them and unlocks an account
  (deletes its lockout row); the login records themselves are never deleted here.
- 在线会话: the 安全管理员 sees who is signed in and ends a person's sessions.

Each page asks accounts.permissions by role, not Django's model permissions, so neither a
superuser nor a group given those permissions reaches them without the role.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import permissions, security_log, sessions
from accounts.audit import Action, Result, record
from accounts.http import user_of
from accounts.models import SecurityEvent, User

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UsernameFilter(admin.SimpleListFilter):
    """The log by account (a failed login may name anyone: those are found by the search)."""

    title = _("用户")
    parameter_name = "username"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (username, f"{username}（{name}）" if name else username)
            for username, name in User.objects.order_by("username").values_list(
                "username", "display_name"
            )
        ]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(username=self.value()) if self.value() else queryset


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "address", "action", "object", "result", "detail"]
    list_filter = ["at", UsernameFilter, "action", "result"]
    date_hierarchy = "at"
    search_fields = ["username", "object", "detail"]
    list_per_page = 50
    show_full_result_count = False
    fields = ["at", "username", "address", "action", "object", "result", "detail"]
    readonly_fields = fields  # type: ignore[assignment]
    change_list_template = "admin/accounts/securityevent/change_list.html"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_read_security_log(user_of(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_read_security_log(user_of(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        return {}

    def get_urls(self) -> list:
        return [
            path(
                "export/",
                self.admin_site.admin_view(
                    permissions.permission(permissions.can_read_security_log)(self.export_view)
                ),
                name="accounts_securityevent_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The list as filtered on the page, every row, as CSV (?_export=csv) or Excel."""
        kind = "xlsx" if request.GET.get("_export") == "xlsx" else "csv"
        query = request.GET.copy()
        query.pop("_export", None)
        request.GET = query  # type: ignore[assignment]
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, gettext("筛选条件无效，未导出。"))
            return HttpResponseRedirect(reverse("admin:accounts_securityevent_changelist"))
        events = list(changelist.queryset)
        if kind == "csv":
            body, content_type = security_log.csv_bytes(events), "text/csv; charset=utf-8"
        else:
            body, content_type = security_log.xlsx_bytes(events), XLSX_TYPE
        name = gettext("安全审计日志_%(time)s.%(kind)s") % {
            "time": f"{timezone.localtime():%Y%m%d-%H%M%S}",
            "kind": kind,
        }
        conditions = "；".join(f"{key}={value}" for key, value in query.items()) or gettext("全部")
        record(
            Action.EXPORT,
            request=request,
            obj=gettext("安全审计日志"),
            detail=gettext("%(name)s，%(count)d条，条件：%(conditions)s")
            % {"name": name, "count": len(events), "conditions": conditions},
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


# --- django-axes: lockouts and login records ---------------------------------------------------


class SecurityAdminOnly:
    """Read-only, for the 安全管理员 alone."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_lockouts(user_of(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_lockouts(user_of(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LockoutAdmin(SecurityAdminOnly, AccessAttemptAdmin):
    """A lockout is lifted by deleting its row (django-axes' way); each unlock is logged. The
    form data axes keeps (GET and POST, passwords masked) is left off the page."""

    list_display = [
        "attempt_time",
        "username",
        "ip_address",
        "path_info",
        "failures_since_start",
        "lock_state",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "ip_address",
                    "user_agent",
                    "path_info",
                    "failures_since_start",
                    "attempt_time",
                )
            },
        ),
    )

    @admin.display(description=_("状态"))
    def lock_state(self, obj: AccessAttempt) -> str:
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left > 0:
            return gettext("还可尝试%(count)d次") % {"count": left}
        return gettext("已锁定")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_lockouts(user_of(request))

    def _log_unlock(self, request: HttpRequest, attempt: AccessAttempt) -> None:
        record(
            Action.LOCKOUT,
            request=request,
            obj=f"{attempt.username}（{attempt.ip_address or '—'}）",
            detail=gettext("安全管理员解除锁定（此前连续失败%(count)d次）。")
            % {"count": attempt.failures_since_start},
        )

    def delete_model(self, request: HttpRequest, obj: AccessAttempt) -> None:
        super().delete_model(request, obj)
        self._log_unlock(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        attempts = list(queryset)
        super().delete_queryset(request, queryset)
        for attempt in attempts:
            self._log_unlock(request, attempt)


class LoginRecordAdmin(SecurityAdminOnly, AccessLogAdmin):
    pass


class LoginFailureAdmin(SecurityAdminOnly, AccessFailureLogAdmin):
    pass


for model, model_admin in [
    (AccessAttempt, LockoutAdmin),
    (AccessLog, LoginRecordAdmin),
    (AccessFailureLog, LoginFailureAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)  # type: ignore[arg-type]


# --- 在线会话 ---------------------------------------------------------------------------------


def _user_id(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


@permissions.permission(permissions.can_manage_sessions)
def sessions_view(request: HttpRequest) -> HttpResponse:
    """Who is signed in now; POST user=<id> ends that person's sessions (强制下线)."""
    if request.method == "POST":
        user_id = _user_id(request.POST.get("user", ""))
        target = User.objects.filter(pk=user_id).first() if user_id is not None else None
        if target is None:
            messages.error(request, gettext("没有这个用户，未做任何改动。"))
        else:
            # The security admin's own current session stays: ending it here would end the page.
            keep = request.session.session_key if target.pk == request.user.pk else None
            ended = sessions.sessions_end(user_id=target.pk, keep=keep)
            record(
                Action.SESSION_END,
                request=request,
                obj=target,
                result=Result.SUCCESS,
                detail=gettext("安全管理员强制下线，结束%(count)d个会话。") % {"count": ended},
            )
            messages.success(
                request,
                gettext("已结束“%(name)s”的%(count)d个会话。") % {"name": target, "count": ended},
            )
        return HttpResponseRedirect(reverse("admin:security_sessions"))
    context = {
        **admin.site.each_context(request),
        "title": _("在线会话"),
        "people": sessions.signed_in(),
        "single_session": settings.SINGLE_SESSION,
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
    return TemplateResponse(request, "admin/accounts/sessions.html", context)
