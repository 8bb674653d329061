from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """待办与通知: each person's to-do list, their notifications and the daily reminders.

    It sits above the other apps and reads them; nothing but the project's wiring imports it."""

    name = "inbox"
    verbose_name = _("待办与通知")
