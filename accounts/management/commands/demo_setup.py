from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.demo import DEMO_OFFICE_CODE, demo_accounts_ensure, demo_password
from accounts.models import Office


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "创建演示账号和演示数据（仅限 DEBUG=1 的开发环境）。可重复运行，不会丢失已有数据。"
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(_("演示账号和演示数据只能在开发环境（DEBUG=1）中创建。"))
        if not Office.objects.filter(code=DEMO_OFFICE_CODE).exists():
            raise CommandError(_("尚未导入科室，请先运行 manage.py seed。"))
        password = demo_password()
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(
                _("演示账号密码不符合密码规则（DEMO_PASSWORD 或 var/demo-password.txt）：")
                + "".join(error.messages)
            ) from error
        accounts = demo_accounts_ensure(password=password)
        self.stdout.write(_("演示账号（Demo accounts）:"))
        for user, created in accounts:
            state = _("新建") if created else _("已存在，未改动")
            roles = "、".join(sorted(user.role_names))
            self.stdout.write(
                _("  用户名 %(username)s 角色 %(roles)s %(state)s")
                % {"username": f"{user.username:<8}", "roles": f"{roles:<6}", "state": state}
            )
        self.stdout.write(_("  密码（password）: %(password)s") % {"password": password})
        # Demo figures, targets and progress belong to the apps that hold them.
        call_command("demo_data", stdout=self.stdout)
