"""Built dashboard pages, kept per data stamp, day, reading scope and query.

A page is the same for everyone who may read the same offices, so it is built once and then
served from the cache until the data, the day or the query changes. Only the part of the page
without per-user content (name, CSRF token) is kept."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation

from accounts import permissions
from dashboard import stamp
from indicators import periods


def scope(user) -> str:  # type: ignore[no-untyped-def]
    """Who reads what: everyone, one office, or nothing."""
    if permissions.can_read_all(user):
        return "all"
    if user.is_active and user.office_id is not None:
        return f"office-{user.office_id}"
    return "none"


def key(request: HttpRequest, view: str) -> str | None:
    """The cache key of this request's page, or None when the cache must not be used."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0 or stamp.pending():
        return None
    query = sorted((name, values) for name, values in request.GET.lists())
    digest = hashlib.sha256(repr(query).encode()).hexdigest()[:32]
    return ":".join(
        (
            "dashboard",
            view,
            stamp.current(),
            periods.today().isoformat(),
            scope(request.user),
            translation.get_language() or "",
            digest,
        )
    )


def get_or_build(request: HttpRequest, view: str, build: Callable[[], tuple]) -> tuple:
    cache_key = key(request, view)
    if cache_key is not None:
        page = cache.get(cache_key)
        if page is not None:
            return page
    page = build()
    if cache_key is not None and not stamp.pending():
        cache.set(cache_key, page, settings.DASHBOARD_CACHE_SECONDS)
    return page
