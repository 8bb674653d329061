from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from inbox.selectors import TodoKind, Urgency, landing, todo_items
from indicators.models import MonthReview
from plans.models import ProgressReport, SupervisionItem
from plans.services import project_create
from tests.factories import (
    FigureFactory,
    IndicatorFactory,
    OfficeFactory,
    TaskFactory,
    UserFactory,
)
from tests.inbox.conftest import lock_out, returned, review


def summary(items) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(item.kind.value, item.title, item.due_label) for item in items]


def test_a_clerk_is_told_the_month_its_return_warnings_stages_tasks_and_items(world):
    items = todo_items(world.clerk)
    assert summary(items) == [
        # The months' own reports lead, however many stages are overdue.
        ("returned", "2024年8月月报被退回，请修改后重新报送", "逾期35天"),
        ("report", "报送2024年9月月报", "逾期5天"),
        ("stage", "后冯区块 · 谋划", "逾期15天"),
        ("supervision", "解决张店区块拆迁遗留问题", "逾期14天"),
        ("supervision", "加快后冯区块政策处理", "还剩5天"),
        ("task", "朱溪港两侧土地征收", ""),
        ("warning", "规上工业产值：请核对2024年9月数据", ""),
    ]
    by_kind = {item.kind: item for item in items}
    assert by_kind[TodoKind.REPORT].detail == "截止10月10日（草稿）"
    assert by_kind[TodoKind.REPORT].urgency == Urgency.OVERDUE
    assert by_kind[TodoKind.REPORT].link == (
        f"/admin/indicators/figure/report/?office={world.office_a.pk}&period=2024-09"
    )
    assert by_kind[TodoKind.RETURNED].detail == "原因：请补充工业性投资的情况说明"
    assert "累计数25" in by_kind[TodoKind.WARNING].detail
    assert "低于上月累计数30" in by_kind[TodoKind.WARNING].detail
    assert by_kind[TodoKind.STAGE].link == f"/projects/{world.project.pk}/"
    assert by_kind[TodoKind.TASK].link == f"/tasks/{world.task_behind.pk}/"
    soon = next(i for i in items if i.key == f"supervision:{world.item_soon.pk}")
    assert soon.urgency == Urgency.SOON
    assert soon.link == f"/admin/plans/supervisionitem/{world.item_soon.pk}/change/"
    assert soon.detail == "后冯区块 · 经济发展办 · 办结时限2024-10-20"
    # The resolved item and other offices' matters are not the clerk's.
    keys = {item.key for item in items}
    assert f"supervision:{world.item_resolved.pk}" not in keys
    assert f"supervision:{world.item_far.pk}" not in keys


def test_a_submitted_month_leaves_the_clerks_list_with_its_warnings(world):
    review(world.office_a, 2024, 9, MonthReview.State.SUBMITTED, submitted_by=world.clerk)
    kinds = {item.kind for item in todo_items(world.clerk)}
    assert TodoKind.REPORT not in kinds and TodoKind.WARNING not in kinds
    assert TodoKind.RETURNED in kinds  # August is still returned


def test_a_reviewer_sees_the_months_waiting_oldest_first(world):
    items = todo_items(world.reviewer_b)
    assert summary(items) == [
        ("review", "审核农业农村办2024年7月月报", ""),
        ("review", "审核农业农村办2024年9月月报", ""),
    ]
    assert items[1].detail == "clerk_b于2024-10-09 16:30报送"
    assert items[1].link == (
        f"/admin/indicators/figure/report/?office={world.office_b.pk}&period=2024-09"
    )


def test_a_reviewer_of_another_office_has_nothing_to_review(world):
    reviewer_a = UserFactory(office=world.office_a, roles=[Role.REVIEWER])
    assert todo_items(reviewer_a) == []


