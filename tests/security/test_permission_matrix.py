"""Every URL of the app × every role: anonymous, clerk of office A, clerk of office B, reviewer
of office A, leader, 系统管理员 (admin), 安全管理员, 审计管理员 and a superuser.

The objects all belong to office A. Each row below was read and judged by hand: a clerk of
office B gets 404 (or, in Django's admin, a redirect to the index with "不存在") for office
A's projects, tasks, targets, figures and their histories; a reviewer reads their office's
indicators, figures, projects, tasks, progress and 督办 items (not targets, places, plan
sections or stage templates) and writes nothing but reviews; a leader reads but never adds,
changes or deletes (save raising 督办 items); admin pages need a role; the 安全管理员 reads the
lockouts, login records and sessions and no office's data, the 审计管理员 the security log alone;
a superuser is a 系统管理员 (and, like one, reads neither). A route added to the app without a
row here fails `test_every_route_has_a_row`.

The table is checked against accounts.permissions as well (test_the_table_follows_the_rules):
a page whose declared rule (`@permission`) or whose admin's has_*_permission refuses a role
must answer 403 (the admin site: a redirect to its login), and one that allows it must not.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import resolve

from accounts import permissions
from tests.security.matrix_setup import ROLES, all_views, build_world
from tests.security.urls_for import ADMIN_MODEL, routes, url_for

# fmt: off
#  anonymous, clerk_a, clerk_b, reviewer (office A), leader, admin (系统管理员), security
#  (安全管理员), auditor (审计管理员), superuser
EXPECTED: dict[str, tuple[int, ...]] = {
    "admin:accounts_office_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:accounts_office_change": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:accounts_office_changelist": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:accounts_office_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:accounts_office_history": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:accounts_securityevent_add": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:accounts_securityevent_change": (302, 403, 403, 403, 403, 403, 403, 200, 403),
    "admin:accounts_securityevent_changelist": (302, 403, 403, 403, 403, 403, 403, 200, 403),
    "admin:accounts_securityevent_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:accounts_securityevent_export": (302, 403, 403, 403, 403, 403, 403, 200, 403),
    "admin:accounts_securityevent_history": (302, 403, 403, 403, 403, 403, 403, 200, 403),
    "admin:accounts_user_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:accounts_user_change": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:accounts_user_changelist": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:accounts_user_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:accounts_user_history": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:app_list": (302, 200, 200, 200, 200, 200, 404, 404, 200),
    "admin:auth_group_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:auth_group_change": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:auth_group_changelist": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:auth_group_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:auth_group_history": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:auth_user_password_change": (302, 302, 302, 302, 302, 200, 302, 302, 200),
    "admin:autocomplete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:axes_accessattempt_add": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:axes_accessattempt_change": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:axes_accessattempt_changelist": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:axes_accessattempt_delete": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:axes_accessattempt_history": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:axes_accessfailurelog_add": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_change": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:axes_accessfailurelog_changelist": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:axes_accessfailurelog_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_history": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:axes_accesslog_add": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:axes_accesslog_change": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:axes_accesslog_changelist": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:axes_accesslog_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:axes_accesslog_history": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:inbox_delivery_add": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:inbox_delivery_change": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:inbox_delivery_changelist": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:inbox_delivery_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:inbox_delivery_history": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:inbox_notification_add": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:inbox_notification_change": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:inbox_notification_changelist": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:inbox_notification_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:inbox_notification_history": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:index": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "admin:indicators_figure_add": (302, 200, 200, 403, 403, 200, 403, 403, 200),
    "admin:indicators_figure_change": (302, 200, 302, 200, 200, 200, 403, 403, 200),
    "admin:indicators_figure_changelist": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:indicators_figure_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:indicators_figure_export": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:indicators_figure_history": (302, 200, 302, 200, 200, 200, 302, 302, 200),
    "admin:indicators_figure_import": (302, 200, 200, 403, 403, 200, 403, 403, 200),
    "admin:indicators_figure_report": (302, 200, 200, 200, 403, 200, 403, 403, 200),
    "admin:indicators_figure_review": (302, 405, 405, 405, 405, 405, 405, 405, 405),
    "admin:indicators_figure_template": (302, 200, 200, 403, 403, 200, 403, 403, 200),
    "admin:indicators_figurerevision_add": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:indicators_figurerevision_change": (302, 200, 302, 200, 200, 200, 403, 403, 200),
    "admin:indicators_figurerevision_changelist": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:indicators_figurerevision_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:indicators_figurerevision_history": (302, 200, 302, 200, 200, 200, 302, 302, 200),
    "admin:indicators_indicator_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:indicators_indicator_change": (302, 200, 302, 200, 200, 200, 403, 403, 200),
    "admin:indicators_indicator_changelist": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:indicators_indicator_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:indicators_indicator_history": (302, 200, 302, 200, 200, 200, 302, 302, 200),
    "admin:indicators_unit_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:indicators_unit_change": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    "admin:indicators_unit_changelist": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    "admin:indicators_unit_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:indicators_unit_history": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    "admin:indicators_place_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:indicators_place_change": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:indicators_place_changelist": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:indicators_place_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:indicators_place_history": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:jsi18n": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "admin:login": (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "admin:logout": (302, 405, 405, 405, 405, 405, 405, 405, 405),
    "admin:password_change": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "admin:password_change_done": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "admin:plans_plansection_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_plansection_change": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:plans_plansection_changelist": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:plans_plansection_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_plansection_from_text": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_plansection_history": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:plans_progressreport_add": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:plans_progressreport_change": (302, 200, 302, 200, 200, 200, 403, 403, 200),
    "admin:plans_progressreport_changelist": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:plans_progressreport_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_progressreport_history": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "admin:plans_progressreport_report": (302, 200, 200, 200, 403, 200, 403, 403, 200),
    "admin:plans_progressreport_simple_history": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "admin:plans_project_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_project_change": (302, 200, 302, 200, 200, 200, 403, 403, 200),
    "admin:plans_project_changelist": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:plans_project_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_project_export": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:plans_project_history": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "admin:plans_project_simple_history": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "admin:plans_stagetemplate_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_stagetemplate_change": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:plans_stagetemplate_changelist": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:plans_stagetemplate_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_stagetemplate_history": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:plans_supervisionitem_add": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    "admin:plans_supervisionitem_change": (302, 200, 302, 200, 200, 200, 403, 403, 200),
    "admin:plans_supervisionitem_changelist": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:plans_supervisionitem_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_supervisionitem_history": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "admin:plans_supervisionitem_simple_history": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "admin:plans_target_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_target_change": (302, 200, 302, 403, 200, 200, 403, 403, 200),
    "admin:plans_target_changelist": (302, 200, 200, 403, 200, 200, 403, 403, 200),
    "admin:plans_target_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_target_export": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    "admin:plans_target_history": (302, 200, 404, 403, 200, 200, 404, 404, 200),
    "admin:plans_target_import": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_target_simple_history": (302, 200, 404, 403, 200, 200, 404, 404, 200),
    "admin:plans_task_add": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_task_change": (302, 200, 302, 200, 200, 200, 403, 403, 200),
    "admin:plans_task_changelist": (302, 200, 200, 200, 200, 200, 403, 403, 200),
    "admin:plans_task_delete": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:plans_task_history": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "admin:plans_task_simple_history": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    # 年度开启记录: read only (leaders read it); 开启新年度 is the admins' (can_plan_year).
    "admin:plans_yearopening_add": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:plans_yearopening_change": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    "admin:plans_yearopening_changelist": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    "admin:plans_yearopening_delete": (302, 403, 403, 403, 403, 403, 403, 403, 403),
    "admin:plans_yearopening_history": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    "admin:plans_yearopening_open": (302, 403, 403, 403, 403, 200, 403, 403, 200),
    "admin:security_sessions": (302, 403, 403, 403, 403, 403, 200, 403, 403),
    "admin:view_on_site": (302, 404, 404, 404, 404, 404, 404, 404, 404),
    "dashboard:board": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "dashboard:index": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "dashboard:indicator": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "dashboard:project": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "dashboard:project_supervise": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    "dashboard:task": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "dashboard:task_supervise": (302, 403, 403, 403, 200, 200, 403, 403, 200),
    # 分村数据: the indicator page's rule (its Excel file: can_read_office_data).
    "dashboard:indicator_villages": (302, 200, 404, 200, 200, 200, 404, 404, 200),
    "healthz": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "inbox:notifications": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "inbox:todo": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "login": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "logout": (302, 405, 405, 405, 405, 405, 405, 405, 405),
    # Anyone may enrol an authenticator app; with no device enrolled, verify sends there.
    "otp_setup": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "otp_verify": (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "password_change": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_change_done": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "reports:briefing": (302, 200, 200, 200, 200, 200, 403, 403, 200),
}
# fmt: on


# Django's own pages of the admin, which no rule of the app speaks for: the index and app index
# (what they list is each admin's has_module_permission), its login, logout and password pages,
# the translation catalogue, the autocomplete endpoint and view-on-site.
DJANGOS_ADMIN_PAGES = {
    "admin:index",
    "admin:app_list",
    "admin:jsi18n",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:view_on_site",
    "admin:auth_user_password_change",
}
MODEL_ADMIN_ACTIONS = {"changelist", "add", "change", "delete", "history", "simple_history"}


def declared_rule(url: str):  # type: ignore[no-untyped-def]
    """The rule a view declares (@permission / PermissionMixin), `public` for a page exempt
    from signing in, else None."""
    view = resolve(url).func
    rule = getattr(view, "permission_rule", None)
    if rule is None and getattr(view, "login_required", True) is False:
        return permissions.public
    return rule


def rule_allows(name: str, url: str, user, world: dict) -> bool | None:  # type: ignore[no-untyped-def]
    """Whether accounts.permissions lets `user` open the page: from the view's declared rule,
    else (Django's admin pages of a model) from the model admin's has_*_permission, which ask
    accounts.permissions; None where no rule speaks (Django's own pages, or a row the user
    cannot see at all: that answer is a 404 or the admin's "不存在", judged in the table)."""
    rule = declared_rule(url)
    if name.startswith("admin:"):
        if not permissions.can_open_admin(user):
            return False
        if rule is not None:
            return bool(rule(user))
        if name in DJANGOS_ADMIN_PAGES:
            return None
        match = ADMIN_MODEL.match(name)
        model_key = f"{match['app']}.{match['model']}"
        model_admin = next(
            model_admin
            for model, model_admin in admin.site._registry.items()
            if model._meta.label_lower == model_key
        )
        request = RequestFactory().get(url)
        request.user = user
        action = match["action"]
        assert action in MODEL_ADMIN_ACTIONS, name
        if action == "changelist":
            return model_admin.has_view_or_change_permission(request)
        if action == "add":
            return model_admin.has_add_permission(request)
        obj = model_admin.get_queryset(request).filter(pk=world["objects"][model_key].pk).first()
        if action in ("history", "simple_history") and obj is None:
            return None  # the history pages look the row up first
        if action == "delete":
            allowed = model_admin.has_delete_permission(request, obj)
        else:
            allowed = model_admin.has_view_or_change_permission(request, obj)
        return None if allowed and obj is None else allowed
    assert rule is not None, f"{name} declares no rule"
    return rule is permissions.public or bool(rule(user))


def test_every_page_of_the_app_declares_its_rule():
    """Every route outside Django's admin, and every page the app adds to the admin, names its
    rule from accounts.permissions where the view is defined."""
    views = all_views()
    undeclared = []
    for name in sorted(routes()):
        if name in DJANGOS_ADMIN_PAGES:
            continue
        match = ADMIN_MODEL.match(name)
        if match and match["action"] in MODEL_ADMIN_ACTIONS:
            continue  # the model admin's has_*_permission, below
        view = views[name]
        declared = getattr(view, "permission_rule", None) or (
            getattr(view, "login_required", True) is False
        )
        if not declared:
            undeclared.append(name)
    assert not undeclared, undeclared


@pytest.mark.django_db
def test_the_table_follows_the_rules():
    """Where accounts.permissions refuses a signed-in role the table says 403, where it allows
    one the table says something else (the page, a redirect of its flow, a 405 for a GET to a
    POST-only step); no rule speaks only for Django's own admin pages and unseen rows."""
    world = build_world()
    disagree, judged = [], 0
    for name, pattern in sorted(routes().items()):
        url = url_for(name, pattern, world)
        for index, role in enumerate(ROLES):
            expected = EXPECTED[name][index]
            if role == "anonymous":
                if name in DJANGOS_ADMIN_PAGES:
                    continue  # the admin's login page sends people to the site's
                public = declared_rule(url) is permissions.public
                if (expected == 200) != public:
                    disagree.append((name, role, "public" if public else "signed in", expected))
                continue
            allowed = rule_allows(name, url, world["users"][role], world)
            if allowed is None:
                continue
            judged += 1
            if allowed != (expected != 403):
                disagree.append((name, role, "allowed" if allowed else "refused", expected))
    assert not disagree, disagree
    # Every signed-in cell but those of Django's own pages and unseen rows was judged by a rule.
    assert judged > 0.8 * len(EXPECTED) * (len(ROLES) - 1), judged


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
