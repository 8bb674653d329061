"""Two people open the same admin change form; the first saves, then the second: the second is
told who changed which field, with both values, and nothing of theirs is saved.

Every form here is the page's own rendered form (django-webtest), submitted as a browser would,
hidden version included. Each person has their own browser (cookies, session, CSRF token).
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal as D

import pytest
from django.contrib.admin import site
from django.db import connection, connections, transaction
from django.test import RequestFactory
from django_webtest import DjangoTestApp

from accounts.roles import Role
from indicators.models import Figure, MonthReview
from plans.admin import TargetAdmin
from plans.models import ProgressReport, Project, Stage, SupervisionItem, Target
from plans.services import (
    ProgressEntry,
    progress_report_save,
    supervision_raise,
    supervision_reopen,
    supervision_resolve,
)
from tests.factories import FigureFactory, IndicatorFactory, TaskFactory, UserFactory
from xiage.versioning import locked_for_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def browsers(django_app):
    """Two browsers: django_app and a second one with cookies of its own."""
    return django_app, DjangoTestApp(extra_environ=django_app.extra_environ)


@pytest.fixture
def zhang(db):
    return UserFactory(username="zhang", display_name="张三", roles=[Role.ADMIN])


@pytest.fixture
def li(db):
    return UserFactory(username="li", display_name="李四", roles=[Role.ADMIN])


@pytest.fixture
def wang(clerk):
    clerk.display_name = "王芳"
    clerk.save()
    return clerk


@pytest.fixture
def output(office_a, town):
    return IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town])


@pytest.fixture
def item(leader, project_a):
    return supervision_raise(
        subject=project_a, matter="解决3户政策处理", due_date=date(2024, 10, 31), user=leader
    )


def open_form(app, url: str, user, form_id: str):
    page = app.get(url, user=user)
    assert page.status_code == 200
    return page.forms[form_id]


def two_pages(browsers, url: str, first_user, second_user, form_id: str):
    """The same change page opened by two people, each in their own browser."""
    return (
        open_form(browsers[0], url, first_user, form_id),
        open_form(browsers[1], url, second_user, form_id),
    )


def fill(form, changes: dict[str, str]):
    for name, value in changes.items():
        form[name] = value
    return form


def saved(form, user):
    response = form.submit("_save", user=user)
    assert response.status_code == 302, response.text[:3000]
    return response.follow(user=user)


def refusal(response) -> str:
    """The errors of a refused save's page, asserting that nothing says it was saved."""
    assert response.status_code == 200
    page = response.html
    assert page.select_one("p.errornote") is not None
    assert page.select("ul.messagelist li.success") == []
    assert "成功" not in response.text
    return " ".join(" ".join(errors.get_text(" ").split()) for errors in page.select(".errorlist"))


def one_then_the_other(browsers, url: str, form_id: str, first: tuple, second: tuple):
    """Both open the page; the first saves their changes, then the second submits theirs.
    `first` and `second` are (user, {field: value}); returns the second's response."""
    (first_user, first_changes), (second_user, second_changes) = first, second
    first_form, second_form = two_pages(browsers, url, first_user, second_user, form_id)
    saved(fill(first_form, first_changes), first_user)
    return fill(second_form, second_changes).submit("_save", user=second_user)


# --- the seven change forms -------------------------------------------------------------------


def test_a_target_changed_by_another_admin_is_not_overwritten(browsers, zhang, li, output):
    target = Target.objects.create(indicator=output, year=2024, kind="amount", value=D("36"))
    url = f"/admin/plans/target/{target.pk}/change/"
    assert open_form(browsers[0], url, zhang, "target_form")["version"].value == "1"

    response = one_then_the_other(
        browsers, url, "target_form", (zhang, {"value": "40"}), (li, {"value": "42"})
    )

    text = refusal(response)
    assert "“2024年 规上工业产值 完成额（完成X）”在您打开页面后已被张三修改" in text
    assert "“目标值”已被张三修改为 40，您填写的是 42。" in text
    target.refresh_from_db()
    assert (target.value, target.version) == (D("40"), 2)


def test_a_task_changed_by_another_admin_is_not_overwritten(browsers, zhang, li, office_a):
    task = TaskFactory(title="朱溪港两侧土地征收", office=office_a)
    response = one_then_the_other(
        browsers,
        f"/admin/plans/task/{task.pk}/change/",
        "task_form",
        (zhang, {"deadline": "2024-10-31"}),
        (li, {"deadline": "2024-11-15"}),
    )

    assert "“完成时限”已被张三修改为 2024-10-31，您填写的是 2024-11-15。" in refusal(response)
    task.refresh_from_db()
    assert (task.deadline, task.version) == (date(2024, 10, 31), 2)


