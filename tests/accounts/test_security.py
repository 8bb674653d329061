"""Login lockout, idle sessions, security headers and the production deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_repeated_failures_lock_the_username_from_that_address(client, clerk, settings):
    from tests.factories import TEST_PASSWORD

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "clerk_a", "password": "bad"})
        assert response.status_code in (200, 429)
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": TEST_PASSWORD})
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录已暂时锁定" in body and "请在 15 分钟后重试" in body
    # Another username from the same address is not locked.
    other = client.post("/accounts/login/", {"username": "someone", "password": "x"})
    assert other.status_code == 200


def test_a_successful_login_resets_the_failure_count(client, clerk, settings):
    from tests.factories import TEST_PASSWORD

    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": "clerk_a", "password": "bad"})
    ok = client.post("/accounts/login/", {"username": "clerk_a", "password": TEST_PASSWORD})
    assert ok.status_code == 302


def test_sessions_expire_after_30_idle_minutes(settings, clerk_client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    from datetime import timedelta

    import time_machine
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    clerk_client.get("/")
    key = clerk_client.cookies["sessionid"].value
    first = Session.objects.get(session_key=key).expire_date
    assert timedelta(minutes=29) < first - timezone.now() <= timedelta(minutes=30)
    # Used again 20 minutes later: the session now lasts 30 minutes from then.
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert clerk_client.get("/").status_code == 200
        later = Session.objects.get(session_key=key).expire_date
        assert later - first >= timedelta(minutes=19)
    # Left alone for 31 minutes: the next request is sent to log in again.
    with time_machine.travel(later + timedelta(minutes=1)):
        assert clerk_client.get("/").status_code == 302


def test_every_page_sends_a_content_security_policy_without_inline_script(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_password_validators_refuse_a_weak_password(admin_client_role, clerk):
    response = admin_client_role.post(
        f"/admin/accounts/user/{clerk.pk}/password/",
        {"password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "这个密码太常见，请换一个。" in response.content.decode()


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="xiage.settings",
        DEBUG="0",
        SECRET_KEY="p" + "9Zk2-xQ7wLm4Rt8Vb3Nc6Hy1Ju5Ei0Op" * 2,
        ALLOWED_HOSTS="xiage.example.gov.cn",
        **extra,
    )
    return env


def test_the_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_headers_include_hsts_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True"], result.stderr
