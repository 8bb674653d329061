"""访问控制 (GB/T 22239-2019 8.1.4.2, level 3), as a county's review checks it: 三权分立 between the
系统管理员, the 安全管理员 and the 审计管理员, none able to act as another; least privilege for
every role; demo accounts refused when DEBUG is off; one active session per account. Through
the pages' own rendered forms, with the database checked where the answer is a refusal."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.test import Client
from django_webtest import DjangoTestApp

from accounts import permissions
from accounts.demo import demo_accounts_ensure
from accounts.models import SecurityEvent, User
from accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_alone(settings):
    """The second factor has tests of its own (test_identification); here a password signs in."""
    settings.OTP_REQUIRED_FOR_ADMINS = False


@pytest.fixture
def security(db) -> User:
    return UserFactory(username="anquan", display_name="安全员", roles=[Role.SECURITY])


@pytest.fixture
def auditor(db) -> User:
    return UserFactory(username="shenji", display_name="审计员", roles=[Role.AUDITOR])


WORD = r"[A-Za-z][A-Za-z_]+"


def index_modules(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {
        module.select_one("caption").get_text(strip=True): [
            row.get_text(strip=True) for row in module.select("tr th[scope=row]")
        ]
        for module in page.html.select("#content-main .module")
    }


def form_with(page, field: str):  # type: ignore[no-untyped-def]
    """The page's form that has this field (the top bar's 退出登录 is a form too)."""
    return next(form for form in page.forms.values() if field in form.fields)


def codenames(role: Role) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role.value).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def events(action: str) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(action=action).order_by("id"))


# --- least privilege: what each role's group holds -------------------------------------------


def test_the_security_admin_holds_lockouts_and_sessions_and_nothing_else():
    assert codenames(Role.SECURITY) == {
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "sessions.view_session",
        "sessions.delete_session",
    }


def test_the_auditor_holds_the_reading_of_the_log_and_nothing_else():
    assert codenames(Role.AUDITOR) == {"accounts.view_securityevent"}


def test_no_role_but_the_auditor_reads_the_log_and_none_changes_it():
    for role in Role:
        held = codenames(role)
        log = {name for name in held if name.endswith("securityevent")}
        assert log == ({"accounts.view_securityevent"} if role == Role.AUDITOR else set()), role
        lockouts = {name for name in held if name.startswith(("axes.", "sessions."))}
        assert not lockouts or role == Role.SECURITY, role


def test_the_system_admin_may_not_delete_accounts_or_read_old_password_hashes():
    held = codenames(Role.ADMIN)
    assert "accounts.change_user" in held and "accounts.delete_user" not in held
    assert not {name for name in held if "passwordhistory" in name}


def test_a_clerk_writes_only_figures_progress_projects_and_supervision():
    writes = {name for name in codenames(Role.CLERK) if not name.split(".")[1].startswith("view_")}
    assert writes == {
        "indicators.add_figure",
        "indicators.change_figure",
        "plans.change_project",
        "plans.add_projectyearplan",
        "plans.change_projectyearplan",
        "plans.change_stage",
        "plans.add_progressreport",
        "plans.change_progressreport",
        "plans.change_supervisionitem",
    }
    # No delete anywhere, and no user, role or catalogue change.
    assert not {name for name in codenames(Role.CLERK) if ".delete_" in name}


def test_a_reviewer_only_reads_and_reviews():
    writes = {
        name for name in codenames(Role.REVIEWER) if not name.split(".")[1].startswith("view_")
    }
    assert writes == {"indicators.review_month"}


def test_the_sync_renames_the_former_admin_group_keeping_its_members(admin_user):
    from accounts.roles import sync_role_permissions

    Group.objects.filter(name=Role.ADMIN.value).update(name="管理员")
    sync_role_permissions()
    assert Group.objects.filter(name="管理员").count() == 0
    assert User.objects.get(pk=admin_user.pk).role_names == {"系统管理员"}
    assert Group.objects.get(name="系统管理员").permissions.count() > 50


# --- each one's pages, and none of the others' -----------------------------------------------


def test_the_system_admins_index_has_no_security_pages_and_no_log(django_app, admin_user):
    modules = index_modules(django_app.get("/admin/", user=admin_user))
    assert modules["用户与科室"] == ["用户", "科室"]
    assert "安全管理" not in modules and "登录安全" not in modules
    assert "安全审计日志" not in [name for names in modules.values() for name in names]


def test_the_security_admins_index_lists_sessions_and_lockouts_only(django_app, security):
    modules = index_modules(django_app.get("/admin/", user=security))
    assert modules == {
        "安全管理": ["在线会话"],
        "登录安全": ["登录尝试", "登录日志", "登录失败记录"],
    }


def test_the_auditors_index_lists_the_log_only(django_app, auditor):
    modules = index_modules(django_app.get("/admin/", user=auditor))
    assert modules == {"用户与科室": ["安全审计日志"]}


REFUSED = {
    # Each administrator's pages, and who else tries them.
    "system": ["/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/auth/group/"],
    "security": [
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
        "/admin/security/sessions/",
    ],
    "audit": ["/admin/accounts/securityevent/", "/admin/accounts/securityevent/export/"],
}


@pytest.mark.parametrize(
    ("who", "theirs"),
    [("admin", "system"), ("security", "security"), ("auditor", "audit")],
)
def test_no_administrator_opens_another_ones_pages(
    client, admin_user, security, auditor, who, theirs
):
    user = {"admin": admin_user, "security": security, "auditor": auditor}[who]
    client.force_login(user)
    for area, urls in REFUSED.items():
        for url in urls:
            status = client.get(url).status_code
            assert (status == 200) == (area == theirs), (who, url, status)


def test_a_superuser_is_a_system_admin_not_the_auditor_nor_the_security_admin(client):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    assert client.get("/admin/accounts/user/").status_code == 200
    for url in REFUSED["security"] + REFUSED["audit"]:
        assert client.get(url).status_code == 403, url


def test_the_security_and_audit_admins_read_no_data(
    client, security, auditor, office_a, town, october_2024
):
    from plans.services import project_create
    from tests.factories import FigureFactory, IndicatorFactory

    indicator = IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town])
    FigureFactory(indicator=indicator, place=town, year=2024, month=9)
    project_create(code="houfeng", name="后冯区块", type="industry", office=office_a)
    for user in (security, auditor):
        client.force_login(user)
        for url in [
            "/admin/indicators/figure/",
            "/admin/plans/project/",
            "/admin/accounts/office/",
        ]:
            assert client.get(url).status_code == 403, (user, url)
        assert client.get("/indicators/output/").status_code == 404
        for url in [
            "/?period=2024-09",
            "/board/?period=2024-09",
            "/reports/briefing/?period=2024-09",
        ]:
            body = client.get(url).content.decode()
            assert "规上工业产值" not in body and "后冯区块" not in body, (user, url)


def test_a_group_given_the_logs_permission_does_not_open_it(client, clerk):
    """The pages ask for the role itself, not Django's permissions."""
    group = Group.objects.create(name="自建角色")
    group.permissions.add(Permission.objects.get(codename="view_securityevent"))
    clerk.groups.add(group)
    client.force_login(User.objects.get(pk=clerk.pk))
    assert client.get("/admin/accounts/securityevent/").status_code == 403


