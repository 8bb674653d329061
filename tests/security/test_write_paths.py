"""Every write path outside the admin's own model pages, for every role, judged by the rules of
accounts.permissions: the month's review steps (报送, 撤回, 审核通过, 退回, 重新打开), 月报填报
and 月度进展填报, the exports, and reverting a past version (django-simple-history).

A role the rule allows submits the page's own rendered form (django-webtest) and the change
lands; every other role posts what that form posted (with their own CSRF token: what someone
forging the request would send) and nothing changes. The expected answer of each role is the
rule's, asked here, so a rule that changes changes what these tests expect. The admin's add,
change and delete pages are test_admin_gate's (every admin URL × every role × the page's form).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import transaction

from accounts import permissions
from indicators import review
from indicators.models import MonthReview, MonthReviewEvent
from plans.models import ProgressReport
from tests.security.gate import Browsers, changed_models, own_form, snapshot
from tests.security.matrix_setup import ROLES, build_world

pytestmark = pytest.mark.django_db

YEAR, MONTH = 2023, 9
PERIOD = f"{YEAR}-{MONTH:02d}"
REPORT = "/admin/indicators/figure/report/"
PROGRESS = "/admin/plans/progressreport/report/"
SIGNED_IN = [role for role in ROLES if role != "anonymous"]


@pytest.fixture
def world(django_app):
    world = build_world()
    world["browsers"] = Browsers(world["users"])
    return world


def month_state(world: dict) -> tuple:
    office = world["office_a"]
    row = MonthReview.objects.filter(office=office, year=YEAR, month=MONTH).first()
    events = MonthReviewEvent.objects.filter(review__office=office).count()
    return (row.state if row else None, events)


def _submitted(world: dict) -> None:
    review.month_submit(
        office=world["office_a"], year=YEAR, month=MONTH, user=world["users"]["clerk_a"]
    )


def _reviewed(world: dict) -> None:
    _submitted(world)
    current = review.stored_review(world["office_a"], YEAR, MONTH)
    review.month_approve(review=current, user=world["users"]["reviewer"])


def _draft(world: dict) -> None:
    pass


# step: (how the month is before it, the rule that allows the step, the state after it)
STEPS = {
    "submit": (
        _draft,
        lambda user, w: permissions.can_submit_month(user, w["office_a"]),
        "submitted",
    ),
    "withdraw": (
        _submitted,
        lambda user, w: permissions.can_withdraw_month(user, w["office_a"]),
        "draft",
    ),
    "approve": (
        _submitted,
        lambda user, w: permissions.can_approve_month(
            user, w["office_a"], w["users"]["clerk_a"].pk
        ),
        "reviewed",
    ),
    "return": (
        _submitted,
        lambda user, w: permissions.can_review_month(user, w["office_a"]),
        "returned",
    ),
    "reopen": (
        _reviewed,
        lambda user, w: permissions.can_reopen_month(user, w["office_a"]),
        "draft",
    ),
}


def step_form(page, step: str):  # type: ignore[no-untyped-def]
    """The page's form that carries the step's button (报送: the figures' form's
    保存并报送审核), filled in, and the button's (name, value)."""
    for form in page.forms.values():
        if step == "submit" and "then_submit" in form.fields:
            return form, ("then_submit", "1")
        if any(
            getattr(field, "value_if_submitted", lambda: None)() == step
            for field in form.fields.get("action", [])
        ):
            if "reason" in form.fields:
                form["reason"] = "数据与台账不符，请核对"
            return form, ("action", step)
    return None, None


def report_url(world: dict) -> str:
    return f"{REPORT}?office={world['office_a'].pk}&period={PERIOD}"


