"""身份鉴别 (GB/T 22239-2019 8.1.4.1, level 3), each control as a county's review checks it,
through the pages' own rendered forms: password complexity, expiry and history, a forced change
after an admin sets a password, failure handling on every page that checks a password, the
second factor (TOTP), the 鉴别警示 after login, and the security log of each act."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import PasswordHistory, SecurityEvent, User
from accounts.roles import Role
from accounts.validators import ComplexityValidator
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROJECT_DIR = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "Xiage-new-2024"
RULE = "密码至少 8 位，并包含大写字母、小写字母、数字、符号中的至少 3 类。"


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0):  # type: ignore[no-untyped-def]
    return time_machine.travel(
        datetime(year, month, day, hour, minute, tzinfo=SHANGHAI), tick=False
    )


def form_with(page, field: str):  # type: ignore[no-untyped-def]
    """The page's form that has this field (the top bar's 退出登录 is a form too)."""
    return next(form for form in page.forms.values() if field in form.fields)


def log_in(app, username: str, password: str, status: int | str = 302):  # type: ignore[no-untyped-def]
    form = form_with(app.get("/accounts/login/"), "username")
    form["username"] = username
    form["password"] = password
    return form.submit(status=status)


def change_password(app, old: str, new: str, url: str = "/accounts/password_change/", **kw):  # type: ignore[no-untyped-def]
    form = form_with(app.get(url), "old_password")
    form["old_password"] = old
    form["new_password1"] = new
    form["new_password2"] = new
    return form.submit(**kw)


def tick(form, name: str, value: object) -> None:  # type: ignore[no-untyped-def]
    """Tick the checkbox of that value among the form's checkboxes of that name."""
    [box] = [field for field in form.fields[name] if field._value == str(value)]
    box.checked = True


