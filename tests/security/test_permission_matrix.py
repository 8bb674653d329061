"""Every URL of the app × anonymous, clerk of office A, clerk of office B, reviewer of office A,
leader, admin.

The objects all belong to office A. Each row below was read and judged by hand: a clerk of
office B gets 404 (or, in Django's admin, a redirect to the index with "不存在") for office
A's projects, tasks, targets, figures and their histories; a reviewer reads their office's
indicators, figures, projects, tasks, progress and 督办 items (not targets, places, plan
sections or stage templates) and writes nothing but reviews; a leader reads but never adds,
changes or deletes (save raising 督办 items); admin pages need a role. A route added to the app
without a row here fails `test_every_route_has_a_row`.
"""

from __future__ import annotations

import pytest

from tests.security.matrix_setup import ROLES, build_world
from tests.security.urls_for import routes, url_for

#            anonymous, clerk_a, clerk_b, reviewer (office A), leader, admin
EXPECTED: dict[str, tuple[int, int, int, int, int, int]] = {
    "admin:accounts_office_add": (302, 403, 403, 403, 403, 200),
    "admin:accounts_office_change": (302, 200, 200, 200, 200, 200),
    "admin:accounts_office_changelist": (302, 200, 200, 200, 200, 200),
    "admin:accounts_office_delete": (302, 403, 403, 403, 403, 200),
    "admin:accounts_office_history": (302, 200, 200, 200, 200, 200),
    "admin:accounts_securityevent_add": (302, 403, 403, 403, 403, 403),
    "admin:accounts_securityevent_change": (302, 403, 403, 403, 403, 403),
    "admin:accounts_securityevent_changelist": (302, 403, 403, 403, 403, 403),
    "admin:accounts_securityevent_delete": (302, 403, 403, 403, 403, 403),
    "admin:accounts_securityevent_export": (302, 403, 403, 403, 403, 403),
    "admin:accounts_securityevent_history": (302, 403, 403, 403, 403, 403),
    "admin:accounts_user_add": (302, 403, 403, 403, 403, 200),
    "admin:accounts_user_change": (302, 403, 403, 403, 403, 200),
    "admin:accounts_user_changelist": (302, 403, 403, 403, 403, 200),
    "admin:accounts_user_delete": (302, 403, 403, 403, 403, 403),
    "admin:accounts_user_history": (302, 403, 403, 403, 403, 200),
    "admin:app_list": (302, 200, 200, 200, 200, 200),
    "admin:auth_group_add": (302, 403, 403, 403, 403, 200),
    "admin:auth_group_change": (302, 403, 403, 403, 403, 200),
    "admin:auth_group_changelist": (302, 403, 403, 403, 403, 200),
    "admin:auth_group_delete": (302, 403, 403, 403, 403, 403),
    "admin:auth_group_history": (302, 403, 403, 403, 403, 200),
    "admin:auth_user_password_change": (302, 302, 302, 302, 302, 200),
    "admin:autocomplete": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessattempt_add": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessattempt_change": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessattempt_changelist": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessattempt_delete": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessattempt_history": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_add": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_change": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_changelist": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_delete": (302, 403, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_history": (302, 403, 403, 403, 403, 403),
    "admin:axes_accesslog_add": (302, 403, 403, 403, 403, 403),
    "admin:axes_accesslog_change": (302, 403, 403, 403, 403, 403),
    "admin:axes_accesslog_changelist": (302, 403, 403, 403, 403, 403),
    "admin:axes_accesslog_delete": (302, 403, 403, 403, 403, 403),
    "admin:axes_accesslog_history": (302, 403, 403, 403, 403, 403),
    "admin:index": (302, 200, 200, 200, 200, 200),
    "admin:indicators_figure_add": (302, 200, 200, 403, 403, 200),
    "admin:indicators_figure_change": (302, 200, 302, 200, 200, 200),
    "admin:indicators_figure_changelist": (302, 200, 200, 200, 200, 200),
    "admin:indicators_figure_delete": (302, 403, 403, 403, 403, 403),
    "admin:indicators_figure_history": (302, 200, 302, 200, 200, 200),
    "admin:indicators_figure_report": (302, 200, 200, 200, 403, 200),
    "admin:indicators_figure_import": (302, 200, 200, 403, 403, 200),
    "admin:indicators_figure_template": (302, 200, 200, 403, 403, 200),
    "admin:indicators_figure_export": (302, 200, 200, 200, 200, 200),
    "admin:indicators_figure_review": (302, 405, 405, 405, 405, 405),
    "admin:indicators_figurerevision_add": (302, 403, 403, 403, 403, 403),
    "admin:indicators_figurerevision_change": (302, 200, 302, 200, 200, 200),
    "admin:indicators_figurerevision_changelist": (302, 200, 200, 200, 200, 200),
    "admin:indicators_figurerevision_delete": (302, 403, 403, 403, 403, 403),
    "admin:indicators_figurerevision_history": (302, 200, 302, 200, 200, 200),
    "admin:indicators_indicator_add": (302, 403, 403, 403, 403, 200),
    "admin:indicators_indicator_change": (302, 200, 302, 200, 200, 200),
    "admin:indicators_indicator_changelist": (302, 200, 200, 200, 200, 200),
    "admin:indicators_indicator_delete": (302, 403, 403, 403, 403, 200),
    "admin:indicators_indicator_history": (302, 200, 302, 200, 200, 200),
    "admin:indicators_place_add": (302, 403, 403, 403, 403, 200),
    "admin:indicators_place_change": (302, 200, 200, 403, 200, 200),
    "admin:indicators_place_changelist": (302, 200, 200, 403, 200, 200),
    "admin:indicators_place_delete": (302, 403, 403, 403, 403, 200),
    "admin:indicators_place_history": (302, 200, 200, 403, 200, 200),
    "admin:inbox_delivery_add": (302, 403, 403, 403, 403, 403),
    "admin:inbox_delivery_change": (302, 403, 403, 403, 403, 200),
    "admin:inbox_delivery_changelist": (302, 403, 403, 403, 403, 200),
    "admin:inbox_delivery_delete": (302, 403, 403, 403, 403, 403),
    "admin:inbox_delivery_history": (302, 403, 403, 403, 403, 200),
    "admin:inbox_notification_add": (302, 403, 403, 403, 403, 403),
    "admin:inbox_notification_change": (302, 403, 403, 403, 403, 200),
    "admin:inbox_notification_changelist": (302, 403, 403, 403, 403, 200),
    "admin:inbox_notification_delete": (302, 403, 403, 403, 403, 403),
    "admin:inbox_notification_history": (302, 403, 403, 403, 403, 200),
    "admin:jsi18n": (302, 200, 200, 200, 200, 200),
    "admin:login": (302, 302, 302, 302, 302, 302),
    "admin:logout": (302, 405, 405, 405, 405, 405),
    "admin:password_change": (302, 200, 200, 200, 200, 200),
    "admin:password_change_done": (302, 200, 200, 200, 200, 200),
    "admin:plans_plansection_add": (302, 403, 403, 403, 403, 200),
    "admin:plans_plansection_change": (302, 200, 200, 403, 200, 200),
    "admin:plans_plansection_changelist": (302, 200, 200, 403, 200, 200),
    "admin:plans_plansection_delete": (302, 403, 403, 403, 403, 200),
    "admin:plans_plansection_history": (302, 200, 200, 403, 200, 200),
    "admin:plans_progressreport_add": (302, 403, 403, 403, 403, 403),
    "admin:plans_progressreport_change": (302, 200, 302, 200, 200, 200),
    "admin:plans_progressreport_changelist": (302, 200, 200, 200, 200, 200),
    "admin:plans_progressreport_delete": (302, 403, 403, 403, 403, 200),
    "admin:plans_progressreport_history": (302, 200, 404, 200, 200, 200),
    "admin:plans_progressreport_report": (302, 200, 200, 200, 403, 200),
    "admin:plans_progressreport_simple_history": (302, 200, 404, 200, 200, 200),
    "admin:plans_project_add": (302, 403, 403, 403, 403, 200),
    "admin:plans_project_change": (302, 200, 302, 200, 200, 200),
    "admin:plans_project_changelist": (302, 200, 200, 200, 200, 200),
    "admin:plans_project_delete": (302, 403, 403, 403, 403, 200),
    "admin:plans_project_history": (302, 200, 404, 200, 200, 200),
    "admin:plans_project_export": (302, 200, 200, 200, 200, 200),
    "admin:plans_project_simple_history": (302, 200, 404, 200, 200, 200),
    "admin:plans_stagetemplate_add": (302, 403, 403, 403, 403, 200),
    "admin:plans_stagetemplate_change": (302, 200, 200, 403, 200, 200),
    "admin:plans_stagetemplate_changelist": (302, 200, 200, 403, 200, 200),
    "admin:plans_stagetemplate_delete": (302, 403, 403, 403, 403, 200),
    "admin:plans_stagetemplate_history": (302, 200, 200, 403, 200, 200),
    "admin:plans_supervisionitem_add": (302, 403, 403, 403, 200, 200),
    "admin:plans_supervisionitem_change": (302, 200, 302, 200, 200, 200),
    "admin:plans_supervisionitem_changelist": (302, 200, 200, 200, 200, 200),
    "admin:plans_supervisionitem_delete": (302, 403, 403, 403, 403, 200),
    "admin:plans_supervisionitem_history": (302, 200, 404, 200, 200, 200),
    "admin:plans_supervisionitem_simple_history": (302, 200, 404, 200, 200, 200),
    "admin:plans_target_add": (302, 403, 403, 403, 403, 200),
    "admin:plans_target_change": (302, 200, 302, 403, 200, 200),
    "admin:plans_target_changelist": (302, 200, 200, 403, 200, 200),
    "admin:plans_target_delete": (302, 403, 403, 403, 403, 200),
    "admin:plans_target_history": (302, 200, 404, 403, 200, 200),
    "admin:plans_target_simple_history": (302, 200, 404, 403, 200, 200),
    "admin:plans_task_add": (302, 403, 403, 403, 403, 200),
    "admin:plans_task_change": (302, 200, 302, 200, 200, 200),
    "admin:plans_task_changelist": (302, 200, 200, 200, 200, 200),
    "admin:plans_task_delete": (302, 403, 403, 403, 403, 200),
    "admin:plans_task_history": (302, 200, 404, 200, 200, 200),
    "admin:plans_task_simple_history": (302, 200, 404, 200, 200, 200),
    "admin:security_sessions": (302, 403, 403, 403, 403, 403),
    "admin:view_on_site": (302, 404, 404, 404, 404, 404),
    "dashboard:board": (302, 200, 200, 200, 200, 200),
    "dashboard:index": (302, 200, 200, 200, 200, 200),
    "dashboard:indicator": (302, 200, 404, 200, 200, 200),
    "dashboard:project": (302, 200, 404, 200, 200, 200),
    "dashboard:project_supervise": (302, 403, 403, 403, 200, 200),
    "dashboard:task": (302, 200, 404, 200, 200, 200),
    "dashboard:task_supervise": (302, 403, 403, 403, 200, 200),
    "healthz": (200, 200, 200, 200, 200, 200),
    "inbox:notifications": (302, 200, 200, 200, 200, 200),
    "inbox:todo": (302, 200, 200, 200, 200, 200),
    "login": (200, 200, 200, 200, 200, 200),
    "logout": (302, 405, 405, 405, 405, 405),
    "otp_setup": (302, 200, 200, 200, 200, 200),  # anyone may enrol an authenticator app
    "otp_verify": (302, 302, 302, 302, 302, 302),  # no device enrolled: sent to otp_setup
    "password_change": (302, 200, 200, 200, 200, 200),
    "password_change_done": (302, 200, 200, 200, 200, 200),
    "reports:briefing": (302, 200, 200, 200, 200, 200),
}


