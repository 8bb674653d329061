"""An office's group-robot address carries its access token: only admins see or set it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
TOKEN_URL = "https://oapi.dingtalk.com/robot/send?access_token=secret-token-123"


def test_only_an_admin_sees_and_sets_the_robot_address(django_app, office_a, clerk, admin_user):
    office_a.webhook_url = TOKEN_URL
    office_a.save()
    url = f"/admin/accounts/office/{office_a.pk}/change/"
    page = django_app.get(url, user=admin_user)
    form = page.forms["office_form"]
    assert form["webhook_url"].value == TOKEN_URL
    form["webhook_url"] = "https://oapi.dingtalk.com/robot/send?access_token=new-token"
    form.submit().follow()
    office_a.refresh_from_db()
    assert office_a.webhook_url.endswith("new-token")

    page = django_app.get(url, user=clerk, expect_errors=True)
    assert "access_token" not in page.text and "webhook_url" not in page.text