def test_a_project_changed_by_the_clerk_is_not_overwritten_by_an_admin(
    browsers, zhang, wang, project_a
):
    response = one_then_the_other(
        browsers,
        f"/admin/plans/project/{project_a.pk}/change/",
        "project_form",
        (wang, {"leader": "陈书记"}),
        (zhang, {"leader": "林镇长"}),
    )

    text = refusal(response)
    assert "“后冯区块”在您打开页面后已被王芳修改，您的修改未保存" in text
    assert "“联系领导”已被王芳修改为 陈书记，您填写的是 林镇长。" in text
    project = Project.objects.get(pk=project_a.pk)
    assert (project.leader, project.version) == ("陈书记", 2)


def row(project: Project, key: str) -> str:
    """The inline row prefix (stages-N-) of a project's stage: rows follow the stages' order."""
    keys = list(project.stages.order_by("order").values_list("key", flat=True))
    return f"stages-{keys.index(key)}-"


def test_a_stage_row_changed_by_another_person_is_not_overwritten(browsers, zhang, wang, project_a):
    land = project_a.stages.get(key="land")
    url = f"/admin/plans/project/{project_a.pk}/change/"
    page = open_form(browsers[0], url, wang, "project_form")
    assert page[f"{row(project_a, 'land')}version"].value == "1"

    response = one_then_the_other(
        browsers,
        url,
        "project_form",
        (wang, {f"{row(project_a, 'land')}planned_date": "2024-10-31"}),
        (
            zhang,
            {
                f"{row(project_a, 'land')}planned_date": "2024-11-15",
                f"{row(project_a, 'land')}note": "张三补充",
                f"{row(project_a, 'planning')}note": "张三补充",
            },
        ),
    )

    refusal(response)
    errors = {
        tr.find_next_sibling("tr")["id"]: " ".join(tr.get_text(" ").split())
        for tr in response.html.select("tr.row-form-errors")
        if tr.get_text(strip=True)
    }
    # Only the row of the stage that changed underneath carries the refusal.
    assert list(errors) == [row(project_a, "land").rstrip("-")]
    (error,) = errors.values()
    assert "“后冯区块 · 政策处理/征地”在您打开页面后已被王芳修改" in error
    assert "“计划完成日期”已被王芳修改为 2024-10-31，您填写的是 2024-11-15。" in error
    land.refresh_from_db()
    assert (land.planned_date, land.note, land.version) == (date(2024, 10, 31), "", 2)
    assert project_a.stages.get(key="planning").note == ""


def test_two_people_changing_different_stages_both_keep_their_change(
    browsers, zhang, wang, project_a
):
    url = f"/admin/plans/project/{project_a.pk}/change/"
    first, second = two_pages(browsers, url, wang, zhang, "project_form")

    saved(fill(first, {f"{row(project_a, 'land')}planned_date": "2024-10-31"}), wang)
    saved(fill(second, {f"{row(project_a, 'planning')}actual_date": "2024-03-01"}), zhang)

    land, planning = project_a.stages.get(key="land"), project_a.stages.get(key="planning")
    assert (land.planned_date, land.version) == (date(2024, 10, 31), 2)
    assert (planning.actual_date, planning.is_done, planning.version) == (
        date(2024, 3, 1),
        True,
        2,
    )


def test_a_progress_report_changed_by_the_clerk_is_not_overwritten(
    browsers, zhang, wang, office_a, project_a, october_2024
):
    progress_report_save(
        office=office_a,
        year=2024,
        month=9,
        user=wang,
        entries=[ProgressEntry(project_a, percent_done=D("40"), progress="清表")],
    )
    report = ProgressReport.objects.get(project=project_a, year=2024, month=9)
    response = one_then_the_other(
        browsers,
        f"/admin/plans/progressreport/{report.pk}/change/",
        "progressreport_form",
        (wang, {"percent_done": "60"}),
        (zhang, {"percent_done": "65", "problems": "3户未签约"}),
    )

    assert "“形象进度（%）”已被王芳修改为 60，您填写的是 65。" in refusal(response)
    report.refresh_from_db()
    assert (report.percent_done, report.problems, report.version) == (D("60"), "", 2)
    assert report.reported_by == wang


