"""身份鉴别 before any page: a session that still owes its second factor is sent to it, and a
person whose password was set by an admin or has expired is sent to 修改密码 (accounts.
identification). Pages that need no login (the login page, /healthz) are passed without
loading the user; for everyone else this reads the session and the user row the request has
already loaded, so it adds no query."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts import identification, sessions

# Pages open while a second factor is owed; and while a new password is owed.
OTP_PAGES = frozenset({"otp_verify", "otp_setup", "logout", "admin:logout"})
PASSWORD_PAGES = frozenset(
    {
        "password_change",
        "password_change_done",
        "admin:password_change",
        "admin:password_change_done",
        "otp_verify",
        "otp_setup",
        "logout",
        "admin:logout",
    }
)


class IdentificationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        page = match.view_name if match is not None else ""
        step = identification.otp_step(request)
        if step is not None:
            if page in OTP_PAGES:
                return None
            target = "otp_verify" if step == identification.OTP_VERIFY else "otp_setup"
            return self.redirect(request, target)
        if identification.password_change_reason(user) is not None and page not in PASSWORD_PAGES:
            return self.redirect(request, "password_change")
        return None

    @staticmethod
    def redirect(request: HttpRequest, target: str) -> HttpResponseRedirect:
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)


class SessionRolesMiddleware:
    """The signed-in person's roles (their auth groups' names) kept in the session, so a page
    asks the database for the session's user alone (accounts.backends loads the office with it).

    They are read from the database again whenever the session was touched since they were kept
    (xiage.middleware.IdleSessionMiddleware: at most once a minute, a request that saves the
    session anyway), and at once after a change of the person's groups (accounts.sessions.
    forget_roles). Placed right after Django's AuthenticationMiddleware; nothing is loaded
    before a page asks for the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.user = SimpleLazyObject(lambda: sessions.with_session_roles(request, user))  # type: ignore[assignment]
        return self.get_response(request)
