"""The audit trail: who changed what, old → new, for projects, stages, tasks, targets and
progress, bulk saves included; it can be read but not edited or reverted."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from plans.models import ProgressReport, Stage
from plans.services import ProgressEntry, progress_report_save

pytestmark = pytest.mark.django_db


def test_a_stage_change_through_the_admin_is_recorded_with_its_user(clerk, clerk_client, project_a):
    stages = list(project_a.stages.order_by("order"))
    data = {
        "code": project_a.code,
        "name": project_a.name,
        "type": project_a.type,
        "office": project_a.office_id,
        "template": project_a.template_id,
        "is_active": "on",
        "order": "0",
        "stages-TOTAL_FORMS": str(len(stages)),
        "stages-INITIAL_FORMS": str(len(stages)),
        "year_plans-TOTAL_FORMS": "0",
        "year_plans-INITIAL_FORMS": "0",
    }
    for i, stage in enumerate(stages):
        data[f"stages-{i}-id"] = stage.pk
        data[f"stages-{i}-project"] = project_a.pk
        data[f"stages-{i}-note"] = ""
    data["stages-1-actual_date"] = "2024-09-20"
    data["stages-1-area_done_mu"] = "411"
    response = clerk_client.post(f"/admin/plans/project/{project_a.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    land = Stage.objects.get(project=project_a, key="land")
    record = land.history.first()
    assert record.history_user == clerk and record.history_type == "~"
    body = clerk_client.get(f"/projects/{project_a.pk}/").content.decode()
    assert "阶段：政策处理/征地" in body
    assert "实际完成日期：— → 2024-09-20" in body
    assert "已完成面积（亩）：— → 411" in body and "已完成：否 → 是" in body


def test_bulk_progress_saves_are_recorded(project_a, task_a, office_a, clerk):
    progress_report_save(
        office=office_a,
        year=2024,
        month=9,
        user=clerk,
        entries=[
            ProgressEntry(project_a, percent_done=D("40"), progress="a"),
            ProgressEntry(task_a, quantity_done=D("300"), progress="b"),
        ],
    )
    progress_report_save(
        office=office_a,
        year=2024,
        month=9,
        user=clerk,
        entries=[ProgressEntry(project_a, percent_done=D("45"), progress="a")],
    )
    report = ProgressReport.objects.get(project=project_a)
    history = list(report.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.percent_done, h.history_user) for h in history] == [
        ("+", D("40"), clerk),
        ("~", D("45"), clerk),
    ]
    assert ProgressReport.history.filter(task=task_a).count() == 1


def test_the_history_cannot_be_reverted_through_the_admin(django_app, admin_user, project_a):
    """An admin posts the project's own change form, renamed, to a past version's page (what a
    revert would take): refused, and the project keeps its name. Were revert open, the post
    would save the past version with the new name (302) and both assertions would fail."""
    project_a.name = "后冯区块（旧名）"
    project_a.save()
    project_a.name = "后冯区块"
    project_a.save()
    past = project_a.history.order_by("history_date", "history_id")[1]
    assert past.name == "后冯区块（旧名）"
    url = f"/admin/plans/project/{project_a.pk}/history/{past.history_id}/"
    history = django_app.get(f"/admin/plans/project/{project_a.pk}/history/", user=admin_user)
    assert url in history.text
    change = django_app.get(f"/admin/plans/project/{project_a.pk}/change/", user=admin_user)
    form = change.forms["project_form"]
    form["name"] = "改掉"
    form["version"] = str(past.version)  # the version the past page shows
    response = django_app.post(
        url, params=form.submit_fields(), user=admin_user, expect_errors=True
    )
    assert response.status_code == 403  # for everyone: tests/security/test_admin_history.py
    project_a.refresh_from_db()
    assert project_a.name == "后冯区块"
    assert not project_a.history.filter(name="改掉").exists()


def test_task_history_is_shown_on_its_page(leader_client, task_a):
    task_a.leader = "张镇长"
    task_a.save()
    body = leader_client.get(f"/tasks/{task_a.pk}/").content.decode()
    assert "联系领导：— → 张镇长" in body
