"""One gate for every write: every admin URL × every role (anonymous, clerk of office A, clerk of
office B, reviewer of office A, leader, 系统管理员, 安全管理员, 审计管理员, superuser) × GET and
POST.

GET is test_permission_matrix's walk (its EXPECTED). Here every admin URL is POSTed by every role
with the page's own rendered form where the role's page renders one (django-webtest, submitted
as a browser submits it); else with the form the admin's page renders, which the role was never
shown (what someone forging a request would post); else with a valid CSRF token alone. Each POST
is rolled back after it, so each starts from the same rows, and an answer that is not a save
must leave every row as it was: the app's data, the change records (django-simple-history), the
admin's log and the data stamp (tests/security/gate.py).

An answer in words: "login" (sent to the login page), "index" (Django's admin says "不存在" and
goes back to its index: another office's row), 403, 404, 405, 200 (the page again, saying what
is wrong, or a download), 302 (elsewhere, nothing changed), "saved 302" (rows changed: a save
the role may make). Each row was read and judged by hand.
"""

# ruff: noqa: E501 (the tables below: one row a URL, one column a role)
from __future__ import annotations

import pytest
from django.db import transaction

from tests.security.gate import Browsers, changed_models, outcome, own_form, snapshot
from tests.security.matrix_setup import ROLES, build_world
from tests.security.test_permission_matrix import EXPECTED
from tests.security.urls_for import routes, url_for

REFUSALS = {"login", "index", "403", "404", "405"}
SAVED = "saved 302"

