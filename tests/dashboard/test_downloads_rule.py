"""The dashboard's CSV and Excel and the 月度简报 (page and Word file) follow the rule of every
export of figures, accounts.permissions.can_read_office_data: the 安全管理员 and 审计管理员,
who read no office's data, get 403 (not an empty file) and the dashboard offers them no
download buttons; those who read data get the files and the buttons."""

from __future__ import annotations

import pytest

from accounts import permissions
from accounts.models import SecurityEvent
from accounts.roles import Role
from dashboard import views as dashboard_views
from reports import views as report_views
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/?period=2024-09"
DOWNLOADS = [
    URL + "&_export=csv",
    URL + "&_export=xlsx",
    "/reports/briefing/?period=2024-09",
    "/reports/briefing/?period=2024-09&format=docx",
]


def test_the_downloads_declare_the_exports_rule():
    assert dashboard_views.export.permission_rule is permissions.can_read_office_data
    assert report_views.briefing.permission_rule is permissions.can_read_office_data


@pytest.mark.parametrize("role", [Role.SECURITY, Role.AUDITOR])
def test_the_security_and_audit_admins_get_403_and_no_buttons(django_app, town_data, role):
    user = UserFactory(roles=[role])
    page = django_app.get(URL, user=user)
    assert page.status_code == 200  # the page itself stays open to everyone signed in
    actions = page.html.select_one("p.actions")
    assert [link.get_text() for link in actions.find_all("a")] == ["挂图作战"]
    exports_before = SecurityEvent.objects.filter(action="export").count()
    for url in DOWNLOADS:
        assert django_app.get(url, user=user, status=403).status_code == 403, url
    # Nothing was sent, so nothing is logged as an export.
    assert SecurityEvent.objects.filter(action="export").count() == exports_before


def test_a_leader_gets_the_buttons_and_the_files(django_app, town_data, leader):
    page = django_app.get(URL, user=leader)
    actions = page.html.select_one("p.actions")
    assert [link.get_text() for link in actions.find_all("a")] == [
        "导出CSV",
        "导出Excel",
        "挂图作战",
        "月度简报",
    ]
    csv_file = page.click("导出CSV")
    assert csv_file.headers["Content-Disposition"].startswith("attachment")
    assert "规上工业产值" in csv_file.body.decode("utf-8-sig")
    xlsx_file = page.click("导出Excel")
    assert xlsx_file.headers["Content-Disposition"].startswith("attachment")
    briefing = page.click("月度简报")
    assert briefing.status_code == 200
    docx = briefing.click("下载Word文档")
    assert docx.headers["Content-Disposition"].startswith("attachment")


def test_a_security_admin_with_an_office_does_not_share_a_clerks_cached_page(
    django_app, town_data, office_a
):
    """The page is kept per reading scope; whether it offers the downloads is part of it."""
    clerk = UserFactory(office=office_a, roles=[Role.CLERK])
    first = django_app.get(URL, user=clerk)
    assert "导出CSV" in first.html.select_one("p.actions").get_text()
    odd = UserFactory(office=office_a, roles=[Role.SECURITY])
    page = django_app.get(URL, user=odd)
    assert "导出CSV" not in page.html.select_one("p.actions").get_text()
