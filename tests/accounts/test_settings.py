"""Settings are read from the environment, and production refuses to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from xiage import settings as xiage_settings

PROJECT_DIR = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import django, json; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, "
    "'csrf': settings.CSRF_TRUSTED_ORIGINS, 'tz': settings.TIME_ZONE, "
    "'lang': settings.LANGUAGE_CODE, 'engine': db['ENGINE'], 'name': db['NAME'], "
    "'health': db['CONN_HEALTH_CHECKS'], 'key': settings.SECRET_KEY}))"
)


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"}
    }
    base.update(env, DJANGO_SETTINGS_MODULE="xiage.settings")
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=PROJECT_DIR,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_reads_production_settings_from_the_environment():
    import json

    result = run_settings(
        {
            "DEBUG": "false",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "xiage.gov.cn, 10.0.0.5",
            "CSRF_TRUSTED_ORIGINS": "https://xiage.gov.cn",
            "DATABASE_URL": "postgres://app:pw@db.internal:5432/xiage",
        }
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "debug": False,
        "hosts": ["xiage.gov.cn", "10.0.0.5"],
        "csrf": ["https://xiage.gov.cn"],
        "tz": "Asia/Shanghai",
        "lang": "zh-hans",
        "engine": "django.db.backends.postgresql",
        "name": "xiage",
        "health": True,
        "key": "k" * 50,
    }


def test_it_defaults_to_an_sqlite_file_in_the_project_folder():
    import json

    result = run_settings({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(PROJECT_DIR / "var" / "db.sqlite3")
    assert values["debug"] is True


def test_env_bool_fails_loudly_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        xiage_settings.env_bool("DEBUG")


def test_env_int_fails_loudly_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("CONN_MAX_AGE", "sixty")
    with pytest.raises(ImproperlyConfigured, match="CONN_MAX_AGE must be an integer"):
        xiage_settings.env_int("CONN_MAX_AGE", 60)


def test_database_config_rejects_an_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be"):
        xiage_settings.database_config("mysql://root@localhost/x", 60)


def test_relative_sqlite_path_is_taken_from_the_project_folder():
    config = xiage_settings.database_config("sqlite:///var/other.sqlite3", 60)
    assert config["NAME"] == str(PROJECT_DIR / "var" / "other.sqlite3")
    assert config["CONN_MAX_AGE"] == 0


def test_postgres_connections_are_health_checked_and_time_out_fast():
    config = xiage_settings.database_config("postgres://u@127.0.0.1:5432/x", 60)
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["CONN_MAX_AGE"] == 60
    assert config["OPTIONS"]["connect_timeout"] == 5
