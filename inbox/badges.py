"""The top bar's counts: to-do items and unread notifications, for every page.

A page pays one query for them: the data stamp (dashboard.stamp, changed by every committed
write to the indicators, plans and accounts), the person's unread notifications and, for an
admin, the accounts locked out now, read together. The to-do count itself is kept in the
cache per person, data stamp and day, so it is recounted (inbox.selectors.todo_items, a fixed
number of queries) only after the data changed, on a new day, or in a request that has
uncommitted writes of its own. Lockouts are not part of the stamp and are counted live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts import permissions
from dashboard import stamp
from dashboard.models import DataStamp
from inbox.models import Notification
from inbox.selectors import TodoItem, TodoKind, todo_items
from indicators import periods

REQUEST_ATTR = "_inbox_badges"
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Badges:
    todo: int
    unread: int


def _read(user: Any) -> tuple[str, int, int]:
    """(data stamp, unread notifications, accounts locked out now): one query."""
    from axes.models import AccessAttempt

    quote = connection.ops.quote_name
    parts = [
        f"SELECT token FROM {quote(DataStamp._meta.db_table)} WHERE id = %s",
        f"SELECT COUNT(*) FROM {quote(Notification._meta.db_table)} "
        "WHERE user_id = %s AND read_at IS NULL",
    ]
    params: list[Any] = [stamp.STAMP_ID, user.pk]
    if permissions.can_manage_lockouts(user):
        parts.append(
            f"SELECT COUNT(*) FROM {quote(AccessAttempt._meta.db_table)} "
            "WHERE failures_since_start >= %s AND attempt_time >= %s"
        )
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        params += [settings.AXES_FAILURE_LIMIT, connection.ops.adapt_datetimefield_value(since)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"({part})" for part in parts), params)
        row = cursor.fetchone()
    return row[0] or "", int(row[1]), int(row[2]) if len(row) > 2 else 0


def _cache_key(user: Any, token: str, today: date) -> str:
    return f"inbox:todo:{user.pk}:{token}:{today.isoformat()}"


def _without_lockouts(items: list[TodoItem]) -> int:
    return sum(item.kind != TodoKind.LOCKOUT for item in items)


def for_request(request: Any) -> Badges:
    """The badges of this request's person, counted once per request."""
    cached = getattr(request, REQUEST_ATTR, None)
    if cached is not None:
        return cached
    user = request.user
    token, unread, lockouts = _read(user)
    key = _cache_key(user, token, periods.today())
    todo = None if stamp.pending() else cache.get(key)
    if todo is None:
        todo = _without_lockouts(todo_items(user))
        if not stamp.pending():
            cache.set(key, todo, CACHE_SECONDS)
    badges = Badges(todo=todo + lockouts, unread=unread)
    setattr(request, REQUEST_ATTR, badges)
    return badges


def remember(request: Any, items: list[TodoItem]) -> None:
    """A page that listed the items already: its count fills the cache, and the badge of this
    very page is that count (no recount)."""
    user = request.user
    token, unread, _lockouts = _read(user)
    todo = _without_lockouts(items)
    if not stamp.pending():
        cache.set(_cache_key(user, token, periods.today()), todo, CACHE_SECONDS)
    lockouts = len(items) - todo
    setattr(request, REQUEST_ATTR, Badges(todo=todo + lockouts, unread=unread))
