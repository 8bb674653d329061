"""A signed-in page asks the database for the session's user alone: the office comes with the
user (accounts.backends), the roles from the session (accounts.middleware.SessionRolesMiddleware),
read again at the once-a-minute session touch and at once when the person's groups change."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role

# Committed for real, as a request sees it (the top bar's to-do count is kept only then).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PAGE = "/accounts/password_change/done/"


def visit(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def groups_queries(sql: list[str]) -> int:
    return sum('"auth_group"' in query for query in sql)


def test_the_office_comes_with_the_user_in_one_query(clerk):
    client = Client()
    client.force_login(clerk)
    assert groups_queries(visit(client)) == 0  # the roles were kept in the session at login
    sql = visit(client)  # the top bar's to-do count is kept now: the page's own queries
    assert len(sql) == 2  # the user with the office, and the badges (stamp, unread)
    assert 'FROM "accounts_user"' in sql[0] and '"accounts_office"' in sql[0]


def test_the_roles_are_read_again_at_the_minute_touch(clerk):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(clerk)
        assert groups_queries(visit(client)) == 0
        clock.shift(timedelta(seconds=30))
        assert groups_queries(visit(client)) == 0
        clock.shift(timedelta(seconds=31))  # a minute since the login: the session is touched
        assert groups_queries(visit(client)) == 1
        assert client.session["_roles"] == {
            "at": client.session["_last_seen"],
            "names": [Role.CLERK.value],
        }
        assert groups_queries(visit(client)) == 0


def test_a_change_of_groups_reaches_the_signed_in_session_at_once(clerk):
    client = Client()
    client.force_login(clerk)
    visit(client)
    clerk.groups.add(Group.objects.get(name=Role.REVIEWER.value))
    assert groups_queries(visit(client)) == 1
    assert client.session["_roles"]["names"] == sorted([Role.CLERK.value, Role.REVIEWER.value])
    Group.objects.get(name=Role.REVIEWER.value).user_set.remove(clerk)
    assert groups_queries(visit(client)) == 1
    assert client.session["_roles"]["names"] == [Role.CLERK.value]