# fmt: off
#  anonymous, clerk_a, clerk_b, reviewer (office A), leader, admin (系统管理员), security
#  (安全管理员), auditor (审计管理员), superuser
POST_EXPECTED: dict[str, tuple[str, ...]] = {
    "admin:accounts_office_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:accounts_office_change": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:accounts_office_changelist": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    # Office A has projects and users (PROTECT): the page says so and deletes nothing.
    "admin:accounts_office_delete": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:accounts_office_history": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:accounts_securityevent_add": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:accounts_securityevent_change": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:accounts_securityevent_changelist": ("login", "403", "403", "403", "403", "403", "403", "200", "403"),
    "admin:accounts_securityevent_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:accounts_securityevent_export": ("login", "403", "403", "403", "403", "403", "403", "200", "403"),
    "admin:accounts_securityevent_history": ("login", "403", "403", "403", "403", "403", "403", "200", "403"),
    "admin:accounts_user_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:accounts_user_change": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:accounts_user_changelist": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:accounts_user_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:accounts_user_history": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:app_list": ("login", "200", "200", "200", "200", "200", "404", "404", "200"),
    "admin:auth_group_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:auth_group_change": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:auth_group_changelist": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:auth_group_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:auth_group_history": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    # Sent to the user's page, which is 403 for them.
    "admin:auth_user_password_change": ("login", "302", "302", "302", "302", "200", "302", "302", "200"),
    "admin:autocomplete": ("login", "405", "405", "405", "405", "405", "405", "405", "405"),
    "admin:axes_accessattempt_add": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:axes_accessattempt_change": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:axes_accessattempt_changelist": ("login", "403", "403", "403", "403", "403", "200", "403", "403"),
    "admin:axes_accessattempt_delete": ("login", "403", "403", "403", "403", "403", "index", "403", "403"),
    # clerk_a's signing in cleared the attempt: Django's history page says "不存在".
    "admin:axes_accessattempt_history": ("login", "index", "index", "index", "index", "index", "index", "index", "index"),
    "admin:axes_accessfailurelog_add": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:axes_accessfailurelog_change": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:axes_accessfailurelog_changelist": ("login", "403", "403", "403", "403", "403", "200", "403", "403"),
    "admin:axes_accessfailurelog_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:axes_accessfailurelog_history": ("login", "403", "403", "403", "403", "403", "200", "403", "403"),
    "admin:axes_accesslog_add": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:axes_accesslog_change": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:axes_accesslog_changelist": ("login", "403", "403", "403", "403", "403", "200", "403", "403"),
    "admin:axes_accesslog_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:axes_accesslog_history": ("login", "403", "403", "403", "403", "403", "200", "403", "403"),
    "admin:inbox_delivery_add": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:inbox_delivery_change": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:inbox_delivery_changelist": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:inbox_delivery_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:inbox_delivery_history": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:inbox_notification_add": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:inbox_notification_change": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:inbox_notification_changelist": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:inbox_notification_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:inbox_notification_history": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:index": ("login", "200", "200", "200", "200", "200", "200", "200", "200"),
    # The empty form again, with what is missing.
    "admin:indicators_figure_add": ("login", "200", "200", "403", "403", "200", "403", "403", "200"),
    # Saved as it was shown (the admin's log says so; the figure is unchanged).
    "admin:indicators_figure_change": ("login", SAVED, "index", "403", "403", SAVED, "403", "403", SAVED),
    "admin:indicators_figure_changelist": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:indicators_figure_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:indicators_figure_export": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:indicators_figure_history": ("login", "200", "index", "200", "200", "200", "index", "index", "200"),
    "admin:indicators_figure_import": ("login", "200", "200", "403", "403", "200", "403", "403", "200"),
    # Each clerk's own month, every row left blank: nothing to save.
    "admin:indicators_figure_report": ("login", "302", "302", "403", "403", "302", "403", "403", "302"),
    # No office or month posted: back to the report page with the reason.
    "admin:indicators_figure_review": ("login", "302", "302", "302", "302", "302", "302", "302", "302"),
    "admin:indicators_figure_template": ("login", "200", "200", "403", "403", "200", "403", "403", "200"),
    "admin:indicators_figurerevision_add": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:indicators_figurerevision_change": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:indicators_figurerevision_changelist": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:indicators_figurerevision_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:indicators_figurerevision_history": ("login", "200", "index", "200", "200", "200", "index", "index", "200"),
    "admin:indicators_indicator_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:indicators_indicator_change": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:indicators_indicator_changelist": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:indicators_indicator_delete": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:indicators_indicator_history": ("login", "200", "index", "200", "200", "200", "index", "index", "200"),
    "admin:indicators_unit_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:indicators_unit_change": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:indicators_unit_changelist": ("login", "403", "403", "403", "200", "200", "403", "403", "200"),
    "admin:indicators_unit_delete": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:indicators_unit_history": ("login", "403", "403", "403", "200", "200", "403", "403", "200"),
    "admin:indicators_place_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:indicators_place_change": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:indicators_place_changelist": ("login", "200", "200", "403", "200", "200", "403", "403", "200"),
    "admin:indicators_place_delete": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:indicators_place_history": ("login", "200", "200", "403", "200", "200", "403", "403", "200"),
    "admin:jsi18n": ("login", "405", "405", "405", "405", "405", "405", "405", "405"),
    "admin:login": ("login", "login", "login", "login", "login", "login", "login", "login", "login"),
    "admin:logout": ("login", "login", "login", "login", "login", "login", "login", "login", "login"),
    "admin:password_change": ("login", "200", "200", "200", "200", "200", "200", "200", "200"),
    "admin:password_change_done": ("login", "405", "405", "405", "405", "405", "405", "405", "405"),
    "admin:plans_plansection_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:plans_plansection_change": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_plansection_changelist": ("login", "200", "200", "403", "200", "200", "403", "403", "200"),
    "admin:plans_plansection_delete": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:plans_plansection_from_text": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:plans_plansection_history": ("login", "200", "200", "403", "200", "200", "403", "403", "200"),
    "admin:plans_progressreport_add": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:plans_progressreport_change": ("login", SAVED, "index", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_progressreport_changelist": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:plans_progressreport_delete": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_progressreport_history": ("login", "200", "404", "200", "200", "200", "404", "404", "200"),
    # The reviewer reads the month's progress; only clerks and admins save it.
    "admin:plans_progressreport_report": ("login", "302", "302", "403", "403", "302", "403", "403", "302"),
    "admin:plans_progressreport_simple_history": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:plans_project_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:plans_project_change": ("login", SAVED, "index", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_project_changelist": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:plans_project_delete": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_project_export": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:plans_project_history": ("login", "200", "404", "200", "200", "200", "404", "404", "200"),
    "admin:plans_project_simple_history": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:plans_stagetemplate_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:plans_stagetemplate_change": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_stagetemplate_changelist": ("login", "200", "200", "403", "200", "200", "403", "403", "200"),
    "admin:plans_stagetemplate_delete": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:plans_stagetemplate_history": ("login", "200", "200", "403", "200", "200", "403", "403", "200"),
    "admin:plans_supervisionitem_add": ("login", "403", "403", "403", "200", "200", "403", "403", "200"),
    # The resolution is required: the form again, nothing saved.
    "admin:plans_supervisionitem_change": ("login", "200", "index", "403", "403", "200", "403", "403", "200"),
    "admin:plans_supervisionitem_changelist": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:plans_supervisionitem_delete": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_supervisionitem_history": ("login", "200", "404", "200", "200", "200", "404", "404", "200"),
    "admin:plans_supervisionitem_simple_history": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:plans_target_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:plans_target_change": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_target_changelist": ("login", "200", "200", "403", "200", "200", "403", "403", "200"),
    "admin:plans_target_delete": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_target_history": ("login", "200", "404", "403", "200", "200", "404", "404", "200"),
    "admin:plans_target_simple_history": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:plans_target_export": ("login", "403", "403", "403", "200", "200", "403", "403", "200"),
    "admin:plans_target_import": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:plans_task_add": ("login", "403", "403", "403", "403", "200", "403", "403", "200"),
    "admin:plans_task_change": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_task_changelist": ("login", "200", "200", "200", "200", "200", "403", "403", "200"),
    "admin:plans_task_delete": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:plans_task_history": ("login", "200", "404", "200", "200", "200", "404", "404", "200"),
    "admin:plans_task_simple_history": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:plans_yearopening_add": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:plans_yearopening_change": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:plans_yearopening_changelist": ("login", "403", "403", "403", "200", "200", "403", "403", "200"),
    "admin:plans_yearopening_delete": ("login", "403", "403", "403", "403", "403", "403", "403", "403"),
    "admin:plans_yearopening_history": ("login", "403", "403", "403", "200", "200", "403", "403", "200"),
    # The page's own form opens the year the clock proposes (the world's projects continue).
    "admin:plans_yearopening_open": ("login", "403", "403", "403", "403", SAVED, "403", "403", SAVED),
    "admin:security_sessions": ("login", "403", "403", "403", "403", "403", "302", "403", "403"),
    "admin:view_on_site": ("login", "404", "404", "404", "404", "404", "404", "404", "404"),
}
# fmt: on


