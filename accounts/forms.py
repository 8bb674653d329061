"""Forms of 身份鉴别: the authenticator app's code, and an admin's password reset."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AdminPasswordChangeForm, AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts import audit, permissions
from accounts.models import User


class TokenForm(forms.Form):
    """The six digits the authenticator app shows (spaces allowed, as some apps group them)."""

    token = forms.CharField(
        label=_("动态口令"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        help_text=_("打开手机上的认证器App，输入本系统对应的6位数字。"),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if len(token) != 6 or not token.isascii() or not token.isdigit():
            raise forms.ValidationError(_("请输入认证器App上显示的6位数字。"), code="format")
        return token


class AdminPasswordResetForm(AdminPasswordChangeForm):
    """An admin sets someone's password: its holder must change it at their next login."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.mark_password_temporary()
        if commit:
            user.save()
        return user


class LoginForm(AuthenticationForm):
    """The login form: a right password may still be refused (accounts.permissions.login_refusal:
    a demo account with DEBUG off), said in Chinese and kept in the security log."""

    refusal = ""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        refusal = permissions.login_refusal(user)
        if refusal:
            self.refusal = refusal  # said instead of the page's 用户名或密码不正确
            audit.record(
                audit.Action.LOGIN,
                request=self.request,
                user=user,
                obj=user,
                result=audit.Result.REFUSED,
                detail=refusal,
            )
            raise forms.ValidationError(refusal, code="refused")
