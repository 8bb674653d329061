"""安全审计 (GB/T 22239-2019 8.1.4.3, level 3) beyond the login and password events (those are in
test_identification): role, office and account changes, exports and downloads, backups and
restores are each logged with time, user, address, object and result; the 审计管理员 alone reads
and exports the log, which no one changes; it is kept at least 180 days and archived by a
command; on PostgreSQL the database itself refuses to change or delete a row."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from openpyxl import load_workbook

from accounts import security_log
from accounts.audit import Action, Result, record
from accounts.models import SecurityEvent, User
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROJECT_DIR = Path(__file__).resolve().parents[2]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


@pytest.fixture(autouse=True)
def _password_alone(settings):
    settings.OTP_REQUIRED_FOR_ADMINS = False


@pytest.fixture
def auditor(db) -> User:
    return UserFactory(username="shenji", display_name="审计员", roles=[Role.AUDITOR])


# Signing in is logged too (test_identification): these tests read what else was.
def not_logins():  # type: ignore[no-untyped-def]
    return SecurityEvent.objects.exclude(action=Action.LOGIN)


def logged(action: str) -> list[tuple]:
    return list(
        SecurityEvent.objects.filter(action=action)
        .order_by("id")
        .values_list("username", "address", "object", "result", "detail")
    )


def at(day: datetime):  # type: ignore[no-untyped-def]
    return time_machine.travel(day, tick=False)


# --- what is logged -------------------------------------------------------------------------------


def test_a_user_created_in_the_admin_is_logged_with_roles_and_office(
    django_app, admin_user, office_a
):
    page = django_app.get(
        "/admin/accounts/user/add/", user=admin_user, extra_environ={"REMOTE_ADDR": "10.9.8.7"}
    )
    form = page.forms["user_form"]
    form["username"] = "wangfang"
    form["display_name"] = "王芳"
    form["office"] = str(office_a.pk)
    clerk_role = str(Group.objects.get(name=Role.CLERK.value).pk)
    for box in form.fields["groups"]:
        box.checked = box._value == clerk_role
    form["password1"] = form["password2"] = "Xiage-2024-strong"
    form.submit("_save", extra_environ={"REMOTE_ADDR": "10.9.8.7"})
    assert logged(Action.USER_CREATE) == [
        (
            "admin_role",
            "10.9.8.7",
            "王芳",
            "success",
            "用户名：wangfang；科室：经济发展办；角色：录入员",
        )
    ]
    assert logged(Action.ROLE_CHANGE) == [
        ("admin_role", "10.9.8.7", "王芳", "success", "授予：录入员")
    ]


def test_role_office_and_deactivation_are_logged_each_once(django_app, admin_user, clerk, office_b):
    page = django_app.get(f"/admin/accounts/user/{clerk.pk}/change/", user=admin_user)
    form = page.forms["user_form"]
    form["office"] = str(office_b.pk)
    ids = {str(Group.objects.get(name=name).pk) for name in ("录入员", "审核员")}
    for box in form.fields["groups"]:
        box.checked = box._value in ids
    form["is_active"] = False
    form["email"] = "clerk@xiage.example"
    form.submit("_save").follow()
    rows = list(not_logins().order_by("id").values_list("action", "object", "detail", "user"))
    assert rows == [
        ("role_change", "clerk_a", "授予：审核员；收回：无", admin_user.pk),
        ("office_change", "clerk_a", "经济发展办 → 农业农村办", admin_user.pk),
        ("user_deactivate", "clerk_a", "", admin_user.pk),
        ("user_change", "clerk_a", "修改：电子邮件地址", admin_user.pk),
    ]
    # Switched on again: a change of its own.
    page = django_app.get(f"/admin/accounts/user/{clerk.pk}/change/", user=admin_user)
    form = page.forms["user_form"]
    form["is_active"] = True
    form.submit("_save").follow()
    assert logged(Action.USER_CHANGE)[-1][2:] == ("clerk_a", "success", "重新启用")


def test_a_save_that_changes_nothing_logs_nothing(django_app, admin_user, clerk):
    page = django_app.get(f"/admin/accounts/user/{clerk.pk}/change/", user=admin_user)
    page.forms["user_form"].submit("_save").follow()
    assert not not_logins().exists()


@pytest.fixture
def exports(leader, office_a, town, october_2024):  # type: ignore[no-untyped-def]
    from tests.factories import FigureFactory, IndicatorFactory

    indicator = IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town])
    FigureFactory(indicator=indicator, place=town, year=2024, month=9)
    return {
        "/?period=2024-09&_export=csv": ("export", "下各镇经济指标_2024-09.csv"),
        "/?period=2024-09&_export=xlsx": ("export", "下各镇经济指标_2024-09.xlsx"),
        "/admin/indicators/figure/export/?year=2024": ("export", "下各镇经济指标_2024年.xlsx"),
        "/admin/plans/project/export/?year=2024": (
            "export",
            "下各镇重点项目与工作任务_2024年.xlsx",
        ),
        "/reports/briefing/?period=2024-09&format=docx": (
            "export",
            "下各镇2024年1-9月经济运行简报.docx",
        ),
    }


def test_every_export_of_data_is_logged_with_what_was_exported(client, leader, exports):
    client.force_login(leader)
    for url in exports:
        response = client.get(url, REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment"), url
    rows = list(not_logins().order_by("id").values_list("action", "object", "username", "address"))
    assert [row[:2] for row in rows] == list(exports.values())
    assert {row[2:] for row in rows} == {("leader", "10.1.1.1")}


def test_the_template_download_is_logged(client, clerk, october_2024):
    client.force_login(clerk)
    response = client.get(
        f"/admin/indicators/figure/import/template/?office={clerk.office_id}&period=2024-09"
    )
    assert response.status_code == 200
    assert logged(Action.DOWNLOAD) == [
        ("clerk_a", "127.0.0.1", "经济发展办_2024-09_月报模板.xlsx", "success", "")
    ]


# --- the log's page: the 审计管理员 reads, no one changes ---------------------------------------


@pytest.fixture
def some_events(clerk, leader):  # type: ignore[no-untyped-def]
    with at(datetime(2024, 10, 1, 9, 0, tzinfo=SHANGHAI)):
        record(Action.LOGIN, user=clerk, detail="第一次")
        record(Action.LOGIN_FAILED, username="clerk_a", result=Result.FAILURE)
    with at(datetime(2024, 10, 15, 9, 0, tzinfo=SHANGHAI)):
        record(Action.EXPORT, user=leader, obj="下各镇经济指标_2024年.xlsx")
        record(Action.LOGIN, user=leader, detail='=HYPERLINK("http://x")')


def rows_on(page) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """User, address and action of each row, but the auditor's own (their login)."""
    rows = [
        [cell.get_text(strip=True) for cell in row.select("th, td")][1:4]
        for row in page.html.select("#result_list tbody tr")
    ]
    return [row for row in rows if row[0] != "shenji"]


