"""The document's projects, stages and 2024 tasks as loaded into the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from plans.models import PlanSection, Project, Stage, Target, Task
from plans.seed import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed")


def test_every_task_of_the_2024_plan_is_loaded_by_section(seeded):
    assert list(PlanSection.objects.filter(year=2024).values_list("number", "title")) == [
        (number, title) for number, title in data.SECTIONS
    ]
    assert Task.objects.count() == len(data.TASKS)
    for spec in data.TASKS:
        task = Task.objects.get(code=spec["code"])
        assert task.section.number == spec["section"] and task.text == spec["text"]
        assert task.quantity == (D(spec["quantity"]) if spec["quantity"] else None)
        assert task.at_least == spec["at_least"] and task.deadline == date(2024, 12, 31)
        assert task.office.code == spec["office"]
        assert (task.project.code if task.project else None) == spec["project"]


def test_the_quantity_tasks_read_as_the_plan_words_them(seeded):
    labels = {task.text: task.quantity_label for task in Task.objects.exclude(quantity=None)}
    land = next(text for text in labels if "1300亩" in text)
    assert labels[land] == "1300亩"
    paddy = next(text for text in labels if "垦造水田" in text)
    assert labels[paddy] == "1000亩以上"
    firms = next(text for text in labels if "小升规" in text)
    assert labels[firms] == "2家以上"


def test_every_project_of_the_document_is_loaded_with_its_2023_stages(seeded):
    assert Project.objects.count() == len(data.PROJECTS)
    for spec in data.PROJECTS:
        project = Project.objects.get(code=spec["code"])
        assert project.name == spec["name"]
        assert (project.parent.code if project.parent else None) == spec["parent"]
        assert project.stages.count() == 7
        done = set(project.stages.filter(is_done=True).values_list("key", flat=True))
        assert done == {stage["stage"] for stage in spec["stages"]}, spec["code"]


def test_the_development_zone_blocks_carry_their_quantities(seeded):
    houfeng = Project.objects.get(name="后冯区块")
    assert houfeng.parent.name.startswith("经济开发区扩容")
    land = houfeng.stages.get(key="land")
    assert land.is_done and land.area_done_mu == D("411")
    assert "后冯区块411亩征地协议签订" in land.note
    demolition = Stage.objects.get(project__name="张店区块", key="demolition")
    assert (demolition.households_done, demolition.area_done_mu) == (101, D("77.89"))
    workshop = Project.objects.get(name__contains="工艺小微园二期")
    assert workshop.area_mu == D("91") and workshop.stages.get(key="approval").is_done
    assert Stage.objects.get(project__name__contains="生态公墓", key="completion").is_done


def test_no_target_is_invented(seeded):
    # The document reports 工业性投资's 完成率 (93.63%) but no target amount.
    assert not Target.objects.exists()


def test_the_seed_is_idempotent(seeded):
    counts = (Project.objects.count(), Stage.objects.count(), Task.objects.count())
    Project.objects.filter(name="后冯区块").update(leader="王镇长")
    call_command("seed")
    assert counts == (Project.objects.count(), Stage.objects.count(), Task.objects.count())
    assert Project.objects.get(name="后冯区块").leader == "王镇长"


def test_the_admin_lists_tasks_by_section_and_projects_with_stages(seeded, admin_client_role):
    response = admin_client_role.get("/admin/plans/task/?section__year=2024")
    assert response.status_code == 200
    assert response.context["cl"].result_count == len(data.TASKS)
    body = response.content.decode()
    assert "2024年（一）加速工业突破,激活发展动能" in body
    response = admin_client_role.get("/admin/plans/project/")
    assert "已完成1/7：政策处理/征地" in response.content.decode()


def test_demo_plans_are_marked_and_removable(seeded, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from plans.models import ProgressReport, ProjectYearPlan

    settings.DEBUG = True
    with time_machine.travel(datetime(2024, 11, 5, tzinfo=ZoneInfo("Asia/Shanghai"))):
        call_command("demo_data")
    assert Target.objects.filter(is_demo=True, year=2024).exists()
    reports = ProgressReport.objects.filter(is_demo=True)
    # to September: October, the month being reported, is left to the office
    assert set(reports.values_list("month", flat=True)) == set(range(1, 10))
    assert not ProgressReport.objects.filter(is_demo=False).exists()
    call_command("demo_data", "--remove")
    assert not ProgressReport.objects.exists()
    assert not Target.objects.exists() and not ProjectYearPlan.objects.exists()
    assert Project.objects.count() == len(data.PROJECTS)  # real data untouched
