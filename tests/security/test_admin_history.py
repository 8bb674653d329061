"""The pages of past versions (django-simple-history) are read only, for every role.

Before, a POST to /admin/plans/<model>/<id>/history/<version>/ saved whatever it carried (a
leader changed a target from 7.08 to 1.23); hiding the revert button did not stop it. Now a
past version is shown as text, any POST to its page is refused (403) for everyone, admins
included, and noted in the security log, and an id that names no version is not found (404).
"""

from __future__ import annotations

import pytest

from accounts.models import SecurityEvent
from plans.services import project_create
from tests.security.gate import Browsers, own_form, snapshot
from tests.security.matrix_setup import ROLES, build_world

pytestmark = pytest.mark.django_db

SIGNED_IN = [role for role in ROLES if role != "anonymous"]

# A model with a history, and a change the attack made to it.
CHANGES = {
    "target": ("value", "1.23"),
    "task": ("title", "改掉的任务"),
    "project": ("name", "改掉的项目"),
    "progressreport": ("progress", "改掉的进展"),
    "supervisionitem": ("resolution", "改掉的办理结果"),
}


@pytest.fixture
def world(django_app):
    world = build_world()
    world["browsers"] = Browsers(world["users"])
    return world


def version_url(obj, model: str) -> str:
    return f"/admin/plans/{model}/{obj.pk}/history/{obj.history.first().history_id}/"


def change_form_fields(world, model: str, obj) -> list:
    """The admin's own change form of `obj`, with the attack's value typed into it."""
    field, value = CHANGES[model]
    page = world["browsers"].apps["admin"].get(f"/admin/plans/{model}/{obj.pk}/change/")
    form = own_form(page, page.request.path)
    if field in form.fields:
        form[field] = value
    return [*form.submit_fields(), (field, value)]


@pytest.mark.parametrize("model", sorted(CHANGES))
def test_no_role_changes_anything_through_a_past_versions_page(world, model):
    obj = world["objects"][f"plans.{model}"]
    url = version_url(obj, model)
    attack = change_form_fields(world, model, obj)
    browsers = world["browsers"]
    before = snapshot()
    for role in SIGNED_IN:
        app = browsers.apps[role]
        refusals = SecurityEvent.objects.filter(
            action=SecurityEvent.Action.ACCESS_DENIED, username=role
        ).count()
        page = app.get(url, expect_errors=True)
        if page.status_code == 200:
            # The page's own form, as rendered: it carries nothing but its CSRF token.
            form = own_form(page, url)
            assert [name for name, _ in form.submit_fields()] == ["csrfmiddlewaretoken"], role
            assert form.submit(expect_errors=True).status_code == 403, role
        # The change form filled in by the attack, posted to the past version's page.
        token = ("csrfmiddlewaretoken", browsers.tokens[role])
        fields = [token, *[(k, v) for k, v in attack if k != token[0]]]
        response = app.post(url, params=fields, expect_errors=True)
        assert response.status_code == 403, (role, response.status_code)
        assert "无权访问" in response.text, role
        browsers.keep_signed_in(role)
        logged = SecurityEvent.objects.filter(
            action=SecurityEvent.Action.ACCESS_DENIED, username=role
        )
        assert logged.count() == refusals + (2 if page.status_code == 200 else 1), role
        assert logged.first().result == SecurityEvent.Result.REFUSED
    assert snapshot() == before
    obj.refresh_from_db()
    field, value = CHANGES[model]
    assert str(getattr(obj, field)) != value


def test_a_past_version_reads_as_text(world):
    target = world["objects"]["plans.target"]
    page = world["browsers"].apps["leader"].get(version_url(target, "target"))
    assert page.status_code == 200
    body = page.html.select_one("#content-main")
    assert not body.select("select, textarea, input:not([type=hidden])")
    assert not body.select("[type=submit], button")
    values = [div.get_text(strip=True) for div in body.select("div.readonly")]
    assert "36.0000" in values or "36" in values, values
    assert "规上工业产值" in body.get_text()


@pytest.mark.parametrize(
    "path",
    [
        "{project}/history/abc/",
        "{project}/history/99999999999999999999/",
        "{project}/history/-1/",
        "{project}/history/{other_version}/",  # a version, but of another project
        "abc/history/",
        "abc/history/1/",
        "%00/history/",
        "99999999999999999999/history/",
    ],
)
def test_an_id_that_names_no_version_is_not_found(world, path):
    other = project_create(code="other", name="另一项目", type="industry", office=world["office_a"])
    url = "/admin/plans/project/" + path.format(
        project=world["project"].pk, other_version=other.history.first().history_id
    )
    response = world["browsers"].apps["admin"].get(url, expect_errors=True)
    assert response.status_code == 404, (url, response.status_code)


def test_a_post_to_a_past_versions_page_is_refused_before_its_ids_are_read(world):
    browsers = world["browsers"]
    url = f"/admin/plans/project/{world['project'].pk}/history/abc/"
    response = browsers.apps["admin"].post(
        url, params={"csrfmiddlewaretoken": browsers.tokens["admin"]}, expect_errors=True
    )
    assert response.status_code == 403
    event = SecurityEvent.objects.filter(action=SecurityEvent.Action.ACCESS_DENIED).first()
    assert event.username == "admin" and event.object == f"重点项目 {world['project'].pk}"
    assert f"{world['project'].pk}/history/?/" in event.detail
