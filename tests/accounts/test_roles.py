"""Each role holds the permissions it should, and the admin manages users with them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts import permissions
from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, username: str, password: str) -> bool:
    """Log in through the login page, as a person does (django-axes needs the request)."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def test_the_roles_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) == {
        "录入员",
        "审核员",
        "领导",
        "系统管理员",
        "安全管理员",
        "审计管理员",
    }


def test_the_system_admin_holds_the_data_and_accounts_but_not_security_or_the_log():
    codenames = set(
        Group.objects.get(name=Role.ADMIN.value).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert {
        ("accounts", "add_user"),
        ("accounts", "change_user"),
        ("accounts", "change_office"),
        ("auth", "change_group"),
        ("indicators", "change_indicator"),
        ("indicators", "review_month"),
        ("plans", "change_target"),
    } <= codenames
    # Users are deactivated, never deleted; lockouts, sessions and the log are not theirs.
    assert ("accounts", "delete_user") not in codenames
    assert not {(app, code) for app, code in codenames if app in {"axes", "sessions"}}
    assert not {code for _app, code in codenames if code.endswith("securityevent")}
    assert not {code for _app, code in codenames if code.endswith("passwordhistory")}


def test_leader_role_only_reads():
    codenames = set(
        Group.objects.get(name=Role.LEADER.value).permissions.values_list("codename", flat=True)
    )
    assert "view_office" in codenames
    # Reading only, but for raising 督办 items.
    assert {c for c in codenames if not c.startswith("view_")} == {"add_supervisionitem"}
    assert "view_user" not in codenames
    assert "view_securityevent" not in codenames and "view_accessattempt" not in codenames


def test_clerk_role_reads_offices_but_cannot_manage_users():
    codenames = set(
        Group.objects.get(name=Role.CLERK.value).permissions.values_list("codename", flat=True)
    )
    assert "view_office" in codenames
    assert not codenames & {"add_user", "change_user", "view_user", "change_office"}


def test_a_user_may_hold_several_roles(office_a):
    user = UserFactory(office=office_a, roles=[Role.CLERK, Role.LEADER])
    user = User.objects.get(pk=user.pk)
    assert user.is_clerk and user.is_leader and not user.is_admin
    assert permissions.can_read_all(user) and permissions.can_enter_data(user)


def test_office_scoping_helpers(clerk, clerk_b, leader, admin_user, office_a, office_b):
    assert list(permissions.readable_offices(clerk)) == [office_a]
    assert list(permissions.writable_offices(clerk)) == [office_a]
    assert set(permissions.readable_offices(leader)) == {office_a, office_b}
    assert list(permissions.writable_offices(leader)) == []
    assert set(permissions.writable_offices(admin_user)) == {office_a, office_b}
    assert permissions.can_write_office(clerk, office_a)
    assert not permissions.can_write_office(clerk, office_b)
    assert not permissions.can_write_office(leader, office_a)
    assert permissions.can_write_office(admin_user, office_b)


def test_an_inactive_user_can_do_nothing(clerk, office_a):
    clerk.is_active = False
    assert not permissions.can_enter_data(clerk)
    assert not permissions.can_write_office(clerk, office_a)
    assert list(permissions.readable_offices(clerk)) == []


def test_a_user_without_role_cannot_open_the_admin(client, office_a):
    client.force_login(UserFactory(office=office_a))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"])["Location"].startswith("/accounts/login/?next=")


def test_clerk_cannot_manage_users(clerk_client):
    assert clerk_client.get("/admin/").status_code == 200
    assert clerk_client.get("/admin/accounts/user/").status_code == 403
    assert clerk_client.get("/admin/accounts/user/add/").status_code == 403


def test_leader_reads_offices_but_cannot_change_them(leader_client, office_a):
    url = f"/admin/accounts/office/{office_a.pk}/change/"
    response = leader_client.get(url)
    assert response.status_code == 200
    assert 'name="name"' not in response.content.decode()  # read-only view
    response = leader_client.post(url, {"code": "x", "name": "改名", "order": 1})
    assert response.status_code == 403
    office_a.refresh_from_db()
    assert office_a.name == "经济发展办"


def test_an_admin_creates_a_clerk_through_the_admin_who_can_then_log_in(
    client, admin_client_role, office_a
):
    clerk_group = Group.objects.get(name=Role.CLERK.value)
    page = admin_client_role.get("/admin/accounts/user/add/").content.decode()
    assert "填写用户名、姓名、科室、角色和初始密码后保存" in page
    assert "After you" not in page  # Django's English-only sentence is replaced
    response = admin_client_role.post(
        "/admin/accounts/user/add/",
        {
            "username": "wangfang",
            "display_name": "王芳",
            "office": office_a.pk,
            "groups": [clerk_group.pk],
            "password1": "Xiage-2024-strong",
            "password2": "Xiage-2024-strong",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="wangfang")
    assert user.office == office_a
    assert user.role_names == {"录入员"}
    admin_client_role.logout()
    assert log_in(client, "wangfang", "Xiage-2024-strong")
    # The admin chose this password: it is changed first (tests/accounts/test_identification.py).
    assert client.get("/admin/")["Location"].startswith("/accounts/password_change/")
    User.objects.filter(username="wangfang").update(password_must_change=False)
    assert client.get("/admin/").status_code == 200


def test_an_admin_deactivates_a_user_who_then_cannot_log_in(client, admin_client_role, clerk):
    from tests.factories import TEST_PASSWORD

    response = admin_client_role.post(
        f"/admin/accounts/user/{clerk.pk}/change/",
        {
            "username": clerk.username,
            "display_name": "",
            "office": clerk.office_id,
            "email": "",
            "groups": list(clerk.groups.values_list("pk", flat=True)),
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clerk.refresh_from_db()
    assert clerk.is_active is False
    assert not log_in(client, clerk.username, TEST_PASSWORD)


def test_an_admin_resets_a_password(client, admin_client_role, clerk):
    response = admin_client_role.post(
        f"/admin/accounts/user/{clerk.pk}/password/",
        {"password1": "New-Xiage-pass-9", "password2": "New-Xiage-pass-9"},
    )
    assert response.status_code == 302
    assert log_in(client, clerk.username, "New-Xiage-pass-9")
