"""Objects and clients for the URL × role matrix: every object belongs to office A."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import audit
from accounts.models import Office
from accounts.roles import Role
from inbox.models import Delivery, Notification
from indicators.models import Figure, FigureRevision
from plans.models import (
    PlanSection,
    ProgressReport,
    ProjectYearPlan,
    StageTemplate,
    StageTemplateStep,
    SupervisionItem,
    Target,
    YearOpening,
)
from plans.services import project_create
from tests.factories import (
    FigureFactory,
    IndicatorFactory,
    OfficeFactory,
    PlaceFactory,
    TaskFactory,
    UserFactory,
)

# Every role: 录入员 of office A and of office B, 审核员 of office A, 领导, 系统管理员 (the role
# once named 管理员), 安全管理员, 审计管理员, and a superuser (who counts as a 系统管理员).
ROLES = [
    "anonymous",
    "clerk_a",
    "clerk_b",
    "reviewer",
    "leader",
    "admin",
    "security",
    "auditor",
    "superuser",
]


def all_routes() -> dict[str, str]:
    """{route name: pattern} for every named URL of the app, admin included."""

    def walk(patterns, namespace=""):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", str(pattern.pattern)

    return dict(walk(get_resolver().url_patterns))


def all_views() -> dict[str, object]:
    """{route name: the view it calls} for every named URL of the app, admin included."""

    def walk(patterns, namespace=""):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", pattern.callback

    return dict(walk(get_resolver().url_patterns))


def build_world() -> dict:
    office_a = OfficeFactory(code="jjfzb", name="经济发展办")
    office_b = OfficeFactory(code="nyncb", name="农业农村办")
    town = PlaceFactory(name="下各镇", level="town")
    users = {
        "clerk_a": UserFactory(username="clerk_a", office=office_a, roles=[Role.CLERK]),
        "clerk_b": UserFactory(username="clerk_b", office=office_b, roles=[Role.CLERK]),
        "reviewer": UserFactory(username="reviewer", office=office_a, roles=[Role.REVIEWER]),
        "leader": UserFactory(username="leader", roles=[Role.LEADER]),
        "admin": UserFactory(username="admin", roles=[Role.ADMIN]),
        "security": UserFactory(username="security", roles=[Role.SECURITY]),
        "auditor": UserFactory(username="auditor", roles=[Role.AUDITOR]),
        "superuser": UserFactory(username="superuser", is_superuser=True, is_staff=True),
    }
    indicator = IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town])
    figure = FigureFactory(indicator=indicator, place=town, year=2023, month=9, value=D("29.74"))
    revision = FigureRevision.objects.create(figure=figure, action="created", new_value=D("29.74"))
    project = project_create(code="houfeng", name="后冯区块", type="industry", office=office_a)
    task = TaskFactory(office=office_a, code="t1")
    section = PlanSection.objects.get()
    target = Target.objects.create(indicator=indicator, year=2024, kind="amount", value=D("36"))
    report = ProgressReport.objects.create(project=project, year=2024, month=9, progress="x")
    item = SupervisionItem.objects.create(
        project=project,
        matter="督办",
        office=office_a,
        due_date=date(2024, 10, 31),
        raised_by=users["leader"],
    )
    plan = ProjectYearPlan.objects.create(project=project, year=2024, planned_investment=D("100"))
    template = StageTemplate.objects.get(is_default=True)
    notification = Notification.objects.create(
        user=users["clerk_a"], kind=Notification.Kind.REPORT_SOON, key="report-soon", title="t"
    )
    access = {
        "username": "clerk_a",
        "ip_address": "127.0.0.1",
        "user_agent": "test",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    objects = {
        "axes.accessattempt": AccessAttempt.objects.create(
            **access, get_data="", post_data="", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(**access),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**access),
        "accounts.office": office_a,
        "accounts.securityevent": audit.record(
            audit.Action.LOGIN, user=users["clerk_a"], obj=users["clerk_a"]
        ),
        "accounts.user": users["clerk_a"],
        "auth.group": Group.objects.get(name=Role.CLERK.value),
        "indicators.place": town,
        "indicators.unit": indicator.unit,
        "indicators.indicator": indicator,
        "indicators.figure": figure,
        "indicators.figurerevision": revision,
        "plans.target": target,
        "plans.plansection": section,
        "plans.task": task,
        "plans.project": project,
        "plans.stagetemplate": template,
        "plans.stagetemplatestep": StageTemplateStep.objects.filter(template=template).first(),
        "plans.progressreport": report,
        "plans.supervisionitem": item,
        "plans.projectyearplan": plan,
        "plans.yearopening": YearOpening.objects.create(
            year=2024, opened_by=users["admin"], created={"targets": 1}
        ),
        "inbox.notification": notification,
        "inbox.delivery": Delivery.objects.create(
            notification=notification, channel=Delivery.Channel.INAPP, ok=True
        ),
    }
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
    return {
        "objects": objects,
        "clients": clients,
        "office_a": office_a,
        "office_b": office_b,
        "indicator": indicator,
        "project": project,
        "task": task,
        "users": users,
        "Office": Office,
        "Figure": Figure,
    }


def add_office_b(world: dict) -> dict:
    """Office B's own rows, beside the world's (office A's), every one named so that a page
    showing it to office A is caught, and office A's named likewise. Returns office B's objects
    (shared rows, such as places and plan sections, are the world's) and the names of each
    office's projects, tasks, indicators and users."""
    office_a, office_b = world["office_a"], world["office_b"]
    objects = world["objects"]
    town, section = objects["indicators.place"], objects["plans.plansection"]
    leader = world["users"]["leader"]
    naming = {
        world["users"]["clerk_a"]: "甲办录入员",
        world["users"]["reviewer"]: "甲办审核员",
        world["users"]["clerk_b"]: "乙办录入员",
    }
    for user, name in naming.items():
        user.display_name = name
        user.save(update_fields=["display_name"])
    world["task"].title = "甲办专属任务"
    world["task"].save()
    # A second project of office A: the one a clerk of A may choose as 所属项目.
    sibling = project_create(code="a_phase2", name="甲办二期项目", type="industry", office=office_a)

    indicator = IndicatorFactory(
        code="b_output", name="乙办专属指标", office=office_b, places=[town]
    )
    figure = FigureFactory(indicator=indicator, place=town, year=2023, month=9, value=D("1.5"))
    revision = FigureRevision.objects.create(figure=figure, action="created", new_value=D("1.5"))
    project = project_create(
        code="b_project", name="乙办专属项目", type="industry", office=office_b
    )
    task = TaskFactory(office=office_b, code="b_task", title="乙办专属任务", section=section)
    target = Target.objects.create(indicator=indicator, year=2024, kind="amount", value=D("5"))
    report = ProgressReport.objects.create(project=project, year=2024, month=9, progress="乙办进展")
    item = SupervisionItem.objects.create(
        project=project,
        matter="乙办督办事项",
        office=office_b,
        due_date=date(2024, 10, 31),
        raised_by=leader,
    )
    plan = ProjectYearPlan.objects.create(project=project, year=2024, planned_investment=D("9"))
    objects_b = {
        **objects,
        "accounts.office": office_b,
        "accounts.user": world["users"]["clerk_b"],
        "indicators.indicator": indicator,
        "indicators.figure": figure,
        "indicators.figurerevision": revision,
        "plans.target": target,
        "plans.task": task,
        "plans.project": project,
        "plans.progressreport": report,
        "plans.supervisionitem": item,
        "plans.projectyearplan": plan,
    }
    return {
        "objects": objects_b,
        "indicator": indicator,
        "project": project,
        "task": task,
        "sibling": sibling,
        "names": {
            "a": [
                "后冯区块",
                "甲办二期项目",
                "甲办专属任务",
                "规上工业产值",
                "甲办录入员",
                "甲办审核员",
            ],
            "b": ["乙办专属项目", "乙办专属任务", "乙办专属指标", "乙办录入员", "乙办督办事项"],
        },
    }
