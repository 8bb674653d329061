"""身份鉴别 (GB/T 22239-2019 8.1.4.1): what a password must be.

Both validators are named in AUTH_PASSWORD_VALIDATORS, so every page that sets a password — the
person's own 修改密码, an admin's 新增用户 and 重置密码 — applies them, in Chinese.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    """How many of the four classes the password uses: capitals, small letters, digits, and
    symbols (anything else: punctuation, spaces, Chinese characters)."""
    classes = [False, False, False, False]
    for char in password:
        if "A" <= char <= "Z":
            classes[0] = True
        elif "a" <= char <= "z":
            classes[1] = True
        elif "0" <= char <= "9":
            classes[2] = True
        else:
            classes[3] = True
    return sum(classes)


class ComplexityValidator:
    """At least `min_length` characters, from at least `min_classes` of the four classes."""

    def __init__(self, min_length: int = 8, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length or character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "密码至少 %(length)d 位，并包含大写字母、小写字母、数字、符号中的至少 %(classes)d 类。"
        ) % {"length": self.min_length, "classes": self.min_classes}


class PasswordHistoryValidator:
    """A new password may not be any of the last PASSWORD_HISTORY_COUNT, the current included.

    Django calls `password_changed` after every save of a new password, which is where the
    history is kept (accounts.models.PasswordHistory, hashes only)."""

    def __init__(self, count: int | None = None) -> None:
        self._count = count

    @property
    def count(self) -> int:
        return self._count if self._count is not None else settings.PASSWORD_HISTORY_COUNT

    def validate(self, password: str, user: Any = None) -> None:
        if self.count <= 0 or user is None or user.pk is None:
            return
        from accounts.models import PasswordHistory

        hashes = [user.password] if user.has_usable_password() else []
        newest_first = PasswordHistory.objects.filter(user=user).order_by("-id")
        hashes += newest_first.values_list("password", flat=True)[: self.count]
        if any(check_password(password, encoded) for encoded in dict.fromkeys(hashes)):
            raise ValidationError(
                _("新密码不能与最近 %(count)d 次使用过的密码相同。") % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None or not user.has_usable_password():
            return
        from accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        newest_first = PasswordHistory.objects.filter(user=user).order_by("-id")
        stale = newest_first.values_list("pk", flat=True)[max(self.count, 1) :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return _("不能与最近 %(count)d 次使用过的密码相同。") % {"count": self.count}
