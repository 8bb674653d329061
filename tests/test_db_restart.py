"""PostgreSQL restarts under a running app (gunicorn, production settings).

Run by .ci/run after the suite, against the real server: `pytest -m pg_restart`. It stops and
starts the machine's PostgreSQL cluster, so it never runs inside the normal suite.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests import live_app

pytestmark = pytest.mark.pg_restart
DB_NAME = "xiage_restart_check"


def _cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


@pytest.fixture
def server(tmp_path):
    env = live_app.production_env(DB_NAME, tmp_path / "static")
    live_app.prepare_database(env, DB_NAME)
    live_app.manage(env, "collectstatic", "--noinput", "-v0")
    server = live_app.start_gunicorn(env, tmp_path / "gunicorn.log")
    try:
        yield server
    finally:
        server.stop()
        live_app.wait_for_postgres()
        live_app.psql(f"DROP DATABASE IF EXISTS {DB_NAME}")


def test_the_app_survives_a_postgresql_restart(server):
    browser = live_app.Browser(server.base)
    assert browser.get("/healthz").status == 200
    assert browser.login(*live_app.LEADER).status == 302
    assert browser.get("/?period=2023-09").status == 200
    subprocess.run([*_cluster(), "stop", "-m", "fast"], check=True)
    try:
        health = browser.get("/healthz")
        assert (health.status, health.seconds < 5) == (503, True), (health.status, health.seconds)
        assert '"database": "unavailable"' in health.text
        page = browser.get("/?period=2023-09")
        assert (page.status, page.seconds < 5) == (503, True), (page.status, page.seconds)
        assert "系统暂时不可用" in page.text
    finally:
        subprocess.run([*_cluster(), "start"], check=True)
        live_app.wait_for_postgres()
    # The next requests succeed without restarting the app: stale connections are replaced.
    assert browser.get("/healthz").status == 200
    page = browser.get("/?period=2023-09")
    assert page.status == 200 and "规上工业产值" in page.text
