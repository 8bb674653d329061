"""The monthly progress form, and 督办 items through the admin."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import ProgressReport, SupervisionItem
from plans.services import project_create
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
REPORT = "/admin/plans/progressreport/report/"
FIELDS = ["quantity_done", "percent_done", "investment_ytd", "progress", "problems", "next_steps"]


def post_data(rows: list[dict[str, str]]) -> dict[str, str]:
    data = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(len(rows)),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key in FIELDS:
            data[f"rows-{index}-{key}"] = row.get(key, "")
    return data


def test_the_form_lists_the_offices_projects_and_tasks_with_last_month(
    clerk_client, office_a, project_a, task_a, project_b, october_2024
):
    ProgressReport.objects.create(
        project=project_a, year=2024, month=8, percent_done=D("40"), problems="3户未签约"
    )
    response = clerk_client.get(f"{REPORT}?office={office_a.pk}&period=2024-09")
    assert response.status_code == 200
    rows = response.context["formset"].rows
    assert [row.subject for row in rows] == [project_a, task_a]
    assert rows[0].previous.percent_done == D("40")
    body = response.content.decode()
    assert "问题：3户未签约" in body and "目标 1300亩" in body


def test_a_clerk_reports_progress_for_their_office(
    clerk, clerk_client, office_a, project_a, task_a, october_2024
):
    response = clerk_client.post(
        f"{REPORT}?office={office_a.pk}&period=2024-09",
        post_data(
            [
                {
                    "percent_done": "60",
                    "investment_ytd": "1,200",
                    "progress": "完成清表",
                    "problems": "3户未签约",
                },
                {"quantity_done": "1000", "progress": "签订协议1000亩"},
            ]
        ),
    )
    assert response.status_code == 302
    project_report = ProgressReport.objects.get(project=project_a)
    assert project_report.investment_ytd == D("1200") and project_report.reported_by == clerk
    assert ProgressReport.objects.get(task=task_a).quantity_done == D("1000")


def test_one_wrong_row_saves_nothing(clerk_client, office_a, project_a, task_a, october_2024):
    response = clerk_client.post(
        f"{REPORT}?office={office_a.pk}&period=2024-09",
        post_data([{"percent_done": "160", "progress": "x"}, {"quantity_done": "1000"}]),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "后冯区块：形象进度应在0到100之间。" in body
    assert "朱溪港两侧土地征收：请填写进展情况。" in body
    assert not ProgressReport.objects.exists()


def test_a_clerk_cannot_report_for_another_office(clerk_client, office_b, project_b, october_2024):
    url = f"{REPORT}?office={office_b.pk}&period=2024-09"
    response = clerk_client.get(url)
    assert "无权填报该科室" in response.content.decode()
    clerk_client.post(url, post_data([{"percent_done": "10", "progress": "x"}]))
    assert not ProgressReport.objects.exists()


def test_a_leader_cannot_open_the_progress_form(leader_client, office_a):
    assert leader_client.get(f"{REPORT}?office={office_a.pk}&period=2024-09").status_code == 403


def _count(callable_) -> int:
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_the_progress_form_takes_fixed_queries_at_two_data_sizes(
    clerk_client, office_a, october_2024
):
    projects = [
        project_create(code=f"p{i}", name=f"项目{i}", type="industry", office=office_a)
        for i in range(20)
    ]
    tasks = [TaskFactory(office=office_a, code=f"t{i}") for i in range(20)]
    url = f"{REPORT}?office={office_a.pk}&period=2024-09"
    rows = post_data([{"percent_done": "50", "progress": "推进中"} for _ in range(40)])
    small_get, small_post = (
        _count(lambda: clerk_client.get(url)),
        _count(lambda: clerk_client.post(url, rows)),
    )
    ProgressReport.objects.all().delete()
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(project=p, year=year, month=m, progress="历史")
            for p in projects
            for year in (2021, 2022, 2023)
            for m in range(1, 13)
        ]
        + [
            ProgressReport(task=t, year=2024, month=m, progress="历史")
            for t in tasks
            for m in range(1, 9)
        ]
    )
    large_get, large_post = (
        _count(lambda: clerk_client.get(url)),
        _count(lambda: clerk_client.post(url, rows)),
    )
    assert ProgressReport.objects.filter(year=2024, month=9).count() == 40
    assert (small_get, small_post) == (large_get, large_post)
    print(f"progress form, 40 rows: GET {large_get} queries, POST {large_post} queries")
    assert large_get <= 14 and large_post <= 20, (large_get, large_post)


def test_a_leader_raises_a_supervision_item_and_the_office_resolves_it(
    leader, clerk, clerk_b, office_a, project_a
):
    from django.test import Client

    leader_client, clerk_client, client = Client(), Client(), Client()
    leader_client.force_login(leader)
    clerk_client.force_login(clerk)
    response = leader_client.post(
        "/admin/plans/supervisionitem/add/",
        {
            "project": project_a.pk,
            "task": "",
            "matter": "解决后冯区块3户政策处理",
            "office": office_a.pk,
            "due_date": "2024-10-31",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = SupervisionItem.objects.get()
    assert item.raised_by == leader and item.is_open
    url = f"/admin/plans/supervisionitem/{item.pk}/change/"
    response = clerk_client.post(url, {"resolution": "  "})
    assert response.status_code == 200 and "请填写办理结果。" in response.content.decode()
    response = clerk_client.post(url, {"resolution": "3户已签约"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.resolution == "3户已签约" and item.resolved_by == clerk and not item.is_open
    client.force_login(clerk_b)
    assert client.get(url).status_code == 302  # another office's item: not found


def test_a_supervision_item_needs_one_subject(leader_client, office_a, project_a, task_a):
    response = leader_client.post(
        "/admin/plans/supervisionitem/add/",
        {
            "project": project_a.pk,
            "task": task_a.pk,
            "matter": "x",
            "office": office_a.pk,
            "due_date": "2024-10-31",
        },
    )
    assert response.status_code == 200
    assert "请选择一个项目或一个任务（只能选一个）。" in response.content.decode()
    assert not SupervisionItem.objects.exists()


def test_a_clerk_cannot_raise_a_supervision_item(clerk_client):
    assert clerk_client.get("/admin/plans/supervisionitem/add/").status_code == 403


def test_a_clerk_edits_stages_of_their_own_project_only(clerk_client, project_a, project_b):
    assert clerk_client.get(f"/admin/plans/project/{project_a.pk}/change/").status_code == 200
    assert clerk_client.get(f"/admin/plans/project/{project_b.pk}/change/").status_code == 302


def test_the_plan_export_lists_projects_and_tasks_with_latest_progress(
    leader_client, project_a, task_a
):
    import io

    from openpyxl import load_workbook

    ProgressReport.objects.create(project=project_a, year=2024, month=8, percent_done=D("30"))
    ProgressReport.objects.create(
        project=project_a, year=2024, month=9, percent_done=D("45"), problems="3户未签约"
    )
    response = leader_client.get("/admin/plans/project/export/?year=2024")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["重点项目", "工作任务"]
    row = [c.value for c in book["重点项目"][2]]
    assert row[0] == "后冯区块" and row[5] == "0/7" and row[6] == "谋划"
    assert row[7:11] == ["2024-09", 45.0, None, "3户未签约"]
    task_row = [c.value for c in book["工作任务"][2]]
    assert task_row[1] == "朱溪港两侧土地征收" and task_row[3] == "1300亩"
