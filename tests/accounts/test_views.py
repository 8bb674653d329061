from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.template import Context, Template
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/admin/", "/accounts/password_change/"])
def test_anonymous_requests_are_redirected_to_login(client, path):
    response = client.get(path, follow=True)
    final_url, status = response.redirect_chain[-1]
    assert status == 302
    assert final_url.replace("%2F", "/") == f"/accounts/login/?next={path}"
    assert response.status_code == 200 and "登录" in response.content.decode()


def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-Hans">' in body
    assert "用户名" in body and "密码" in body and "登录" in body


def test_a_wrong_password_gets_a_chinese_message(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_a_user_logs_in_and_out(client, clerk):
    from tests.factories import TEST_PASSWORD

    response = client.post("/accounts/login/", {"username": "clerk_a", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("inbox:todo")
    home = client.get("/")
    assert home.status_code == 200 and "clerk_a" in home.content.decode()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_page_is_in_chinese(clerk_client):
    response = clerk_client.get("/accounts/password_change/")
    assert response.status_code == 200
    assert "修改密码" in response.content.decode()


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unavailable(client):
    from django.db import connection

    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_numbers_are_plain_and_amounts_are_grouped_where_they_are_shown():
    from decimal import Decimal

    assert Template("{{ value }}").render(Context({"value": 2024})) == "2024"
    assert Template("{{ value|floatformat:2 }}").render(Context({"value": 20432})) == "20432.00"
    rendered = Template('{{ value|floatformat:"2g" }}').render(
        Context({"value": Decimal("460300")})
    )
    assert rendered == "460,300.00"
    rendered = Template("{% load humanize %}{{ value|intcomma }}").render(
        Context({"value": 1234567})
    )
    assert rendered == "1,234,567"


def test_django_axes_reads_in_chinese_in_the_admin():
    from axes.models import AccessAttempt, AccessLog
    from django.apps import apps

    assert str(apps.get_app_config("axes").verbose_name) == "登录安全"
    assert str(AccessAttempt._meta.verbose_name_plural) == "登录尝试"
    assert str(AccessLog._meta.verbose_name_plural) == "登录日志"
    assert str(AccessAttempt._meta.get_field("ip_address").verbose_name) == "IP 地址"


def test_the_admin_lists_django_axes_in_chinese(client):
    from accounts.roles import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="security", roles=[Role.SECURITY]))
    body = client.get("/admin/").content.decode()
    assert "登录安全" in body and "登录尝试" in body and "登录日志" in body
    assert "Access attempts" not in body and "Access logs" not in body


def test_the_accounts_app_keeps_its_own_config():
    """Its ready() syncs the roles' permissions; a second AppConfig in accounts/apps.py once
    made Django fall back to a bare config, and reviewers lost their review permission."""
    from django.apps import apps

    assert type(apps.get_app_config("accounts")).__name__ == "AccountsConfig"


def test_opening_the_site_and_signing_in_lands_on_todo_and_other_pages_are_kept(django_app, clerk):
    from tests.factories import TEST_PASSWORD

    login = django_app.get("/").follow()  # the root address sends to the login page
    assert login.request.path == "/accounts/login/" and login.request.GET["next"] == "/"
    form = login.forms[1] if "username" not in login.forms[0].fields else login.forms[0]
    form["username"], form["password"] = "clerk_a", TEST_PASSWORD
    assert form.submit().location.endswith("/todo/")

    django_app.reset()
    login = django_app.get("/board/").follow()
    form = login.forms[1] if "username" not in login.forms[0].fields else login.forms[0]
    form["username"], form["password"] = "clerk_a", TEST_PASSWORD
    assert form.submit().location.endswith("/board/")
