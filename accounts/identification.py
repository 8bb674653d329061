"""身份鉴别 (GB/T 22239-2019 8.1.4.1, level 3): the rules the login, the second factor and the
password pages share.

- A password is at least 8 characters from three of four classes and is not one of the last
  PASSWORD_HISTORY_COUNT (accounts.validators); one set by an admin (a new account, a reset) and
  one older than PASSWORD_MAX_AGE_DAYS must be changed before any other page opens
  (accounts.middleware).
- A wrong password anywhere — the login, the old password on 修改密码, a wrong code from the
  authenticator app — counts towards django-axes' lockout of that username from that address.
- The second factor is a TOTP device (django-otp): required for the admin roles when
  OTP_REQUIRED_FOR_ADMINS, optional for everyone else; once enrolled, always asked for.
- After login the person is told when and from where they last signed in and how many failures
  there have been since (鉴别警示), from the security log.

Whether a session still owes the second factor is decided once, at login, and kept in the
session, so pages cost no extra query for people without a device.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import Action, Result
from accounts.models import SecurityEvent, User

# What the session still owes before any page opens: "verify" (a code from the enrolled app)
# or "enrol" (an admin role without a device yet). Set at login, cleared by accounts.views.
SESSION_OTP_STEP = "_otp_step"
OTP_VERIFY = "verify"
OTP_ENROL = "enrol"
# 鉴别警示 held back while a second factor or a new password is still owed.
SESSION_NOTICE = "_auth_notice"

# Why a password must be changed now.
MUST_CHANGE = "must_change"
EXPIRED = "expired"

# What a failed check was, for the security log (user_login_failed's credentials carry it).
CHECK_KEY = "xiage_check"
CHECK_OLD_PASSWORD = "old_password"
CHECK_OTP = "otp"


def otp_required(user: User) -> bool:
    """Must this person sign in with a second factor?"""
    if not settings.OTP_REQUIRED_FOR_ADMINS:
        return False
    from accounts.permissions import is_administrator

    return is_administrator(user)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def password_change_reason(user: Any) -> str | None:
    """MUST_CHANGE or EXPIRED when the person has to choose a new password now, else None.
    Reads only the user row already loaded for the request."""
    if not getattr(user, "is_authenticated", False) or not user.has_usable_password():
        return None
    if user.password_must_change:
        return MUST_CHANGE
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    changed = user.password_changed_at
    if max_age > 0 and changed is not None and timezone.now() - changed > timedelta(max_age):
        return EXPIRED
    return None


def otp_step(request: HttpRequest) -> str | None:
    """The second-factor step this session still owes, if any."""
    step = request.session.get(SESSION_OTP_STEP)
    if step is None:
        return None
    is_verified = getattr(request.user, "is_verified", None)
    return None if is_verified is not None and is_verified() else step


def login_notice(user: User) -> tuple[int, str]:
    """鉴别警示, read before this login is recorded: the last login's time and address and the
    failed attempts since (or since ever, on a first login). Returns (message level, text);
    the text is empty for a first login with no failures."""
    username = user.get_username()
    last = SecurityEvent.objects.filter(
        username=username, action=Action.LOGIN, result=Result.SUCCESS
    ).first()
    failures = SecurityEvent.objects.filter(
        username=username, action__in=[Action.LOGIN_FAILED, Action.OTP]
    ).exclude(result=Result.SUCCESS)
    if last is not None:
        failures = failures.filter(at__gt=last.at)
    count = failures.count()
    if last is None and count == 0:
        return messages.INFO, ""
    if last is None:
        text = _("这是您首次登录。")
    else:
        text = _("上次登录：%(when)s，地址 %(address)s。") % {
            "when": date_format(timezone.localtime(last.at), _("Y年n月j日 H:i")),
            "address": last.address or _("未知"),
        }
    if count:
        text += _(
            "此后登录失败 %(count)d 次（含密码和动态口令错误）。"
            "如非本人操作，请立即修改密码并告知系统管理员。"
        ) % {"count": count}
        return messages.WARNING, text
    return messages.INFO, text + _("此后没有登录失败。")


def show_notice(request: HttpRequest, level: int, text: str) -> None:
    if text:
        messages.add_message(request, level, text, fail_silently=True)


def release_notice(request: HttpRequest) -> None:
    """Show the 鉴别警示 held back at login, once nothing more is owed."""
    held = request.session.pop(SESSION_NOTICE, None)
    if held:
        show_notice(request, held[0], held[1])


def authentication_failed(request: HttpRequest, user: User, check: str) -> bool:
    """A wrong old password or code from a signed-in person: counted by django-axes exactly as a
    failed login (same limit, same lockout of username and address) and written to the security
    log. True when it locked the account: the person is then signed out."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), CHECK_KEY: check},
        request=request,
    )
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return True
    return False


def is_locked(request: HttpRequest, user: User) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})
