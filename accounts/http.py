"""The request a signed-in person makes, for type checking.

Every view is behind the sign-in gate (xiage.middleware.LoginRequiredMiddleware) except the
few marked login_not_required, so a view's request.user is a User, never AnonymousUser; the
admin's views are behind the admin site's own gate as well. Views say so in their signature
(request: SignedInRequest); code whose signature Django fixes (a ModelAdmin's methods, a
class-based view's) reads the user with user_of(request)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from accounts.models import User


class SignedInRequest(HttpRequest):
    user: User


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a request past the sign-in gate (see the module's docstring)."""
    return cast(User, request.user)
