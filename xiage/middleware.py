"""Cross-cutting HTTP concerns: the Content-Security-Policy header and idle sessions."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse


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


def touch_session(session) -> None:  # type: ignore[no-untyped-def]
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

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
