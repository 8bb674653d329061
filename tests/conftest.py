from __future__ import annotations

import pytest
from django.core.cache import cache

from accounts.models import Office, User
from accounts.roles import Role
from tests.factories import OfficeFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts without built pages: settings and clocks differ between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office_a(db) -> Office:
    return OfficeFactory(code="jjfzb", name="经济发展办")


@pytest.fixture
def office_b(db) -> Office:
    return OfficeFactory(code="nyncb", name="农业农村办")


@pytest.fixture
def clerk(office_a: Office) -> User:
    return UserFactory(username="clerk_a", office=office_a, roles=[Role.CLERK])


@pytest.fixture
def clerk_b(office_b: Office) -> User:
    return UserFactory(username="clerk_b", office=office_b, roles=[Role.CLERK])


@pytest.fixture
def leader(db) -> User:
    return UserFactory(username="leader", roles=[Role.LEADER])


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(username="admin_role", roles=[Role.ADMIN])


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


@pytest.fixture
def admin_client_role(client, admin_user):
    client.force_login(admin_user)
    return client