def test_a_leader_sees_offices_late_or_returned_and_items_coming_due(world):
    items = todo_items(world.leader)
    assert summary(items) == [
        ("supervision", "解决张店区块拆迁遗留问题", "逾期14天"),
        ("office", "应急管理办：未报送", "逾期5天"),
        ("office", "经济发展办：草稿", "逾期5天"),
        ("office", "社会事务办：已退回", "逾期5天"),
        ("supervision", "加快后冯区块政策处理", "还剩5天"),
        ("confirm", "核实比亚迪配套用地", ""),
    ]
    by_title = {item.title: item for item in items}
    assert by_title["社会事务办：已退回"].detail == "2024年9月月报已退回：数据有误"
    assert by_title["经济发展办：草稿"].detail == "2024年9月月报草稿，截止2024-10-10"
    assert by_title["经济发展办：草稿"].link == f"/?office={world.office_a.pk}"
    # A leader reads 督办 items on the project's page.
    assert by_title["加快后冯区块政策处理"].link == f"/projects/{world.project.pk}/"
    # The item they raised and the office resolved waits for their confirmation.
    assert by_title["核实比亚迪配套用地"].detail == "经济发展办的办理结果：已核实"
    assert by_title["核实比亚迪配套用地"].confirm_id == world.item_resolved.pk


def test_an_office_submitted_on_time_is_not_the_leaders_concern(world):
    keys = {item.key for item in todo_items(world.leader)}
    assert f"office:{world.office_b.pk}:2024-9" not in keys
    assert f"supervision:{world.item_far.pk}" not in keys  # due at year end


def test_an_admin_sees_the_leaders_list_and_months_waiting_but_not_lockouts(world):
    lock_out("clerk_b")
    items = todo_items(world.admin)
    kinds = [item.kind.value for item in items]
    assert kinds.count("office") == 3 and kinds.count("supervision") == 2
    assert "confirm" not in kinds  # the leader raised it, not the admin
    assert kinds.count("review") == 2
    assert "lockout" not in kinds  # 三权分立: lockouts are the 安全管理员's
    # An office's own work is its clerks' (README: the admin is asked to fill in none).
    assert not {"report", "stage", "task", "warning", "returned"} & set(kinds)


def test_the_security_admin_sees_locked_out_accounts_and_nothing_else(world):
    lock_out("clerk_b")
    items = todo_items(world.security)
    assert [item.kind for item in items] == [TodoKind.LOCKOUT]
    lockout = items[0]
    assert lockout.title == "账号“clerk_b”已被锁定"
    assert lockout.detail.startswith("来自10.1.2.3，连续5次登录失败；10:15自动解锁")
    assert lockout.link.startswith("/admin/axes/accessattempt/")


def test_an_expired_lockout_is_no_longer_listed(world, settings):
    lock_out("clerk_b")
    settings.AXES_COOLOFF_TIME = settings.AXES_COOLOFF_TIME * 0
    assert TodoKind.LOCKOUT not in {item.kind for item in todo_items(world.security)}


def test_roles_add_up_without_repeating_an_item(world):
    world.clerk.groups.add(*world.leader.groups.all())
    world.clerk.__dict__.pop("role_names", None)
    items = todo_items(world.clerk)
    keys = [item.key for item in items]
    assert len(keys) == len(set(keys))
    assert f"supervision:{world.item_overdue.pk}" in keys  # once, though both lists have it
    assert TodoKind.OFFICE in {item.kind for item in items}


def test_an_inactive_person_has_nothing_to_do(world):
    world.clerk.is_active = False
    assert todo_items(world.clerk) == []


def test_the_leaders_landing_has_the_key_cards_offices_and_overdue_stages(world):
    data = landing(world.leader)
    assert (data.year, data.month) == (2024, 9)
    assert [row.indicator.name for row in data.cards] == ["规上工业产值", "工业性投资"]
    assert [row.progress.label for row in data.cards] == ["无目标", "无目标"]
    assert data.cards_period_label == "2024年1-9月"
    assert [(r.office.name, r.label) for r in data.reports] == [
        ("应急管理办", "未报送"),
        ("经济发展办", "草稿"),
        ("社会事务办", "已退回"),
        ("农业农村办", "已报送"),
    ]
    assert data.overdue_stages == 1
    assert data.overdue_count == 4


def _queries(user, today) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        todo_items(user, today)
    return len(context.captured_queries)


