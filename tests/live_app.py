"""A real app server for the CI checks that need one: gunicorn with production settings on
a fresh PostgreSQL database of its own, migrated and seeded, reached over HTTP."""

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
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
PG = {"PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "postgres"}
LEADER = ("leader1", "Live-check-2024")


def psql(sql: str) -> None:
    subprocess.run(["psql", "-d", "postgres", "-qc", sql], env={**os.environ, **PG}, check=True)


def wait_for_postgres(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back")


def production_env(db_name: str, static_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xiage.settings",
        "DEBUG": "0",
        "SECRET_KEY": "live-check-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
        # Plain HTTP on loopback, as on an intranet without TLS.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DB_CONNECT_TIMEOUT": "3",
        "STATIC_ROOT": str(static_root),
        # The workers share a Redis cache, as under docker-compose (the machine's, at 6379).
        "REDIS_URL": os.environ.get("TOPOLOGY_REDIS_URL", "redis://127.0.0.1:6379/3"),
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare_database(env: dict[str, str], db_name: str) -> None:
    psql(f"DROP DATABASE IF EXISTS {db_name}")
    psql(f"CREATE DATABASE {db_name}")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed")
    manage(
        env,
        "shell",
        "-c",
        "from accounts.services import user_create; from accounts.roles import Role; "
        f"user_create(username='{LEADER[0]}', password='{LEADER[1]}', roles=[Role.LEADER])",
    )


@dataclass
class Server:
    base: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def start_gunicorn(env: dict[str, str], log: Path) -> Server:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
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
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return Server(base, process)
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise AssertionError(f"gunicorn did not start: {log.read_text()[-2000:]}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> Reply:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                body, status, got = response.read(), response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            body, status, got = error.read(), error.code, dict(error.headers)
        return Reply(status, body, got, time.monotonic() - started)

    def get(self, path: str, **headers: str) -> Reply:
        return self.request(path, headers=headers)

    def login(self, username: str, password: str) -> Reply:
        page = self.get("/accounts/login/")
        assert page.status == 200, page.text[:500]
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        return self.request("/accounts/login/", data, {"Referer": self.base + "/accounts/login/"})
