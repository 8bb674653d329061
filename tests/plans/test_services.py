"""Projects get their stages from the template; progress is saved all or nothing; 督办 items
go from raised to resolved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from plans.models import ProgressReport, Stage, StageTemplate, SupervisionItem
from plans.services import (
    ProgressEntry,
    progress_report_save,
    project_create,
    supervision_raise,
    supervision_reopen,
    supervision_resolve,
)

pytestmark = pytest.mark.django_db


def test_a_new_project_gets_the_default_stages(project_a):
    assert list(project_a.stages.values_list("name", flat=True)) == [
        "谋划",
        "政策处理/征地",
        "拆迁",
        "进场清表",
        "组件报批",
        "开工",
        "竣工验收",
    ]


def test_a_project_may_follow_another_template(office_a):
    template = StageTemplate.objects.create(name="民生项目流程")
    template.steps.create(order=1, key="design", name="方案设计")
    template.steps.create(order=2, key="build", name="建设")
    project = project_create(
        code="p2", name="杨砩头养老院", type="livelihood", office=office_a, template=template
    )
    assert list(project.stages.values_list("key", flat=True)) == ["design", "build"]


def test_an_actual_date_marks_a_stage_done(project_a):
    stage = project_a.stages.get(key="land")
    stage.actual_date = date(2023, 11, 30)
    stage.save()
    assert Stage.objects.get(pk=stage.pk).is_done


def test_progress_is_saved_with_who_reported(project_a, task_a, office_a, clerk):
    saved = progress_report_save(
        office=office_a,
        year=2024,
        month=9,
        user=clerk,
        entries=[
            ProgressEntry(
                project_a, percent_done=D("60"), investment_ytd=D("900"), progress="已完成清表"
            ),
            ProgressEntry(task_a, quantity_done=D("1000"), progress="签订协议1000亩"),
        ],
    )
    assert saved == 2
    report = ProgressReport.objects.get(project=project_a, year=2024, month=9)
    assert (report.percent_done, report.investment_ytd, report.reported_by) == (
        D("60"),
        D("900"),
        clerk,
    )
    assert ProgressReport.objects.get(task=task_a).quantity_done == D("1000")


def test_an_empty_row_is_not_a_report_and_an_unchanged_one_is_not_rewritten(
    project_a, task_a, office_a, clerk
):
    entries = [ProgressEntry(project_a, progress="推进中"), ProgressEntry(task_a)]
    assert (
        progress_report_save(office=office_a, year=2024, month=9, user=clerk, entries=entries) == 1
    )
    assert (
        progress_report_save(office=office_a, year=2024, month=9, user=clerk, entries=entries) == 0
    )
    assert ProgressReport.objects.count() == 1


def test_progress_is_saved_all_or_nothing(project_a, task_a, office_a, clerk, monkeypatch):
    def failing(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(ProgressReport.objects, "bulk_create", failing)
    with pytest.raises(ValidationError):  # a failed insert is reported as a conflict
        progress_report_save(
            office=office_a,
            year=2024,
            month=9,
            user=clerk,
            entries=[ProgressEntry(project_a, progress="a"), ProgressEntry(task_a, progress="b")],
        )
    monkeypatch.undo()
    assert not ProgressReport.objects.exists()


def test_progress_refuses_another_offices_subject(project_a, project_b, office_a, clerk):
    with pytest.raises(ValueError):
        progress_report_save(
            office=office_a,
            year=2024,
            month=9,
            user=clerk,
            entries=[
                ProgressEntry(project_a, progress="a"),
                ProgressEntry(project_b, progress="b"),
            ],
        )
    assert not ProgressReport.objects.exists()


def test_a_clerk_cannot_save_another_offices_progress(project_b, office_b, clerk):
    with pytest.raises(PermissionDenied):
        progress_report_save(
            office=office_b,
            year=2024,
            month=9,
            user=clerk,
            entries=[ProgressEntry(project_b, progress="x")],
        )


def test_a_supervision_item_is_raised_resolved_reopened_and_resolved_again(
    project_a, leader, clerk, office_a
):
    item = supervision_raise(
        subject=project_a,
        matter="解决后冯区块3户政策处理",
        due_date=date(2024, 10, 31),
        user=leader,
    )
    assert item.office == office_a and item.raised_by == leader and item.is_open
    assert not item.is_overdue(date(2024, 10, 31)) and item.is_overdue(date(2024, 11, 1))
    supervision_resolve(item=item, resolution="3户已签约", user=clerk)
    item.refresh_from_db()
    assert not item.is_open and item.resolved_by == clerk and not item.is_overdue(date(2025, 1, 1))
    with pytest.raises(ValidationError):
        supervision_resolve(item=item, resolution="again", user=clerk)
    supervision_reopen(item=item, user=leader, reason="尚有1户未腾空")
    item.refresh_from_db()
    assert item.is_open and "3户已签约" in item.resolution and "尚有1户未腾空" in item.resolution
    supervision_resolve(item=item, resolution="已全部腾空", user=clerk)
    assert not SupervisionItem.objects.get(pk=item.pk).is_open


def test_only_leaders_and_admins_raise_supervision_items(project_a, clerk):
    with pytest.raises(PermissionDenied):
        supervision_raise(subject=project_a, matter="x", due_date=date(2024, 10, 31), user=clerk)


def test_only_the_responsible_office_resolves(project_a, leader, clerk_b):
    item = supervision_raise(
        subject=project_a, matter="x", due_date=date(2024, 10, 31), user=leader
    )
    with pytest.raises(PermissionDenied):
        supervision_resolve(item=item, resolution="done", user=clerk_b)
    with pytest.raises(PermissionDenied):
        supervision_resolve(item=item, resolution="done", user=leader)


def test_a_resolution_cannot_be_empty(project_a, leader, clerk):
    item = supervision_raise(
        subject=project_a, matter="x", due_date=date(2024, 10, 31), user=leader
    )
    with pytest.raises(ValidationError):
        supervision_resolve(item=item, resolution="  ", user=clerk)
    assert SupervisionItem.objects.get(pk=item.pk).is_open


def test_a_stale_progress_save_is_refused_with_who_changed_it(project_a, office_a, clerk):
    entry = ProgressEntry(project_a, percent_done=D("40"), progress="a", expected_version=0)
    progress_report_save(office=office_a, year=2024, month=9, user=clerk, entries=[entry])
    stale = ProgressEntry(project_a, percent_done=D("50"), progress="b", expected_version=0)
    with pytest.raises(ValidationError) as excinfo:
        progress_report_save(office=office_a, year=2024, month=9, user=clerk, entries=[stale])
    assert "“后冯区块”的进展在您打开后已被" in excinfo.value.messages[0]
    assert ProgressReport.objects.get(project=project_a).percent_done == D("40")