def test_the_auditor_lists_the_log_and_filters_by_user_action_result_and_time(
    django_app, auditor, some_events
):
    page = django_app.get("/admin/accounts/securityevent/", user=auditor)
    assert [row[:2] for row in rows_on(page)] == [
        ["leader", "-"],
        ["leader", "-"],
        ["clerk_a", "-"],
        ["clerk_a", "-"],
    ]
    filters = [h.get_text(strip=True) for h in page.html.select("#changelist-filter summary")]
    assert filters == ["按 时间", "按 用户", "按 操作", "按 结果"]
    assert [r[2] for r in rows_on(page.click("登录失败", index=0))] == ["登录失败"]
    only_clerk = django_app.get("/admin/accounts/securityevent/?username=clerk_a", user=auditor)
    assert {r[0] for r in rows_on(only_clerk)} == {"clerk_a"}
    failures = django_app.get("/admin/accounts/securityevent/?result__exact=failure", user=auditor)
    assert [r[2] for r in rows_on(failures)] == ["登录失败"]
    # By time: the date hierarchy, to the day.
    day = django_app.get(
        "/admin/accounts/securityevent/?at__day=15&at__month=10&at__year=2024", user=auditor
    )
    assert [r[2] for r in rows_on(day)] == ["登录", "导出数据"]


