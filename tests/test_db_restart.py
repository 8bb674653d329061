"""PostgreSQL restarts under a running app (gunicorn, production settings).

Run by .ci/run after the suite, against the real server: `pytest -m pg_restart`. It stops and
starts the machine's PostgreSQL cluster, so it never runs inside the normal suite.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.pg_restart
PROJECT_DIR = Path(__file__).resolve().parents[1]
DB_NAME = "xiage_restart_check"
PG = {"PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "postgres"}


def _cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-d", "postgres", "-qc", sql], env={**os.environ, **PG}, check=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back")


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str, float]:
        started = time.monotonic()
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode(), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), time.monotonic() - started

    def login(self, username: str, password: str) -> int:
        status, body, _seconds = self.get("/accounts/login/")
        tokens = [c.value for c in self.jar if c.name == "csrftoken"]
        assert tokens, (status, body[:500])
        token = tokens[0]
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/"}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture
def app_server(tmp_path):
    _psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    _psql(f"CREATE DATABASE {DB_NAME}")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xiage.settings",
        "DEBUG": "0",
        "SECRET_KEY": "restart-check-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DB_CONNECT_TIMEOUT": "3",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=PROJECT_DIR, env=env, check=True
    )
    subprocess.run(
        [python, "manage.py", "seed"], cwd=PROJECT_DIR, env=env, check=True, capture_output=True
    )
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )
    create_user = (
        "from accounts.services import user_create; from accounts.roles import Role; "
        "user_create(username='leader1', password='Restart-check-9', roles=[Role.LEADER])"
    )
    subprocess.run(
        [python, "manage.py", "shell", "-c", create_user],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    gunicorn = Path(python).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "xiage.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "30",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open("/tmp/restart-gunicorn.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        _wait_ready()
        _psql(f"DROP DATABASE IF EXISTS {DB_NAME}")


def test_the_app_survives_a_postgresql_restart(app_server):
    browser = Browser(app_server)
    assert browser.get("/healthz")[0] == 200
    assert browser.login("leader1", "Restart-check-9") == 302
    assert browser.get("/?period=2023-09")[0] == 200
    subprocess.run([*_cluster(), "stop", "-m", "fast"], check=True)
    try:
        status, body, seconds = browser.get("/healthz")
        assert (status, seconds < 5) == (503, True), (status, seconds, body)
        assert '"database": "unavailable"' in body
        status, body, seconds = browser.get("/?period=2023-09")
        assert (status, seconds < 5) == (503, True), (status, seconds)
        assert "系统暂时不可用" in body
    finally:
        subprocess.run([*_cluster(), "start"], check=True)
        _wait_ready()
    # The next requests succeed without restarting the app: stale connections are replaced.
    assert browser.get("/healthz")[0] == 200
    status, body, _seconds = browser.get("/?period=2023-09")
    assert status == 200 and "规上工业产值" in body