# --- who grants roles, and which ---------------------------------------------------------------


def test_the_system_admin_cannot_change_their_own_roles_or_switch_themselves_off(
    django_app, admin_user
):
    page = django_app.get(f"/admin/accounts/user/{admin_user.pk}/change/", user=admin_user)
    form = page.forms["user_form"]
    assert "groups" not in form.fields and "is_active" not in form.fields
    assert "is_superuser" not in form.fields  # never set in the web admin
    form["display_name"] = "赵管理"
    form.submit("_save").follow()
    admin_user = User.objects.get(pk=admin_user.pk)
    assert admin_user.display_name == "赵管理"
    assert admin_user.role_names == {"系统管理员"} and admin_user.is_active
    # The rule itself, for any path that would try.
    refusal = permissions.role_change_refusal(
        admin_user, admin_user, {"系统管理员"}, {"审计管理员"}
    )
    assert refusal == "三权分立：不能修改自己的角色，请由另一位系统管理员办理。"


def _roles_form(django_app, actor, target, roles):  # type: ignore[no-untyped-def]
    page = django_app.get(f"/admin/accounts/user/{target.pk}/change/", user=actor)
    form = page.forms["user_form"]
    ids = {str(Group.objects.get(name=role.value).pk) for role in roles}
    for checkbox in form.fields["groups"]:
        checkbox.checked = checkbox._value in ids
    return form.submit("_save")


