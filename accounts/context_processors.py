from typing import Any

from accounts import permissions


def roles(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_enter_data": permissions.can_enter_data(user),
        "can_read_all": permissions.can_read_all(user),
        "can_review_months": permissions.can_review_months(user),
        "can_open_admin": permissions.can_open_admin(user),
    }
