"""Changing a project's 阶段模板 in its admin change form: the stages follow the template while
none carries a record; otherwise the change is refused on the field and nothing changes.

Every form here is the page's own rendered form (django-webtest), submitted as a browser would.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from plans.models import Project, Stage, StageTemplate, StageTemplateStep
from plans.services import project_template_change

pytestmark = pytest.mark.django_db

GOVERNMENT = ["谋划", "立项审批", "方案设计", "招投标", "开工", "主体完工", "投入运营"]
DEFAULT = ["谋划", "政策处理/征地", "拆迁", "进场清表", "组件报批", "开工", "竣工验收"]


@pytest.fixture
def government():
    template = StageTemplate.objects.create(name="政府投资项目流程")
    for order, name in enumerate(GOVERNMENT, start=1):
        StageTemplateStep.objects.create(template=template, order=order, key=f"g{order}", name=name)
    return template


def change_form(django_app, user, project):
    page = django_app.get(f"/admin/plans/project/{project.pk}/change/", user=user)
    return page.forms["project_form"]


def stage_names(project) -> list[str]:
    return list(
        Stage.objects.filter(project=project).order_by("order").values_list("name", flat=True)
    )


def test_a_project_without_stage_records_gets_the_new_templates_stages(
    django_app, admin_user, project_a, government
):
    assert stage_names(project_a) == DEFAULT
    old_ids = set(project_a.stages.values_list("pk", flat=True))
    form = change_form(django_app, admin_user, project_a)
    form["template"].select(str(government.pk))
    page = form.submit().follow()

    messages = [li.text for li in page.html.select("ul.messagelist li")]
    assert "已按新阶段模板“政府投资项目流程”重建7个阶段。" in messages
    project_a.refresh_from_db()
    assert project_a.template == government
    assert stage_names(project_a) == GOVERNMENT
    assert list(project_a.stages.values_list("key", flat=True)) == [f"g{i}" for i in range(1, 8)]
    # On record: each old stage's deletion and each new stage's creation, by the admin.
    deleted = Stage.history.filter(history_type="-", project_id=project_a.pk)
    assert {record.id for record in deleted} == old_ids
    created = Stage.history.filter(history_type="+", project_id=project_a.pk, key__startswith="g")
    assert created.count() == 7
    assert {record.history_user for record in [*deleted, *created]} == {admin_user}
    # The page shows the new stages in its inline.
    again = django_app.get(f"/admin/plans/project/{project_a.pk}/change/", user=admin_user)
    assert "立项审批" in again.text and "拆迁" not in again.text


def test_a_project_with_a_stage_on_record_keeps_its_template_and_stages(
    django_app, admin_user, project_a, government
):
    default = project_a.template
    stage = project_a.stages.get(key="demolition")
    stage.planned_date = date(2024, 6, 30)
    stage.save()
    before = list(project_a.stages.order_by("order").values_list("pk", "name", "version"))
    form = change_form(django_app, admin_user, project_a)
    form["template"].select(str(government.pk))
    page = form.submit()

    assert page.status_code == 200  # the form again, not a redirect
    errors = page.html.select_one(".field-template .errorlist").get_text(strip=True)
    assert errors == (
        "不能更换阶段模板：阶段“拆迁”已填写计划/实际日期、完成情况或说明，新模板中没有这些阶段，"
        "更换会丢失这些记录。"
        "如确需更换，请先在下方“项目阶段”中清空这些阶段的内容并保存，再更换模板。"
    )
    assert "重建" not in page.text
    project_a.refresh_from_db()
    assert project_a.template == default
    assert list(project_a.stages.order_by("order").values_list("pk", "name", "version")) == before
    assert not Stage.history.filter(history_type="-").exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("actual_date", date(2024, 3, 1)),
        ("is_done", True),
        ("area_done_mu", 12),
        ("households_required", 3),
        ("note", "已完成测绘"),
    ],
)
def test_every_kind_of_stage_record_refuses_the_change(project_a, government, field, value):
    Stage.objects.filter(project=project_a, key="planning").update(**{field: value})
    with pytest.raises(ValidationError) as refused:
        project_template_change(project=project_a, template=government)
    assert refused.value.message_dict["template"][0].startswith("不能更换阶段模板：阶段“谋划”")
    assert stage_names(Project.objects.get(pk=project_a.pk)) == DEFAULT


def test_a_stage_filled_in_on_the_same_page_as_the_change_refuses_it(
    django_app, admin_user, project_a, government
):
    form = change_form(django_app, admin_user, project_a)
    form["template"].select(str(government.pk))
    form["stages-2-planned_date"] = "2024-06-30"  # 拆迁, typed in while switching
    page = form.submit()

    assert page.status_code == 200
    refusal = page.html.select_one("ul.errorlist.nonfield").get_text(strip=True)
    assert refusal.startswith("不能更换阶段模板：阶段“拆迁”已填写计划/实际日期")
    project_a.refresh_from_db()
    assert project_a.template.name != "政府投资项目流程"
    assert stage_names(project_a) == DEFAULT
    assert project_a.stages.get(key="demolition").planned_date is None


def test_a_project_with_stages_keeps_a_template(django_app, admin_user, project_a):
    """Clearing the template is refused: a project without one would draw its stages under no
    template's headers on the board."""
    project_a.stages.filter(key="demolition").update(planned_date=date(2024, 6, 30))
    default = project_a.template
    form = change_form(django_app, admin_user, project_a)
    form["template"].select("")
    page = form.submit()

    assert page.status_code == 200
    errors = page.html.select_one(".field-template .errorlist").get_text(strip=True)
    assert errors == "项目已有阶段，不能不选阶段模板；如需更换，请选择另一个阶段模板。"
    project_a.refresh_from_db()
    assert project_a.template == default
    assert stage_names(project_a) == DEFAULT