@pytest.mark.parametrize("step", sorted(STEPS))
def test_each_review_step_is_taken_exactly_by_the_roles_its_rule_allows(world, step):
    before, rule, after = STEPS[step]
    before(world)
    browsers = world["browsers"]
    users = world["users"]
    allowed = [role for role in SIGNED_IN if rule(users[role], world)]
    assert allowed, step
    # The form as an allowed role's page renders it: what the others are made to post.
    page = browsers.apps[allowed[0]].get(report_url(world))
    form, (button, value) = step_form(page, step)
    assert form is not None, (step, allowed[0])
    forged = [(k, v) for k, v in form.submit_fields((button), submit_value=value)]
    start = month_state(world)
    landed, refused = [], []
    for role in ROLES:
        savepoint = transaction.savepoint()
        try:
            app = browsers.apps[role]
            if role in allowed:
                own, (button, value) = step_form(app.get(report_url(world)), step)
                assert own is not None, (step, role, "the page offers no such step")
                response = own.submit(button, value=value, expect_errors=True)
            else:
                token = ("csrfmiddlewaretoken", browsers.tokens[role])
                fields = [token, *[(k, v) for k, v in forged if k != token[0]]]
                response = app.post(
                    form.action or report_url(world), params=fields, expect_errors=True
                )
            state = month_state(world)
        finally:
            transaction.savepoint_rollback(savepoint)
        browsers.keep_signed_in(role)
        if state != start:
            landed.append(role)
            assert state[0] == after and state[1] == start[1] + 1, (step, role, state)
        else:
            refused.append((role, response.status_code))
    assert landed == allowed, (step, landed, refused)
    # Those the rule refuses are told so: 403 when they read office A (the step's rule says
    # no), the login page for nobody signed in, and back to the report page, saying the office
    # is not theirs, for those who read no office A (the form's office is refused first).
    for role, status in refused:
        if role == "anonymous":
            expected = 302
        elif step == "submit":  # 报送 is the report page's 保存并报送审核: its rules answer
            expected = 200 if permissions.can_save_month_report(users[role]) else 403
        elif reads_office_a(world, role):
            expected = 403
        else:
            expected = 302
        assert status == expected, (step, role, status)
    assert month_state(world) == start


def reads_office_a(world: dict, role: str) -> bool:
    readable = permissions.readable_offices(world["users"][role])
    return readable.filter(pk=world["office_a"].pk).exists()


def _value_field(form) -> str:  # type: ignore[no-untyped-def]
    return next(name for name in form.fields if name.endswith("-value"))


def _progress_field(form) -> str:  # type: ignore[no-untyped-def]
    return next(name for name in form.fields if name.endswith("-progress"))


def entry_form(page):  # type: ignore[no-untyped-def]
    """The page's form of rows (a formset), as rendered."""
    return next(
        form
        for form in page.forms.values()
        if form.method.lower() == "post" and any(n and "-TOTAL_FORMS" in n for n in form.fields)
    )


# page: (its URL, the field typed into, the value, what shows it landed, the rule)
ENTRY_PAGES = {
    "月报填报": (
        REPORT,
        _value_field,
        "31.5",
        lambda w: str(
            w["objects"]["indicators.figure"]
            .__class__.objects.get(pk=w["objects"]["indicators.figure"].pk)
            .value
        ),
    ),
    "月度进展填报": (
        PROGRESS,
        _progress_field,
        "主体结构封顶",
        lambda w: sorted(ProgressReport.objects.values_list("progress", flat=True)),
    ),
}


