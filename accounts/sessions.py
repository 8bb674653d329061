"""Sessions: one active session per account (SINGLE_SESSION), and the 安全管理员's view of who is
signed in, with a way to end their sessions.

Sessions live in the database, read through the cache where it is shared (settings.
SESSION_ENGINE: cached_db); a session's owner is only inside its signed data, so the few
unexpired sessions are decoded to find a person's. The login address and time are kept in the
session itself, for the 在线会话 page, and so are the person's roles (with_session_roles).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Action, client_address, record
from accounts.models import User

LOGIN_ADDRESS_KEY = "_login_address"
LOGIN_AT_KEY = "_login_at"
LAST_SEEN_KEY = "_last_seen"  # written by xiage.middleware.touch_session
# The person's roles as last read, and the touch (LAST_SEEN_KEY) they were read at.
ROLES_KEY = "_roles"


def _decode(session: Session) -> dict[str, Any]:
    # decode() answers {} for data it cannot read: such a session belongs to no one.
    return import_module(settings.SESSION_ENGINE).SessionStore().decode(session.session_data)


def _live_sessions() -> list[tuple[Session, dict[str, Any]]]:
    return [
        (session, _decode(session))
        for session in Session.objects.filter(expire_date__gt=timezone.now())
    ]


def sessions_of(user_id: int) -> list[Session]:
    """The unexpired sessions signed in as the user."""
    return [s for s, data in _live_sessions() if data.get(SESSION_KEY) == str(user_id)]


def sessions_end(*, user_id: int, keep: str | None = None) -> int:
    """End the user's sessions but `keep` (a session key); return how many ended."""
    keys = [s.session_key for s in sessions_of(user_id) if s.session_key != keep]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store().delete(key)  # the database row and, with a cached engine, the cached copy
    return len(keys)


def with_session_roles(request: HttpRequest, user: Any) -> Any:
    """`user` with its role names from the session (accounts.middleware.SessionRolesMiddleware):
    kept there since the session's last touch, else read now (one query) and kept."""
    if not user.is_authenticated or not hasattr(request, "session"):
        return user
    session = request.session
    seen = session.get(LAST_SEEN_KEY)
    kept = session.get(ROLES_KEY)
    if isinstance(kept, dict) and kept.get("at") == seen and isinstance(kept.get("names"), list):
        # Fills User.role_names (a cached_property), through any lazy wrapper of the user.
        user.role_names = frozenset(kept["names"])
    else:
        session[ROLES_KEY] = {"at": seen, "names": sorted(user.role_names)}
    return user


def forget_roles(user_ids: Any) -> None:
    """After a change of these people's groups (None: anyone's): their sessions read their
    roles again."""
    wanted = None if user_ids is None else {str(pk) for pk in user_ids}
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session, data in _live_sessions():
        if ROLES_KEY in data and (wanted is None or data.get(SESSION_KEY) in wanted):
            kept = store(session_key=session.session_key)
            kept.pop(ROLES_KEY, None)
            kept.save()


def on_groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    """m2m_changed of User.groups, from either side."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        forget_roles([instance.pk])
    else:  # a group's members: those added or removed, or everyone when it was emptied
        forget_roles(pk_set if action != "post_clear" else None)


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """user_logged_in: note where and when the session began, and with SINGLE_SESSION end the
    person's other sessions (logged as 会话终止)."""
    if request is None or not hasattr(request, "session"):
        return
    address = client_address(request)
    request.session[LOGIN_ADDRESS_KEY] = address or ""
    request.session[LOGIN_AT_KEY] = int(timezone.now().timestamp())
    # The roles as of the login (the session is saved now anyway), kept until the next touch.
    request.session[ROLES_KEY] = {
        "at": request.session.get(LAST_SEEN_KEY),
        "names": sorted(user.role_names),
    }
    if not getattr(settings, "SINGLE_SESSION", True):
        return
    ended = sessions_end(user_id=user.pk, keep=request.session.session_key)
    if ended:
        record(
            Action.SESSION_END,
            request=request,
            user=user,
            obj=user,
            detail=_("同一账号在%(address)s重新登录，此前的%(count)d个会话已结束。")
            % {"address": address or _("未知地址"), "count": ended},
        )


@dataclass(frozen=True)
class SignedIn:
    """One person signed in: their sessions, where and when the latest began, last activity."""

    user: User
    sessions: int
    login_address: str
    login_at: datetime | None
    last_seen: datetime | None
    expires: datetime


def _from_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, int | float) or value <= 0:
        return None
    return datetime.fromtimestamp(value, tz=timezone.get_current_timezone())


def signed_in() -> list[SignedIn]:
    """Everyone with an unexpired session, most recently active first (no session keys: whoever
    reads them could sign in as their owner)."""
    by_user: dict[int, list[tuple[Session, dict[str, Any]]]] = {}
    for session, data in _live_sessions():
        user_id = data.get(SESSION_KEY)
        if isinstance(user_id, str) and user_id.isdigit():
            by_user.setdefault(int(user_id), []).append((session, data))
    users = User.objects.select_related("office").in_bulk(list(by_user))
    people = []
    for user_id, sessions in by_user.items():
        user = users.get(user_id)
        if user is None:
            continue
        latest = max(sessions, key=lambda pair: pair[1].get(LOGIN_AT_KEY, 0))[1]
        seen = max((data.get(LAST_SEEN_KEY, 0) for _s, data in sessions), default=0)
        people.append(
            SignedIn(
                user=user,
                sessions=len(sessions),
                login_address=latest.get(LOGIN_ADDRESS_KEY) or "",
                login_at=_from_timestamp(latest.get(LOGIN_AT_KEY)),
                last_seen=_from_timestamp(seen),
                expires=max(session.expire_date for session, _d in sessions),
            )
        )
    people.sort(key=lambda p: p.last_seen or p.login_at or p.expires, reverse=True)
    return people
