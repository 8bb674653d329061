"""A reporting month made by hand, with one office in each state, for the to-do and reminder
tests. The clock is 15 October 2024 unless a test moves it: September is being reported and
was due on 10 October."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from accounts.models import Office, User
from accounts.roles import Role
from indicators.models import Indicator, MonthReview, MonthReviewEvent, Place
from plans.models import ProgressReport, Project, Stage, SupervisionItem, Task
from plans.services import project_create
from tests.factories import (
    FigureFactory,
    IndicatorFactory,
    OfficeFactory,
    TaskFactory,
    UserFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@dataclass
class World:
    office_a: Office  # 经济发展办: September a late draft, August returned
    office_b: Office  # 农业农村办: July and September submitted, waiting for review
    office_c: Office  # 社会事务办: September returned
    office_d: Office  # 应急管理办: nothing entered for September
    town: Place
    clerk: User
    clerk_b: User
    clerk_c: User
    reviewer_b: User
    leader: User
    admin: User
    security: User  # 安全管理员: the lockouts
    output: Indicator
    investment: Indicator
    project: Project
    late_stage: Stage
    task_behind: Task
    task_on_track: Task
    item_soon: SupervisionItem
    item_overdue: SupervisionItem
    item_far: SupervisionItem
    item_resolved: SupervisionItem
    returned_august: MonthReview
    returned_c: MonthReview
    waiting: list[MonthReview] = field(default_factory=list)


def review(office: Office, year: int, month: int, state: str, **fields: object) -> MonthReview:
    return MonthReview.objects.create(office=office, year=year, month=month, state=state, **fields)


def returned(office: Office, year: int, month: int, by: User, reason: str) -> MonthReview:
    record = review(office, year, month, MonthReview.State.RETURNED, reason=reason)
    MonthReviewEvent.objects.create(
        review=record, action=MonthReviewEvent.Action.RETURN, user=by, reason=reason
    )
    return record


def build_world(office_a: Office, office_b: Office, town: Place) -> World:
    office_c = OfficeFactory(code="shswb", name="社会事务办", order=3)
    office_d = OfficeFactory(code="yjglb", name="应急管理办", order=4)
    clerk = UserFactory(
        username="clerk_a",
        display_name="经发办录入员",
        email="clerk_a@xiage.example",
        office=office_a,
        roles=[Role.CLERK],
    )
    clerk_b = UserFactory(username="clerk_b", office=office_b, roles=[Role.CLERK])
    clerk_c = UserFactory(
        username="clerk_c", email="clerk_c@xiage.example", office=office_c, roles=[Role.CLERK]
    )
    reviewer_b = UserFactory(
        username="reviewer_b",
        email="reviewer_b@xiage.example",
        office=office_b,
        roles=[Role.REVIEWER],
    )
    leader = UserFactory(
        username="leader", display_name="王镇长", email="leader@xiage.example", roles=[Role.LEADER]
    )
    admin = UserFactory(username="admin_role", roles=[Role.ADMIN])
    security = UserFactory(username="security_role", roles=[Role.SECURITY])

    # Office A's September: a late draft; one figure fell below August's (a warning).
    output = IndicatorFactory(
        code="output", name="规上工业产值", office=office_a, places=[town], is_key=True
    )
    investment = IndicatorFactory(
        code="investment", name="工业性投资", office=office_a, places=[town], is_key=True
    )
    FigureFactory(indicator=output, place=town, year=2024, month=8, value=D("30"))
    FigureFactory(indicator=output, place=town, year=2024, month=9, value=D("25"))
    FigureFactory(indicator=investment, place=town, year=2024, month=8, value=D("1.80"))
    FigureFactory(indicator=investment, place=town, year=2024, month=9, value=D("2.00"))
    returned_august = returned(office_a, 2024, 8, leader, "请补充工业性投资的情况说明")

    # Office B: July and September submitted, waiting for review.
    b_output = IndicatorFactory(code="b_output", name="粮食产量", office=office_b, places=[town])
    FigureFactory(indicator=b_output, place=town, year=2024, month=9, value=D("5"))
    waiting = [
        review(
            office_b,
            2024,
            month,
            MonthReview.State.SUBMITTED,
            submitted_by=clerk_b,
            submitted_at=at(2024, month + 1, 9, 16, 30),
        )
        for month in (9, 7)
    ]

    # Office C: September returned. Office D: nothing entered, though it reports monthly.
    returned_c = returned(office_c, 2024, 9, leader, "数据有误")
    IndicatorFactory(code="accidents", name="安全生产事故", office=office_d, places=[town])

    project = project_create(code="houfeng", name="后冯区块", type="industry", office=office_a)
    late_stage = project.stages.order_by("order").first()
    late_stage.planned_date = date(2024, 9, 30)
    late_stage.save()
    project.stages.exclude(pk=late_stage.pk).update(planned_date=date(2025, 6, 30))
    task_behind = TaskFactory(office=office_a, code="land", title="朱溪港两侧土地征收")
    task_on_track = TaskFactory(office=office_a, code="paddy", title="垦造水田", quantity=100)
    ProgressReport.objects.create(task=task_behind, year=2024, month=8, quantity_done=D("900"))
    ProgressReport.objects.create(task=task_behind, year=2024, month=9, quantity_done=D("100"))
    ProgressReport.objects.create(task=task_on_track, year=2024, month=9, quantity_done=D("90"))

    def item(matter: str, office: Office, due: date, **fields: object) -> SupervisionItem:
        return SupervisionItem.objects.create(
            project=project, matter=matter, office=office, due_date=due, raised_by=leader, **fields
        )

    item_soon = item("加快后冯区块政策处理", office_a, date(2024, 10, 20))
    item_overdue = item("解决张店区块拆迁遗留问题", office_a, date(2024, 10, 1))
    item_far = item("谋划明年粮食生产", office_b, date(2024, 12, 31))
    item_resolved = item(
        "核实比亚迪配套用地",
        office_a,
        date(2024, 10, 12),
        resolution="已核实",
        resolved_by=clerk,
        resolved_at=at(2024, 10, 11, 9, 0),
    )
    return World(
        office_a=office_a,
        office_b=office_b,
        office_c=office_c,
        office_d=office_d,
        town=town,
        clerk=clerk,
        clerk_b=clerk_b,
        clerk_c=clerk_c,
        reviewer_b=reviewer_b,
        leader=leader,
        admin=admin,
        security=security,
        output=output,
        investment=investment,
        project=project,
        late_stage=late_stage,
        task_behind=task_behind,
        task_on_track=task_on_track,
        item_soon=item_soon,
        item_overdue=item_overdue,
        item_far=item_far,
        item_resolved=item_resolved,
        returned_august=returned_august,
        returned_c=returned_c,
        waiting=waiting,
    )


@pytest.fixture
def world(october_2024, office_a, office_b, town) -> World:
    office_a.order, office_b.order = 1, 2
    office_a.save()
    office_b.save()
    return build_world(office_a, office_b, town)


def lock_out(username: str) -> AccessAttempt:
    """django-axes' record of a username locked out just now."""
    from django.conf import settings

    return AccessAttempt.objects.create(
        username=username,
        ip_address="10.1.2.3",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
