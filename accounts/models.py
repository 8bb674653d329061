from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class HttpsURLField(models.URLField):
    """A URL field whose form reads a bare host as https:// (Django 6's default, asked for now
    so that Django 5 does not warn)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class Office(models.Model):
    """A 科室 of the town government; every indicator, task and project belongs to one."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    webhook_url = HttpsURLField(
        _("群机器人地址"),
        max_length=500,
        blank=True,
        help_text=_("钉钉或浙政钉群自定义机器人的Webhook地址；填写后提醒也发到该群。"),
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("科室")
        verbose_name_plural = _("科室")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Roles are auth groups (see accounts.roles); a user may hold several."""

    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    office = models.ForeignKey(
        Office,
        verbose_name=_("所属科室"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # 身份鉴别 (accounts.identification): when the password was last set, and whether the person
    # must choose a new one before anything else (an admin set it: a new account or a reset).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    password_must_change = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None, *, temporary: bool = False) -> None:
        """Set the password; `temporary` (an admin chose it) makes its holder change it at the
        next login."""
        super().set_password(raw_password)
        self._password_temporary = temporary

    def mark_password_temporary(self) -> None:
        """The password just set (not saved yet) was chosen by an admin."""
        self._password_temporary = True

    def save(self, *args, **kwargs) -> None:
        # A new password (set_password, not a hash upgrade at login) restarts its age.
        if getattr(self, "_password", None) is not None:  # set by set_password
            self.password_changed_at = timezone.now()
            self.password_must_change = getattr(self, "_password_temporary", False)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "password_changed_at",
                    "password_must_change",
                }
        super().save(*args, **kwargs)

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.has_role(Role.ADMIN)

    @property
    def is_leader(self) -> bool:
        return self.has_role(Role.LEADER)

    @property
    def is_clerk(self) -> bool:
        return self.has_role(Role.CLERK)

    @property
    def is_reviewer(self) -> bool:
        return self.has_role(Role.REVIEWER)

    @property
    def has_any_role(self) -> bool:
        return self.is_superuser or bool(self.role_names)


class PasswordHistory(models.Model):
    """A password a user held (its hash only), so the last PASSWORD_HISTORY_COUNT are not chosen
    again (accounts.validators.PasswordHistoryValidator)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码"), max_length=128)
    set_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self) -> str:
        return f"{self.user} {self.set_at:%Y-%m-%d}"


class SecurityEvent(models.Model):
    """安全审计: one row per security-relevant act, written by accounts.audit.record and never
    changed or deleted by the application (on PostgreSQL a trigger refuses both)."""

    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        LOGOUT = "logout", _("退出登录")
        PASSWORD_CHANGE = "password_change", _("修改密码")
        PASSWORD_RESET = "password_reset", _("重置密码")
        OTP = "otp", _("动态口令")
        SESSION_END = "session_end", _("会话终止")
        USER_CREATE = "user_create", _("新增用户")
        USER_CHANGE = "user_change", _("修改用户")
        USER_DEACTIVATE = "user_deactivate", _("停用用户")
        ROLE_CHANGE = "role_change", _("角色变更")
        OFFICE_CHANGE = "office_change", _("科室变更")
        EXPORT = "export", _("导出数据")
        DOWNLOAD = "download", _("下载文件")
        IMPORT = "import", _("导入数据")
        BACKUP = "backup", _("备份")
        RESTORE = "restore", _("恢复")
        MONTH_REVIEW = "month_review", _("月报审核")
        MONTH_REOPEN = "month_reopen", _("重新打开月报")
        ACCESS_DENIED = "access_denied", _("越权访问")
        ARCHIVE = "archive", _("审计日志归档")

    class Result(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        REFUSED = "refused", _("拒绝")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("用户"),
        # The log outlives the accounts it names: no constraint, and deleting a user leaves
        # its rows as they are (an UPDATE to null them would be refused by the trigger).
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    object = models.CharField(_("对象"), max_length=200, blank=True)
    result = models.CharField(_("结果"), max_length=8, choices=Result.choices)
    detail = models.TextField(_("详情"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("安全审计日志")
        verbose_name_plural = _("安全审计日志")
        indexes = [models.Index(fields=["username", "at"], name="securityevent_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()}"
