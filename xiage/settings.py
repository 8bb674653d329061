"""Settings for the Xiage tracker, read from the environment (see .env.example).

One file for every environment: development, tests, CI and production differ only by their
environment variables. Helpers fail loudly on a value they cannot read, so a typo in a
deployment stops the app instead of silently falling back to a default.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from .env into os.environ, never overriding the real environment."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_config(url: str, conn_max_age: int) -> dict[str, Any]:
    """Parse DATABASE_URL; relative SQLite paths are taken from the project folder."""
    if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a sqlite:/// or postgres:// URL, got {url.split(':')[0]!r}"
        )
    config: dict[str, Any] = {
        **dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    }
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(config["NAME"])
        if not name.is_absolute():
            name = BASE_DIR / name
        config["NAME"] = str(name)
        config["CONN_MAX_AGE"] = 0
        # SQLite waits for a competing writer instead of failing at once.
        config.setdefault("OPTIONS", {})["timeout"] = 20
    else:
        # Fail fast while the server is unreachable, well under gunicorn's 30 s timeout.
        config.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
    return config


def secret_key(debug: bool) -> str:
    """SECRET_KEY from the environment; development keeps a generated one under var/."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


_load_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "xiage.apps.XiageAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "accounts.axes_config.AxesConfig",  # django-axes, named in Chinese
    "django_otp",
    "accounts.otp_config.TOTPConfig",  # django-otp's TOTP devices, named in Chinese
    "accounts",
    "indicators",
    "plans",
    "dashboard",
    "reports",
    "inbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # TRACE and other methods no page reads: 405; a NUL byte in the query string: 400.
    "xiage.middleware.RequestGuardMiddleware",
    # Pages are compressed too (static files are precompressed by whitenoise). CSRF tokens are
    # masked per response, which is Django's defence against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The user's roles from the session, read again at the once-a-minute session touch.
    "accounts.middleware.SessionRolesMiddleware",
    # request.user.is_verified(): no query unless the session holds a verified device.
    "django_otp.middleware.OTPMiddleware",
    "xiage.middleware.IdleSessionMiddleware",
    "xiage.middleware.LoginRequiredMiddleware",
    # 身份鉴别: the second factor, then a forced or expired password, before any other page.
    "accounts.middleware.IdentificationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xiage.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files straight from the app, compressed and with far-future cache headers.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "xiage.urls"
WSGI_APPLICATION = "xiage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "inbox.context_processors.badges",
            ],
        },
    },
]

CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), CONN_MAX_AGE
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a login while its username and address are locked out, before checking it.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the office with the user (one query per page).
    "accounts.backends.ModelBackend",
]
LOGIN_URL = "login"
# Everyone lands on their to-do list (待办); the dashboard is one tap away.
LOGIN_REDIRECT_URL = "inbox:todo"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 等保 level 3: at least 8 characters from at least three of the four classes.
    {"NAME": "accounts.validators.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator"},
]
# A password older than PASSWORD_MAX_AGE_DAYS (0: never) must be changed before anything else;
# the last PASSWORD_HISTORY_COUNT passwords may not be chosen again.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5)
# The second factor (TOTP, any authenticator app, offline): required for the admin roles when
# OTP_REQUIRED_FOR_ADMINS (default: on in production, off with DEBUG, so the demo accounts of
# `make run` sign in with a password alone); anyone may enrol at 动态口令.
OTP_REQUIRED_FOR_ADMINS = env_bool("OTP_REQUIRED_FOR_ADMINS", not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "下各镇指标跟踪")

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Numbers print without grouping (a year is 2024, an id 1234); an amount shown to people is
# grouped where it is printed (floatformat:"2g", intcomma, xiage.admin_columns.amount), with
# the separator and grouping of xiage/formats/zh_Hans.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["xiage.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js straight from the installed plotly package (vendor/plotly.min.js).
    "dashboard.finders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files with far-future cache headers; plain storage in development
        # and tests so no collectstatic step is needed there.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Sessions end after SESSION_IDLE_MINUTES without a request (every request extends them).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False  # see xiage.middleware.IdleSessionMiddleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS settings default on in production; an intranet served over plain HTTP turns them off
