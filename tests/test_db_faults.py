"""While the database cannot be reached, pages answer a Chinese 503 at once."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_page_answers_503_in_chinese_when_the_database_is_down(clerk):
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    with mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "系统暂时不可用" in body and "数据库暂时无法连接" in body


def test_any_other_error_is_a_chinese_500_page(clerk, monkeypatch):
    from dashboard import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "dashboard", broken)
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    response = client.get("/")
    assert response.status_code == 500 and "系统出错" in response.content.decode()


def test_not_found_is_in_chinese(clerk_client):
    response = clerk_client.get("/indicators/no-such-indicator/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
