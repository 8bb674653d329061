"""Notifications and their deliveries in the admin: read-only, for admins only (to see what
was sent to whom, and which channel failed with what error)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.http import user_of
from inbox.models import Delivery, Notification


class ReadOnlyForAdmins(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_read_notification_log(user_of(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_read_notification_log(user_of(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["channel", "target", "sent_at", "ok", "error"]
    readonly_fields = fields  # type: ignore[assignment]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyForAdmins):
    list_display = ["title", "user", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body", "key", "user__username", "user__display_name"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyForAdmins):
    list_display = ["notification", "recipient", "channel", "target", "sent_at", "ok", "error"]
    list_filter = ["channel", "ok"]
    search_fields = ["target", "error", "notification__title"]
    list_select_related = ["notification__user"]

    @admin.display(description=_("接收人"))
    def recipient(self, obj: Delivery) -> str:
        return str(obj.notification.user)