def test_no_account_holds_two_of_the_three(django_app, admin_user):
    someone = UserFactory(username="lisi", roles=[Role.ADMIN])
    page = _roles_form(django_app, admin_user, someone, [Role.ADMIN, Role.AUDITOR])
    assert page.status_code == 200
    assert (
        "三权分立：一个账号只能担任系统管理员、安全管理员、审计管理员中的一个，"
        "不能同时担任系统管理员和审计管理员。"
    ) in page.html.select_one(".field-groups .errorlist").get_text()
    assert User.objects.get(pk=someone.pk).role_names == {"系统管理员"}
    assert not events(SecurityEvent.Action.ROLE_CHANGE)


def test_the_auditor_and_the_security_admin_hold_no_other_role(django_app, admin_user, clerk):
    page = _roles_form(django_app, admin_user, clerk, [Role.CLERK, Role.AUDITOR])
    assert "三权分立：审计管理员不能兼任其他角色。" in page.text
    page = _roles_form(django_app, admin_user, clerk, [Role.LEADER, Role.SECURITY])
    assert "三权分立：安全管理员不能兼任其他角色。" in page.text
    assert User.objects.get(pk=clerk.pk).role_names == {"录入员"}


def test_a_superuser_cannot_be_made_auditor(django_app, admin_user):
    root = UserFactory(username="root", is_superuser=True)
    page = _roles_form(django_app, admin_user, root, [Role.AUDITOR])
    assert "不能同时担任系统管理员和审计管理员" in page.text
    assert User.objects.get(pk=root.pk).role_names == frozenset()


def test_the_auditor_role_is_granted_on_the_server_and_logged(django_app, admin_user):
    """On the web the grant is refused (a 系统管理员 who could take the role away and give it
    back could set the password in between); it is made on the server, and logged."""
    someone = UserFactory(username="wangwu")
    page = _roles_form(django_app, admin_user, someone, [Role.AUDITOR])
    assert "安全管理员和审计管理员的角色不能在网页上授予或更改" in page.text
    assert User.objects.get(pk=someone.pk).role_names == frozenset()
    from django.core.management import call_command

    call_command("grant_role", "wangwu", Role.AUDITOR.value, verbosity=0)
    assert User.objects.get(pk=someone.pk).role_names == {"审计管理员"}
    [event] = events(SecurityEvent.Action.ROLE_CHANGE)
    assert (event.username, event.object, event.detail) == (
        "manage.py",
        "wangwu",
        "授予角色：审计管理员（服务器命令）",
    )


def test_the_system_admin_cannot_set_the_auditors_or_the_security_admins_password(
    django_app, admin_user, auditor, security, clerk
):
    for target in (auditor, security):
        page = django_app.get(f"/admin/accounts/user/{target.pk}/password/", user=admin_user)
        page = page.follow()
        assert "三权分立：安全管理员和审计管理员的密码只能由本人修改" in page.text
        assert f"manage.py changepassword {target.username}" in page.text
        assert User.objects.get(pk=target.pk).check_password(TEST_PASSWORD)
    # A clerk's password is the system admin's to reset.
    page = django_app.get(f"/admin/accounts/user/{clerk.pk}/password/", user=admin_user)
    assert page.status_code == 200 and "password1" in form_with(page, "password1").fields


