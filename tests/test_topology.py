"""The production topology without Docker: gunicorn with DEBUG off on the real PostgreSQL,
migrated from empty and seeded, checked over HTTP; then a backup restored into an empty
database gives the same dashboard export, byte for byte.

Run by .ci/run on PostgreSQL: `pytest -m topology`.
"""

from __future__ import annotations

import re

import pytest

from tests import live_app

pytestmark = pytest.mark.topology
DB_NAME = "xiage_topology_check"
RESTORED = "xiage_topology_restored"
EXPORT = "/?period=2023-09&_export=csv"


@pytest.fixture
def deployment(tmp_path):
    env = live_app.production_env(DB_NAME, tmp_path / "static")
    live_app.prepare_database(env, DB_NAME)
    live_app.manage(env, "collectstatic", "--noinput", "-v0")
    server = live_app.start_gunicorn(env, tmp_path / "gunicorn.log")
    try:
        yield env, server
    finally:
        server.stop()
        for name in (DB_NAME, RESTORED):
            live_app.psql(f"DROP DATABASE IF EXISTS {name}")


def test_the_production_topology_serves_the_app(deployment):
    _env, server = deployment
    browser = live_app.Browser(server.base)
    health = browser.get("/healthz")
    assert (health.status, health.text) == (200, '{"status": "ok", "database": "ok"}')
    login_page = browser.get("/accounts/login/")
    assert login_page.status == 200 and "<h1>登录</h1>" in login_page.text
    assert "script-src 'self'" in login_page.headers["Content-Security-Policy"]
    assert browser.login(*live_app.LEADER).status == 302
    dashboard = browser.get("/?period=2023-09")
    assert dashboard.status == 200
    assert "规上工业产值" in dashboard.text and "29.74" in dashboard.text
    scripts = re.findall(
        r'<script src="(/static/vendor/plotly\.min\.[0-9a-f]{12}\.js)"', dashboard.text
    )
    assert len(scripts) == 1, "plotly.js must be served under a hashed name"
    plotly = browser.get(scripts[0], **{"Accept-Encoding": "gzip"})
    assert plotly.status == 200
    assert plotly.headers.get("Content-Encoding") == "gzip"
    assert "max-age=315360000" in plotly.headers.get("Cache-Control", "")
    assert len(plotly.body) < 2_000_000  # compressed: about a third of the 4.8 MB file


def test_a_backup_restored_into_an_empty_database_gives_the_same_export(deployment, tmp_path):
    env, server = deployment
    # A change after the seed, so the backup holds more than a fresh install would.
    live_app.manage(
        env,
        "shell",
        "-c",
        "from decimal import Decimal; from indicators.models import Indicator, Place; "
        "from indicators.services import FigureEntry, figures_save; "
        "i = Indicator.objects.get(code='industrial_output_above'); "
        "figures_save(year=2023, month=9, place=Place.objects.get(level='town'), user=None, "
        "entries=[FigureEntry(i, Decimal('29.80'), Decimal('31.5'), '统计局更正')])",
    )
    browser = live_app.Browser(server.base)
    assert browser.login(*live_app.LEADER).status == 302
    before = browser.get(EXPORT)
    assert before.status == 200 and "29.8" in before.body.decode("utf-8-sig")
    out = live_app.manage(env, "backup", "--dir", str(tmp_path / "backups"))
    dump = next(
        line.split("已备份到 ", 1)[1] for line in out.splitlines() if line.startswith("已备份到 ")
    )
    live_app.psql(f"DROP DATABASE IF EXISTS {RESTORED}")
    live_app.psql(f"CREATE DATABASE {RESTORED}")
    restored_env = {**env, "DATABASE_URL": env["DATABASE_URL"].replace(DB_NAME, RESTORED)}
    live_app.manage(restored_env, "restore", dump, "--yes")
    second = live_app.start_gunicorn(restored_env, tmp_path / "restored.log")
    try:
        other = live_app.Browser(second.base)
        assert other.login(*live_app.LEADER).status == 302
        after = other.get(EXPORT)
    finally:
        second.stop()
    assert after.status == 200
    assert after.body == before.body
