"""The 待办 (n) and 通知 (n) badges of the top bar."""

from __future__ import annotations

from typing import Any

from django.utils.functional import SimpleLazyObject

from inbox import badges as badge_counts


def badges(request: Any) -> dict[str, Any]:
    """Counted only when a page shows them (lazily), at most once per request; see
    inbox.badges for what that costs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_badges": SimpleLazyObject(lambda: badge_counts.for_request(request))}
