from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from accounts.models import Office, User
from accounts.roles import Role
from indicators.models import Place
from tests.factories import OfficeFactory, PlaceFactory, UserFactory


def pytest_configure(config):
    # One PBKDF2 hash costs about 0.24 s on this machine, and fixtures hash a password for every
    # user they make; the production hasher is tested where it matters (tests/accounts).
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts without built pages: settings and clocks differ between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def october_2024():
    """The clock at 15 October 2024, so the month being reported is 2024-09."""
    with time_machine.travel(datetime(2024, 10, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.fixture
def town(db) -> Place:
    return PlaceFactory(name="下各镇", level="town")


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
def reviewer(office_a: Office) -> User:
    """审核员 of office A: reviews that office's month (报送 → 审核通过 / 退回)."""
    return UserFactory(username="head_a", office=office_a, roles=[Role.REVIEWER])


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
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


@pytest.fixture
def admin_client_role(client, admin_user):
    client.force_login(admin_user)
    return client


def restore_migration_rows() -> None:
    """Rows the data migrations made (role groups with their permissions, the default stage
    template, the data stamp), made again where missing: a transactional test's flush removes
    them, and the tests after it in the same database may need them."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    from accounts.roles import Role, sync_role_permissions

    for module, function in (
        ("plans.migrations.0002_default_stage_template", "create_default_template"),
        ("dashboard.migrations.0001_initial", "create_stamp"),
    ):
        getattr(import_module(module), function)(apps, None)
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    sync_role_permissions()


@pytest.fixture
def migration_rows(db) -> None:
    restore_migration_rows()
