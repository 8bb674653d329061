"""安全审计 (GB/T 22239-2019 8.1.4.3): the one function that writes the security log.

Every security-relevant act — logins and their failures, lockouts, password changes and resets,
role and office changes, user creation and deactivation, exports and downloads of data,
imports, backups and restores, month reviews and reopenings — calls `record` with the act, its
object and its result. The time, the user and the address come from the request when there is
one. Rows are only ever added (accounts.models.SecurityEvent).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import SecurityEvent

Action = SecurityEvent.Action
Result = SecurityEvent.Result


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as the server saw it (REMOTE_ADDR; a trusted proxy sets it)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or None
    return address


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    obj: object = "",
    result: str = Result.SUCCESS,
    detail: str = "",
) -> SecurityEvent:
    """Add one row to the security log and return it.

    `user` defaults to the request's authenticated user; `username` names someone who is not
    (yet) signed in, e.g. a failed login. `obj` is said in words (str() of a model instance).
    """
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    return SecurityEvent.objects.create(
        user=user if user is not None and getattr(user, "pk", None) else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        address=client_address(request),
        action=action,
        object=str(obj)[:200],
        result=result,
        detail=detail.replace("\x00", ""),
    )