def test_a_supervision_item_resolved_meanwhile_is_not_overwritten(browsers, zhang, wang, item):
    response = one_then_the_other(
        browsers,
        f"/admin/plans/supervisionitem/{item.pk}/change/",
        "supervisionitem_form",
        (wang, {"resolution": "3户已签约"}),
        (zhang, {"resolution": "已协调解决"}),
    )

    assert "“办理结果”已被王芳修改为 3户已签约，您填写的是 已协调解决。" in refusal(response)
    item.refresh_from_db()
    assert (item.resolution, item.resolved_by, item.version) == ("3户已签约", wang, 2)


def test_a_figure_changed_by_the_clerk_is_not_overwritten(
    browsers, zhang, wang, output, town, october_2024
):
    figure = FigureFactory(indicator=output, place=town, year=2024, month=9, value=D("29.00"))
    url = f"/admin/indicators/figure/{figure.pk}/change/"
    assert open_form(browsers[0], url, wang, "figure_form")["version"].value == "1"

    response = one_then_the_other(
        browsers,
        url,
        "figure_form",
        (wang, {"value": "29.74"}),
        (zhang, {"value": "29.50", "note": "按统计局口径"}),
    )

    text = refusal(response)
    assert "“规上工业产值 2024年1-9月”在您打开页面后已被王芳修改" in text
    assert "“本期数”已被王芳修改为 29.74，您填写的是 29.5。" in text
    assert "情况说明" not in text  # nobody else changed the note
    figure.refresh_from_db()
    assert (figure.value, figure.note, figure.version) == (D("29.74"), "", 2)
    assert figure.updated_by == wang and figure.revisions.count() == 1


# --- saves that go through --------------------------------------------------------------------


def test_a_save_from_a_current_page_goes_through_and_raises_the_version(browsers, zhang, output):
    target = Target.objects.create(indicator=output, year=2024, kind="amount", value=D("36"))
    url = f"/admin/plans/target/{target.pk}/change/"
    form = open_form(browsers[0], url, zhang, "target_form")
    form["value"] = "40"
    page = saved(form, zhang)
    assert page.html.select("ul.messagelist li.success")

    form = open_form(browsers[0], url, zhang, "target_form")
    assert form["version"].value == "2"
    form["wording"] = "完成40亿元"
    saved(form, zhang)
    target.refresh_from_db()
    assert (target.value, target.wording, target.version) == (D("40"), "完成40亿元", 3)


def test_a_stale_page_that_changes_nothing_is_not_refused(browsers, zhang, li, office_a):
    task = TaskFactory(title="朱溪港两侧土地征收", office=office_a)
    url = f"/admin/plans/task/{task.pk}/change/"
    first, second = two_pages(browsers, url, zhang, li, "task_form")
    saved(fill(first, {"deadline": "2024-10-31"}), zhang)
    # The same as the other person typed: nothing would be lost.
    saved(fill(second, {"deadline": "2024-10-31"}), li)
    task.refresh_from_db()
    assert (task.deadline, task.version) == (date(2024, 10, 31), 3)


def test_a_figure_save_refused_by_the_service_shows_only_the_refusal(
    browsers, wang, output, town, office_a, october_2024
):
    figure = FigureFactory(indicator=output, place=town, year=2024, month=9, value=D("29.00"))
    form = open_form(
        browsers[0], f"/admin/indicators/figure/{figure.pk}/change/", wang, "figure_form"
    )
    MonthReview.objects.create(office=office_a, year=2024, month=9, state="reviewed")
    text = refusal(fill(form, {"value": "30"}).submit("_save", user=wang))
    assert "2024年9月的数据已审核锁定" in text
    figure.refresh_from_db()
    assert (figure.value, figure.version) == (D("29.00"), 1)
    assert not Figure.objects.filter(value=D("30")).exists()


def test_a_frozen_months_figure_and_progress_read_as_text_with_the_reason(
    django_app, wang, output, town, office_a, project_a, october_2024
):
    figure = FigureFactory(indicator=output, place=town, year=2024, month=9, value=D("29.00"))
    report = ProgressReport.objects.create(project=project_a, year=2024, month=9, progress="清表")
    MonthReview.objects.create(office=office_a, year=2024, month=9, state="submitted")
    for url in (
        f"/admin/indicators/figure/{figure.pk}/change/",
        f"/admin/plans/progressreport/{report.pk}/change/",
    ):
        page = django_app.get(url, user=wang)
        assert page.status_code == 200
        assert "2024年9月的数据已报送，等待审核，不能修改" in page.text, url
        assert not page.html.select("form textarea, form input[type=text], [name=_save]"), url


