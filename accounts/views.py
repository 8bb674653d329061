from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit, identification
from accounts.audit import Action, Result
from accounts.forms import TokenForm
from accounts.http import SignedInRequest, user_of
from accounts.permissions import PermissionMixin, can_use_site, permission, public


def locked_out(request: HttpRequest, original_response: object = None, credentials: object = None):
    """django-axes' lockout page, in Chinese, saying when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username django-axes records, cut to its 255-character column: the login form does
    not limit what is posted, and a longer one must not turn a failed login into a 500."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username)[:255]


# The site's root address counts as no address at all: whoever simply opened the site lands on
# their 待办 after signing in, like everyone else.
ROOT_ADDRESS = "/"


class LoginView(PermissionMixin, auth_views.LoginView):
    """Django's login page, with the root address counting as no particular page."""

    permission_rule = public

    def get_redirect_url(self) -> str:  # type: ignore[override]
        url = super().get_redirect_url()
        return "" if url == ROOT_ADDRESS else url


def next_url(request: HttpRequest) -> str:
    """Where to go once a step of signing in is done: the page asked for, else 待办."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate == ROOT_ADDRESS:
        candidate = ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def with_next(name: str, request: HttpRequest) -> str:
    """The address of a signing-in step, passing on where the person was going."""
    wanted = request.GET.get("next")
    return reverse(name) + (f"?{urlencode({'next': wanted})}" if wanted else "")


def sign_out_locked(request: HttpRequest) -> HttpResponse:
    """The account is locked (django-axes): the session ends and the lockout page says why."""
    logout(request)
    return locked_out(request)


class LogoutView(PermissionMixin, auth_views.LogoutView):
    """退出登录 (POST), Django's."""

    permission_rule = can_use_site


class PasswordChangeDoneView(PermissionMixin, auth_views.PasswordChangeDoneView):
    permission_rule = can_use_site


class PasswordChangeView(PermissionMixin, auth_views.PasswordChangeView):
    """修改密码: the new password follows AUTH_PASSWORD_VALIDATORS (complexity, history); a wrong
    old password counts as a failed login, and reaching LOGIN_FAILURE_LIMIT signs the person out
    and locks the account like the login page. A forced change (new account, reset by an admin,
    expired password) lands on 待办 when done."""

    permission_rule = can_use_site

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            request.method == "POST"
            and request.user.is_authenticated
            and identification.is_locked(request, request.user)
        ):
            # Locked meanwhile (the login page, another session): nothing is checked.
            return sign_out_locked(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = user_of(self.request)
        context["reason"] = identification.password_change_reason(user)
        context["max_age_days"] = settings.PASSWORD_MAX_AGE_DAYS
        context["next"] = self.request.GET.get("next", "")
        context["has_otp_device"] = identification.confirmed_device(user) is not None
        context["otp_required"] = identification.otp_required(user)
        return context

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            locked = identification.authentication_failed(
                self.request, user_of(self.request), identification.CHECK_OLD_PASSWORD
            )
            if locked:
                return locked_out(self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        forced = identification.password_change_reason(self.request.user)
        response = super().form_valid(form)
        audit.record(Action.PASSWORD_CHANGE, request=self.request, obj=self.request.user)
        if forced is None:
            return response
        messages.success(self.request, _("密码已修改。"))
        identification.release_notice(self.request)
        return HttpResponseRedirect(next_url(self.request))


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as authenticator apps take it by hand: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, drawn here (segno): nothing leaves the
    server."""
    qr = segno.make(device.config_url, error="m", micro=False)
    return qr.svg_inline(scale=4, title=_("动态口令二维码"), svgclass="otp-qr")


def device_to_enrol(user) -> TOTPDevice:
    """The device being enrolled: the same secret however often the page is opened."""
    waiting = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return waiting or TOTPDevice.objects.create(user=user, name=_("认证器"), confirmed=False)


def too_many_tries(request: HttpRequest, device: TOTPDevice, form: TokenForm) -> bool:
    """django-otp's throttle (a growing delay after each wrong code): say so, check nothing."""
    allowed, _details = device.verify_is_allowed()
    if allowed:
        return False
    audit.record(
        Action.OTP,
        request=request,
        obj=request.user,
        result=Result.REFUSED,
        detail=_("动态口令尝试过于频繁"),
    )
    form.add_error("token", _("尝试过于频繁，请稍等几秒后再输入。"))
    return True


def second_factor_done(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    request.session.pop(identification.SESSION_OTP_STEP, None)
    identification.release_notice(request)
    return HttpResponseRedirect(next_url(request))


@never_cache
@sensitive_post_parameters("token")
@permission(can_use_site)
def otp_setup(request: SignedInRequest) -> HttpResponse:
    """绑定认证器: the secret as a QR code and as text; a code from the app confirms it. A
    session not yet verified may not replace a device it already has."""
    user = request.user
    existing = identification.confirmed_device(user)
    if existing is not None and not user.is_verified():  # type: ignore[attr-defined]
        return redirect(with_next("otp_verify", request))
    device = device_to_enrol(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not too_many_tries(request, device, form):
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            audit.record(Action.OTP, request=request, obj=user, detail=_("绑定认证器"))
            messages.success(
                request, _("认证器已绑定。以后登录时，输入密码后还需输入认证器上的动态口令。")
            )
            return second_factor_done(request, device)
        audit.record(
            Action.OTP,
            request=request,
            obj=user,
            result=Result.FAILURE,
            detail=_("绑定认证器时动态口令错误"),
        )
        form.add_error("token", _("动态口令不正确，请核对手机时间后输入最新的6位数字。"))
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "qr_svg": totp_qr_svg(device),
            "secret": totp_secret(device),
            "replacing": existing is not None,
            "required": identification.otp_required(user),
            "next": request.GET.get("next", ""),
        },
    )


@never_cache
@sensitive_post_parameters("token")
@permission(can_use_site)
def otp_verify(request: SignedInRequest) -> HttpResponse:
    """输入动态口令, after the password: a wrong code counts as a failed login (django-axes)."""
    user = request.user
    device = identification.confirmed_device(user)
    if device is None:
        return redirect(with_next("otp_setup", request))
    if user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(next_url(request))
    if request.method == "POST" and identification.is_locked(request, user):
        return sign_out_locked(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not too_many_tries(request, device, form):
        verified = verify_token(user, device.persistent_id, form.cleaned_data["token"])
        if verified is not None:
            audit.record(Action.OTP, request=request, obj=user, detail=_("动态口令验证通过"))
            return second_factor_done(request, verified)
        if identification.authentication_failed(request, user, identification.CHECK_OTP):
            return locked_out(request)
        form.add_error("token", _("动态口令不正确，请输入认证器上最新的6位数字。"))
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )
