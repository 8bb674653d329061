"""Grant or remove a role on the server: the only way to give or take the 安全管理员 and
审计管理员 roles (三权分立: no administrator can do it through the web pages)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts import audit, permissions
from accounts.models import User
from accounts.roles import Role


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "授予或撤销角色（安全管理员、审计管理员只能这样授予）："
            "grant_role 用户名 角色 [--remove]"
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=[role.value for role in Role])
        parser.add_argument("--remove", action="store_true", help=_("撤销该角色"))

    def handle(self, *args, username: str, role: str, remove: bool, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户“%(username)s”不存在。") % {"username": username})
        group, _created = Group.objects.get_or_create(name=role)
        roles = set(user.groups.values_list("name", flat=True))
        roles = roles - {role} if remove else roles | {role}
        conflict = permissions.role_conflict(roles, is_superuser=user.is_superuser)
        if conflict:
            raise CommandError(str(conflict))
        if remove:
            user.groups.remove(group)
        else:
            user.groups.add(group)
        audit.record(
            audit.Action.ROLE_CHANGE,
            user=None,
            username="manage.py",
            obj=user,
            detail=(
                _("撤销角色：%(role)s（服务器命令）")
                if remove
                else _("授予角色：%(role)s（服务器命令）")
            )
            % {"role": role},
        )
        done = (
            _("已撤销“%(username)s”的角色：%(role)s。")
            if remove
            else _("已授予“%(username)s”的角色：%(role)s。")
        )
        self.stdout.write(done % {"username": username, "role": role})