def admin_routes() -> dict[str, str]:
    return {name: pattern for name, pattern in routes().items() if name.startswith("admin:")}


def test_every_admin_route_has_a_post_row():
    assert set(admin_routes()) == set(POST_EXPECTED), {
        "missing rows": sorted(set(admin_routes()) - set(POST_EXPECTED)),
        "rows without a route": sorted(set(POST_EXPECTED) - set(admin_routes())),
    }


def test_every_past_versions_page_refuses_every_post():
    history_pages = [name for name in POST_EXPECTED if name.endswith("_simple_history")]
    assert len(history_pages) == 5
    for name in history_pages:
        assert POST_EXPECTED[name] == ("login", *["403"] * (len(ROLES) - 1)), name


@pytest.mark.django_db
def test_each_role_gets_the_expected_answer_to_a_post_on_every_admin_url(django_app):
    world = build_world()
    browsers = Browsers(world["users"])
    baseline = snapshot()
    wrong, refused_but_changed = [], []
    posts = 0
    for name, pattern in sorted(admin_routes().items()):
        url = url_for(name, pattern, world)
        admin_fields = None
        answers = {}
        # The admin first: their page's form is the one the others are then made to post.
        for role in ["admin", *[role for role in ROLES if role != "admin"]]:
            opens = EXPECTED[name][ROLES.index(role)] == 200
            savepoint = transaction.savepoint()
            try:
                form = None
                if role == "admin" and opens:
                    form = own_form(browsers.apps[role].get(url, expect_errors=True), url)
                    admin_fields = form.submit_fields() if form is not None else None
                if form is not None:
                    response, how = form.submit(expect_errors=True), "own form"
                else:
                    response, how = browsers.post(role, url, admin_fields, opens)
                changed = changed_models(baseline, snapshot())
            finally:
                transaction.savepoint_rollback(savepoint)
            browsers.keep_signed_in(role)
            posts += 1
            answers[role] = outcome(response, bool(changed))
            if changed and response.status_code not in (200, 302):
                refused_but_changed.append((name, role, how, response.status_code, changed))
        got = tuple(answers[role] for role in ROLES)
        if got != POST_EXPECTED[name]:
            wrong.append((name, url, "expected", POST_EXPECTED[name], "got", got))
    assert posts == len(admin_routes()) * len(ROLES)
    assert not refused_but_changed, refused_but_changed
    assert not wrong, wrong
    assert snapshot() == baseline