def _more_of_everything(world, n: int) -> None:  # type: ignore[no-untyped-def]
    """n more offices, indicators with figures, projects, tasks, 督办 items and reviews."""
    for i in range(n):
        office = OfficeFactory(code=f"more{i}", name=f"更多科室{i}")
        UserFactory(office=office, roles=[Role.CLERK])
        indicator = IndicatorFactory(office=world.office_a, places=[world.town])
        FigureFactory(indicator=indicator, place=world.town, year=2024, month=8, value=D("10"))
        FigureFactory(indicator=indicator, place=world.town, year=2024, month=9, value=D(i))
        project = project_create(code=f"more{i}", name=f"项目{i}", type="industry", office=office)
        project.stages.update(planned_date=date(2024, 1, 31))
        task = TaskFactory(office=world.office_a, code=f"more{i}")
        ProgressReport.objects.create(task=task, year=2024, month=9, quantity_done=D("1"))
        SupervisionItem.objects.create(
            task=task,
            matter=f"督办{i}",
            office=world.office_a,
            due_date=date(2024, 10, 1 + i % 20),
            raised_by=world.leader,
        )
        review(world.office_b, 2023, 1 + i % 12, MonthReview.State.SUBMITTED) if i < 12 else None
        returned(world.office_a, 2023, 1 + i % 12, world.leader, "x") if i < 12 else None
        lock_out(f"someone{i}")


def test_the_items_take_the_same_queries_whatever_the_data_size(world):
    users = [world.clerk, world.reviewer_b, world.leader, world.admin, world.security]
    for user in users:
        user.role_names  # noqa: B018 - roles are read once per request, before the items
    today = date(2024, 10, 15)
    small = {user.username: _queries(user, today) for user in users}
    sizes = {user.username: len(todo_items(user, today)) for user in users}
    _more_of_everything(world, 12)
    large = {user.username: _queries(user, today) for user in users}
    assert (
        small
        == large
        == {
            "clerk_a": 12,
            "reviewer_b": 4,
            "leader": 6,
            "admin_role": 7,
            "security_role": 1,
        }
    )
    # The larger world did give each of them more to do.
    assert all(len(todo_items(u, today)) > sizes[u.username] for u in users)


def test_a_confirmed_resolution_leaves_the_list_and_a_new_one_comes_back(world):
    from inbox.services import supervision_confirm
    from plans.services import supervision_reopen, supervision_resolve

    supervision_confirm(user=world.leader, item=world.item_resolved)
    assert TodoKind.CONFIRM not in {item.kind for item in todo_items(world.leader)}
    # Sent back and resolved again: a new resolution to confirm.
    item = supervision_reopen(item=world.item_resolved, user=world.leader, reason="请附图")
    assert TodoKind.CONFIRM not in {i.kind for i in todo_items(world.leader)}
    supervision_resolve(item=item, resolution="已核实并附图", user=world.clerk)
    confirm = [i for i in todo_items(world.leader) if i.kind == TodoKind.CONFIRM]
    assert [i.detail for i in confirm] == ["经济发展办的办理结果：已核实并附图"]


def test_a_resolution_older_than_two_weeks_no_longer_waits(world):
    assert TodoKind.CONFIRM not in {i.kind for i in todo_items(world.leader, date(2024, 10, 26))}


def test_the_month_before_stays_on_the_list_until_it_is_submitted(
    october_2024, office_a, town, clerk
):
    from decimal import Decimal

    from indicators import review
    from tests.factories import FigureFactory, IndicatorFactory

    indicator = IndicatorFactory(office=office_a, places=[town])
    FigureFactory(indicator=indicator, place=town, year=2024, month=8, value=Decimal(1))
    late = [i for i in todo_items(clerk) if i.key == f"report:{office_a.pk}:2024-8"]
    assert [(i.title, i.due_label) for i in late] == [("补报2024年8月月报", "逾期35天")]
    review.month_submit(office=office_a, year=2024, month=8, user=clerk)
    assert not [i for i in todo_items(clerk) if i.key == f"report:{office_a.pk}:2024-8"]
