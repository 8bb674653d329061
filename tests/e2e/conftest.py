"""Browser journeys: Debian's Chromium driven by Playwright against the app served by this
test run (Django's live server thread, which also serves static files and plotly.js).

The journeys build on each other (the clerk's month is what the reviewer approves and what
the leader reads), so the data is set up once per module and never flushed between tests.
The clock is pinned to 5 November 2024, so the month being reported is October 2024.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import restore_migration_rows

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_DIR / "test-artifacts" / "e2e"
MANUAL_SCREENSHOTS = PROJECT_DIR / "docs" / "screenshots" / "manual"
PASSWORD = "E2e-journey-2024"
NOW = datetime(2024, 11, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DESKTOP = {"width": 1280, "height": 800}
# Demo figures, targets and progress up to the month before the one being reported.
DEMO_UNTIL = (2024, 9)


@dataclass
class App:
    url: str
    # Every URL any page of any journey asked for, with the journey that asked.
    requests: list[tuple[str, str]] = field(default_factory=list)

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker) -> Iterator[None]:
    """The test database, always: pytest-django creates it only for tests that ask for the
    per-test `db` fixtures, which would flush the journeys' shared data after every test."""
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=verbosity)


@pytest.fixture(scope="module")
def _async_unsafe_allowed() -> Iterator[None]:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def app(django_db_setup, django_db_blocker, _async_unsafe_allowed) -> Iterator[App]:
    """Seeded data, demo figures to September 2024, the four accounts, and a live server."""
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    from accounts.demo import demo_accounts_ensure
    from indicators.demo import demo_figures_load
    from plans.demo import demo_plans_load

    with time_machine.travel(NOW, tick=True), django_db_blocker.unblock():
        restore_migration_rows()
        call_command("seed", verbosity=0)
        demo_figures_load(until=DEMO_UNTIL)
        demo_plans_load(until=DEMO_UNTIL)
        demo_accounts_ensure(password=PASSWORD)
        # The journeys sign in as the demo accounts of `make run`, but tests run with DEBUG off,
        # where demo accounts are refused (tested in tests/accounts/test_separation_of_duties).
        from accounts.models import User

        User.objects.update(last_name="")
        connections.close_all()
        server = LiveServer("127.0.0.1")
        server._live_server_modified_settings.enable()
        try:
            yield App(url=server.url)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            # Django keeps connections per context (asgiref.local), and this fixture's context
            # is not the one that drops the test database: close them here.
            connections.close_all()


@pytest.fixture(autouse=True)
def _connections_closed(app: App) -> Iterator[None]:
    """Close the test's own connections after it: Django keeps connections per context, and
    the ORM calls made between Playwright steps would otherwise leave one open when the test
    database is dropped."""
    from django.db import connections

    yield
    connections.close_all()


@pytest.fixture(scope="module")
def browser(app: App):
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: run `bash .ci/ensure-browser` (make e2e does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    """A fresh folder for this run's screenshots (test-artifacts/ is not committed)."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture
def new_page(app: App, browser, screenshots: Path, request) -> Iterator[Callable]:
    """Open a page in a fresh browser context (no cookies) whose requests are recorded."""
    contexts = []
    journey = request.node.name

    def open_page(**options):  # type: ignore[no-untyped-def]
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(
            base_url=app.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(15_000)
        context.on("request", lambda req: app.requests.append((journey, req.url)))
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        # Let every response finish first: a request cut off mid-way can leave a server
        # thread holding a database connection when the test database is dropped.
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


def login(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/todo/")  # everyone lands on 待办


def shot(page, name: str, *, full_page: bool = False) -> Path:  # type: ignore[no-untyped-def]
    """Save a step's screenshot; with E2E_UPDATE_DOCS=1 the manual's copy is refreshed too."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("E2E_UPDATE_DOCS") == "1" and name in MANUAL_SHOTS:
        MANUAL_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, MANUAL_SCREENSHOTS / path.name)
    return path


# The steps the user guide (docs/用户手册.md) shows; E2E_UPDATE_DOCS=1 make e2e refreshes them.
MANUAL_SHOTS = {
    "01-login",
    "02-clerk-report-form",
    "03-clerk-invalid-figure",
    "05-clerk-submitted",
    "06-reviewer-review",
    "08-reviewer-approved",
    "09-clerk-locked",
    "10-leader-dashboard",
    "11-leader-charts",
    "12-leader-board",
    "13-leader-briefing",
    "15-phone-dashboard",
    "17-admin-add-user",
    "18-phone-todo",
    "19-clerk-todo",
    "20-clerk-notifications",
    "21-reviewer-todo",
    "22-leader-office-reports",
    "23-conflict-second-saver",
}