def test_every_route_has_a_row():
    assert set(routes()) == set(EXPECTED), {
        "missing rows": sorted(set(routes()) - set(EXPECTED)),
        "rows without a route": sorted(set(EXPECTED) - set(routes())),
    }


@pytest.mark.django_db
def test_each_role_gets_the_expected_answer_on_every_url():
    world = build_world()
    wrong = []
    for name, pattern in sorted(routes().items()):
        url = url_for(name, pattern, world)
        got = tuple(world["clients"][role].get(url).status_code for role in ROLES)
        if got != EXPECTED[name]:
            wrong.append((name, url, "expected", EXPECTED[name], "got", got))
    assert not wrong, wrong


@pytest.mark.django_db
def test_anonymous_requests_are_sent_to_the_login_page():
    world = build_world()
    for name, pattern in routes().items():
        if EXPECTED[name][0] == 302:
            response = world["clients"]["anonymous"].get(url_for(name, pattern, world))
            assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), name


@pytest.mark.django_db
def test_another_offices_object_is_not_found_rather_than_forbidden():
    world = build_world()
    clerk_b = world["clients"]["clerk_b"]
    assert clerk_b.get(f"/projects/{world['project'].pk}/").status_code == 404
    assert clerk_b.get(f"/tasks/{world['task'].pk}/").status_code == 404
    assert clerk_b.get(f"/indicators/{world['indicator'].code}/").status_code == 404
    assert clerk_b.get("/projects/999999/").status_code == 404  # the same as a missing one
    response = clerk_b.get(f"/admin/plans/project/{world['project'].pk}/history/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_leader_cannot_change_anything_by_posting():
    world = build_world()
    leader = world["clients"]["leader"]
    figure = world["objects"]["indicators.figure"]
    project = world["project"]
    assert (
        leader.post(f"/admin/indicators/figure/{figure.pk}/change/", {"value": "1"}).status_code
        == 403
    )
    assert (
        leader.post(f"/admin/plans/project/{project.pk}/change/", {"name": "x"}).status_code == 403
    )
    assert (
        leader.post(f"/admin/plans/project/{project.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    figure.refresh_from_db()
    project.refresh_from_db()
    assert str(figure.value) == "29.7400" and project.name == "后冯区块"
