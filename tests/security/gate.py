"""Helpers of the admin gate's tests: a browser per role, the page's own form, and a picture of
every row the app keeps, to prove that a refused POST changed nothing."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.db import connection
from django_webtest import DjangoTestApp

# The app's data, its change records, the admin's log and the data stamp. Rows a request writes
# whatever it asks (sessions, login records, the security log) are left out, and so are the
# fields a login sets on the user.
KEPT_APPS = {"indicators", "plans", "inbox", "dashboard", "admin", "auth"}
KEPT_ACCOUNTS = {"accounts.office", "accounts.user_groups"}
USER_COLUMNS = ["id", "username", "password", "display_name", "office_id", "is_active"]
USER_COLUMNS += ["is_superuser", "is_staff", "email"]


@cache
def _tables() -> tuple[tuple[str, str], ...]:
    quote = connection.ops.quote_name
    tables = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label == "accounts.user":
            columns = ", ".join(quote(column) for column in USER_COLUMNS)
        elif model._meta.app_label in KEPT_APPS or label in KEPT_ACCOUNTS:
            columns = "*"
        else:
            continue
        tables.append((label, f"SELECT {columns} FROM {quote(model._meta.db_table)} ORDER BY 1"))
    return tuple(tables)


def snapshot() -> dict[str, list[tuple]]:
    """Every kept row, by model."""
    with connection.cursor() as cursor:
        rows = {}
        for label, sql in _tables():
            cursor.execute(sql)
            rows[label] = cursor.fetchall()
    return rows


def changed_models(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def own_form(page, url: str):  # type: ignore[no-untyped-def]
    """The page's form that posts back to the page itself (not the top bar's 退出登录), if any."""
    if page.status_code != 200 or "html" not in page.content_type:
        return None
    path = urlsplit(url).path
    for form in page.forms.values():
        if form.method.lower() == "post" and urlsplit(form.action or "").path in ("", path):
            return form
    return None


class Browsers:
    """One browser (cookies, session, CSRF token) per role, "anonymous" signed in as nobody.

    Each is signed in before the test takes its savepoints, so that rolling a request back
    keeps the browser's session and token; one that lost them (退出登录) signs in again."""

    def __init__(self, users: dict) -> None:
        self.apps = {"anonymous": DjangoTestApp()}
        for role, user in users.items():
            self.apps[role] = DjangoTestApp()
            self.apps[role].set_user(user)
        self.tokens: dict[str, str] = {}
        self.cookies: dict[str, tuple] = {}
        for role in self.apps:
            self._sign_in(role)

    def _cookies(self, role: str) -> tuple:
        jar = self.apps[role].cookies
        return jar.get(settings.SESSION_COOKIE_NAME), jar.get(settings.CSRF_COOKIE_NAME)

    def _sign_in(self, role: str) -> None:
        page = self.apps[role].get("/accounts/login/", expect_errors=True)
        field = page.html.select_one('input[name="csrfmiddlewaretoken"]')
        self.tokens[role] = field["value"]
        self.cookies[role] = self._cookies(role)

    def keep_signed_in(self, role: str) -> None:
        if self._cookies(role) != self.cookies[role]:
            self._sign_in(role)

    def post(self, role: str, url: str, admin_fields: list | None, opens: bool):  # type: ignore[no-untyped-def]
        """POST what the page gives this role: its own rendered form when it shows one; else
        the form the admin's page renders (a form posted by someone it was not shown to); else
        nothing but a valid CSRF token. Returns the answer and which of the three it was."""
        app = self.apps[role]
        if opens:
            form = own_form(app.get(url, expect_errors=True), url)
            if form is not None:
                return form.submit(expect_errors=True), "own form"
        fields = [("csrfmiddlewaretoken", self.tokens[role])]
        if admin_fields is None:
            return app.post(url, params=fields, expect_errors=True), "bare"
        fields += [(name, value) for name, value in admin_fields if name != fields[0][0]]
        return app.post(url, params=fields, expect_errors=True), "admin's form"


def outcome(response, changed: bool) -> str:  # type: ignore[no-untyped-def]
    """An answer in a word: the status, or where a redirect leads; "saved …" when rows changed."""
    status = response.status_code
    if status in (301, 302):
        path = urlsplit(response.headers["Location"]).path
        if path.endswith("/login/"):
            word = "login"
        elif path == "/admin/":
            word = "index"  # Django's admin: "不存在" (another office's row)
        else:
            word = "302"
    else:
        word = str(status)
    return f"saved {word}" if changed else word
