"""发起督办 from the project and task pages: leaders and admins raise an item through the page's
own form; clerks and reviewers never see the action and are refused the URL; bad input is
refused in Chinese and saves nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.roles import Role
from plans.models import SupervisionItem
from plans.services import project_create
from tests.factories import TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

MATTER = "解决后冯区块3户政策处理"


@pytest.fixture
def project(office_a, october_2024):
    return project_create(code="houfeng", name="后冯区块", type="industry", office=office_a)


@pytest.fixture
def task(office_a, october_2024):
    return TaskFactory(title="朱溪港两侧土地征收", office=office_a)


@pytest.fixture
def reviewer(office_a):
    return UserFactory(username="reviewer_a", office=office_a, roles=[Role.REVIEWER])


def open_form(django_app, url_name, subject, user):  # type: ignore[no-untyped-def]
    """From the subject's page, follow its 发起督办 link to the form."""
    detail_name = url_name.removesuffix("_supervise")
    page = django_app.get(reverse(detail_name, args=[subject.pk]), user=user)
    return page.click(description="发起督办", href=reverse(url_name, args=[subject.pk]))


def test_a_leader_raises_an_item_from_the_project_page(django_app, project, leader, office_a):
    form_page = open_form(django_app, "dashboard:project_supervise", project, leader)
    assert "后冯区块" in form_page.text
    form = form_page.forms["supervise-form"]
    assert form["office"].value == str(office_a.pk)
    assert form["due_date"].value == "2024-10-29"  # 14 days after 15 October
    form["matter"] = MATTER
    page = form.submit().follow()

    item = SupervisionItem.objects.get()
    assert item.project == project and item.task is None
    assert item.office == office_a and item.raised_by == leader
    assert item.matter == MATTER and item.due_date == date(2024, 10, 29) and item.is_open
    record = item.history.get()
    assert record.history_type == "+" and record.history_user == leader
    assert page.request.path == reverse("dashboard:project", args=[project.pk])
    assert "已发起督办：经济发展办，办结时限 2024-10-29。" in page.text
    assert MATTER in page.text


def test_a_leader_raises_an_item_from_the_task_page_for_another_office(
    django_app, task, leader, office_b
):
    form = open_form(django_app, "dashboard:task_supervise", task, leader).forms["supervise-form"]
    form["matter"] = "协调土地征收剩余100亩"
    form["office"] = str(office_b.pk)
    form["due_date"] = "2024-11-30"
    page = form.submit().follow()

    item = SupervisionItem.objects.get()
    assert item.task == task and item.project is None
    assert item.office == office_b and item.raised_by == leader
    assert item.due_date == date(2024, 11, 30)
    assert page.request.path == reverse("dashboard:task", args=[task.pk])
    assert "协调土地征收剩余100亩" in page.text


def test_an_admin_raises_one_too(django_app, project, admin_user):
    form = open_form(django_app, "dashboard:project_supervise", project, admin_user).forms[
        "supervise-form"
    ]
    form["matter"] = MATTER
    form.submit().follow()
    assert SupervisionItem.objects.get().raised_by == admin_user


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
@pytest.mark.parametrize("url_name", ["project", "task"])
def test_clerks_and_reviewers_neither_see_the_action_nor_reach_it(
    django_app, request, role, url_name, project, task
):
    user = request.getfixturevalue(role)
    subject = project if url_name == "project" else task
    page = django_app.get(reverse(f"dashboard:{url_name}", args=[subject.pk]), user=user)
    assert "发起督办" not in page.text
    url = reverse(f"dashboard:{url_name}_supervise", args=[subject.pk])
    django_app.get(url, user=user, status=403)
    assert not SupervisionItem.objects.exists()


def test_an_unknown_project_or_task_is_not_found(django_app, leader, project, task):
    django_app.get(
        reverse("dashboard:project_supervise", args=[project.pk + 1000]), user=leader, status=404
    )
    django_app.get(
        reverse("dashboard:task_supervise", args=[task.pk + 1000]), user=leader, status=404
    )
    django_app.get("/projects/99999999999999999999999/supervise/", user=leader, status=404)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("matter", "", "请填写督办事项。"),
        ("matter", " \u3000\n ", "请填写督办事项。"),
        ("matter", "协调\x00政策处理", "督办事项含有空字符（不可见的控制字符），请删除后再保存。"),
        ("matter", "字" * 1001, "督办事项最多1000字（现有1001字）。"),
        ("due_date", "2024-10-14", "办结时限不能早于今天（2024-10-15）。"),
        ("due_date", "9999-12-31", "办结时限最长为一年（2025-10-16）"),
        ("due_date", "2024-13-40", "办结时限不是有效的日期"),
        ("due_date", "十月底", "办结时限不是有效的日期"),
        ("due_date", "", "请填写办结时限。"),
    ],
    ids=["empty", "blank", "nul", "too-long", "past", "far", "no-such-day", "words", "no-date"],
)
def test_bad_input_is_refused_in_chinese_and_saves_nothing(
    django_app, project, leader, field, value, message
):
    form = open_form(django_app, "dashboard:project_supervise", project, leader)
    form = form.forms["supervise-form"]
    form["matter"] = MATTER
    form[field] = value
    page = form.submit(status=200)
    summary = page.html.select_one("[role=alert]").get_text(" ", strip=True)
    assert summary.startswith("未保存，请改正以下问题：") and message in summary
    error = page.html.select_one(f"#id_{field}_error").get_text(strip=True)
    assert message in error
    described = page.html.select_one(f"#id_{field}")["aria-describedby"].split()
    assert f"id_{field}_error" in described
    if field != "matter":
        assert page.forms["supervise-form"]["matter"].value == MATTER
    assert not SupervisionItem.objects.exists()


def test_an_office_that_does_not_exist_is_refused(django_app, project, leader):
    form = open_form(django_app, "dashboard:project_supervise", project, leader)
    form = form.forms["supervise-form"]
    form["matter"] = MATTER
    form["office"].force_value("999999")
    page = form.submit(status=200)
    assert "所选责任科室不存在，请重新选择。" in page.text
    assert not SupervisionItem.objects.exists()
