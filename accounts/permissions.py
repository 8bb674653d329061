"""Who may see and change what, in one place.

Views and admin classes ask these functions; they never test roles themselves. Objects of
another office are filtered out of querysets, so reaching one by URL answers 404 rather than a
403 that would confirm it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import Office, User


def can_read_all(user: User) -> bool:
    """Leaders and admins read every office's data."""
    return user.is_active and (user.is_admin or user.is_leader)


def can_enter_data(user: User) -> bool:
    """Clerks (for their own office) and admins (for any office) enter figures and progress."""
    return user.is_active and (user.is_admin or (user.is_clerk and user.office_id is not None))


def readable_offices(user: User) -> QuerySet[Office]:
    from accounts.models import Office

    if can_read_all(user):
        return Office.objects.all()
    if user.is_active and user.office_id is not None:
        return Office.objects.filter(pk=user.office_id)
    return Office.objects.none()


def writable_offices(user: User) -> QuerySet[Office]:
    from accounts.models import Office

    if not user.is_active:
        return Office.objects.none()
    if user.is_admin:
        return Office.objects.all()
    if user.is_clerk and user.office_id is not None:
        return Office.objects.filter(pk=user.office_id)
    return Office.objects.none()


def scope_to_offices(queryset: QuerySet, user: User, office_field: str = "office") -> QuerySet:
    """Rows of `queryset` the user may read, by the office each row belongs to."""
    if can_read_all(user):
        return queryset
    if user.is_active and user.office_id is not None:
        return queryset.filter(**{f"{office_field}_id": user.office_id})
    return queryset.none()


def can_write_office(user: User, office: Office | int | None) -> bool:
    if office is None:
        return False
    office_id = office if isinstance(office, int) else office.pk
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    return user.is_clerk and user.office_id == office_id


def role_required(test: Callable[[User], bool]) -> Callable:
    """Decorator for function views: 403 unless `test(request.user)` holds."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class OfficeScopedAdmin(admin.ModelAdmin):
    """Admin mixin: rows of other offices are invisible (404); writes need the office's right."""

    office_field = "office"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_to_offices(super().get_queryset(request), request.user, self.office_field)

    def office_of(self, obj: Any) -> Any:
        for part in self.office_field.split("__"):
            obj = getattr(obj, part)
        return obj

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_write_office(request.user, self.office_of(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_write_office(request.user, self.office_of(obj))
