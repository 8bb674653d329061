"""What the admin offers a person is what they may read; no save moves a row out of the
writer's scope; 所属项目 is a tree.

Through the pages' own rendered forms (django-webtest). A value the page does not offer is
forced into its select (`force_value`), as a forged request would send it.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from accounts import permissions
from accounts.permissions import OfficeScopedAdmin, ScopedAdminMixin, ScopedHistoryAdmin
from accounts.roles import Role
from plans.models import Project, Task
from tests.factories import UserFactory
from tests.security.gate import Browsers, own_form, snapshot
from tests.security.matrix_setup import add_office_b, build_world
from tests.security.urls_for import routes, url_for

pytestmark = pytest.mark.django_db

REFUSED_CHOICE = "所选的“%s”不存在，或不在您的权限范围内。"


@pytest.fixture
def world(django_app):
    world = build_world()
    world["b"] = add_office_b(world)
    world["browsers"] = Browsers(world["users"])
    return world


def change_page(world, role: str, obj, model: str):
    url = f"/admin/plans/{model}/{obj.pk}/change/"
    page = world["browsers"].apps[role].get(url)
    return own_form(page, url)


def options(form, field: str) -> list[str]:
    return [value for value, _selected, _text in form[field].options if value]


def errors_of(response) -> str:
    assert response.status_code == 200, response.status_code
    assert not response.html.select("ul.messagelist li.success")
    return " ".join(" ".join(e.get_text(" ").split()) for e in response.html.select(".errorlist"))


def post_as(world, role: str, url: str, fields: list):
    """A form's fields posted by `role`, with that role's own CSRF token."""
    browsers = world["browsers"]
    token = ("csrfmiddlewaretoken", browsers.tokens[role])
    data = [token, *[(name, value) for name, value in fields if name != token[0]]]
    return browsers.apps[role].post(url, params=data, expect_errors=True)


# --- moving a project or a task to another office ---------------------------------------------


def test_a_clerk_is_offered_only_their_office_and_a_forced_move_is_refused(world):
    project, office_b = world["project"], world["office_b"]
    form = change_page(world, "clerk_a", project, "project")
    assert options(form, "office") == [str(world["office_a"].pk)]
    before = snapshot()
    form["office"].force_value(str(office_b.pk))
    text = errors_of(form.submit("_save", expect_errors=True))
    assert REFUSED_CHOICE % "责任科室" in text
    assert snapshot() == before
    project.refresh_from_db()
    assert (project.office, project.version) == (world["office_a"], 1)


@pytest.mark.parametrize("model", ["project", "task"])
def test_no_one_but_an_admin_moves_a_project_or_task_to_another_office(world, model):
    obj = world[model]
    url = f"/admin/plans/{model}/{obj.pk}/change/"
    form = change_page(world, "admin", obj, model)
    form["office"] = str(world["office_b"].pk)
    fields = form.submit_fields("_save")
    before = snapshot()
    roles = ["clerk_b", "reviewer", "leader"]
    answers = {role: post_as(world, role, url, fields).status_code for role in roles}
    # A clerk of office B may change projects, so the admin looks for office A's project
    # among B's and says "不存在" (302 to the index); tasks they may not change at all.
    clerk_b = {"project": 302, "task": 403}[model]
    assert answers == {"clerk_b": clerk_b, "reviewer": 403, "leader": 403}
    if model == "task":  # a clerk reads tasks, and changes none
        assert post_as(world, "clerk_a", url, fields).status_code == 403
    assert snapshot() == before
    assert post_as(world, "admin", url, fields).status_code == 302  # the admin may
    obj.refresh_from_db()
    assert obj.office == world["office_b"]


def test_a_writer_who_reads_every_office_still_saves_only_into_their_own(world):
    """A 分管领导 who also enters their office's data reads every office (the select offers
    them all) but writes only their own: a move elsewhere is refused by the write rule."""
    both = UserFactory(username="both", office=world["office_a"], roles=[Role.CLERK, Role.LEADER])
    app = Browsers({"both": both}).apps["both"]
    project = world["project"]
    url = f"/admin/plans/project/{project.pk}/change/"
    form = own_form(app.get(url), url)
    assert set(options(form, "office")) == {str(world["office_a"].pk), str(world["office_b"].pk)}
    before = snapshot()
    form["office"] = str(world["office_b"].pk)
    text = errors_of(form.submit("_save", expect_errors=True))
    assert "不能把数据移到您无权填报的科室，本次修改未保存。" in text
    assert snapshot() == before


# --- 所属项目 -----------------------------------------------------------------------------------


def test_a_clerk_chooses_a_parent_among_their_offices_projects_only(world):
    project, sibling, other = world["project"], world["b"]["sibling"], world["b"]["project"]
    form = change_page(world, "clerk_a", project, "project")
    assert options(form, "parent") == [str(sibling.pk)]  # neither itself nor office B's
    before = snapshot()
    form["parent"].force_value(str(other.pk))
    assert REFUSED_CHOICE % "所属项目" in errors_of(form.submit("_save", expect_errors=True))
    assert snapshot() == before

    form = change_page(world, "clerk_a", project, "project")
    form["parent"] = str(sibling.pk)
    assert form.submit("_save").status_code == 302
    project.refresh_from_db()
    assert project.parent == sibling


@pytest.mark.parametrize("role", ["clerk_a", "admin"])
def test_a_project_is_not_offered_nor_taken_as_its_own_parent(world, role):
    project = world["project"]
    form = change_page(world, role, project, "project")
    assert str(project.pk) not in options(form, "parent")
    before = snapshot()
    form["parent"].force_value(str(project.pk))
    assert REFUSED_CHOICE % "所属项目" in errors_of(form.submit("_save", expect_errors=True))
    assert snapshot() == before
    assert Project.objects.get(pk=project.pk).parent_id is None


def test_a_project_that_is_its_own_parent_does_not_validate(world):
    project = world["project"]
    project.parent = project
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert refused.value.message_dict == {"parent": ["项目不能以自己为所属项目。"]}


def test_a_project_is_not_put_under_its_own_sub_project(world):
    project, sibling = world["project"], world["b"]["sibling"]
    sibling.parent = project
    sibling.save()
    child = Project.objects.create(
        code="grandchild", name="三期", type="industry", office=world["office_a"], parent=sibling
    )
    before = snapshot()
    for below in (sibling, child):
        form = change_page(world, "admin", project, "project")
        form["parent"] = str(below.pk)
        text = errors_of(form.submit("_save", expect_errors=True))
        assert "不能选择本项目的下级项目作为所属项目（会形成循环）。" in text
    assert snapshot() == before


def test_a_parent_change_is_recorded_by_name(world):
    project, sibling = world["project"], world["b"]["sibling"]
    form = change_page(world, "clerk_a", project, "project")
    form["parent"] = str(sibling.pk)
    form.submit("_save")
    app = world["browsers"].apps["clerk_a"]
    page = app.get(f"/projects/{project.pk}/")
    assert "所属项目：— → 甲办二期项目" in page.text
    history = app.get(f"/admin/plans/project/{project.pk}/history/")
    assert "甲办二期项目" in history.text
    changes = " ".join(td.get_text(" ") for td in page.html.select("td"))
    assert not re.search(rf"所属项目：\S* → {sibling.pk}\b", changes)


# --- nothing of another office in any select or list -------------------------------------------


def pages_opened(world, role: str, objects: dict) -> dict[str, str]:
    """Every page of the app `role` opens (200, HTML) with these objects, by address."""
    place = {**world, **objects}
    app = world["browsers"].apps[role]
    pages = {}
    for name, pattern in sorted(routes().items()):
        url = url_for(name, pattern, place)
        response = app.get(url, expect_errors=True)
        if response.status_code == 200 and "html" in response.content_type:
            pages[url] = response.text
    return pages


@pytest.mark.parametrize(
    ("role", "own", "other"), [("clerk_a", "a", "b"), ("reviewer", "a", "b"), ("clerk_b", "b", "a")]
)
def test_no_page_a_clerk_opens_names_another_offices_rows(world, role, own, other):
    objects = {"objects": world["objects"], "indicator": world["indicator"]}
    objects.update(project=world["project"], task=world["task"])
    if own == "b":
        objects = {key: world["b"][key] for key in ("objects", "indicator", "project", "task")}
    pages = pages_opened(world, role, objects)
    admin_pages = [url for url in pages if url.startswith("/admin/")]
    assert len(admin_pages) >= {"clerk_a": 40, "reviewer": 30, "clerk_b": 30}[role], admin_pages
    assert any("/history/" in url and url.rstrip("/").split("/")[-1].isdigit() for url in pages)
    names = world["b"]["names"][other]
    leaks = {url: [n for n in names if n in text] for url, text in pages.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    # The scan sees what it looks for: each office's own names are on its pages.
    seen = {n for text in pages.values() for n in world["b"]["names"][own] if n in text}
    assert seen >= set(world["b"]["names"][own][:4]), seen


def test_a_plan_sections_task_list_shows_only_the_offices_tasks(world):
    section = world["objects"]["plans.plansection"]
    url = f"/admin/plans/plansection/{section.pk}/change/"
    page = world["browsers"].apps["clerk_a"].get(url)
    rows = " ".join(
        td.get_text(" ") for td in page.html.select(".inline-group td, .inline-group p")
    )
    assert "甲办专属任务" in rows and "乙办专属任务" not in rows
    listing = world["browsers"].apps["clerk_a"].get("/admin/plans/plansection/")
    counts = [td.get_text(strip=True) for td in listing.html.select("td.field-task_count")]
    assert counts == ["1"]  # office B's task is not counted either


def test_a_changelists_filters_offer_only_the_offices_the_person_reads(world):
    def filter_links(role: str, url: str) -> list[str]:
        page = world["browsers"].apps[role].get(url)
        return [a.get_text(strip=True) for a in page.html.select("#changelist-filter a")]

    for url in ("/admin/plans/project/", "/admin/plans/task/", "/admin/indicators/figure/"):
        # One office to choose from is no choice: the filter by office is not shown at all.
        assert not {"经济发展办", "农业农村办"} & set(filter_links("clerk_a", url)), url
        assert {"经济发展办", "农业农村办"} <= set(filter_links("leader", url)), url


# --- the rule in one place ------------------------------------------------------------------


def our_admins():
    return [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("indicators", "plans")
    ]


def test_every_admin_and_inline_of_the_app_goes_through_the_gate():
    for model_admin in our_admins():
        assert isinstance(model_admin, ScopedAdminMixin), type(model_admin)
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedAdminMixin), inline
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, SimpleHistoryAdmin):
            assert isinstance(model_admin, ScopedHistoryAdmin), type(model_admin)


def test_each_office_scoped_admin_finds_the_office_as_the_rule_does():
    for model_admin in our_admins():
        if isinstance(model_admin, OfficeScopedAdmin):
            paths = permissions.OFFICE_PATHS[model_admin.model._meta.label_lower]
            assert model_admin.office_field == paths[0], type(model_admin)


def test_readable_rows_follow_the_role(world):
    clerk_a, clerk_b, leader = (world["users"][r] for r in ("clerk_a", "clerk_b", "leader"))
    tasks = Task.objects.order_by("pk")
    assert list(permissions.readable_rows(tasks, clerk_a)) == [world["task"]]
    assert list(permissions.readable_rows(tasks, clerk_b)) == [world["b"]["task"]]
    assert permissions.readable_rows(tasks, leader).count() == 2
    reports = world["objects"]["plans.progressreport"].__class__.objects.all()
    assert permissions.readable_rows(reports, clerk_b).get().progress == "乙办进展"
    clerk_a.is_active = False
    assert not permissions.readable_rows(tasks, clerk_a).exists()
