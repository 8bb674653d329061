"""Cross-cutting HTTP concerns: methods and query strings no page reads, the
Content-Security-Policy header and idle sessions."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

from xiage.oversized import ATTRIBUTE as OVERSIZED_TEXT
from xiage.oversized import read_oversized
from xiage.validators import all_storable

# Every page of the app answers GET (HEAD) or POST; nothing reads PUT, DELETE, TRACE, OPTIONS...
ALLOWED_METHODS = ("GET", "HEAD", "POST")


class RequestGuardMiddleware:
    """Refuse, before any view, session or query runs, what no page of the app reads:

    - a method other than GET, HEAD and POST (TRACE included): 405 with the allowed ones;
    - a query string (names or values) with text the database cannot store (a NUL byte):
      400 in Chinese. Every parameter of every page, the admin's filters, search and paging
      included, would otherwise carry it into a query, where PostgreSQL refuses it;
    - a date drill-down part (`<field>__year`, `__month`, `__day`, the admin's date
      hierarchy) that is not a plain number in range: Django's admin turns most bad values
      into its own "invalid filter" redirect, but a year such as 1 or 99999 overflows while
      it builds the dates (a server error): 400 in Chinese;
    - a number beyond 64 bits in an admin list's filter (an id): 400 in Chinese;
    - a blank ?_to_field= on an admin model page, which Django's admin would look up as a
      field named "": 400 in Chinese;
    - an admin list action (POST to a changelist) on ids that are not ids of its model
      ("abc", or a number beyond 64 bits): Django's admin passes them straight to a query,
      which fails: 400 in Chinese.

    A page marked @oversized_text (xiage.oversized) gets a post too large to read as its short
    fields and the long text's length, so that it can say in Chinese that the text is too long.

    A cookie whose name or value the database cannot store is dropped, as if never sent: a
    quoted cookie may spell NUL bytes as octal escapes (sessionid="\\000..."), and the session
    middleware would look such a key up in the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            response = _error_page(405, _("不支持该请求方式，未做任何修改。"))
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        for name, value in list(request.COOKIES.items()):
            if not all_storable((name, value)):
                del request.COOKIES[name]
        query = request.GET
        if not all_storable(query.keys()) or not all_storable(
            value for values in query.lists() for value in values[1]
        ):
            return _error_page(400, _("网址中含有无法处理的字符（如空字符），未做任何修改。"))
        if not _date_parts_valid(query):
            return _error_page(400, _("网址中的日期筛选条件无效，未做任何修改。"))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A page marked @oversized_text says itself that a pasted text is too long
        # (xiage.oversized); this runs before the CSRF check would refuse it unread.
        oversized_field = getattr(view_func, OVERSIZED_TEXT, None)
        if oversized_field is not None:
            read_oversized(request, oversized_field)
        # Only the admin's own model pages carry `model_admin`; of them, only a list's POST
        # (an action) is read here, so no upload is parsed before its view.
        model_admin = getattr(view_func, "model_admin", None)
        match = request.resolver_match
        if model_admin is not None and "" in request.GET.getlist(TO_FIELD_VAR):
            # Django's admin looks a blank ?_to_field= up as a field named "" (a server error).
            return _error_page(400, _("网址参数“_to_field”为空，应为字段名；未做任何修改。"))
        if (
            model_admin is not None
            and match is not None
            and (match.url_name or "").endswith("_changelist")
            and any(
                _too_big(value)
                for name, values in request.GET.lists()
                if name not in CHANGELIST_OWN_PARAMETERS
                for value in values
            )
        ):
            return _error_page(400, _("筛选条件中的数字过大，未做任何修改。"))
        if (
            model_admin is None
            or request.method != "POST"
            or match is None
            or not (match.url_name or "").endswith("_changelist")
        ):
            return None
        key = model_admin.model._meta.pk
        if all(_is_key(key, value) for value in request.POST.getlist(ACTION_CHECKBOX_NAME)):
            return None
        return _error_page(400, _("所选记录无效，未做任何修改。"))


# No id of this app is beyond a 64-bit integer; an admin list filter such as
# ?office=99999999999999999999 would overflow the database driver (a server error).
LARGEST_NUMBER = 2**63 - 1


# The changelist's own paging, ordering and search parameters, which the admin reads safely.
CHANGELIST_OWN_PARAMETERS = frozenset({"p", "o", "q", "all", "e", "_to_field", "_popup"})


def _too_big(value: str) -> bool:
    digits = value.strip().lstrip("+-")
    if not (digits.isascii() and digits.isdigit()):
        return False
    # Compare the length first: int() refuses strings of over 4,300 digits.
    return len(digits.lstrip("0")) > len(str(LARGEST_NUMBER)) or int(digits) > LARGEST_NUMBER


# The years, months and days a date drill-down may ask for (this app's data are 2000-2100).
DATE_PARTS = {"year": (1900, 2100), "month": (1, 12), "day": (1, 31)}


def _is_key(field, value: str) -> bool:
    """Whether `value` can be a primary key of the field's model (an integer within 64 bits
    for the integer keys every model here has)."""
    try:
        key = field.to_python(value)
        field.get_prep_value(key)
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(key, int) or -(2**63) <= key < 2**63


def _date_parts_valid(query) -> bool:
    for key, values in query.lists():
        field, separator, part = key.rpartition("__")
        if not (field and separator and part in DATE_PARTS):
            continue
        lowest, highest = DATE_PARTS[part]
        for value in values:
            if not (value.isascii() and value.isdigit() and len(value) <= 4):
                return False
            if not lowest <= int(value) <= highest:
                return False
    return True


def _error_page(status: int, message: str) -> HttpResponse:
    """The standalone error page (no database, no static files) with one message."""
    body = loader.get_template("400.html").render({"message": message})
    response = HttpResponse(body, status=status)
    # Answered before the policy's own middleware: the page carries the policy all the same.
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
    return response


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY on every response: scripts only from the app itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


TOUCH_KEY = "_last_seen"
TOUCH_EVERY_SECONDS = 60


def touch_session(session) -> None:
    session[TOUCH_KEY] = int(time.time())


class IdleSessionMiddleware:
    """Keep a signed-in session alive while it is used, and let it lapse after
    SESSION_COOKIE_AGE seconds idle.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would cost a database
    write per page; touching it at most once a minute keeps the idle timeout exact to a minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        try:
            if session is not None and session.get("_auth_user_id"):
                last = session.get(TOUCH_KEY, 0)
                if time.time() - last >= TOUCH_EVERY_SECONDS:
                    touch_session(session)  # marks it modified: saved with a new expiry
        except DatabaseError:
            pass  # the database is down: the view (or /healthz) says so, not this middleware
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's, but asks whether the view needs a login before loading the user, so that
    /healthz and the login page never touch the session store (nor the database)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