def test_a_template_with_the_same_stages_keeps_their_records(django_app, admin_user, project_a):
    """A template that has every stage on record (by code) takes the project with its records:
    here a copy of the default in another order, with one stage renamed and one more."""
    project_a.stages.filter(key="demolition").update(planned_date=date(2024, 6, 30))
    copy = StageTemplate.objects.create(name="标准流程（调整）")
    steps = list(project_a.template.steps.order_by("-order"))
    for order, step in enumerate(steps, start=1):
        name = "房屋拆迁" if step.key == "demolition" else step.name
        StageTemplateStep.objects.create(template=copy, order=order, key=step.key, name=name)
    StageTemplateStep.objects.create(template=copy, order=8, key="audit", name="审计")
    form = change_form(django_app, admin_user, project_a)
    form["template"].select(str(copy.pk))
    page = form.submit().follow()

    assert "已按新阶段模板“标准流程（调整）”重建1个阶段。" in page.text
    project_a.refresh_from_db()
    assert project_a.template == copy
    assert stage_names(project_a) == [
        *("房屋拆迁" if name == "拆迁" else name for name in reversed(DEFAULT)),
        "审计",
    ]
    kept = project_a.stages.get(key="demolition")
    assert (kept.name, kept.planned_date) == ("房屋拆迁", date(2024, 6, 30))
    assert not Stage.history.filter(history_type="-", project_id=project_a.pk).exists()


def test_two_steps_of_a_template_swap_their_orders(django_app, admin_user, project_a):
    """The template's own page: two rows swapping 顺序 save (no unique clash half-way), and two
    rows with one 顺序 are refused in Chinese, naming the field."""
    template = project_a.template
    url = f"/admin/plans/stagetemplate/{template.pk}/change/"
    form = django_app.get(url, user=admin_user).forms["stagetemplate_form"]
    first, second = form["steps-0-order"].value, form["steps-1-order"].value
    form["steps-0-order"], form["steps-1-order"] = second, first
    assert form.submit().status_code == 302
    assert list(template.steps.order_by("order").values_list("name", flat=True))[:2] == [
        DEFAULT[1],
        DEFAULT[0],
    ]

    form = django_app.get(url, user=admin_user).forms["stagetemplate_form"]
    form["steps-1-order"] = form["steps-0-order"].value
    page = form.submit()
    assert page.status_code == 200
    assert "请修改顺序的重复数据，同一模板中不能重复。" in page.text
    assert list(template.steps.order_by("order").values_list("name", flat=True))[:2] == [
        DEFAULT[1],
        DEFAULT[0],
    ]
