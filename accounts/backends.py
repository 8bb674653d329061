"""The login backend: Django's ModelBackend, loading a signed-in person's office with them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The user of a session and their office, in one query (pages ask for the office)."""
        model = get_user_model()
        try:
            user = model._default_manager.select_related("office").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
