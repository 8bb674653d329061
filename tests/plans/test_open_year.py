"""开启新年度 (plans.opening): the proposal, the one write, the admin's page and the command, at
several clocks, with every date built from the year the clock proposes (no year assumed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal as D
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import Indicator
from plans import opening
from plans.models import PlanSection, ProgressReport, ProjectYearPlan, Target, Task, YearOpening
from plans.services import project_create
from tests.factories import (
    FigureFactory,
    IndicatorFactory,
    PlanSectionFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db
OPEN = "/admin/plans/yearopening/open/"
TZ = ZoneInfo("Asia/Shanghai")

# The clocks: early January (the year just begun may still be opened), the end of November,
# January again a year on, and March (1-2月 is being reported; only next year may be opened).
CLOCKS = {
    "2025-01-05": datetime(2025, 1, 5, 10, 0, tzinfo=TZ),
    "2026-11-30": datetime(2026, 11, 30, 10, 0, tzinfo=TZ),
    "2027-01-05": datetime(2027, 1, 5, 10, 0, tzinfo=TZ),
    "2027-03-05": datetime(2027, 3, 5, 10, 0, tzinfo=TZ),
}


@pytest.fixture(params=list(CLOCKS), ids=list(CLOCKS))
def clock(request):
    with time_machine.travel(CLOCKS[request.param], tick=False):
        yield CLOCKS[request.param]


@dataclass
class World:
    year: int  # the year to open
    amount: Indicator  # last year's amount target, a December figure two years back and last
    growth: Indicator  # a growth target
    no_actual: Indicator  # an amount target with no figures
    floor: Indicator  # a floor target, last year's figures only to September
    milestone: Indicator
    task_left: Task  # 1300 亩, 1000 done
    task_done: Task
    task_milestone: Task  # 50 %
    task_unreported: Task
    project: object  # stages to do, a year plan of 800
    project_done: object
    project_new: object  # no year plan last year


@pytest.fixture
def world(clock, town, office_a, office_b) -> World:
    year = opening.default_year()
    last, before = year - 1, year - 2

    def indicator(name: str, **kwargs) -> Indicator:
        return IndicatorFactory(name=name, office=office_a, places=[town], **kwargs)

    amount = indicator("规上工业产值")
    Target.objects.create(indicator=amount, year=last, kind="amount", value=D("12.5"))
    FigureFactory(indicator=amount, place=town, year=before, month=12, value=D("10"))
    FigureFactory(indicator=amount, place=town, year=last, month=12, value=D("13"))
    growth = indicator("固定资产投资")
    Target.objects.create(indicator=growth, year=last, kind="growth", value=D("8"))
    no_actual = indicator("限上批零额")
    Target.objects.create(indicator=no_actual, year=before, kind="amount", value=D("5"))
    floor = indicator("外贸出口")
    Target.objects.create(indicator=floor, year=last, kind="floor", value=D("20"))
    FigureFactory(indicator=floor, place=town, year=before, month=12, value=D("16"))
    FigureFactory(indicator=floor, place=town, year=last, month=9, value=D("15"))
    milestone = indicator("城市更新")
    Target.objects.create(indicator=milestone, year=last, kind="milestone", wording="完成老街改造")
    inactive = indicator("停用指标", is_active=False)
    Target.objects.create(indicator=inactive, year=last, kind="amount", value=D("1"))
    already = indicator("已有目标")
    Target.objects.create(indicator=already, year=last, kind="amount", value=D("2"))
    Target.objects.create(indicator=already, year=year, kind="amount", value=D("3"))
    indicator("从无目标")

    one = PlanSectionFactory(year=last, number=1, title="加速工业突破，激活发展动能")
    two = PlanSectionFactory(year=last, number=2, title="聚力城乡融合，提升品质")
    task_left = TaskFactory(section=one, title="朱溪港两侧土地征收", office=office_a, order=3)
    ProgressReport.objects.create(task=task_left, year=last, month=10, quantity_done=D("900"))
    ProgressReport.objects.create(task=task_left, year=last, month=11, quantity_done=D("1000"))
    task_done = TaskFactory(section=one, title="已完成任务", office=office_a, quantity=100)
    ProgressReport.objects.create(task=task_done, year=last, month=11, quantity_done=D("100"))
    task_milestone = TaskFactory(
        section=two,
        title="杨砩头养老院建设",
        kind="milestone",
        quantity=None,
        unit=None,
        office=office_b,
    )
    ProgressReport.objects.create(task=task_milestone, year=last, month=11, percent_done=D("50"))
    task_unreported = TaskFactory(section=two, title="未填报任务", office=office_b, quantity=40)

    project = project_create(code="houfeng", name="后冯区块", type="industry", office=office_a)
    ProjectYearPlan.objects.create(project=project, year=last, planned_investment=D("800"))
    project.stages.filter(order=1).update(is_done=True)
    project_done = project_create(code="done", name="已建成项目", type="industry", office=office_a)
    project_done.stages.update(is_done=True)
    ProjectYearPlan.objects.create(project=project_done, year=last, planned_investment=D("5"))
    project_new = project_create(code="new", name="新签项目", type="industry", office=office_b)
    project_create(
        code="off", name="停止跟踪项目", type="industry", office=office_b, is_active=False
    )
    return World(
        year,
        amount,
        growth,
        no_actual,
        floor,
        milestone,
        task_left,
        task_done,
        task_milestone,
        task_unreported,
        project,
        project_done,
        project_new,
    )


def target_of(proposal: opening.YearProposal, indicator: Indicator) -> opening.TargetProposal:
    return next(item for item in proposal.targets if item.indicator == indicator)


# --- the year ----------------------------------------------------------------------------------


def test_the_years_that_may_be_opened_follow_the_clock():
    assert opening.open_years(date(2026, 12, 1)) == [2027]
    assert opening.open_years(date(2026, 11, 30)) == [2027]
    assert opening.open_years(date(2027, 1, 5)) == [2028, 2027]
    assert opening.open_years(date(2027, 2, 28)) == [2028, 2027]
    assert opening.open_years(date(2027, 3, 1)) == [2028]
    assert (
        opening.year_refusal(2026, date(2026, 12, 1)) == "2026年度不能开启：现在只能开启2027年度。"
    )


def test_the_year_proposed_is_the_next_or_in_january_the_one_begun(clock):
    today = clock.date()
    expected = today.year if today.month == 1 else today.year + 1
    assert opening.default_year() == expected
    if today.month == 1:
        YearOpening.objects.create(year=today.year)
        assert opening.default_year() == today.year + 1


# --- the proposal -----------------------------------------------------------------------------


def test_targets_are_proposed_from_last_year_with_their_basis(world):
    last, before = world.year - 1, world.year - 2
    proposal = opening.year_proposal(world.year)
    names = [item.indicator.name for item in proposal.targets]
    assert names == ["规上工业产值", "固定资产投资", "限上批零额", "外贸出口", "城市更新"]

    amount = target_of(proposal, world.amount)
    # Last year's target asked for 25 % over the year before's 10: this year, 13 × 1.25.
    assert (amount.kind, amount.value) == ("amount", D("16.25"))
    assert amount.basis == f"按{last}年实际13亿元×（1+25%）"
    assert amount.wording == "完成16.25亿元"

    growth = target_of(proposal, world.growth)
    assert (growth.kind, growth.value, growth.wording) == ("growth", D("8"), "增长8%")
    assert growth.basis == f"按{last}年目标增长8%"

    no_actual = target_of(proposal, world.no_actual)
    assert (no_actual.kind, no_actual.value) == ("amount", D("5"))
    assert no_actual.basis == f"按{before}年目标5亿元"

    floor = target_of(proposal, world.floor)
    # 1-9月 15 carried to the year is 20; last year's floor of 20 was 25 % over 16.
    assert (floor.kind, floor.value, floor.wording) == ("floor", D("25.00"), "25亿元以上")
    assert floor.basis == f"按{last}年1-9月实际15亿元折全年20亿元×（1+25%）"

    milestone = target_of(proposal, world.milestone)
    assert (milestone.kind, milestone.value, milestone.wording) == (
        "milestone",
        None,
        "完成老街改造",
    )
    assert milestone.basis == f"按{last}年节点目标“完成老街改造”"


def test_unfinished_tasks_carry_over_with_what_remains(world):
    proposal = opening.year_proposal(world.year)
    carried = {item.source: item for item in proposal.tasks}
    assert set(carried) == {world.task_left, world.task_milestone, world.task_unreported}
    assert carried[world.task_left].quantity == D("300")
    assert carried[world.task_left].done == D("1000")
    assert carried[world.task_left].section_number == 1
    assert carried[world.task_milestone].quantity is None
    assert carried[world.task_unreported].quantity == D("40")


def test_sections_are_copied_and_unfinished_projects_continue(world):
    proposal = opening.year_proposal(world.year)
    assert [(s.number, s.title) for s in proposal.sections] == [
        (1, "加速工业突破，激活发展动能"),
        (2, "聚力城乡融合，提升品质"),
    ]
    projects = {item.project.name: item for item in proposal.projects}
    assert set(projects) == {"后冯区块", "新签项目"}
    assert projects["后冯区块"].planned_investment == D("800")
    assert projects["后冯区块"].basis == f"按{world.year - 1}年计划投资800万元"
    assert projects["新签项目"].planned_investment == 0


# --- the write --------------------------------------------------------------------------------


def test_opening_creates_everything_on_record(world, admin_user):
    record = opening.year_open(year=world.year, user=admin_user, proposal_edits=None)
    year = world.year
    assert record.created == {"targets": 5, "sections": 2, "tasks": 3, "year_plans": 2}
    assert record.opened_by == admin_user
    amount = Target.objects.get(indicator=world.amount, year=year)
    assert (amount.kind, amount.value, amount.wording) == ("amount", D("16.25"), "完成16.25亿元")
    sections = PlanSection.objects.filter(year=year).order_by("number")
    assert [s.title for s in sections] == ["加速工业突破，激活发展动能", "聚力城乡融合，提升品质"]
    left = Task.objects.get(carried_from=world.task_left)
    assert (left.section.year, left.section.number) == (year, 1)
    assert (left.quantity, left.unit.code, left.kind) == (D("300"), "mu", "quantity")
    assert left.deadline == date(year, 12, 31)
    assert (left.title, left.text, left.office) == (
        world.task_left.title,
        world.task_left.text,
        world.task_left.office,
    )
    milestone = Task.objects.get(carried_from=world.task_milestone)
    assert (milestone.kind, milestone.quantity, milestone.section.number) == ("milestone", None, 2)
    plan = ProjectYearPlan.objects.get(project=world.project, year=year)
    assert (plan.planned_investment, plan.goal) == (D("800"), "")
    # Stages are the project's own: the one done stays done, none is added.
    assert list(world.project.stages.filter(is_done=True).values_list("order", flat=True)) == [1]
    # Every row created has its history row, by the admin, saying why.
    reason = f"开启{year}年度"
    for model, rows in (
        (Target, Target.objects.filter(year=year).exclude(indicator__name="已有目标")),
        (PlanSection, sections),
        (Task, Task.objects.filter(section__year=year)),
        (ProjectYearPlan, ProjectYearPlan.objects.filter(year=year)),
    ):
        # The history rows of these rows: by the row's id (a history row's own pk is history_id).
        history = model.history.filter(id__in=[row.pk for row in rows])
        assert history.count() == rows.count() > 0, model
        assert set(history.values_list("history_user", "history_change_reason")) == {
            (admin_user.pk, reason)
        }, model


def test_edits_are_taken_and_a_bad_item_changes_nothing(world, admin_user):
    bad = opening.ProposalEdits(
        targets={world.amount.pk: opening.TargetEdit(value=D("18"))},
        tasks={world.task_left.pk: opening.TaskEdit(quantity=D("250"))},
        sections={1: "工业强镇"},
        projects={world.project_new.pk: opening.ProjectEdit(include=False)},
    )
    # The last item refused (a floor below zero): nothing is written, not even the first ones.
    refused = opening.ProposalEdits(
        targets={
            **bad.targets,
            world.floor.pk: opening.TargetEdit(value=D("-1")),
        },
        tasks=bad.tasks,
        sections=bad.sections,
        projects=bad.projects,
    )
    with pytest.raises(ValidationError) as caught:
        opening.year_open(year=world.year, user=admin_user, proposal_edits=refused)
    assert caught.value.messages == [f"{world.year}年目标“外贸出口”：“不少于”目标不能为负数。"]
    assert not YearOpening.objects.exists()
    assert not PlanSection.objects.filter(year=world.year).exists()
    assert Target.objects.filter(year=world.year).count() == 1  # 已有目标's own
    assert not Task.objects.filter(carried_from__isnull=False).exists()

    record = opening.year_open(year=world.year, user=admin_user, proposal_edits=bad)
    assert record.created["year_plans"] == 1
    amount = Target.objects.get(indicator=world.amount, year=world.year)
    assert (amount.value, amount.wording) == (D("18"), "完成18亿元")
    assert Task.objects.get(carried_from=world.task_left).quantity == D("250")
    assert PlanSection.objects.get(year=world.year, number=1).title == "工业强镇"
    assert not ProjectYearPlan.objects.filter(project=world.project_new, year=world.year).exists()


def test_a_second_opening_changes_nothing(world, admin_user):
    opening.year_open(year=world.year, user=admin_user, proposal_edits=None)
    counts = (Target.objects.count(), Task.objects.count(), PlanSection.objects.count())
    with pytest.raises(ValidationError) as caught:
        opening.year_open(year=world.year, user=admin_user, proposal_edits=None)
    (message,) = caught.value.messages
    assert message.startswith(f"{world.year}年度已开启（由{admin_user.username}于")
    assert message.endswith("开启），未作任何更改。")
    assert (Target.objects.count(), Task.objects.count(), PlanSection.objects.count()) == counts
    assert YearOpening.objects.count() == 1
    # Nothing is left to propose for the year, and the proposal says it is opened.
    proposal = opening.year_proposal(world.year)
    assert proposal.opening is not None and proposal.is_empty


def test_only_an_admin_opens_a_year_and_only_a_year_open_now(world, admin_user, leader, clerk):
    for person in (leader, clerk):
        with pytest.raises(PermissionDenied):
            opening.year_open(year=world.year, user=person, proposal_edits=None)
    with pytest.raises(ValidationError) as caught:
        opening.year_open(year=world.year + 3, user=admin_user, proposal_edits=None)
    assert "不能开启" in caught.value.messages[0]
    assert not YearOpening.objects.exists()


# --- the admin's page -------------------------------------------------------------------------


def row_index(form, group: str, key: int) -> int:
    index = 0
    while f"{group}-{index}-key" in form.fields:
        if form[f"{group}-{index}-key"].value == str(key):
            return index
        index += 1
    raise AssertionError(f"no {group} row for {key}")


def test_an_admin_opens_the_year_on_the_page_after_editing_a_target(world, django_app, admin_user):
    page = django_app.get("/admin/plans/yearopening/", user=admin_user)
    page = page.click("开启新年度")
    assert f"{world.year}年度目标" in page.text
    assert f"按{world.year - 1}年实际13亿元×（1+25%）" in page.text
    form = page.forms["open-year-form"]
    index = row_index(form, "targets", world.amount.pk)
    assert form[f"targets-{index}-value"].value == "16.25"
    form[f"targets-{index}-value"] = "17.5"
    section = row_index(form, "sections", 2)
    form[f"sections-{section}-title"] = "城乡融合"
    task = row_index(form, "tasks", world.task_unreported.pk)
    form[f"tasks-{task}-include"] = False
    done = form.submit().follow()
    assert f"已开启{world.year}年度：新建年度目标5个，工作计划板块2个，结转任务2项" in done.text
    target = Target.objects.get(indicator=world.amount, year=world.year)
    assert (target.value, target.wording) == (D("17.5"), "完成17.5亿元")
    assert PlanSection.objects.get(year=world.year, number=2).title == "城乡融合"
    assert not Task.objects.filter(carried_from=world.task_unreported).exists()
    record = YearOpening.objects.get(year=world.year)
    assert LogEntry.objects.get(object_id=str(record.pk)).user == admin_user
    # Opened: the page says so and offers nothing to confirm.
    again = django_app.get(f"{OPEN}?year={world.year}", user=admin_user)
    assert "open-year-form" not in again.forms
    assert f"{world.year}年度已开启" in again.text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("十二", "目标值应为数字，如 12.5。"),
        ("-3", "“不少于”目标不能为负数。"),
        ("", "除节点目标外"),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_saved(
    world, django_app, admin_user, value, message
):
    form = django_app.get(OPEN, user=admin_user).forms["open-year-form"]
    form[f"targets-{row_index(form, 'targets', world.floor.pk)}-value"] = value
    page = form.submit()
    assert page.status_code == 200
    assert "未开启，数据没有任何改动" in page.text
    assert f"目标“外贸出口”：{message}" in page.text
    assert not YearOpening.objects.exists()
    assert not PlanSection.objects.filter(year=world.year).exists()


def test_a_negative_investment_and_an_empty_section_title_are_refused(
    world, django_app, admin_user
):
    form = django_app.get(OPEN, user=admin_user).forms["open-year-form"]
    form[f"projects-{row_index(form, 'projects', world.project.pk)}-planned_investment"] = "-5"
    form[f"sections-{row_index(form, 'sections', 1)}-title"] = ""
    page = form.submit()
    assert "项目“后冯区块”：计划投资不能为负数。" in page.text
    assert "第一板块：请填写板块标题。" in page.text  # the box named, not 此项必填
    assert not YearOpening.objects.exists()


def test_a_year_that_cannot_be_opened_is_refused_in_words(world, django_app, admin_user):
    page = django_app.get(f"{OPEN}?year={world.year + 5}", user=admin_user)
    assert page.status_code == 200
    assert "所选年度现在不能开启" in page.text
    assert "open-year-form" not in page.forms


@pytest.mark.parametrize("role", ["clerk", "reviewer", "leader"])
def test_other_roles_are_refused_the_page(world, django_app, request, role):
    user = request.getfixturevalue(role)
    page = django_app.get(OPEN, user=user, expect_errors=True)
    assert page.status_code == 403
    assert django_app.post(OPEN, user=user, expect_errors=True).status_code == 403
    assert not YearOpening.objects.exists()
    listing = django_app.get("/admin/plans/yearopening/", user=user, expect_errors=True)
    assert listing.status_code in (200, 403)
    assert "开启新年度</a>" not in listing.text


def test_anonymous_is_sent_to_sign_in(world, django_app):
    page = django_app.get(OPEN, expect_errors=True)
    assert page.status_code == 302 and "login" in page.headers["Location"]


# --- the command ------------------------------------------------------------------------------


def test_the_command_opens_the_year_once(world, admin_user):
    out = StringIO()
    call_command("open_year", str(world.year), user=admin_user.username, stdout=out)
    assert out.getvalue().splitlines() == [
        f"已开启{world.year}年度：新建年度目标5个，工作计划板块2个，结转任务3项，"
        "项目年度投资计划2个。",
        "年度目标（5个）：",
        "  规上工业产值：完成16.25亿元",
        "  固定资产投资：增长8%",
        "  限上批零额：完成5亿元",
        "  外贸出口：25亿元以上",
        "  城市更新：完成老街改造",
        "工作计划板块（2个）：",
        "  （一）加速工业突破，激活发展动能",
        "  （二）聚力城乡融合，提升品质",
        "结转任务（3项）：",
        "  朱溪港两侧土地征收（剩余300亩）",
        "  杨砩头养老院建设",
        "  未填报任务（剩余40亩）",
        "项目年度投资计划（2个）：",
        "  后冯区块：800万元",
        "  新签项目：0万元",
    ]
    assert YearOpening.objects.get(year=world.year).opened_by == admin_user
    counts = Target.objects.count(), Task.objects.count()
    again = StringIO()
    call_command("open_year", str(world.year), stdout=again)
    assert "已开启" in again.getvalue() and "未作任何更改" in again.getvalue()
    assert (Target.objects.count(), Task.objects.count()) == counts


@pytest.mark.parametrize(
    ("year", "message"),
    [("abc", "无法识别"), ("20271", "无法识别"), ("1999", "不能开启")],
)
def test_the_command_refuses_a_bad_year(world, year, message):
    with pytest.raises(CommandError) as caught:
        call_command("open_year", year)
    assert message in str(caught.value)
    assert not YearOpening.objects.exists()


def test_the_command_refuses_a_user_who_is_not_an_admin(world, clerk):
    with pytest.raises(CommandError) as caught:
        call_command("open_year", str(world.year), user=clerk.username)
    assert "不是系统管理员" in str(caught.value)
    with pytest.raises(CommandError):
        call_command("open_year", str(world.year), user="nobody")
    assert not YearOpening.objects.exists()


# --- trial 18: the rules on the page and the command -----------------------------------------


@pytest.mark.parametrize("value", ["-5", "0"])
def test_an_amount_target_of_zero_or_less_is_refused(world, django_app, admin_user, value):
    form = django_app.get(OPEN, user=admin_user).forms["open-year-form"]
    form[f"targets-{row_index(form, 'targets', world.amount.pk)}-value"] = value
    page = form.submit()
    assert "未开启，数据没有任何改动" in page.text
    assert "目标“规上工业产值”：完成额目标应大于0。" in page.text
    assert not YearOpening.objects.exists()
    # The service says the same to anyone who calls it (the model's own rule).
    edits = opening.ProposalEdits(targets={world.amount.pk: opening.TargetEdit(value=D(value))})
    with pytest.raises(ValidationError) as caught:
        opening.year_open(year=world.year, user=admin_user, proposal_edits=edits)
    assert caught.value.messages == [f"{world.year}年目标“规上工业产值”：完成额目标应大于0。"]
    assert not Target.objects.filter(indicator=world.amount, year=world.year).exists()


def test_a_target_changed_to_a_milestone_asks_for_its_wording_and_has_no_value(
    world, django_app, admin_user
):
    page = django_app.get(OPEN, user=admin_user)
    assert "节点目标（完成/启动/开工）没有目标值" in page.html.select_one("#targets-help").text
    form = page.forms["open-year-form"]
    index = row_index(form, "targets", world.amount.pk)
    form[f"targets-{index}-kind"] = "milestone"  # value 16.25 and wording 完成16.25亿元 left
    refused = form.submit()
    assert "目标“规上工业产值”：节点目标没有目标值，请在目标表述中写明要完成的节点" in refused.text
    assert not YearOpening.objects.exists()
    form = refused.forms["open-year-form"]
    form[f"targets-{index}-wording"] = "年底前建成智能工厂"
    form.submit().follow()
    target = Target.objects.get(indicator=world.amount, year=world.year)
    assert (target.kind, target.value, target.wording) == ("milestone", None, "年底前建成智能工厂")


def test_a_milestone_target_changed_to_an_amount_is_worded_by_its_value(
    world, django_app, admin_user
):
    form = django_app.get(OPEN, user=admin_user).forms["open-year-form"]
    index = row_index(form, "targets", world.milestone.pk)
    form[f"targets-{index}-kind"] = "amount"
    form[f"targets-{index}-value"] = "3"
    form.submit().follow()
    target = Target.objects.get(indicator=world.milestone, year=world.year)
    assert (target.kind, target.value, target.wording) == ("amount", D("3"), "完成3亿元")


def test_unticked_rows_are_not_checked(world, django_app, admin_user):
    form = django_app.get(OPEN, user=admin_user).forms["open-year-form"]
    target = row_index(form, "targets", world.floor.pk)
    form[f"targets-{target}-include"] = False
    form[f"targets-{target}-value"] = "abc"
    task = row_index(form, "tasks", world.task_left.pk)
    form[f"tasks-{task}-include"] = False
    form[f"tasks-{task}-quantity"] = "abc"
    form[f"tasks-{task}-title"] = ""
    project = row_index(form, "projects", world.project.pk)
    form[f"projects-{project}-include"] = False
    form[f"projects-{project}-planned_investment"] = "-5"
    done = form.submit().follow()
    assert f"已开启{world.year}年度：新建年度目标4个，工作计划板块2个，结转任务2项" in done.text
    assert not Target.objects.filter(indicator=world.floor, year=world.year).exists()
    assert not Task.objects.filter(carried_from=world.task_left).exists()
    assert not ProjectYearPlan.objects.filter(project=world.project, year=world.year).exists()


def test_numbers_typed_with_full_width_digits_are_read(world, django_app, admin_user):
    form = django_app.get(OPEN, user=admin_user).forms["open-year-form"]
    form[f"targets-{row_index(form, 'targets', world.amount.pk)}-value"] = "１２．５"
    form[f"tasks-{row_index(form, 'tasks', world.task_left.pk)}-quantity"] = "２５０"
    project = row_index(form, "projects", world.project.pk)
    form[f"projects-{project}-planned_investment"] = "１，２００"
    form.submit().follow()
    target = Target.objects.get(indicator=world.amount, year=world.year)
    assert (target.value, target.wording) == (D("12.5"), "完成12.5亿元")
    assert Task.objects.get(carried_from=world.task_left).quantity == D("250")
    plan = ProjectYearPlan.objects.get(project=world.project, year=world.year)
    assert plan.planned_investment == D("1200")


def test_too_many_decimals_says_how_many_are_allowed(world, django_app, admin_user):
    form = django_app.get(OPEN, user=admin_user).forms["open-year-form"]
    form[f"targets-{row_index(form, 'targets', world.amount.pk)}-value"] = "5.123456789"
    page = form.submit()
    assert "目标“规上工业产值”：目标值最多保留4位小数。" in page.text
    assert not YearOpening.objects.exists()


def test_a_proposal_the_rules_refuse_is_proposed_unticked_and_the_command_skips_it(
    world, admin_user, town, office_a
):
    # Last year asked 25 % over 10, and last year's actual was 0: 0 × 1.25 is no 完成额 target.
    last = world.year - 1
    nothing = IndicatorFactory(name="关停企业产值", office=office_a, places=[town])
    Target.objects.create(indicator=nothing, year=last, kind="amount", value=D("12.5"))
    FigureFactory(indicator=nothing, place=town, year=last - 1, month=12, value=D("10"))
    FigureFactory(indicator=nothing, place=town, year=last, month=12, value=D("0"))
    item = target_of(opening.year_proposal(world.year), nothing)
    assert (item.include, item.value) == (False, D("0.00"))
    assert item.basis == f"按{last}年实际0亿元×（1+25%）；完成额目标应大于0。默认不建立。"
    out = StringIO()
    call_command("open_year", str(world.year), user=admin_user.username, stdout=out)
    assert not Target.objects.filter(indicator=nothing, year=world.year).exists()
    lines = out.getvalue().splitlines()
    assert lines[-2:] == [
        "未建立的年度目标（1个，可在“年度目标”中添加）：",
        f"  关停企业产值：{item.basis}",
    ]


def test_the_command_asks_for_the_year_in_chinese(world):
    with pytest.raises(CommandError) as caught:
        call_command("open_year")
    assert str(caught.value) == (
        f"请给出要开启的年度，例如 python manage.py open_year {world.year}。"
    )
    assert not YearOpening.objects.exists()


def test_the_record_says_what_was_created_in_words_and_who_opened_it(world, django_app, admin_user):
    record = opening.year_open(year=world.year, user=admin_user, proposal_edits=None)
    page = django_app.get(f"/admin/plans/yearopening/{record.pk}/change/", user=admin_user)
    fields = {
        " ".join(row.select_one("label").get_text().split()): " ".join(
            row.select_one(".readonly").get_text().split()
        )
        for row in page.html.select(".form-row")
    }
    assert fields["创建内容:"] == ("年度目标5个，工作计划板块2个，结转任务3项，项目年度投资计划2个")
    assert fields["开启人:"] == admin_user.username
    assert '"targets"' not in page.text and "year_plans" not in page.text
    # A year the demo data opened says so, in the record and in the list.
    record.created = {**record.created, "demo": True}
    record.opened_by = None
    record.save()
    page = django_app.get(f"/admin/plans/yearopening/{record.pk}/change/", user=admin_user)
    assert "演示数据（系统）" in page.html.select_one(".field-opener .readonly").get_text()
    listing = django_app.get("/admin/plans/yearopening/", user=admin_user)
    assert listing.html.select_one("td.field-opener").get_text() == "演示数据（系统）"


def test_a_task_carried_again_keeps_its_first_code_and_the_new_year():
    """t2025_01 carried into 2026 is t2025_01-2026; carried on into 2027, t2025_01-2027 (not
    t2025_01-2026-2027); a code taken gets -2."""
    first = Task(code="t2025_01")
    again = Task(code="t2025_01-2026")
    taken: set[str] = set()
    assert opening._task_code(first, 2026, taken) == "t2025_01-2026"
    assert opening._task_code(again, 2027, taken) == "t2025_01-2027"
    assert opening._task_code(Task(code="t2025_01-2026-2"), 2027, taken) == "t2025_01-2027-2"
