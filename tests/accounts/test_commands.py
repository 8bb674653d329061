from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Office, User

pytestmark = pytest.mark.django_db


def test_seed_creates_the_offices_the_document_implies_and_is_idempotent():
    call_command("seed", stdout=None)
    names = set(Office.objects.values_list("name", flat=True))
    assert {"经济发展办", "农业农村办", "自然资源所", "应急管理办", "社会事务办", "党建办"} <= names
    count = Office.objects.count()
    Office.objects.filter(code="jjfzb").update(name="经济发展办公室")  # an admin's edit
    call_command("seed", stdout=None)
    assert Office.objects.count() == count
    assert Office.objects.get(code="jjfzb").name == "经济发展办公室"


def test_demo_setup_creates_the_demo_accounts(settings, tmp_path, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-pass-for-test")
    call_command("seed")
    call_command("demo_setup")
    out = capsys.readouterr().out
    assert "Demo-pass-for-test" in out
    admin = User.objects.get(username="admin")
    leader = User.objects.get(username="leader")
    clerk = User.objects.get(username="clerk")
    assert admin.role_names == {"系统管理员"}
    assert User.objects.get(username="security").role_names == {"安全管理员"}
    assert User.objects.get(username="auditor").role_names == {"审计管理员"}
    assert leader.role_names == {"领导"}
    assert clerk.role_names == {"录入员"} and clerk.office.name == "经济发展办"
    reviewer = User.objects.get(username="reviewer")
    assert reviewer.role_names == {"审核员"} and reviewer.office == clerk.office
    assert clerk.check_password("Demo-pass-for-test")
    clerk.set_password("changed-by-the-clerk")
    clerk.save()
    call_command("demo_setup")  # a second run keeps the users as they are
    demo = ["admin", "leader", "clerk", "reviewer", "security", "auditor"]
    assert User.objects.filter(username__in=demo).count() == 6
    assert User.objects.get(username="clerk").check_password("changed-by-the-clerk")


def test_demo_setup_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="开发环境"):
        call_command("demo_setup")
    assert not User.objects.exists()


def test_no_migration_creates_a_user():
    assert not User.objects.exists()
