"""The 身份鉴别 acts written to the security log as they happen: logins and their failures,
logouts and lockouts (Django's and django-axes' signals), and at login what the session still
owes (accounts.identification). Connected in accounts.apps."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, identification
from accounts.audit import Action, Result
from accounts.models import SecurityEvent, User

# The reason a signed-in person was signed out, when it was not their own choice.
LOGOUT_REASON = "identification_logout_reason"


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None:
        return
    level, notice = identification.login_notice(user)
    audit.record(Action.LOGIN, request=request, user=user)
    session = getattr(request, "session", None)
    if session is None:
        return
    if identification.confirmed_device(user) is not None:
        session[identification.SESSION_OTP_STEP] = identification.OTP_VERIFY
    elif identification.otp_required(user):
        session[identification.SESSION_OTP_STEP] = identification.OTP_ENROL
    else:
        session.pop(identification.SESSION_OTP_STEP, None)
    if notice and (
        identification.SESSION_OTP_STEP in session
        or identification.password_change_reason(user) is not None
    ):
        # Shown on the page the person lands on once the second factor or new password is done.
        session[identification.SESSION_NOTICE] = (level, notice)
    else:
        identification.show_notice(request, level, notice)


def on_login_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")[:150]
    check = credentials.get(identification.CHECK_KEY)
    action = Action.OTP if check == identification.CHECK_OTP else Action.LOGIN_FAILED
    detail = {
        identification.CHECK_OLD_PASSWORD: _("修改密码时原密码错误"),
        identification.CHECK_OTP: _("动态口令错误"),
    }.get(check or "", _("用户名或密码错误"))
    result = Result.FAILURE
    if getattr(request, "axes_locked_out", False) and not getattr(
        request, "identification_new_lockout", False
    ):
        # django-axes refused it before any password was checked.
        result, detail = Result.REFUSED, _("账号已锁定，未校验密码")
    user = User.objects.filter(username=username).first() if username else None
    audit.record(
        action, request=request, user=user, username=username, result=result, detail=detail
    )


def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if request is None or user is None:
        return
    audit.record(
        Action.LOGOUT, request=request, user=user, detail=getattr(request, LOGOUT_REASON, "")
    )


def on_locked_out(
    sender: Any, request: HttpRequest | None, username: str, ip_address: str, **kwargs: Any
) -> None:
    """django-axes locked a username from an address: one row per lockout, however many tries
    are refused while it lasts."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    address = audit.client_address(request) if request is not None else ip_address
    already = SecurityEvent.objects.filter(
        action=Action.LOCKOUT, username=(username or "")[:150], address=address, at__gte=since
    ).exists()
    if already:
        return
    if request is not None:
        request.identification_new_lockout = True  # type: ignore[attr-defined]
        setattr(request, LOGOUT_REASON, _("连续失败被锁定"))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    audit.record(
        Action.LOCKOUT,
        request=request,
        user=User.objects.filter(username=username).first() if username else None,
        username=username or "",
        result=Result.REFUSED,
        detail=_("连续 %(limit)d 次失败，锁定 %(minutes)d 分钟")
        % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
    )