# explicitly (SECURE_SSL_REDIRECT=0, SECURE_COOKIES=0, SECURE_HSTS_SECONDS=0).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline script and no inline style anywhere: styles come from the app's files (plotly's
# own rules too: static/css/plotly.css), save the error pages' one <style> block, allowed by
# its hash (templates/error_base.html: an error page needs no static file). plotly sets styles
# on its elements through the DOM (element.style), which CSP allows; charts draw data: images.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'sha256-QlZLXFdFLxcvySJVcPqHYW4v0WsbWJTETfwNot2QULU='; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# One active session per account: a new login ends the person's other sessions (会话终止 in the
# security log). SINGLE_SESSION=0 lets a person stay signed in on several devices.
SINGLE_SESSION = env_bool("SINGLE_SESSION", True)

# 安全审计: the security log is kept at least AUDIT_RETENTION_DAYS (180 at the least, as 等保
# asks); `manage.py archive_security_log` moves older rows to AUDIT_ARCHIVE_DIR.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        f"AUDIT_RETENTION_DAYS must be at least 180 (等保 keeps logs six months), "
        f"got {AUDIT_RETENTION_DAYS}"
    )
AUDIT_ARCHIVE_DIR = BASE_DIR / env_str("AUDIT_ARCHIVE_DIR", "var/audit-archive")

# `manage.py backup` keeps the BACKUP_KEEP newest dumps in its folder and deletes older ones.
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
if BACKUP_KEEP < 1:
    raise ImproperlyConfigured(f"BACKUP_KEEP must be at least 1, got {BACKUP_KEEP}")

# django-axes: after LOGIN_FAILURE_LIMIT failures for a username from an address, that pair is
# locked for LOGIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_USERNAME_CALLABLE = "accounts.views.axes_username"
AXES_VERBOSE = False
# Never keep a typed password or code in axes' records of failed attempts.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
    "token",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"database_down": {"()": "xiage.errors.DatabaseDownLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs every login at INFO; keep its warnings (lockouts) only.
        "axes": {"level": "WARNING"},
        # A 503 while the database is down: one line, not a traceback each.
        "django.request": {"filters": ["database_down"]},
    },
}

# Figures for month M are due on this day of month M+1.
REPORT_DUE_DAY = env_int("REPORT_DUE_DAY", 10)

# Reminders (manage.py send_reminders) by e-mail through the intranet's SMTP server: off
# unless EMAIL_HOST is set. SITE_URL (e.g. http://10.1.2.3:8000) makes their links absolute.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "xiage-tracker@localhost")
SITE_URL = env_str("SITE_URL").rstrip("/")

# The audit trail is read-only in the app: history can be viewed, never reverted or edited.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Django's cache holds the built dashboard pages (dashboard.page_cache) for
# DASHBOARD_CACHE_SECONDS (0: off), versioned by the data stamp (dashboard/stamp.py), which
# every write changes on commit, so no page older than the data is served; it also holds the
# top bar's to-do counts and, with a shared cache, the sessions. With REDIS_URL (production:
# the redis service of docker-compose.yml) it is one Redis server shared by the gunicorn
# workers, through Django's own backend; without it (`make run`, tests) each process keeps its
# own in memory and needs nothing more.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 600)
REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xiage",
            # Fail fast while Redis is unreachable (a 503, as for the database), well under
            # gunicorn's 30 s timeout.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "xiage",
            "OPTIONS": {"MAX_ENTRIES": 300},
        }
    }
# Sessions are read through the cache (written to both) where every process serving shares
# it: with Redis, or under `make run` and the tests (one process). Several workers without
# Redis keep them in the database alone, or a session ended in one worker's memory would live
# on in another's.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL or DEBUG
    else "django.contrib.sessions.backends.db"
)