def code(device: TOTPDevice) -> str:
    """What the authenticator app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def events(action: str, **filters) -> list[SecurityEvent]:  # type: ignore[no-untyped-def]
    return list(SecurityEvent.objects.filter(action=action, **filters).order_by("at", "id"))


def enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="认证器", confirmed=True)


# --- Complexity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Ab1-", False),  # four classes, too short
        ("abcdefgh12", False),  # two classes
        ("ABCDEFGH-", False),  # two classes
        ("Abcdefgh1", True),  # capitals, small letters, digits
        ("abcdefg-1", True),  # small letters, symbol, digit
        ("ABCDEF-!1", True),
        ("Ab-1Ab-1", True),  # exactly eight
        ("Ab-1Ab-", False),  # seven
    ],
)
def test_a_password_needs_eight_characters_from_three_of_four_classes(password, ok):
    validator = ComplexityValidator()
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError) as error:
            validator.validate(password)
        assert error.value.messages == [RULE]


def test_the_change_page_refuses_a_simple_password_in_chinese(django_app, clerk):
    log_in(django_app, clerk.username, TEST_PASSWORD)
    page = change_password(django_app, TEST_PASSWORD, "abcdefghij12")
    assert page.status_code == 200
    assert RULE in page.text
    clerk.refresh_from_db()
    assert clerk.check_password(TEST_PASSWORD)
    assert not events(SecurityEvent.Action.PASSWORD_CHANGE)


def test_the_admin_cannot_set_a_simple_password_either(django_app, admin_user, clerk):
    page = django_app.get(f"/admin/accounts/user/{clerk.pk}/password/", user=admin_user)
    form = page.forms["user_form"]
    form["password1"] = form["password2"] = "abcdefghij12"
    page = form.submit()
    assert page.status_code == 200 and RULE in page.text
    clerk.refresh_from_db()
    assert clerk.check_password(TEST_PASSWORD) and not clerk.password_must_change


def test_the_demo_and_test_passwords_follow_the_rules(monkeypatch, tmp_path):
    from accounts import demo

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    monkeypatch.setattr(demo, "PASSWORD_FILE", tmp_path / "demo-password.txt")
    generated = demo.demo_password()
    assert (tmp_path / "demo-password.txt").read_text(encoding="utf-8") == generated
    # the generated demo password, the factories', the e2e journeys', the live server check's
    for password in (generated, TEST_PASSWORD, "E2e-journey-2024", "Live-check-2024"):
        validate_password(password)


def test_demo_setup_refuses_a_demo_password_that_breaks_the_rules(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demodemo")
    call_command("seed")
    with pytest.raises(CommandError, match="演示账号密码不符合密码规则"):
        call_command("demo_setup")
    assert not User.objects.filter(username="admin").exists()


# --- Expiry and history -------------------------------------------------------------------------


def test_a_password_older_than_90_days_must_be_changed_before_any_page(django_app, office_a):
    with at(2024, 6, 1):
        user = UserFactory(username="old_pw", office=office_a, roles=[Role.CLERK])
    with at(2024, 8, 29):  # 89 days: still good
        log_in(django_app, "old_pw", TEST_PASSWORD).maybe_follow()
        assert django_app.get("/").status_code == 200
        form_with(django_app.get("/todo/"), "csrfmiddlewaretoken").submit()  # 退出登录
    with at(2024, 9, 1):  # 92 days
        landing = log_in(django_app, "old_pw", TEST_PASSWORD).maybe_follow()
        assert landing.request.path == "/accounts/password_change/"
        assert "您的密码已超过 90 天未修改" in landing.text
        for path in ("/", "/todo/", "/admin/", "/board/"):
            response = django_app.get(path)
            assert response.status_code == 302
            assert response.location.startswith("/accounts/password_change/"), path
        # the same password again is refused: it is in the history
        page = change_password(django_app, TEST_PASSWORD, TEST_PASSWORD)
        assert "新密码不能与最近 5 次使用过的密码相同。" in page.text
        done = change_password(django_app, TEST_PASSWORD, NEW_PASSWORD, status=302).maybe_follow()
        assert done.request.path == "/todo/" and "密码已修改。" in done.text
        assert django_app.get("/").status_code == 200
    user.refresh_from_db()
    assert user.password_changed_at == datetime(2024, 9, 1, 9, 0, tzinfo=SHANGHAI)
    assert [e.username for e in events(SecurityEvent.Action.PASSWORD_CHANGE)] == ["old_pw"]


def test_the_age_limit_is_a_setting(django_app, settings, clerk):
    settings.PASSWORD_MAX_AGE_DAYS = 30
    clerk.password_changed_at = datetime(2024, 1, 1, tzinfo=SHANGHAI)
    clerk.save(update_fields=["password_changed_at"])
    with at(2024, 2, 1):
        landing = log_in(django_app, clerk.username, TEST_PASSWORD).maybe_follow()
        assert "您的密码已超过 30 天未修改" in landing.text
        settings.PASSWORD_MAX_AGE_DAYS = 0  # never expires
        assert django_app.get("/").status_code == 200


def test_the_last_five_passwords_may_not_be_chosen_again(django_app, clerk):
    used = [TEST_PASSWORD] + [f"Xiage-{n}-pass" for n in range(1, 6)]
    for password in used[1:]:
        clerk.set_password(password)
        clerk.save()
    # the current one and the four before it are kept, as hashes
    history = list(PasswordHistory.objects.filter(user=clerk))
    assert len(history) == 5
    assert all(row.password.startswith("md5$") and "Xiage" not in row.password for row in history)
    log_in(django_app, clerk.username, used[-1])
    for old in used[1:]:
        page = change_password(django_app, used[-1], old)
        assert "新密码不能与最近 5 次使用过的密码相同。" in page.text, old
    # the sixth back is allowed again
    change_password(django_app, used[-1], used[0], status=302)
    clerk.refresh_from_db()
    assert clerk.check_password(used[0])


# --- Forced change after an admin sets the password ------------------------------------------


def test_a_new_account_changes_its_initial_password_at_the_first_login(
    django_app, admin_user, office_a
):
    page = django_app.get("/admin/accounts/user/add/", user=admin_user)
    form = page.forms["user_form"]
    form["username"] = "wangfang"
    form["display_name"] = "王芳"
    form["office"] = str(office_a.pk)
    clerk_group = Group.objects.get(name=Role.CLERK.value)
    tick(form, "groups", clerk_group.pk)
    form["password1"] = form["password2"] = "Initial-2024"
    form.submit(status=302)
    user = User.objects.get(username="wangfang")
    assert user.password_must_change

    newcomer = django_app
    newcomer.reset()  # the admin's session ends; the newcomer's browser
    landing = log_in(newcomer, "wangfang", "Initial-2024").maybe_follow()
    assert landing.request.path == "/accounts/password_change/"
    assert "您的密码由系统管理员设置，请先修改为只有您自己知道的密码" in landing.text
    assert newcomer.get("/admin/").location.startswith("/accounts/password_change/")
    done = change_password(newcomer, "Initial-2024", NEW_PASSWORD, status=302).maybe_follow()
    assert done.request.path == "/todo/"
    user.refresh_from_db()
    assert not user.password_must_change
    assert newcomer.get("/admin/").status_code == 200


def test_an_admin_reset_is_changed_at_the_next_login_and_logged(django_app, admin_user, clerk):
    page = django_app.get(f"/admin/accounts/user/{clerk.pk}/password/", user=admin_user)
    form = page.forms["user_form"]
    form["password1"] = form["password2"] = "Reset-by-admin-1"
    form.submit("set-password" if "set-password" in form.fields else None, status=302)
    clerk.refresh_from_db()
    assert clerk.check_password("Reset-by-admin-1") and clerk.password_must_change
    [reset] = events(SecurityEvent.Action.PASSWORD_RESET)
    assert (reset.user, reset.object, reset.result) == (admin_user, str(clerk), "success")
    assert reset.detail == "管理员重置密码，须在下次登录时修改"
    assert reset.address == "127.0.0.1"

    django_app.reset()
    landing = log_in(django_app, clerk.username, "Reset-by-admin-1").maybe_follow()
    assert landing.request.path == "/accounts/password_change/"
    change_password(django_app, "Reset-by-admin-1", NEW_PASSWORD, status=302)
    clerk.refresh_from_db()
    assert not clerk.password_must_change


def test_an_admin_can_ask_for_a_new_password_on_the_user_page(django_app, admin_user, clerk):
    page = django_app.get(f"/admin/accounts/user/{clerk.pk}/change/", user=admin_user)
    assert "密码修改时间" in page.text  # shown, not editable
    form = page.forms["user_form"]
    assert "password_changed_at" not in form.fields
    form["password_must_change"] = True
    form.submit(status=302)
    clerk.refresh_from_db()
    assert clerk.password_must_change and clerk.check_password(TEST_PASSWORD)


# --- Failure handling on every page that checks a password ----------------------------------


def test_wrong_old_passwords_lock_the_account_like_the_login(django_app, settings, clerk):
    assert settings.AXES_FAILURE_LIMIT == 5
    log_in(django_app, clerk.username, TEST_PASSWORD)
    for _attempt in range(4):
        page = change_password(django_app, "Wrong-guess-1", NEW_PASSWORD)
        assert page.status_code == 200 and "旧密码不正确，请重新输入。" in page.text
    locked = change_password(django_app, "Wrong-guess-1", NEW_PASSWORD, status=429)
    assert "登录已暂时锁定" in locked.text and "15 分钟后重试" in locked.text
    # signed out, and the right password is refused at the login page too
    assert django_app.get("/").location.startswith("/accounts/login/")
    again = log_in(django_app, clerk.username, TEST_PASSWORD, status=429)
    assert "登录已暂时锁定" in again.text
    clerk.refresh_from_db()
    assert clerk.check_password(TEST_PASSWORD)

    failed = events(SecurityEvent.Action.LOGIN_FAILED, username=clerk.username)
    assert [e.detail for e in failed[:5]] == ["修改密码时原密码错误"] * 5
    assert [e.result for e in failed[:5]] == ["failure"] * 5
    assert failed[5].result == "refused" and failed[5].detail == "账号已锁定，未校验密码"
    [lockout] = events(SecurityEvent.Action.LOCKOUT)
    assert (lockout.username, lockout.address) == (clerk.username, "127.0.0.1")
    assert lockout.detail == "连续 5 次失败，锁定 15 分钟"
    [logout] = events(SecurityEvent.Action.LOGOUT)
    assert logout.user == clerk and logout.detail == "连续失败被锁定"


def test_the_admins_own_password_page_counts_failures_too(django_app, admin_user):
    page = django_app.get("/admin/password_change/", user=admin_user)
    form = form_with(page, "old_password")
    form["old_password"] = "Wrong-guess-1"
    form["new_password1"] = form["new_password2"] = NEW_PASSWORD
    assert "旧密码不正确，请重新输入。" in form.submit().text
    [failed] = events(SecurityEvent.Action.LOGIN_FAILED)
    assert (failed.username, failed.detail) == (admin_user.username, "修改密码时原密码错误")


def test_login_failures_and_successes_are_logged(django_app, clerk):
    log_in(django_app, clerk.username, "Wrong-guess-1", status=200)
    log_in(django_app, "nobody", "Wrong-guess-1", status=200)
    log_in(django_app, clerk.username, TEST_PASSWORD)
    failed = events(SecurityEvent.Action.LOGIN_FAILED)
    assert [(e.username, e.user, e.detail) for e in failed] == [
        (clerk.username, clerk, "用户名或密码错误"),
        ("nobody", None, "用户名或密码错误"),
    ]
    [login] = events(SecurityEvent.Action.LOGIN)
    assert (login.user, login.address, login.result) == (clerk, "127.0.0.1", "success")
    page = django_app.get("/todo/")
    form_with(page, "csrfmiddlewaretoken").submit()  # 退出登录 in the top bar
    [logout] = events(SecurityEvent.Action.LOGOUT)
    assert logout.user == clerk and logout.detail == ""


# --- Second factor (TOTP) ---------------------------------------------------------------------


def test_a_clerk_enrols_an_authenticator_app_and_is_asked_for_it_at_each_login(django_app, clerk):
    with at(2024, 10, 15, 9, 0) as clock:
        log_in(django_app, clerk.username, TEST_PASSWORD).maybe_follow()
        page = django_app.get("/accounts/password_change/")
        assert "可选：绑定手机上的认证器App" in page.text
        page = page.click("绑定认证器", href="/accounts/otp/")
        svg = page.html.select_one("svg.otp-qr")
        assert svg is not None and svg.find("path") is not None  # the QR code, drawn inline
        assert "http" not in str(svg).replace("http://www.w3.org", "")
        device = TOTPDevice.objects.get(user=clerk)
        secret = page.html.select_one("#otp-secret").text.replace(" ", "")
        assert len(secret) == 32 and not device.confirmed
        form = form_with(page, "token")
        form["token"] = f"{(int(code(device)) + 1) % 1000000:06d}"
        page = form.submit()
        assert "动态口令不正确" in page.text
        device.refresh_from_db()
        assert not device.confirmed
        clock.shift(timedelta(seconds=5))  # past django-otp's one-second throttle
        form = form_with(page, "token")
        form["token"] = code(device)
        landing = form.submit(status=302).maybe_follow()
        assert "认证器已绑定" in landing.text
        device.refresh_from_db()
        assert device.confirmed
        assert [e.detail for e in events(SecurityEvent.Action.OTP)] == [
            "绑定认证器时动态口令错误",
            "绑定认证器",
        ]
        landing.forms[0].submit()  # 退出登录

        clock.shift(timedelta(minutes=2))
        asked = log_in(django_app, clerk.username, TEST_PASSWORD).maybe_follow()
        assert asked.request.path == "/accounts/otp/verify/"
        for path in ("/", "/admin/", "/accounts/password_change/", "/accounts/otp/"):
            assert django_app.get(path).location.startswith("/accounts/otp/verify/"), path
        form = form_with(asked, "token")
        form["token"] = "12345"
        assert "请输入认证器App上显示的6位数字。" in form.submit().text
        form = form_with(django_app.get("/accounts/otp/verify/?next=/board/"), "token")
        form["token"] = code(device)
        assert form.submit(status=302).location == "/board/"
        assert django_app.get("/").status_code == 200
        assert events(SecurityEvent.Action.OTP)[-1].detail == "动态口令验证通过"


def test_wrong_codes_lock_the_account_like_wrong_passwords(django_app, clerk):
    device = enrolled(clerk)
    with at(2024, 10, 15, 9, 0) as clock:
        log_in(django_app, clerk.username, TEST_PASSWORD)
        wrong = f"{(int(code(device)) + 1) % 1000000:06d}"
        for attempt in range(5):
            clock.shift(timedelta(seconds=20))  # each try after django-otp's throttle delay
            form = form_with(django_app.get("/accounts/otp/verify/"), "token")
            form["token"] = wrong
            response = form.submit(status="*")
            if attempt < 4:
                assert "动态口令不正确" in response.text
        assert response.status_code == 429 and "登录已暂时锁定" in response.text
        assert django_app.get("/").location.startswith("/accounts/login/")
        log_in(django_app, clerk.username, TEST_PASSWORD, status=429)
    assert [e.detail for e in events(SecurityEvent.Action.OTP)] == ["动态口令错误"] * 5
    assert len(events(SecurityEvent.Action.LOCKOUT)) == 1


def test_codes_typed_too_fast_are_not_checked(django_app, clerk):
    device = enrolled(clerk)
    with at(2024, 10, 15, 9, 0):
        log_in(django_app, clerk.username, TEST_PASSWORD)
        for token in ("000000", code(device)):
            form = form_with(django_app.get("/accounts/otp/verify/"), "token")
            form["token"] = token
            page = form.submit()
        # the second, right, code came within django-otp's delay after the wrong one
        assert "尝试过于频繁，请稍等几秒后再输入。" in page.text
    assert [(e.result, e.detail) for e in events(SecurityEvent.Action.OTP)] == [
        ("failure", "动态口令错误"),
        ("refused", "动态口令尝试过于频繁"),
    ]


def test_an_admin_role_must_enrol_when_the_setting_asks(django_app, settings, admin_user, clerk):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    landing = log_in(django_app, admin_user.username, TEST_PASSWORD).maybe_follow()
    assert landing.request.path == "/accounts/otp/"
    assert "您的角色须使用动态口令（双因素认证）登录" in landing.text
    assert django_app.get("/admin/").location.startswith("/accounts/otp/")
    device = TOTPDevice.objects.get(user=admin_user)
    form = form_with(landing, "token")
    form["token"] = code(device)
    form.submit(status=302)
    assert django_app.get("/admin/").status_code == 200

    # a clerk is not asked, and signs in with the password alone
    django_app.reset()
    log_in(django_app, clerk.username, TEST_PASSWORD)
    assert django_app.get("/todo/").status_code == 200
    assert not TOTPDevice.objects.filter(user=clerk).exists()


def test_a_session_waiting_for_its_code_cannot_enrol_another_device(django_app, clerk):
    device = enrolled(clerk)
    log_in(django_app, clerk.username, TEST_PASSWORD)
    response = django_app.get("/accounts/otp/")
    assert response.location.startswith("/accounts/otp/verify/")
    assert list(TOTPDevice.objects.filter(user=clerk)) == [device]


def test_the_second_factor_is_on_by_default_in_production_only():
    def required(debug: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
        env.update(DJANGO_SETTINGS_MODULE="xiage.settings", DEBUG=debug, SECRET_KEY="s" * 50)
        env.pop("OTP_REQUIRED_FOR_ADMINS", None)
        script = "from django.conf import settings; print(settings.OTP_REQUIRED_FOR_ADMINS)"
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.strip()

    assert required("0") == "True"
    assert required("1") == "False"


def test_the_demo_accounts_sign_in_with_a_password_alone(django_app, settings, monkeypatch):
    settings.DEBUG = True
    settings.OTP_REQUIRED_FOR_ADMINS = False  # what DEBUG=1 gives (above)
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-pass-2024")
    call_command("seed")
    call_command("demo_setup")
    landing = log_in(django_app, "admin", "Demo-pass-2024").maybe_follow()
    assert landing.request.path == "/todo/"
    assert django_app.get("/admin/").status_code == 200


def test_an_admin_resets_a_lost_phone(django_app, admin_user, clerk):
    enrolled(clerk)
    page = django_app.get("/admin/accounts/user/", user=admin_user)
    form = page.forms["changelist-form"]
    form["action"] = "reset_second_factor"
    tick(form, "_selected_action", clerk.pk)
    form.submit(status=302)
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    [reset] = events(SecurityEvent.Action.OTP)
    assert (reset.user, reset.object, reset.detail) == (admin_user, str(clerk), "重置动态口令")


def test_login_page_and_healthz_do_not_touch_the_session_or_user(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/login/").status_code == 200
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert [q["sql"] for q in queries] == ["SELECT 1"]


def page_queries(client, user: User, path: str) -> int:  # type: ignore[no-untyped-def]
    client.get(path)  # the person's first visit fills their counts
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_a_page_costs_one_query_more_only_for_a_verified_device(client, office_a):
    plain = UserFactory(username="plain", office=office_a, roles=[Role.CLERK])
    with_device = UserFactory(username="with_device", office=office_a, roles=[Role.CLERK])
    device = enrolled(with_device)
    client.force_login(plain)
    without = page_queries(client, plain, "/notifications/")
    client.logout()
    client.force_login(with_device)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.pop("_otp_step", None)
    session.save()
    assert page_queries(client, with_device, "/notifications/") == without + 1


# --- 鉴别警示 ---------------------------------------------------------------------------------


def test_after_login_the_person_sees_their_last_login_and_the_failures_since(django_app, clerk):
    with at(2024, 10, 14, 9, 5):
        first = log_in(django_app, clerk.username, TEST_PASSWORD).maybe_follow()
        assert "上次登录" not in first.text  # nothing to say at a first login
        form_with(first, "csrfmiddlewaretoken").submit()
    with at(2024, 10, 15, 8, 0):
        log_in(django_app, clerk.username, "Wrong-guess-1", status=200)
        log_in(django_app, clerk.username, "Wrong-guess-2", status=200)
    with at(2024, 10, 15, 10, 0):
        landing = log_in(django_app, clerk.username, TEST_PASSWORD).maybe_follow()
        assert landing.request.path == "/todo/"
        warning = landing.html.select_one("ul.messages li.warning").text
        assert "上次登录：2024年10月14日 09:05，地址 127.0.0.1。" in warning
        assert "此后登录失败 2 次" in warning
        form_with(landing, "csrfmiddlewaretoken").submit()
    with at(2024, 10, 16, 10, 0):
        landing = log_in(django_app, clerk.username, TEST_PASSWORD).maybe_follow()
        info = landing.html.select_one("ul.messages li.info").text
    assert "上次登录：2024年10月15日 10:00，地址 127.0.0.1。此后没有登录失败。" in info


def test_the_warning_waits_until_the_second_factor_is_given(django_app, clerk):
    device = enrolled(clerk)
    with at(2024, 10, 14, 9, 5):
        SecurityEvent.objects.create(
            username=clerk.username,
            user=clerk,
            action="login",
            result="success",
            address="10.0.0.8",
        )
    with at(2024, 10, 15, 10, 0):
        asked = log_in(django_app, clerk.username, TEST_PASSWORD).maybe_follow()
        assert "上次登录" not in asked.text
        form = form_with(asked, "token")
        form["token"] = code(device)
        landing = form.submit(status=302).maybe_follow()
    assert landing.request.path == "/todo/"
    assert "上次登录：2024年10月14日 09:05，地址 10.0.0.8。此后没有登录失败。" in landing.text