def test_accounts_are_never_deleted_only_deactivated(client, admin_user, clerk):
    client.force_login(admin_user)
    assert client.get(f"/admin/accounts/user/{clerk.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/accounts/user/{clerk.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert User.objects.filter(pk=clerk.pk).exists()


def test_the_system_roles_are_read_only_and_a_forged_save_changes_nothing(
    django_app, client, admin_user
):
    auditor_role = Group.objects.get(name=Role.AUDITOR.value)
    page = django_app.get(f"/admin/auth/group/{auditor_role.pk}/change/", user=admin_user)
    form = page.forms["group_form"]
    assert "permissions" not in form.fields and "name" not in form.fields
    assert not page.html.select("#group_form [type=submit]")  # view only
    permission_list = page.html.select_one(".field-permission_list .readonly").get_text()
    assert permission_list.strip() == "用户与科室 · 安全审计日志 · 查看"
    everything = list(Permission.objects.values_list("pk", flat=True))
    client.force_login(admin_user)
    response = client.post(
        f"/admin/auth/group/{auditor_role.pk}/change/",
        {"name": "审计管理员", "permissions": everything},
    )
    assert response.status_code == 403
    assert set(auditor_role.permissions.values_list("codename", flat=True)) == {
        "view_securityevent"
    }
    assert (
        client.post(f"/admin/auth/group/{auditor_role.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_a_new_role_of_the_towns_own_is_logged(django_app, admin_user):
    page = django_app.get("/admin/auth/group/add/", user=admin_user)
    form = page.forms["group_form"]
    form["name"] = "统计员"
    form.submit("_save").follow()
    [event] = events(SecurityEvent.Action.ROLE_CHANGE)
    assert (event.object, event.detail) == ("统计员", "新增角色")


# --- the security admin's work ------------------------------------------------------------------


def test_the_security_admin_unlocks_an_account_and_it_is_logged(
    django_app, client, admin_user, security
):
    attempt = AccessAttempt.objects.create(
        username="clerk_a",
        ip_address="10.1.2.3",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    client.force_login(admin_user)
    assert (
        client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    page = django_app.get(f"/admin/axes/accessattempt/{attempt.pk}/delete/", user=security)
    page.forms[1].submit().follow()
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    [event] = events(SecurityEvent.Action.LOCKOUT)
    assert (event.user, event.object, event.detail) == (
        security,
        "clerk_a（10.1.2.3）",
        "安全管理员解除锁定（此前连续失败5次）。",
    )


def log_in(app: DjangoTestApp, username: str, password: str = TEST_PASSWORD, **kw):  # type: ignore[no-untyped-def]
    form = form_with(app.get("/accounts/login/", **kw), "username")
    form["username"] = username
    form["password"] = password
    return form.submit(**kw)


def test_the_security_admin_sees_who_is_signed_in_and_ends_a_session(django_app, security, clerk):
    clerks_browser = DjangoTestApp()
    log_in(clerks_browser, clerk.username, extra_environ={"REMOTE_ADDR": "10.1.2.3"})
    assert clerks_browser.get("/todo/").status_code == 200
    page = django_app.get("/admin/security/sessions/", user=security)
    rows = {
        row.select_one("th").get_text(strip=True): [
            td.get_text(strip=True) for td in row.select("td")
        ]
        for row in page.html.select("#result_list tbody tr")
    }
    assert rows["clerk_a"][2] != "—" and rows["clerk_a"][3] == "10.1.2.3"
    assert "sessionid" not in page.text and not [
        key for key in Session.objects.values_list("session_key", flat=True) if key in page.text
    ]
    form = next(
        f for f in page.forms.values() if "user" in f.fields and f["user"].value == str(clerk.pk)
    )
    done = form.submit().follow()
    assert "已结束“clerk_a”的1个会话。" in done.text
    assert clerks_browser.get("/todo/").status_code == 302  # signed out
    [event] = events(SecurityEvent.Action.SESSION_END)
    assert (event.user, event.object, event.detail) == (
        security,
        "clerk_a",
        "安全管理员强制下线，结束1个会话。",
    )


def test_the_sessions_page_refuses_an_unknown_user_and_changes_nothing(client, security, clerk):
    other = Client()
    other.force_login(clerk)
    client.force_login(security)
    for bad in ["999999", "abc", "9" * 40, ""]:
        response = client.post("/admin/security/sessions/", {"user": bad}, follow=True)
        assert "没有这个用户，未做任何改动。" in response.content.decode()
    assert other.get("/todo/").status_code == 200


# --- one session per account --------------------------------------------------------------------


def test_a_new_login_ends_the_accounts_other_session(clerk):
    first, second = DjangoTestApp(), DjangoTestApp()
    log_in(first, clerk.username, extra_environ={"REMOTE_ADDR": "10.0.0.1"})
    assert first.get("/todo/").status_code == 200
    log_in(second, clerk.username, extra_environ={"REMOTE_ADDR": "10.0.0.2"})
    assert second.get("/todo/").status_code == 200
    assert first.get("/todo/").status_code == 302  # ended by the second login
    [event] = events(SecurityEvent.Action.SESSION_END)
    assert (event.user, event.address) == (clerk, "10.0.0.2")
    assert event.detail == "同一账号在10.0.0.2重新登录，此前的1个会话已结束。"


def test_with_single_session_off_both_stay(settings, clerk, leader):
    settings.SINGLE_SESSION = False
    first, second = DjangoTestApp(), DjangoTestApp()
    log_in(first, clerk.username)
    log_in(second, clerk.username)
    assert first.get("/todo/").status_code == 200 and second.get("/todo/").status_code == 200
    assert not events(SecurityEvent.Action.SESSION_END)


def test_another_persons_login_leaves_a_session_alone(clerk, leader):
    first, second = DjangoTestApp(), DjangoTestApp()
    log_in(first, clerk.username)
    log_in(second, leader.username)
    assert first.get("/todo/").status_code == 200
    assert not events(SecurityEvent.Action.SESSION_END)


# --- demo accounts ------------------------------------------------------------------------------


def test_demo_accounts_are_refused_when_debug_is_off(settings, office_a):
    settings.DEBUG = False
    demo_accounts_ensure(password="Demo-pass-2024")
    for username in ["admin", "clerk", "security", "auditor"]:
        page = log_in(DjangoTestApp(), username, "Demo-pass-2024")
        assert page.status_code == 200, username
        assert "演示账号只能在开发环境中使用，正式环境不能登录。" in page.text
    refused = SecurityEvent.objects.filter(
        action=SecurityEvent.Action.LOGIN, result=SecurityEvent.Result.REFUSED
    )
    assert sorted(refused.values_list("username", flat=True)) == [
        "admin",
        "auditor",
        "clerk",
        "security",
    ]
    # A wrong password is told as any wrong password: nothing says the account exists.
    page = log_in(DjangoTestApp(), "clerk", "wrong-password")
    assert "演示账号" not in page.text


def test_demo_accounts_sign_in_on_a_development_machine(settings, office_a):
    settings.DEBUG = True
    demo_accounts_ensure(password="Demo-pass-2024")
    assert log_in(DjangoTestApp(), "clerk", "Demo-pass-2024").status_code == 302


def test_an_account_named_like_a_demo_one_but_made_by_an_admin_signs_in(settings, office_a):
    settings.DEBUG = False
    UserFactory(username="admin", roles=[Role.ADMIN])
    assert log_in(DjangoTestApp(), "admin").status_code == 302


# --- their pages speak Chinese -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["security", "auditor"])
def test_no_english_on_the_security_and_audit_pages(
    django_app, monkeypatch, security, auditor, clerk, who
):
    from accounts.audit import Action, Result, record
    from tests.accounts import test_admin_index
    from tests.accounts.test_admin_index import admin_pages, data_words, english_on

    # The walk of the other roles leaves django-axes' pages out; here they are the point.
    kept = tuple(path for path in test_admin_index.SKIPPED_PATHS if path != "/axes/")
    monkeypatch.setattr(test_admin_index, "SKIPPED_PATHS", kept)

    AccessAttempt.objects.create(
        username="clerk_a",
        ip_address="10.1.2.3",
        user_agent="Mozilla/5.0",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    record(Action.LOGIN_FAILED, username="clerk_a", result=Result.FAILURE, detail="密码错误")
    log_in(DjangoTestApp(), clerk.username)
    user = {"security": security, "auditor": auditor}[who]
    pages = admin_pages(django_app, user, ["/admin/"])
    assert len(pages) > {"security": 8, "auditor": 5}[who], sorted(pages)
    # Data as django-axes recorded it (paths, the browser's name), and 导出CSV.
    recorded = AccessAttempt.objects.values_list("path_info", "user_agent")
    recorded = [*recorded, *AccessLog.objects.values_list("path_info", "user_agent")]
    known = (
        data_words() | {"CSV"} | {w for row in recorded for w in re.findall(WORD, " ".join(row))}
    )
    problems = {url: english_on(page, known) for url, page in pages.items()}
    assert {url: texts for url, texts in problems.items() if texts} == {}
