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


def test_a_clerk_or_reviewer_is_never_created_without_an_office(django_app, admin_user):
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role

    page = django_app.get("/admin/accounts/user/add/", user=admin_user)
    form = page.forms["user_form"]
    form["username"], form["display_name"] = "wangwu", "王五"
    reviewer_group = Group.objects.get(name=Role.REVIEWER.value)
    for checkbox in form.fields["groups"]:
        if checkbox._value == str(reviewer_group.pk):
            checkbox.checked = True
    form["password1"] = form["password2"] = "Initial-2024"
    answer = form.submit(status=200)
    assert "录入员和审核员必须属于一个科室，请选择科室。" in answer.text
    assert not User.objects.filter(username="wangwu").exists()
