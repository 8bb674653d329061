from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class HttpsURLField(models.URLField):
    """A URL field whose form reads a bare host as https:// (Django 6's default, asked for now
    so that Django 5 does not warn)."""

    def formfield(self, **kwargs):  # type: ignore[no-untyped-def]
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

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

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