@pytest.mark.parametrize("page_name", sorted(ENTRY_PAGES))
def test_the_data_entry_pages_save_exactly_for_those_who_write_the_office(world, page_name):
    path, field_of, typed, read = ENTRY_PAGES[page_name]
    url = f"{path}?office={world['office_a'].pk}&period={PERIOD}"
    if page_name == "月度进展填报":
        url = f"{path}?office={world['office_a'].pk}&period=2024-09"
    browsers, users = world["browsers"], world["users"]
    office = world["office_a"]
    allowed = [
        role
        for role in SIGNED_IN
        if permissions.can_save_month_report(users[role])
        and permissions.can_write_office(users[role], office)
    ]
    assert allowed == ["clerk_a", "admin", "superuser"]
    page = browsers.apps["admin"].get(url)
    form = entry_form(page)
    form[field_of(form)] = typed
    forged = form.submit_fields()
    start, baseline = read(world), snapshot()
    landed = []
    for role in ROLES:
        savepoint = transaction.savepoint()
        try:
            app = browsers.apps[role]
            if role in allowed:
                mine = app.get(url)
                own = entry_form(mine)
                own[field_of(own)] = typed
                response = own.submit(expect_errors=True)
            else:
                token = ("csrfmiddlewaretoken", browsers.tokens[role])
                fields = [token, *[(k, v) for k, v in forged if k != token[0]]]
                response = app.post(url, params=fields, expect_errors=True)
            now = read(world)
            changed = changed_models(baseline, snapshot())
        finally:
            transaction.savepoint_rollback(savepoint)
        browsers.keep_signed_in(role)
        if now != start:
            landed.append(role)
            assert typed in str(now), (page_name, role, now)
        else:
            assert not changed, (page_name, role, changed)
            # 403 for those who save no month; a writer of another office gets the page again,
            # its office refused; nobody signed in, the login page.
            if role == "anonymous":
                expected = 302
            elif permissions.can_save_month_report(users[role]):
                expected = 200
            else:
                expected = 403
            assert response.status_code == expected, (page_name, role, response.status_code)
    assert landed == allowed, (page_name, landed)
    assert read(world) == start


# export: (its URL, the rule)
EXPORTS = {
    "指标数据导出": ("/admin/indicators/figure/export/?year=2023", permissions.can_export_figures),
    "重点项目导出": ("/admin/plans/project/export/", permissions.can_export_projects),
    "驾驶舱CSV": (f"/?period={PERIOD}&_export=csv", permissions.can_read_office_data),
    "驾驶舱Excel": (f"/?period={PERIOD}&_export=xlsx", permissions.can_read_office_data),
    "月度简报Word": (
        f"/reports/briefing/?period={PERIOD}&format=docx",
        permissions.can_read_office_data,
    ),
    "安全日志导出": ("/admin/accounts/securityevent/export/", permissions.can_read_security_log),
}


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_each_export_is_sent_exactly_to_those_its_rule_allows(world, export):
    url, rule = EXPORTS[export]
    for role in ROLES:
        response = world["browsers"].apps[role].get(url, expect_errors=True)
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response.headers["Location"]
            continue
        if rule(world["users"][role]):
            assert response.status_code == 200, (export, role, response.status_code)
            assert response.headers["Content-Disposition"].startswith("attachment"), export
        else:
            assert response.status_code == 403, (export, role, response.status_code)


def history_routes() -> list[str]:
    from tests.security.urls_for import routes

    return sorted(name for name in routes() if name.endswith("_simple_history"))


def test_no_role_may_revert_a_past_version():
    """The rule behind every past version's page: can_revert_history, false for everyone."""
    world_users = build_world()["users"]
    assert not any(permissions.can_revert_history(user) for user in world_users.values())
    assert len(history_routes()) == 5


def test_a_revert_the_rule_allowed_would_land(world, monkeypatch):
    """The refusal is the rule's: were can_revert_history to allow the 系统管理员, the change
    form posted to a past version's page would save (so the tests that find nothing changed can
    fail), while the leader, whom the same rule refuses, is still refused."""
    target = world["objects"]["plans.target"]
    url = f"/admin/plans/target/{target.pk}/history/{target.history.first().history_id}/"
    browsers = world["browsers"]
    change = browsers.apps["admin"].get(f"/admin/plans/target/{target.pk}/change/")
    form = own_form(change, change.request.path)
    form["value"] = "1.23"
    posted = form.submit_fields()
    monkeypatch.setattr(permissions, "can_revert_history", lambda user, obj=None: user.is_admin)
    for role, status in (("leader", 403), ("admin", 302)):
        token = ("csrfmiddlewaretoken", browsers.tokens[role])
        fields = [token, *[(k, v) for k, v in posted if k != token[0]]]
        response = browsers.apps[role].post(url, params=fields, expect_errors=True)
        assert response.status_code == status, (role, response.status_code)
        target.refresh_from_db()
        assert target.value == (D("1.23") if role == "admin" else D("36")), role