def test_no_one_adds_changes_or_deletes_a_row(django_app, client, auditor, admin_user, some_events):
    event = SecurityEvent.objects.order_by("id").first()
    page = django_app.get("/admin/accounts/securityevent/", user=auditor)
    assert not page.html.select(".object-tools .addlink")
    assert not page.html.select("select[name=action]")  # no bulk actions, so no delete
    detail = django_app.get(f"/admin/accounts/securityevent/{event.pk}/change/", user=auditor)
    assert not detail.html.select("#securityevent_form [type=submit]")
    assert "第一次" in detail.text
    for user in (auditor, admin_user):
        client.force_login(user)
        assert client.get("/admin/accounts/securityevent/add/").status_code == 403
        response = client.post(
            f"/admin/accounts/securityevent/{event.pk}/change/", {"detail": "改过"}
        )
        assert response.status_code == 403
        response = client.post(f"/admin/accounts/securityevent/{event.pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
    event.refresh_from_db()
    assert event.detail == "第一次"
    assert SecurityEvent.objects.filter(at__year=2024).count() == 4  # some_events, all there


def test_the_auditor_exports_what_the_filters_show_and_the_export_is_logged(
    django_app, auditor, some_events
):
    page = django_app.get("/admin/accounts/securityevent/?username=leader", user=auditor)
    response = page.click("导出CSV")
    assert response.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert rows[0] == ["时间", "用户名", "地址", "操作", "对象", "结果", "详情"]
    assert rows[1:] == [
        ["2024-10-15 09:00:00", "leader", "", "登录", "", "成功", '\'=HYPERLINK("http://x")'],
        ["2024-10-15 09:00:00", "leader", "", "导出数据", "下各镇经济指标_2024年.xlsx", "成功", ""],
    ]
    page = django_app.get("/admin/accounts/securityevent/?username=leader", user=auditor)
    book = load_workbook(io.BytesIO(page.click("导出Excel").body))
    values = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert values[0][:4] == ["时间", "用户名", "地址", "操作"]
    assert [row[3] for row in values[1:]] == ["登录", "导出数据"]
    exported = logged(Action.EXPORT)[-2:]
    assert [(row[0], row[2]) for row in exported] == [("shenji", "安全审计日志")] * 2
    assert exported[0][4].endswith("，2条，条件：username=leader")


def test_nobody_else_exports_the_log(client, admin_user, leader, some_events):
    for user in (admin_user, leader, UserFactory(is_superuser=True, username="root")):
        client.force_login(user)
        assert client.get("/admin/accounts/securityevent/export/?_export=csv").status_code == 403
    assert logged(Action.EXPORT) == [("leader", None, "下各镇经济指标_2024年.xlsx", "success", "")]


# --- retention and archive --------------------------------------------------------------------


def test_the_retention_is_180_days_at_the_least(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    assert security_log.retention_days() == 365
    settings.AUDIT_RETENTION_DAYS = 30  # cannot be shortened, even if set in a test
    assert security_log.retention_days() == 180
    env = {**os.environ, "DEBUG": "1", "AUDIT_RETENTION_DAYS": "90"}
    result = subprocess.run(
        [sys.executable, "-c", "import xiage.settings"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "AUDIT_RETENTION_DAYS must be at least 180" in result.stderr


@pytest.fixture
def old_and_new(clerk):  # type: ignore[no-untyped-def]
    """Two events of a year ago and one of last week, seen from 15 October 2024."""
    with at(datetime(2023, 10, 1, 9, 0, tzinfo=SHANGHAI)):
        record(Action.LOGIN, user=clerk, detail="去年")
        record(Action.LOGOUT, user=clerk)
    with at(datetime(2024, 10, 8, 9, 0, tzinfo=SHANGHAI)):
        record(Action.LOGIN, user=clerk, detail="上周")
    return clerk


def test_the_archive_is_a_dry_run_without_yes(tmp_path, old_and_new, capsys):
    with at(datetime(2024, 10, 15, 10, 0, tzinfo=SHANGHAI)):
        call_command("archive_security_log", "--dir", str(tmp_path))
    out = capsys.readouterr().out
    assert "2024-04-18以前的安全审计日志共2条（2023-10-01至2023-10-01）" in out
    assert "加 --yes 再运行" in out
    assert SecurityEvent.objects.count() == 3 and not list(tmp_path.iterdir())


def test_the_archive_refuses_a_date_within_the_retention(tmp_path, old_and_new):
    with at(datetime(2024, 10, 15, 10, 0, tzinfo=SHANGHAI)):
        with pytest.raises(
            CommandError, match="只能归档180天保存期以前的记录：日期不能晚于2024-04-18"
        ):
            call_command("archive_security_log", "--before", "2024-10-01", "--yes")
        with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
            call_command("archive_security_log", "--before", "去年", "--yes")
    assert SecurityEvent.objects.count() == 3


def archive_and_check(tmp_path: Path) -> None:
    with at(datetime(2024, 10, 15, 10, 0, tzinfo=SHANGHAI)):
        call_command("archive_security_log", "--dir", str(tmp_path), "--yes")
    [archive] = tmp_path.glob("security-log-before-20240418-*.jsonl.gz")
    checksum = archive.with_name(archive.name + ".sha256").read_text(encoding="utf-8")
    assert checksum == f"{hashlib.sha256(archive.read_bytes()).hexdigest()}  {archive.name}\n"
    with gzip.open(archive, "rt", encoding="utf-8") as stream:
        rows = [json.loads(line) for line in stream]
    assert [(r["action"], r["username"], r["detail"]) for r in rows] == [
        ("login", "clerk_a", "去年"),
        ("logout", "clerk_a", ""),
    ]
    assert rows[0]["at"].startswith("2023-10-01T01:00:00")
    assert list(SecurityEvent.objects.values_list("action", "detail")) == [
        ("archive", f"2024-04-18以前2条（2023-10-01至2023-10-01），SHA-256 {checksum.split()[0]}"),
        ("login", "上周"),
    ]


def test_the_archive_writes_old_rows_with_a_checksum_then_deletes_them(tmp_path, old_and_new):
    archive_and_check(tmp_path)


# --- PostgreSQL: the database refuses to change the log -------------------------------------------


@on_postgresql
def test_postgresql_refuses_to_update_or_delete_a_row(old_and_new):
    # Written now by the database's clock, which the trigger reads (no time travel there).
    recent = record(Action.LOGIN, user=old_and_new, detail="刚才")
    old = SecurityEvent.objects.get(detail="去年")
    for attempt in (
        lambda: SecurityEvent.objects.filter(pk=recent.pk).update(detail="改过"),
        lambda: SecurityEvent.objects.filter(pk=old.pk).update(detail="改过"),
        lambda: SecurityEvent.objects.filter(pk=recent.pk).delete(),
        lambda: SecurityEvent.objects.filter(pk=old.pk).delete(),  # old, but not archiving
    ):
        refused = pytest.raises(DatabaseError, match="rows cannot be changed or deleted")
        with refused, transaction.atomic():
            attempt()
    # Even with the archive's setting, a row within the 180 days stays.
    refused = pytest.raises(DatabaseError, match="cannot be changed or deleted \\(DELETE\\)")
    with refused, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL xiage.audit_archive = 'on'")
        SecurityEvent.objects.filter(pk=recent.pk).delete()
    assert SecurityEvent.objects.filter(detail__in=["刚才", "去年"]).count() == 2


@on_postgresql
def test_postgresql_lets_the_archive_delete_what_it_wrote(tmp_path, old_and_new):
    # The trigger compares with the database's own clock: the rows are a year old there too.
    archive_and_check(tmp_path)


def test_hostile_parameters_on_the_logs_pages_never_end_in_a_server_error(
    client, auditor, some_events
):
    client.force_login(auditor)
    for query in [
        "at__gte=abc",
        "at__year=99999999999",
        "result__exact=%E2%80%AE",
        "username=" + "x" * 5000,
        "q=%25%27%22%3C",
        "o=99",
        "p=-1",
        "action__exact=login&_export=pdf",
    ]:
        for path in ["/admin/accounts/securityevent/", "/admin/accounts/securityevent/export/"]:
            response = client.get(
                f"{path}?{query}&_export=csv" if "export/" in path else f"{path}?{query}"
            )
            assert response.status_code in (200, 302, 400), (path, query, response.status_code)
    assert client.get("/admin/accounts/securityevent/999999/change/").status_code == 302
    assert client.get("/admin/accounts/securityevent/abc/change/").status_code == 302


def test_deleting_a_user_leaves_their_log_rows_as_they_are(db):
    """On PostgreSQL the trigger refuses any UPDATE of the log: deleting a user must not try
    to null their rows."""
    from accounts import audit
    from accounts.models import SecurityEvent
    from tests.factories import UserFactory

    user = UserFactory(username="leaving")
    audit.record(audit.Action.LOGIN, user=user)
    user.delete()
    row = SecurityEvent.objects.get(username="leaving")
    assert row.action == "login" and row.user_id is not None
