"""What a fresh security trial broke, fixed: a sub-project keeps its other-office parent when its
own office saves it; the 安全管理员 and 审计管理员 roles cannot be taken away and given back on
the web (which let a 系统管理员 set the password in between); huge numbers in query parameters
are a 400, not a 500; the project page names no other office's sub-projects."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import Role
from plans.models import Project
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_sub_project_keeps_its_parent_of_another_office(django_app, office_a, office_b, clerk_b):
    parent = ProjectFactory(name="经济开发区扩容项目", office=office_a)
    child = ProjectFactory(name="后冯区块", office=office_b, parent=parent)
    page = django_app.get(f"/admin/plans/project/{child.pk}/change/", user=clerk_b)
    assert "经济开发区扩容项目" not in page.text
    form = page.forms["project_form"]
    form["area_mu"] = "411"
    form.submit().follow()
    child.refresh_from_db()
    assert child.parent_id == parent.pk and str(child.area_mu) == "411.00"


def test_the_security_roles_cannot_be_taken_away_and_given_back_on_the_web(django_app, admin_user):
    security = UserFactory(username="sec", roles=[Role.SECURITY])
    page = django_app.get(f"/admin/accounts/user/{security.pk}/change/", user=admin_user)
    form = page.forms["user_form"]
    group = Group.objects.get(name=Role.SECURITY.value)
    for checkbox in form.fields["groups"]:
        if checkbox._value == str(group.pk):
            checkbox.checked = False
    answer = form.submit(status=200)
    assert "安全管理员和审计管理员的角色不能在网页上授予或更改" in answer.text
    assert security.groups.filter(name=Role.SECURITY.value).exists()
    call_command("grant_role", "sec", Role.SECURITY.value, "--remove", verbosity=0)
    assert not security.groups.filter(name=Role.SECURITY.value).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/plans/project/?office=99999999999999999999",
        "/admin/indicators/figure/?indicator=99999999999999999999",
        "/?per_page=-1",
        "/?page=-5",
    ],
)
def test_huge_or_negative_numbers_in_the_query_never_end_in_a_500(client, admin_user, url):
    client.force_login(admin_user)
    assert client.get(url).status_code in (200, 400)


def test_the_project_page_names_no_other_offices_sub_projects(client, office_a, office_b, clerk):
    parent = ProjectFactory(name="经济开发区扩容项目", office=office_a)
    ProjectFactory(name="张店区块", office=office_b, parent=parent)
    mine = ProjectFactory(name="本科室子项目", office=office_a, parent=parent)
    client.force_login(clerk)
    body = client.get(f"/projects/{parent.pk}/").content.decode()
    assert mine.name in body and "张店区块" not in body
    assert Project.objects.count() == 3
