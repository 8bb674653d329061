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
    _webtest_receivers_end_with_their_request()


def _webtest_receivers_end_with_their_request() -> None:
    """django-webtest connects a receiver to template_rendered for each request and never
    disconnects it: the receiver is weakly held, but a logged refusal (a 403's warning, with
    its traceback, kept by pytest's log capture until the test ends) keeps the request's frames
    and so the receiver alive. A test of a thousand requests then had a few hundred receivers
    copying every template context at each template rendered: 60 % of the admin gate's time.
    Here every receiver a request connected is disconnected when the request ends."""
    from django.test.signals import template_rendered
    from django_webtest import DjangoTestApp

    do_request = DjangoTestApp.do_request
    if getattr(do_request, "ends_its_receivers", False):
        return

    def do_request_and_disconnect(self, req, status, expect_errors):  # type: ignore[no-untyped-def]
        before = {key for key, _receiver, _is_async in template_rendered.receivers}
        try:
            return do_request(self, req, status, expect_errors)
        finally:
            with template_rendered.lock:
                template_rendered.receivers = [
                    entry for entry in template_rendered.receivers if entry[0] in before
                ]
                template_rendered.sender_receivers_cache.clear()

    do_request_and_disconnect.ends_its_receivers = True  # type: ignore[attr-defined]
    DjangoTestApp.do_request = do_request_and_disconnect  # type: ignore[method-assign]


# The longest tests (each 10 to 40 s of CPU) start first, so that at the end of `make test`
# no xdist worker is left running one of them while the other has nothing to do.
LONGEST_FIRST = (
    "tests/test_hostile_input.py::test_no_url_fails_on_hostile_ids_or_query_parameters",
    "tests/security/test_admin_gate.py::test_each_role_gets_the_expected_answer_to_a_post",
    "tests/security/test_permission_matrix.py::test_each_role_gets_the_expected_answer_on",
    "tests/security/test_get_parameters.py::test_no_get_parameter_of_any_url_answers_a",
    "tests/test_hostile_input.py::test_the_excel_upload_never_fails",
    "tests/accounts/test_admin_index.py::test_no_english_on_the_admin_pages_each_role_opens",
    "tests/security/test_admin_scope.py::test_no_page_a_clerk_opens_names_another_offices",
)


def pytest_collection_modifyitems(config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next(
            (i for i, start in enumerate(LONGEST_FIRST) if item.nodeid.startswith(start)),
            len(LONGEST_FIRST),
        )

    items.sort(key=rank)  # stable: every other test keeps its place


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
    template, the data stamp, the unit table), made again where missing: a transactional
    test's flush removes them, and the tests after it in the same database may need them."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    from accounts.roles import Role, sync_role_permissions

    for module, function in (
        ("indicators.migrations.0009_units_frequency_codes", "create_units"),
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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """The test database with the migrations' rows, also when --reuse-db finds one that an
    earlier run's last transactional test flushed."""
    with django_db_blocker.unblock():
        restore_migration_rows()


def _flushes(item: pytest.Item) -> bool:
    """Whether the test ran on a transactional database, which pytest-django flushes after it."""
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    fixtures = getattr(item, "fixturenames", ())
    return transactional or "transactional_db" in fixtures or "live_server" in fixtures


def _back_to_the_migrated_rows() -> None:
    """The database as the migrations left it: the rows serialized when it was made (the same
    ids, which a serialized_rollback test loads again), else the migrations' rows made anew.

    After a flush, Django makes content types and permissions again under new ids, and the
    migrations' rows are gone: a serialized_rollback test then failed to load its rows (the
    role groups' names taken) and other tests missed the groups. Flushing once more without
    that and loading the serialized rows gives every next test the database it started from."""
    from django.core.management import call_command
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        restore_migration_rows()
        return
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(contents)
    # flush restarted the id sequences and the rows came back with their ids: on PostgreSQL
    # the next row made would take id 1 again (a duplicate key), so each sequence goes on
    # from its table's highest id.
    from django.apps import apps
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # type: ignore[no-untyped-def]
    """After a test whose database was flushed, the database goes back to the migrations'
    rows, so the next test finds them whatever ran before it (pytest-xdist runs the tests in
    any order)."""
    yield
    if _flushes(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _back_to_the_migrated_rows()
