"""Demo accounts for a development machine; never created by a migration or with DEBUG off, and
refused at login when DEBUG is off (accounts.permissions.login_refusal)."""

from __future__ import annotations

import os
import secrets
import string

from django.conf import settings

from accounts.models import Office, User
from accounts.permissions import DEMO_ACCOUNT_MARK
from accounts.roles import Role
from accounts.services import user_ensure

DEMO_OFFICE_CODE = "jjfzb"  # 经济发展办
PASSWORD_FILE = settings.VAR_DIR / "demo-password.txt"


def demo_password() -> str:
    """DEMO_PASSWORD if set, else the one generated at the first demo setup (kept under var/)."""
    from_env = os.environ.get("DEMO_PASSWORD")
    if from_env:
        return from_env
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text(encoding="utf-8").strip()
    # Capital, small letter and symbol up front: the password rules (accounts.validators) hold
    # whatever the random part draws.
    alphabet = string.ascii_letters + string.digits
    password = "Xg-" + "".join(secrets.choice(alphabet) for _ in range(10))
    PASSWORD_FILE.parent.mkdir(exist_ok=True)
    PASSWORD_FILE.write_text(password, encoding="utf-8")
    return password


def demo_accounts_ensure(*, password: str) -> list[tuple[User, bool]]:
    office = Office.objects.get(code=DEMO_OFFICE_CODE)
    accounts = [
        user_ensure(
            username="admin", password=password, roles=[Role.ADMIN], display_name="系统管理员"
        ),
        user_ensure(
            username="leader", password=password, roles=[Role.LEADER], display_name="镇领导"
        ),
        user_ensure(
            username="reviewer",
            password=password,
            roles=[Role.REVIEWER],
            office=office,
            display_name="经发办审核员",
        ),
        user_ensure(
            username="clerk",
            password=password,
            roles=[Role.CLERK],
            office=office,
            display_name="经发办录入员",
        ),
        user_ensure(
            username="security",
            password=password,
            roles=[Role.SECURITY],
            display_name="安全管理员",
        ),
        user_ensure(
            username="auditor",
            password=password,
            roles=[Role.AUDITOR],
            display_name="审计管理员",
        ),
    ]
    # Marked even when made by an earlier run, so that none can sign in with DEBUG off.
    User.objects.filter(pk__in=[user.pk for user, _created in accounts]).update(
        last_name=DEMO_ACCOUNT_MARK
    )
    return accounts
