"""django-axes under a Chinese name in the admin.

Kept apart from accounts/apps.py: a module with two AppConfig classes would leave the accounts
app without its own (Django then picks neither), and with it the role permission sync."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """axes ships no zh-hans translation; its strings are translated in the project's locale/."""

    verbose_name = _("登录安全")
