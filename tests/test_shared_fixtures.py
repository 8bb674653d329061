"""The shared fixtures of tests/conftest.py: one person per role a page is tested with."""

from __future__ import annotations

import pytest

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_each_shared_user_has_one_role_and_the_office_it_works_for(
    clerk, clerk_b, reviewer, leader, admin_user, office_a, office_b
):
    people = {
        user.username: (sorted(user.role_names), user.office)
        for user in (clerk, clerk_b, reviewer, leader, admin_user)
    }
    assert people == {
        "clerk_a": ([Role.CLERK.value], office_a),
        "clerk_b": ([Role.CLERK.value], office_b),
        "head_a": ([Role.REVIEWER.value], office_a),
        "leader": ([Role.LEADER.value], None),
        "admin_role": ([Role.ADMIN.value], None),
    }
    assert reviewer.has_role(Role.REVIEWER) and not reviewer.has_role(Role.CLERK)


def test_the_reviewer_client_is_signed_in_as_the_reviewer(reviewer_client, reviewer):
    assert reviewer_client.get("/todo/").wsgi_request.user == reviewer