def test_a_resolution_typed_the_same_meanwhile_is_refused_by_the_service_alone(
    browsers, zhang, wang, item
):
    response = one_then_the_other(
        browsers,
        f"/admin/plans/supervisionitem/{item.pk}/change/",
        "supervisionitem_form",
        (wang, {"resolution": "3户已签约"}),
        # No conflict of values, but the item is closed now: the service says so.
        (zhang, {"resolution": "3户已签约"}),
    )
    assert "该督办事项已办结。" in refusal(response)
    item.refresh_from_db()
    assert (item.resolved_by, item.version) == (wang, 2)


def test_a_reader_gets_no_version_and_no_inputs(django_app, leader, project_a, office_a):
    report = ProgressReport.objects.create(project=project_a, year=2024, month=9, progress="清表")
    for url in (
        f"/admin/plans/project/{project_a.pk}/change/",
        f"/admin/plans/progressreport/{report.pk}/change/",
    ):
        page = django_app.get(url, user=leader)
        assert page.status_code == 200
        assert 'name="version"' not in page.text and "-version" not in page.text, url
        assert "版本" not in page.text, url


# --- the version itself -----------------------------------------------------------------------


def test_every_save_raises_the_version_counted_from_the_stored_row(project_a):
    stage = project_a.stages.get(key="land")
    stale = Stage.objects.get(pk=stage.pk)
    stage.note = "一"
    stage.save()
    stale.note = "二"
    stale.save()  # a stale copy still gets a version of its own
    assert Stage.objects.get(pk=stage.pk).version == 3 and stale.version == 3
    stage.save(update_fields=["note"])
    assert Stage.objects.get(pk=stage.pk).version == 4


def test_services_raise_the_version_too(item, clerk, leader):
    assert item.version == 1
    supervision_resolve(item=item, resolution="已办结", user=clerk)
    assert SupervisionItem.objects.get(pk=item.pk).version == 2
    supervision_reopen(item=item, user=leader, reason="未见签约材料")
    assert SupervisionItem.objects.get(pk=item.pk).version == 3


def test_the_version_is_not_shown_as_a_change_in_the_audit_trail(
    browsers, zhang, leader_client, project_a
):
    url = f"/admin/plans/project/{project_a.pk}/change/"
    form = open_form(browsers[0], url, zhang, "project_form")
    form["leader"] = "陈书记"
    saved(form, zhang)
    body = leader_client.get(f"/projects/{project_a.pk}/").content.decode()
    assert "联系领导：— → 陈书记" in body and "版本" not in body


def test_a_posted_change_form_reads_its_row_locked(zhang, output):
    target = Target.objects.create(indicator=output, year=2024, kind="amount", value=D("36"))
    url = f"/admin/plans/target/{target.pk}/change/"
    model_admin = TargetAdmin(Target, site)
    post, get = RequestFactory().post(url), RequestFactory().get(url)
    post.user = get.user = zhang
    with transaction.atomic():
        assert locked_for_write(model_admin.get_queryset(post), post).query.select_for_update
        assert model_admin.get_object(post, str(target.pk)) == target
    assert not locked_for_write(model_admin.get_queryset(get), get).query.select_for_update


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_change_forms_saved_at_once_on_postgresql_lose_no_update(browsers, zhang, li, output):
    """Both pages show version 1 and are submitted together: the row is read locked, so one
    save waits for the other and is refused; it never passes a check made before the other's
    commit."""
    target = Target.objects.create(indicator=output, year=2024, kind="amount", value=D("36"))
    url = f"/admin/plans/target/{target.pk}/change/"
    forms = {
        "40": (open_form(browsers[0], url, zhang, "target_form"), zhang),
        "42": (open_form(browsers[1], url, li, "target_form"), li),
    }
    barrier = threading.Barrier(2)
    outcome: dict[str, int] = {}

    def submit(value: str) -> None:
        form, user = forms[value]
        form["value"] = value
        try:
            barrier.wait(timeout=10)
            outcome[value] = form.submit("_save", user=user).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(value,)) for value in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome.values()) == [200, 302], outcome
    winner = next(value for value, status in outcome.items() if status == 302)
    target.refresh_from_db()
    assert (target.value, target.version) == (D(winner), 2)
